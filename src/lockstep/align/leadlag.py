"""Lead–lag: who used a narrative or a term first, how long the others took, and whose series leads whose.

For one item (a narrative from the tagged hits, or a term given in one or more forms, `*` as a wildcard, e.g.
``denazif*`` ``денацификац*`` ``去纳粹化``):

* ``first_use``: each actor's first document that carries it, and the days from the first actor's first use;
* ``pairs``: the cross-correlation of two actors' daily (or weekly) series — the share of the actor's documents that
  carry the item — at lags -max_lag..max_lag. ``best_lag`` > 0 means actor_a's series moves first and actor_b
  follows that many steps later. A step with fewer than ``min_step_documents`` documents has no share (it is
  missing, not 0 or 1: one article in a quiet week is not a 100 % week), and correlations are taken over the steps
  where both actors have one. Significance is a surrogate test that keeps each series' autocorrelation: actor_b's
  series is cut into blocks of 2 max_lag + 1 steps (after a random circular shift) and the blocks are shuffled,
  which keeps its bursts and rhythm inside a block but breaks its timing against actor_a; ``p_value`` is the
  share of surrogates whose best correlation at any lag reaches the observed one (so the search over lags is part
  of the test), ``p_floor`` the smallest p the draws can give, ``p_adjusted`` the Benjamini–Hochberg correction
  over the item's tested pairs, and a lead (``leader``, ``follower``) is claimed only where ``significant``.
  Shuffling single steps, or shifting a whole series whose actor covers only part of the window, makes unrelated
  news series look related (`make eval`, alignment ``leadnull``: 14–22 % of unrelated real pairs at p < 0.05;
  these blocks: about the nominal 5 %). A pair where either actor has fewer than ``min_mentions`` documents with
  the item is listed with a ``note`` and no correlation: a handful of mentions makes any correlation;
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
from lockstep.store.tables import dated_documents, paragraph_chunks
from lockstep.terms.stats import adjust

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

FREQS = {"day": "D", "week": "W-SUN"}  # weeks from Monday to Sunday (the step is the Monday)
DEFAULT_MAX_LAG = {"day": 14, "week": 4}
MIN_JOINT_STEPS = 10  # steps where both series have a share, at a lag, for its correlation to count
PAIR_COLUMNS = ["actor_a", "actor_b", "mentions_a", "mentions_b", "best_lag", "lag_days", "leader", "follower",
                "correlation", "correlation_lag0", "p_value", "p_floor", "p_adjusted", "significant", "steps", "freq",
                "note"]
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(slots=True, kw_only=True)
class LeadOptions:
    narrative: str | None = None
    terms: list[str] | None = None      # forms of one term (several languages, `*` wildcard)
    actors: list[str] | None = None
    since: str | None = None
    until: str | None = None
    freq: str = "day"                   # day | week
    max_lag: int | None = None          # in steps of `freq`; None: 14 days or 4 weeks
    n_surrogates: int = 1000            # block-shuffled surrogates per pair: p resolves down to 1 / (n + 1)
    min_mentions: int = 10              # documents with the item each actor needs before a lead is tested
    min_step_documents: int = 3         # a step with fewer documents has no share (missing, not 0 or 1)
    alpha: float = 0.05                 # significance level of p_adjusted
    expand: bool = True                 # add the term's family members and its spelling in the other script
    seed: int = 0

    def label(self) -> str:
        return f"narrative {self.narrative}" if self.narrative else "term " + " | ".join(self.terms or [])

    def lag_steps(self) -> int:
        return DEFAULT_MAX_LAG[self.freq] if self.max_lag is None else self.max_lag


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
    series = actor_series(docs, hits, options.freq, options.min_step_documents)
    pairs = lag_pairs(series, first, options)
    return LeadResult(options.label(), first, pairs, series)


def documents(corpus: "Corpus", options: LeadOptions) -> "pd.DataFrame":
    from lockstep.store.corpus import DocumentFilter

    filters = DocumentFilter(actor=options.actors, since=options.since, until=options.until)
    frame = dated_documents(corpus.con, filters, with_text=False)
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
    for chunk in paragraph_chunks(corpus.con):
        for doc_id, _, text in chunk:
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
    for chunk in paragraph_chunks(corpus.con, ordered=True):
        rows.extend((d, i) for d, i, t in chunk if d in ids and pattern.search(t))
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["doc_id", "idx"])
    return frame.drop_duplicates("doc_id")


def narrative_docs(corpus: "Corpus", narrative: str, docs: "pd.DataFrame") -> "pd.DataFrame":
    from lockstep.align.inputs import narrative_hits

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


def actor_series(docs: "pd.DataFrame", hits: "pd.DataFrame", freq: str,
                 min_step_documents: int = 1) -> "pd.DataFrame":
    """Long series per actor and step: documents, documents carrying the item, and their share (NaN where the
    step has fewer than `min_step_documents` documents: no share can be read from them)."""
    import pandas as pd

    frame = docs.assign(hit=docs["doc_id"].isin(set(hits["doc_id"])).astype(int))
    frame["step"] = frame["published_at"].dt.to_period(FREQS[freq]).dt.start_time
    steps = pd.date_range(frame["step"].min(), frame["step"].max(), freq="D" if freq == "day" else "7D")
    grouped = frame.groupby(["actor", "step"]).agg(documents=("doc_id", "size"), mentions=("hit", "sum"))
    full = pd.MultiIndex.from_product([sorted(frame["actor"].unique()), steps], names=["actor", "step"])
    out = grouped.reindex(full, fill_value=0).reset_index()
    enough = out["documents"] >= max(1, min_step_documents)
    out["share"] = np.where(enough, out["mentions"] / out["documents"].clip(lower=1), np.nan)
    return out


def lag_pairs(series: "pd.DataFrame", first: "pd.DataFrame", options: LeadOptions) -> "pd.DataFrame":
    """Every pair of actors that used the item: tested where both reach `min_mentions`, else a note saying why
    not; p_adjusted by Benjamini–Hochberg over the tested pairs, a leader only where significant."""
    import pandas as pd

    mentions = dict(zip(first["actor"], first["mentions"].astype(int)))
    wide = series.pivot(index="step", columns="actor", values="share")
    rng = np.random.default_rng(options.seed)
    step_days = 1 if options.freq == "day" else 7
    rows = []
    for i, a in enumerate(first["actor"]):
        for b in first["actor"].iloc[i + 1 :]:
            row = {"actor_a": a, "actor_b": b, "mentions_a": mentions[a], "mentions_b": mentions[b],
                   "steps": len(wide), "freq": options.freq, "note": ""}
            few = [f"{x} {mentions[x]}" for x in (a, b) if mentions[x] < options.min_mentions]
            if few:
                row["note"] = f"too few mentions ({', '.join(few)} < {options.min_mentions}): no lead tested"
            else:
                test = lag_test(wide[a].to_numpy(), wide[b].to_numpy(), options.lag_steps(),
                                options.n_surrogates, rng)
                row.update(best_lag=test.lag, lag_days=abs(test.lag) * step_days, correlation=test.correlation,
                           correlation_lag0=test.at_zero, p_value=test.p_value, p_floor=test.p_floor,
                           steps=test.steps, note=test.note)
            rows.append(row)
    frame = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    tested = frame["p_value"].notna()
    frame["p_adjusted"] = np.nan
    if tested.any():
        frame.loc[tested, "p_adjusted"] = adjust(frame.loc[tested, "p_value"].to_numpy(float), "bh")
    frame["significant"] = frame["p_adjusted"] < options.alpha
    lead = frame["significant"] & frame["best_lag"].fillna(0).ne(0)
    forward = frame["best_lag"] > 0
    frame["leader"] = np.where(lead, np.where(forward, frame["actor_a"], frame["actor_b"]), None)
    frame["follower"] = np.where(lead, np.where(forward, frame["actor_b"], frame["actor_a"]), None)
    same = frame["significant"] & frame["best_lag"].eq(0)
    frame.loc[same, "note"] = f"same {options.freq}: the series move together, neither leads"
    return frame


# ---- many items at once ----------------------------------------------------------------------------------------

OVERVIEW_COLUMNS = ["item", "first_actor", "first_published", "actors_using", "median_days_to_follow",
                    "max_days_to_follow", "leader", "follower", "lag_days", "correlation", "p_value", "p_adjusted"]


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
    significant = result.pairs[result.pairs["significant"].astype(bool) & result.pairs["leader"].notna()]
    if len(significant):
        best = significant.sort_values(["p_adjusted", "p_value", "correlation"],
                                       ascending=[True, True, False]).iloc[0]
        row.update({k: best[k] for k in ("leader", "follower", "lag_days", "correlation", "p_value", "p_adjusted")})
    return row


def tagged_narratives(corpus: "Corpus", level: int | None = 1) -> list[str]:
    """The narratives with hits, most documents first."""
    from lockstep.align.inputs import narrative_hits

    hits = narrative_hits(corpus, None, level)
    return hits.groupby("narrative")["doc_id"].nunique().sort_values(ascending=False).index.tolist()


def key_terms(corpus: "Corpus", options: LeadOptions, n: int = 20) -> list[str]:
    """Lemmas that are key for at least two of the actors (positive keyness against the balanced background),
    ranked by their summed keyness: the vocabulary worth asking "who said it first" about."""
    from lockstep.align.alignment_index import AlignOptions, build_profiles
    from lockstep.align.measures import key_weights

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


@dataclass(slots=True)
class LagTest:
    """The best lag of two series (positive: x leads y), its correlation, the correlation at lag 0, the surrogate
    p-value and its floor, the steps where both series have a value, and a note when no test was possible."""

    lag: int
    correlation: float
    at_zero: float
    p_value: float
    p_floor: float
    steps: int
    note: str = ""


def lag_test(x: np.ndarray, y: np.ndarray, max_lag: int, n_surrogates: int, rng: np.random.Generator) -> LagTest:
    """Cross-correlation of x[t] with y[t + k], k = -max_lag..max_lag, over the steps where both have a value
    (NaN = missing), and its significance against block-shuffled surrogates of y (`block_surrogates`)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    steps = int((~np.isnan(x) & ~np.isnan(y)).sum())
    nan = float("nan")
    if steps < MIN_JOINT_STEPS + max_lag:
        return LagTest(0, nan, nan, nan, nan, steps, f"only {steps} steps where both have documents: no lead "
                       "tested")
    corr = lagged_correlations(x, y, max_lag)
    if np.isnan(corr).all():
        return LagTest(0, nan, nan, nan, nan, steps, "a series does not vary where both have documents: no lead "
                       "tested")
    j = int(np.nanargmax(corr))
    observed = float(corr[j])
    null = row_max(lagged_correlations(x, block_surrogates(y, 2 * max_lag + 1, n_surrogates, rng), max_lag))
    null = null[~np.isnan(null)]
    if not len(null):
        return LagTest(j - max_lag, observed, float(corr[max_lag]), nan, nan, steps, "no surrogate could be scored")
    p = float((1 + (null >= observed - 1e-12).sum()) / (1 + len(null)))
    return LagTest(j - max_lag, observed, float(corr[max_lag]), p, 1 / (1 + len(null)), steps)


def row_max(values: np.ndarray) -> np.ndarray:
    """The largest value of each row ignoring NaN; NaN for a row with none."""
    values = np.atleast_2d(values)
    if not values.size:
        return np.zeros(values.shape[0])
    best = np.where(np.isnan(values), -np.inf, values).max(axis=1)
    return np.where(np.isinf(best), np.nan, best)


def block_surrogates(y: np.ndarray, block: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, len(y)) surrogates of y: each circularly shifted by a random offset, cut into blocks of `block` steps
    (the last one shorter) and the blocks put in a random order. Inside a block the series keeps its bursts and
    autocorrelation; across blocks its timing is broken. A draw that leaves half the steps or more within `block`
    // 2 steps of where they were (a near-identity order: it would re-create the real alignment at some lag) is
    drawn again. Missing values (NaN) travel with their steps."""
    length = len(y)
    if not n or not length:
        return np.zeros((0, length))
    kept: list[np.ndarray] = []
    for _ in range(20):  # rejections are rare except for very short series
        index = surrogate_index(length, max(1, block), n, rng)
        kept += list(index[~near_identity(index, block // 2)])
        if len(kept) >= n:
            break
    return y[np.asarray(kept[:n], dtype=np.int64).reshape(-1, length)]


def surrogate_index(length: int, block: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, length) positions of y that each surrogate step takes: a random circular shift, then blocks in a random
    order."""
    offsets = rng.integers(0, length, size=n)
    rolled = (np.arange(length)[None, :] - offsets[:, None]) % length  # np.roll(y, o)[i] = y[(i - o) % length]
    blocks = -(-length // block)
    rank = np.argsort(rng.random((n, blocks)), axis=1)  # a random order of the blocks for each surrogate
    key = rank[:, np.arange(length) // block] * length + np.arange(length)[None, :]
    return np.take_along_axis(rolled, np.argsort(key, axis=1), axis=1)


def near_identity(index: np.ndarray, reach: int) -> np.ndarray:
    """Surrogates that keep half their steps or more within `reach` steps (circularly) of their own place."""
    length = index.shape[1]
    moved = (np.arange(length)[None, :] - index + length // 2) % length - length // 2
    return (np.abs(moved) <= reach).mean(axis=1) >= 0.5


def lagged_correlations(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    """Pearson correlation of x[t] with rows of y[t + k] for k = -max_lag..max_lag over the steps where both have a
    value (NaN marks a missing one); y may be (n,) or (m, n). NaN where fewer than MIN_JOINT_STEPS steps overlap or
    a side does not vary."""
    y2 = np.atleast_2d(np.asarray(y, float))
    x = np.asarray(x, float)
    n = len(x)
    mx, my = ~np.isnan(x), ~np.isnan(y2)
    x0, y0 = np.where(mx, x, 0.0), np.where(my, y2, 0.0)
    out = np.full((y2.shape[0], 2 * max_lag + 1), np.nan)
    for j, k in enumerate(range(-max_lag, max_lag + 1)):
        if n - abs(k) < 3:
            continue
        xs, wx = (x0[: n - k], mx[: n - k]) if k >= 0 else (x0[-k:], mx[-k:])
        ys, wy = (y0[:, k:], my[:, k:]) if k >= 0 else (y0[:, : n + k], my[:, : n + k])
        out[:, j] = masked_corr(xs, wx.astype(float), ys, wy.astype(float))
    return out if np.ndim(y) > 1 else out[0]


def masked_corr(x: np.ndarray, wx: np.ndarray, ys: np.ndarray, wy: np.ndarray) -> np.ndarray:
    """Pearson correlation of x with each row of ys over the positions where both are present (x, ys hold 0 where
    missing; wx, wy are the 0/1 presence)."""
    count = wy @ wx
    sx, sy = wy @ x, ys @ wx
    sxx, syy, sxy = wy @ (x * x), (ys * ys) @ wx, ys @ x
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = sxy - sx * sy / count
        vx, vy = sxx - sx * sx / count, syy - sy * sy / count
        r = cov / np.sqrt(vx * vy)
    r[(count < MIN_JOINT_STEPS) | ~(vx > 1e-12) | ~(vy > 1e-12)] = np.nan
    return r


def best_lag(x: np.ndarray, y: np.ndarray, max_lag: int, n_surrogates: int,
             rng: np.random.Generator) -> tuple[int, float, float, float]:
    """(best lag, its correlation, correlation at lag 0, surrogate p-value) of `lag_test`. Positive lag: x leads y."""
    test = lag_test(x, y, max_lag, n_surrogates, rng)
    return test.lag, test.correlation, test.at_zero, test.p_value
