"""Lead–lag: who used a narrative or a term first, how long the others took, and whose series leads whose.

For one item (a narrative from the tagged hits, or a term given in one or more forms, `*` as a wildcard, e.g.
``denazif*`` ``денацификац*`` ``去纳粹化``):

* ``first_use``: each actor's first document that carries it, and the days from the first actor's first use;
* ``pairs``: the cross-correlation of two actors' daily (or weekly) series — the share of the actor's documents that
  carry the item — at lags -max_lag..max_lag. ``best_lag`` > 0 means actor_a's series moves first and actor_b
  follows that many steps later. Significance is a surrogate test: actor_b's series is circularly shifted by a
  random offset (which keeps its own bursts and weekly rhythm but breaks the timing), and ``p_value`` is the share
  of shifts whose best correlation at any lag reaches the observed one;
* ``series``: the per-actor series the correlation was computed on, so a chart can show it.

A term given in one language is expanded (``expand``, on by default): its term-family members in every language
and its spelling in the other script among the window's words (Kramatorsk -> краматорск*, Пелоси -> pelosi*), so
the result's `item` lists every form that was searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lockstep.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

FREQS = {"day": "D", "week": "W-MON"}
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(slots=True, kw_only=True)
class LeadOptions:
    narrative: str | None = None
    terms: list[str] | None = None      # forms of one term (several languages, `*` wildcard)
    actors: list[str] | None = None
    since: str | None = None
    until: str | None = None
    freq: str = "day"                   # day | week
    max_lag: int = 14                   # in steps of `freq`
    n_surrogates: int = 500
    min_mentions: int = 3               # an actor needs this many documents with the item to be in `pairs`
    expand: bool = True                 # add the term's family members and its spelling in the other script
    seed: int = 0

    def label(self) -> str:
        return f"narrative {self.narrative}" if self.narrative else "term " + " | ".join(self.terms or [])


@dataclass(slots=True)
class LeadResult:
    item: str
    first_use: "pd.DataFrame"
    pairs: "pd.DataFrame"
    series: "pd.DataFrame"


def leads(corpus: "Corpus", options: LeadOptions) -> LeadResult:
    """First use, follow-up times and cross-correlation lags of one narrative or term across actors."""
    if bool(options.narrative) == bool(options.terms):
        raise InputError("give either a narrative (--narrative) or a term (--term, repeatable for its forms)")
    if options.freq not in FREQS:
        raise InputError(f"--freq {options.freq!r}: use day or week")
    docs = documents(corpus, options)
    if options.terms and options.expand:
        options = expanded(corpus, options, docs)
    hits = narrative_docs(corpus, options.narrative, docs) if options.narrative else term_docs(corpus, options, docs)
    first = first_use(docs, hits)
    series = actor_series(docs, hits, options.freq)
    pairs = lag_pairs(series, first, options)
    return LeadResult(options.label(), first, pairs, series)


def documents(corpus: "Corpus", options: LeadOptions) -> "pd.DataFrame":
    from lockstep.store.corpus import DocumentFilter

    filters = DocumentFilter(actor=options.actors, since=options.since, until=options.until)
    where, params = filters.where()
    frame = corpus.con.execute(
        "SELECT d.id AS doc_id, d.actor, d.outlet, d.published_at, d.cluster_id FROM documents d "
        f"WHERE {where} AND d.actor IS NOT NULL AND d.published_at IS NOT NULL ORDER BY d.published_at, d.id",
        params).df()
    frame["cluster_id"] = frame["cluster_id"].fillna(frame["doc_id"])
    frame = frame.drop_duplicates(["actor", "cluster_id"]).reset_index(drop=True)
    if frame.empty:
        raise InputError("no dated documents with an actor in this window")
    return frame


def expanded(corpus: "Corpus", options: LeadOptions, docs: "pd.DataFrame") -> LeadOptions:
    """The options with the term's forms expanded across languages: term-family members (all languages) and the
    spelling of each form in the other script found among the window's words (`align.bridges`), so a query given
    in one language finds the others (Kramatorsk -> краматорск*)."""
    from dataclasses import replace

    from lockstep.align.bridges import WORD, expand_forms, family_forms

    forms = list(options.terms or [])
    forms += [f for f in family_forms(forms) if f not in forms]
    ids = set(docs["doc_id"])
    vocabulary: set[str] = set()
    cur = corpus.con.execute("SELECT doc_id, text FROM paragraphs")
    while chunk := cur.fetchmany(50_000):
        for doc_id, text in chunk:
            if doc_id in ids:
                vocabulary.update(w.lower() for w in WORD.findall(text))
    return replace(options, terms=expand_forms(forms, vocabulary))


def term_pattern(forms: list[str]) -> re.Pattern[str]:
    """One regex for the forms of a term: `*` is any word continuation; word boundaries except for Chinese."""
    parts = []
    for form in forms:
        body = r"\w*".join(re.escape(p) for p in form.strip().split("*"))
        body = r"\s+".join(body.split(r"\ "))
        parts.append(body if HAN.search(form) else rf"(?<!\w){body}(?!\w)")
    return re.compile("|".join(parts), re.IGNORECASE)


def term_docs(corpus: "Corpus", options: LeadOptions, docs: "pd.DataFrame") -> "pd.DataFrame":
    """(doc_id, idx) of the first paragraph of each document that uses the term."""
    pattern = term_pattern(options.terms or [])
    ids = set(docs["doc_id"])
    rows = []
    cur = corpus.con.execute("SELECT doc_id, idx, text FROM paragraphs ORDER BY doc_id, idx")
    while chunk := cur.fetchmany(50_000):
        rows.extend((d, i) for d, i, t in chunk if d in ids and pattern.search(t))
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["doc_id", "idx"])
    return frame.drop_duplicates("doc_id")


def narrative_docs(corpus: "Corpus", narrative: str, docs: "pd.DataFrame") -> "pd.DataFrame":
    from lockstep.align.sources import narrative_hits

    hits = narrative_hits(corpus, docs["doc_id"].tolist())
    chosen = hits[(hits["narrative"] == narrative) | hits["narrative"].astype(str).str.startswith(narrative + ".")]
    if chosen.empty:
        known = ", ".join(sorted(hits["narrative"].astype(str).unique())[:15])
        raise InputError(f"narrative {narrative!r} has no hits in this window (tagged: {known})")
    return chosen.sort_values(["doc_id", "idx"]).drop_duplicates("doc_id")[["doc_id", "idx"]]


def first_use(docs: "pd.DataFrame", hits: "pd.DataFrame") -> "pd.DataFrame":
    """Per actor: first document carrying the item, days after the first actor, and how many documents carry it."""
    import pandas as pd

    used = docs.merge(hits, on="doc_id")
    if used.empty:
        return pd.DataFrame(columns=["actor", "first_published", "days_after_first", "mentions", "documents",
                                     "share", "first_doc_id", "first_idx", "first_outlet"])
    firsts = used.sort_values(["published_at", "doc_id"]).groupby("actor", as_index=False).first()
    totals = docs.groupby("actor").size().rename("documents")
    mentions = used.groupby("actor").size().rename("mentions")
    out = firsts.rename(columns={"published_at": "first_published", "doc_id": "first_doc_id", "idx": "first_idx",
                                 "outlet": "first_outlet"})
    out = out.join(mentions, on="actor").join(totals, on="actor")
    start = out["first_published"].min()
    out["days_after_first"] = (out["first_published"] - start).dt.total_seconds() / 86400
    out["share"] = out["mentions"] / out["documents"]
    out = out.sort_values("first_published").reset_index(drop=True)
    return out[["actor", "first_published", "days_after_first", "mentions", "documents", "share", "first_doc_id",
                "first_idx", "first_outlet"]]


def actor_series(docs: "pd.DataFrame", hits: "pd.DataFrame", freq: str) -> "pd.DataFrame":
    """Long series per actor and step: documents, documents carrying the item, and their share."""
    import pandas as pd

    frame = docs.assign(hit=docs["doc_id"].isin(set(hits["doc_id"])).astype(int))
    frame["step"] = frame["published_at"].dt.to_period(FREQS[freq]).dt.start_time
    steps = pd.date_range(frame["step"].min(), frame["step"].max(), freq="D" if freq == "day" else "7D")
    grouped = frame.groupby(["actor", "step"]).agg(documents=("doc_id", "size"), mentions=("hit", "sum"))
    full = pd.MultiIndex.from_product([sorted(frame["actor"].unique()), steps], names=["actor", "step"])
    out = grouped.reindex(full, fill_value=0).reset_index()
    out["share"] = np.where(out["documents"] > 0, out["mentions"] / out["documents"].clip(lower=1), 0.0)
    return out


def lag_pairs(series: "pd.DataFrame", first: "pd.DataFrame", options: LeadOptions) -> "pd.DataFrame":
    import pandas as pd

    active = first.loc[first["mentions"] >= options.min_mentions, "actor"].tolist()
    wide = series.pivot(index="step", columns="actor", values="share")
    rng = np.random.default_rng(options.seed)
    step_days = 1 if options.freq == "day" else 7
    rows = []
    for i, a in enumerate(active):
        for b in active[i + 1 :]:
            lag, corr, at_zero, p = best_lag(wide[a].to_numpy(), wide[b].to_numpy(), options.max_lag,
                                             options.n_surrogates, rng)
            leader, follower = (a, b) if lag > 0 else (b, a) if lag < 0 else (None, None)
            rows.append({"actor_a": a, "actor_b": b, "best_lag": lag, "lag_days": abs(lag) * step_days,
                         "leader": leader, "follower": follower, "correlation": corr, "correlation_lag0": at_zero,
                         "p_value": p, "steps": len(wide), "freq": options.freq})
    columns = ["actor_a", "actor_b", "best_lag", "lag_days", "leader", "follower", "correlation",
               "correlation_lag0", "p_value", "steps", "freq"]
    return pd.DataFrame(rows, columns=columns)


# ---- many items at once ----------------------------------------------------------------------------------------

OVERVIEW_COLUMNS = ["item", "first_actor", "first_published", "actors_using", "median_days_to_follow",
                    "max_days_to_follow", "leader", "follower", "lag_days", "correlation", "p_value"]


def overview(corpus: "Corpus", options: LeadOptions, *, narratives: list[str] | None = None,
             terms: list[str] | None = None) -> "pd.DataFrame":
    """One row per narrative or term: who used it first, how fast the others followed, and the strongest
    significant lead–lag pair (lowest p-value, then highest correlation)."""
    import pandas as pd
    from dataclasses import replace

    rows = []
    items = [(n, replace(options, narrative=n, terms=None)) for n in narratives or []]
    items += [(t, replace(options, narrative=None, terms=term_forms(t))) for t in terms or []]
    for label, item_options in items:
        try:
            result = leads(corpus, item_options)
        except InputError:
            continue
        if len(result.first_use):
            rows.append(summary_row(label, result))
    return pd.DataFrame(rows, columns=OVERVIEW_COLUMNS)


def term_forms(term: str) -> list[str]:
    """The search forms of a term: itself, or for a term family (`@id`) each member in every language, with
    inflected endings open (цветная революция -> цветн* революц*)."""
    if not term.startswith("@"):
        return [term]
    from lockstep.align.officials import ru_stem
    from lockstep.terms.families import load_families

    family = load_families().get(term[1:])
    if family is None:
        raise InputError(f"unknown term family {term!r}")
    forms = []
    for lang, member in family.members:
        if lang == "ru":
            member = " ".join((ru_stem(w) or w) + "*" for w in member.split())
        elif lang != "zh":
            member += "*"
        forms.append(member)
    return forms


def summary_row(label: str, result: LeadResult) -> dict:
    first = result.first_use
    later = first["days_after_first"].iloc[1:] if len(first) > 1 else first["days_after_first"].iloc[:0]
    row = {"item": label, "first_actor": first["actor"].iloc[0] if len(first) else None,
           "first_published": first["first_published"].iloc[0] if len(first) else None,
           "actors_using": len(first), "median_days_to_follow": float(later.median()) if len(later) else None,
           "max_days_to_follow": float(later.max()) if len(later) else None}
    significant = result.pairs[(result.pairs["p_value"] < 0.05) & result.pairs["leader"].notna()]
    if len(significant):
        best = significant.sort_values(["p_value", "correlation"], ascending=[True, False]).iloc[0]
        row.update({k: best[k] for k in ("leader", "follower", "lag_days", "correlation", "p_value")})
    return row


def tagged_narratives(corpus: "Corpus", level: int | None = 1) -> list[str]:
    """The narratives with hits, most documents first."""
    from lockstep.align.sources import narrative_hits

    hits = narrative_hits(corpus, None, level)
    return hits.groupby("narrative")["doc_id"].nunique().sort_values(ascending=False).index.tolist()


def key_terms(corpus: "Corpus", options: LeadOptions, n: int = 20) -> list[str]:
    """Lemmas that are key for at least two of the actors (positive keyness against the balanced background),
    ranked by their summed keyness: the vocabulary worth asking "who said it first" about."""
    from lockstep.align.index import AlignOptions, build_profiles
    from lockstep.align.stats import key_weights

    align = AlignOptions(actors=options.actors, period="all", on="terms", since=options.since, until=options.until)
    profiles = build_profiles(corpus, align, ["terms_cosine"])
    units, view = profiles.units, profiles.views["terms"]
    actors = options.actors or sorted(units["actor"].unique())
    background, total = profiles.background["terms"], float(profiles.background["terms"].sum())
    weights = np.vstack([key_weights(np.asarray(view.matrix[np.flatnonzero(units["actor"] == a)].sum(axis=0)),
                                     background, total)[0] for a in actors])
    shared = (weights > 0).sum(axis=0) >= 2
    score = np.where(shared, weights.sum(axis=0), 0)
    top = np.argsort(-score)[:n]
    return [str(view.names[i]) for i in top if score[i] > 0]


# ---- cross-correlation --------------------------------------------------------------------------------------------


def lagged_correlations(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    """Pearson correlation of x[t] with rows of y[t + k] for k = -max_lag..max_lag; y may be (n,) or (m, n)."""
    y2 = np.atleast_2d(np.asarray(y, float))
    x = np.asarray(x, float)
    n = len(x)
    out = np.full((y2.shape[0], 2 * max_lag + 1), np.nan)
    for j, k in enumerate(range(-max_lag, max_lag + 1)):
        if n - abs(k) < 3:
            continue
        xs = x[: n - k] if k >= 0 else x[-k:]
        ys = y2[:, k:] if k >= 0 else y2[:, : n + k]
        out[:, j] = row_corr(xs, ys)
    return out if np.ndim(y) > 1 else out[0]


def row_corr(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    xc = x - x.mean()
    yc = ys - ys.mean(axis=1, keepdims=True)
    denom = np.sqrt((xc**2).sum()) * np.sqrt((yc**2).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom > 0, (yc @ xc) / denom, np.nan)


def best_lag(x: np.ndarray, y: np.ndarray, max_lag: int, n_surrogates: int,
             rng: np.random.Generator) -> tuple[int, float, float, float]:
    """(best lag, its correlation, correlation at lag 0, surrogate p-value). Positive lag: x leads y."""
    n = len(x)
    max_lag = max(0, min(max_lag, n - 3))
    corr = lagged_correlations(x, y, max_lag)
    if np.isnan(corr).all():
        return 0, float("nan"), float("nan"), float("nan")
    j = int(np.nanargmax(corr))
    observed = float(corr[j])
    # shifts of 2*max_lag+1 .. n-2*max_lag-1 keep shift + any tried lag outside the lag window, so no surrogate
    # re-creates the real alignment through the wrap-around
    low, high = 2 * max_lag + 1, n - 2 * max_lag
    shifts = rng.integers(low, high, size=n_surrogates) if high > low else rng.integers(1, max(2, n), size=n_surrogates)
    surrogates = np.stack([np.roll(y, int(s)) for s in shifts]) if n_surrogates else np.zeros((0, n))
    null = np.nanmax(lagged_correlations(x, surrogates, max_lag), axis=1) if n_surrogates else np.array([])
    p = float((1 + (null >= observed - 1e-12).sum()) / (1 + len(null))) if len(null) else float("nan")
    return j - max_lag, observed, float(corr[max_lag]), p
