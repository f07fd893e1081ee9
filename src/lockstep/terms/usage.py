"""Usage divergence: do actors use a term in the same contexts?

Each actor's *collocate profile* of the term is the vector of logDice scores of its collocates (window or sentence,
as in ``collocation``; scores below 0 and pairs seen fewer than ``min_freq`` times count as 0). For each pair of
actors:

* ``js``     Jensen–Shannon divergence (base 2, 0 = same profile, 1 = nothing shared) between the profiles
             normalised to sum 1;
* ``cosine`` cosine similarity of the profiles (1 = same direction);
* both with a percentile bootstrap confidence interval: the documents containing the term are resampled with
  replacement within each actor (``bootstrap`` times, numpy generator seeded with ``seed``) and the profiles
  recomputed (collocate frequencies f_y held fixed);
* optionally ``embedding_distance``: 1 - cosine between the centroids of the term's sentence embeddings per actor
  (``lockstep.enrich.embeddings``; skipped with a note when that module or its backend is not available).

The result also lists the collocates that most separate each pair (difference of logDice) and, per actor, the
concordance lines whose contexts hold most of that actor's distinctive collocates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from lockstep.enrich import embeddings
from lockstep.errors import InputError, LockstepError
from lockstep.store.corpus import DocumentFilter
import lockstep.terms.stats as stats
from lockstep.terms.collocation import context_sql
from lockstep.terms.concordance import concordance_lines
from lockstep.terms.frequency import lemma_counts_sql
from lockstep.terms.token_index import ensure_index
from lockstep.terms.scope import Scope
from lockstep.terms.spec import Term, resolve
from lockstep.terms.trace import hit_table

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus


@dataclass(slots=True, kw_only=True)
class UsageOptions:
    term: str
    actors: tuple[str, ...]
    by: str = "actor"                # what `actors` name: actor, outlet or language
    filters: DocumentFilter = field(default_factory=DocumentFilter)
    window: int = 5
    sentence: bool = False
    min_freq: int = 2                # a collocate enters a profile when f_xy >= min_freq
    bootstrap: int = 200
    confidence: float = 0.95
    seed: int = 0
    top: int = 10                    # separating collocates per pair and direction
    lines: int = 5                   # concordance lines per actor
    embeddings: bool = False         # also compare centroids of context embeddings (slow; optional module)
    include_stopwords: bool = False
    count_reprints: bool = False
    families_file: str | None = None


@dataclass(slots=True)
class UsageResult:
    scores: pd.DataFrame          # one row per pair of actors
    collocates: pd.DataFrame      # separating collocates per pair
    lines: pd.DataFrame           # concordance lines that carry each actor's distinctive collocates
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Profile:
    """One actor's use of the term: documents x collocates co-occurrence counts and node counts."""

    name: str
    matrix: sparse.csr_matrix      # docs x vocabulary, f_xy per document
    nodes: np.ndarray              # node occurrences per document
    f_y: np.ndarray                # collocate frequency in the actor's documents (vocabulary order)

    def scores(self, weights: np.ndarray | None = None, min_freq: int = 1) -> np.ndarray:
        """logDice profile (clipped at 0, floor applied); rows per weight vector when weights is 2-D."""
        if weights is None:
            f_xy = np.asarray(self.matrix.sum(axis=0)).ravel()
            f_x = self.nodes.sum()
        else:
            f_xy = np.asarray((self.matrix.T @ weights.T).T)
            f_x = weights @ self.nodes
            f_x = f_x[:, None]
        with np.errstate(divide="ignore"):
            values = stats.log_dice(f_xy, f_x, np.broadcast_to(self.f_y, f_xy.shape))
        values = np.where((f_xy >= min_freq) & (values > 0), values, 0.0)
        return values


def usage(corpus: "Corpus", options: UsageOptions) -> UsageResult:
    """Usage divergence of a term between two or more actors, with bootstrap intervals and the evidence."""
    if len(set(options.actors)) < 2:
        raise InputError("give at least two actors to compare (--actors A B)")
    if options.by not in ("actor", "outlet", "language"):
        raise InputError(f"--by must be actor, outlet or language, not {options.by!r}")
    ensure_index(corpus)
    scope = Scope(filters=options.filters, by=(options.by,), count_reprints=options.count_reprints)
    term = resolve(corpus, options.term, families_file=options.families_file, language=options.filters.language)
    with hit_table(corpus, term, scope) as all_hits:
        corpus.con.execute(f"CREATE OR REPLACE TEMP TABLE usage_hits AS SELECT * FROM {all_hits} "
                           f"WHERE {options.by} IN ({', '.join('?' * len(options.actors))})", list(options.actors))
    try:
        context, node_docs, f_y, vocab = collect(corpus, "usage_hits", scope, options)
        profiles = build_profiles(options, context, node_docs, f_y, vocab)
        notes = [f"{name}: the term does not occur" for name in options.actors if name not in profiles]
        if len(profiles) < 2:
            raise InputError(f"{options.term!r} occurs for fewer than two of {', '.join(options.actors)}")
        scores = pair_scores(profiles, options)
        separating = separating_collocates(profiles, vocab, options)
        lines = distinctive_lines(corpus, term, "usage_hits", context, profiles, vocab, options)
        if options.embeddings:
            notes.extend(add_embedding_distance(scores, lines_for_embedding(corpus, term, "usage_hits", options),
                                                options))
    finally:
        corpus.con.execute("DROP TABLE IF EXISTS usage_hits")
    return UsageResult(scores=scores, collocates=separating, lines=lines, notes=notes)


def collect(corpus: "Corpus", hits: str, scope: Scope, options: UsageOptions):
    """Context rows (group, doc_key, node_pos, lemma_id), node counts per document, f_y per group and lemma."""
    group = options.by
    con = corpus.con
    context = con.execute(context_sql(hits, options.window, options.sentence, [group])).df()
    node_docs = con.execute(f"SELECT {group} AS grp, doc_key, count(*) AS nodes FROM {hits} GROUP BY ALL "
                         "ORDER BY grp, doc_key").df()  # in a fixed order: the seeded bootstrap resamples by row
    context = context.rename(columns={group: "grp"})
    stop = "" if options.include_stopwords else "AND NOT l.stop"
    vocab = con.execute(f"SELECT lemma_id, lemma, lang FROM term_lemmas l WHERE lemma_id IN "
                        f"(SELECT unnest(?::INTEGER[])) {stop} ORDER BY lemma_id",
                        [sorted(set(context.lemma_id.tolist()))]).df()
    con.register("usage_vocab", vocab[["lemma_id"]])
    try:
        counts, params = lemma_counts_sql(scope, include_stopwords=True, lemmas_from="SELECT lemma_id FROM usage_vocab")
        keep = f"{group} IN ({', '.join('?' * len(options.actors))})"
        f_y = con.execute(f"SELECT {group} AS grp, lemma_id, freq FROM ({counts}) WHERE {keep}",
                          params + list(options.actors)).df()
    finally:
        con.unregister("usage_vocab")
    context = context[context.lemma_id.isin(vocab.lemma_id)]
    return context, node_docs, f_y, vocab.reset_index(drop=True)


def build_profiles(options: UsageOptions, context: pd.DataFrame, node_docs: pd.DataFrame, f_y: pd.DataFrame,
                   vocab: pd.DataFrame) -> dict[str, Profile]:
    column = {lemma: i for i, lemma in enumerate(vocab.lemma_id)}
    profiles = {}
    for name in options.actors:
        docs = node_docs[node_docs.grp == name]
        if docs.empty:
            continue
        row_of = {doc: i for i, doc in enumerate(docs.doc_key)}
        ctx = context[context.grp == name]
        pairs = ctx.groupby(["doc_key", "lemma_id"]).size().reset_index(name="n")
        matrix = sparse.csr_matrix((pairs.n.to_numpy(float), (pairs.doc_key.map(row_of).to_numpy(),
                                                              pairs.lemma_id.map(column).to_numpy())),
                                   shape=(len(docs), len(column)))
        fy = np.zeros(len(column))
        own = f_y[(f_y.grp == name) & f_y.lemma_id.isin(column)]
        fy[own.lemma_id.map(column).to_numpy()] = own.freq.to_numpy(float)
        profiles[name] = Profile(name, matrix, docs.nodes.to_numpy(float), fy)
    return profiles


def pair_scores(profiles: dict[str, Profile], options: UsageOptions) -> pd.DataFrame:
    rng = np.random.default_rng(options.seed)
    point = {name: p.scores(min_freq=options.min_freq) for name, p in profiles.items()}
    boots = {}
    for name, p in profiles.items():
        n = p.matrix.shape[0]
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=options.bootstrap).astype(float)
        boots[name] = p.scores(weights, options.min_freq) if options.bootstrap else None
    tail = (1 - options.confidence) / 2 * 100
    rows = []
    for a, b in combinations(profiles, 2):
        row = {"actor_a": a, "actor_b": b, "hits_a": int(profiles[a].nodes.sum()), "hits_b": int(profiles[b].nodes.sum()),
               "docs_a": profiles[a].matrix.shape[0], "docs_b": profiles[b].matrix.shape[0],
               "collocates_a": int((point[a] > 0).sum()), "collocates_b": int((point[b] > 0).sum()),
               "shared_collocates": int(((point[a] > 0) & (point[b] > 0)).sum()),
               "js": float(stats.jensen_shannon(point[a], point[b])),
               "cosine": float(stats.cosine_similarity(point[a], point[b]))}
        if options.bootstrap:
            js = stats.jensen_shannon(boots[a], boots[b])
            cos = stats.cosine_similarity(boots[a], boots[b])
            row.update(js_low=np.percentile(js, tail), js_high=np.percentile(js, 100 - tail),
                       cosine_low=np.percentile(cos, tail), cosine_high=np.percentile(cos, 100 - tail))
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs.update(bootstrap=options.bootstrap, seed=options.seed, confidence=options.confidence)
    return frame


def separating_collocates(profiles: dict[str, Profile], vocab: pd.DataFrame, options: UsageOptions) -> pd.DataFrame:
    point = {name: p.scores(min_freq=options.min_freq) for name, p in profiles.items()}
    counts = {name: np.asarray(p.matrix.sum(axis=0)).ravel() for name, p in profiles.items()}
    parts = []
    for a, b in combinations(profiles, 2):
        diff = point[a] - point[b]
        for side, order in ((a, np.argsort(-diff)), (b, np.argsort(diff))):
            chosen = [i for i in order[: options.top] if diff[i] != 0]
            parts.append(pd.DataFrame({
                "actor_a": a, "actor_b": b, "favoured_by": side, "collocate": vocab.lemma.to_numpy()[chosen],
                "lang": vocab.lang.to_numpy()[chosen], "logdice_a": point[a][chosen], "logdice_b": point[b][chosen],
                "difference": diff[chosen], "f_xy_a": counts[a][chosen].astype(int), "f_xy_b": counts[b][chosen].astype(int)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def distinctive_lines(corpus: "Corpus", term: Term, hits: str, context: pd.DataFrame,
                      profiles: dict[str, Profile], vocab: pd.DataFrame, options: UsageOptions) -> pd.DataFrame:
    """Per actor, the occurrences whose contexts carry the most of its distinctive collocates."""
    if options.lines < 1:
        return pd.DataFrame()
    point = {name: p.scores(min_freq=options.min_freq) for name, p in profiles.items()}
    column = {lemma: i for i, lemma in enumerate(vocab.lemma_id)}
    chosen = []
    for name in profiles:
        others = np.mean([point[o] for o in profiles if o != name], axis=0)
        weight = np.maximum(point[name] - others, 0)
        ctx = context[context.grp == name]
        if ctx.empty:
            continue
        ctx = ctx.assign(w=weight[ctx.lemma_id.map(column).to_numpy()])
        best = ctx.groupby(["doc_key", "node_pos"], as_index=False).w.sum()
        best = best.sort_values(["w", "doc_key", "node_pos"], ascending=[False, True, True]).head(options.lines)
        chosen.append(best.assign(grp=name))
    if not chosen:
        return pd.DataFrame()
    picked = pd.concat(chosen, ignore_index=True)
    rows = hit_rows(corpus, hits, picked)
    lines = concordance_lines(corpus, term, rows, window=options.window, sentence=options.sentence)
    lines.insert(0, "distinctive_weight", rows["w"].to_numpy())
    lines.insert(0, "for", rows["grp"].to_numpy())
    return lines


def hit_rows(corpus: "Corpus", hits: str, picked: pd.DataFrame) -> pd.DataFrame:
    corpus.con.register("usage_picked", picked[["doc_key", "node_pos", "w", "grp"]])
    try:
        return corpus.con.execute(f"""
            SELECT h.doc_key, h.pos, h.last_pos, h.member, h.doc_id, h.actor, h.outlet, h.language,
                   h.published_at, h.para, h.sent, h.start_char, h.end_char, p.w, p.grp
            FROM usage_picked p JOIN {hits} h ON h.doc_key = p.doc_key AND h.pos = p.node_pos
            ORDER BY p.grp, p.w DESC, h.doc_key, h.pos""").df()
    finally:
        corpus.con.unregister("usage_picked")


# ---- optional: embedding centroids ----------------------------------------------------------------------------

MAX_EMBEDDED = 300


def lines_for_embedding(corpus: "Corpus", term: Term, hits: str, options: UsageOptions) -> pd.DataFrame:
    """Up to MAX_EMBEDDED sentences around the term per actor (a seeded random sample)."""
    from lockstep.terms.concordance import KwicOptions, select_hits

    sample = KwicOptions(term=options.term, limit=MAX_EMBEDDED, sort="random", seed=options.seed)
    frames = []
    for name in options.actors:
        corpus.con.execute(f"CREATE OR REPLACE TEMP TABLE usage_sub AS SELECT * FROM {hits} WHERE {options.by} = ?",
                           [name])
        try:
            sub = select_hits(corpus, "usage_sub", sample)
        finally:
            corpus.con.execute("DROP TABLE IF EXISTS usage_sub")
        lines = concordance_lines(corpus, term, sub, window=options.window, sentence=True)
        frames.append(lines.assign(grp=name))
    return pd.concat(frames, ignore_index=True)


def add_embedding_distance(scores: pd.DataFrame, lines: pd.DataFrame, options: UsageOptions) -> list[str]:
    """1 - cosine of the actors' context-embedding centroids, with a bootstrap interval; a note when skipped."""
    try:
        vectors = embeddings.embed_texts((lines.left + " " + lines.match + " " + lines.right).tolist())
    except (ImportError, LockstepError, OSError, RuntimeError) as exc:
        scores["embedding_distance"] = np.nan
        return [f"embedding centroids skipped: {exc}"]
    rng = np.random.default_rng(options.seed)
    groups = {name: vectors[(lines.grp == name).to_numpy()] for name in options.actors}
    groups = {name: v for name, v in groups.items() if len(v)}
    values, lows, highs = [], [], []
    tail = (1 - options.confidence) / 2 * 100
    for a, b in zip(scores.actor_a, scores.actor_b):
        if a not in groups or b not in groups:
            values.append(np.nan), lows.append(np.nan), highs.append(np.nan)
            continue
        va, vb = groups[a], groups[b]
        values.append(float(1 - stats.cosine_similarity(va.mean(0), vb.mean(0))))
        boot = [1 - stats.cosine_similarity(va[rng.integers(0, len(va), len(va))].mean(0),
                                            vb[rng.integers(0, len(vb), len(vb))].mean(0))
                for _ in range(options.bootstrap)]
        lows.append(np.percentile(boot, tail) if boot else np.nan)
        highs.append(np.percentile(boot, 100 - tail) if boot else np.nan)
    scores["embedding_distance"], scores["embedding_low"], scores["embedding_high"] = values, lows, highs
    return [f"embedding centroids from up to {MAX_EMBEDDED} sentences per actor"]
