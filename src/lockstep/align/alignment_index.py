"""The alignment index: how similar two actors' narratives, key terms and distinctive phrases are, period by period.

For each pair of actors (a, b) and each period, three measures on a 0–1 scale (named, so a report can say which
produced a number). Each is weighed against the pair's *reference*: every other actor in the window, each weighing
the same (the mean of their relative frequencies). The reference never contains a or b, so what the two share is
not cancelled out by the comparison itself (a pooled background containing both removes exactly their shared terms):

* ``narratives_mix``  1 - JSD(p_a, p_b), base 2, of the two actors' narrative mixes over the documents that carry a
  narrative (p_x = the share of x's narrative hits in each narrative). 1 = the same mix, 0 = no narrative in
  common. ``coverage_a`` / ``coverage_b`` say which share of each actor's documents carries one; an actor with
  fewer than `min_units` such documents in the period has no mix (NaN, with a note);
* ``narratives_jsd``  the same over all documents, a document with no narrative hit counting in '(no narrative)',
  so the measure is defined for every pair with documents. On short texts most documents carry no narrative, and
  this share dominates: every pair reads near 1 (0.93–0.99 on the 2022 headline sets, the BBC control included);
* ``terms_cosine``    cos(w_a, w_b) with w_x(t) = max(0, log2(p̃_x(t) / p̃_ref(t)) - 1) for lemmas x uses, p̃ the
  frequencies smoothed by 0.5 (see `stats.log_ratio_weights`: a lemma weighs once x uses it at twice the rate). 1 = the same lemmas are distinctive for both, in
  the same proportions; 0 = no lemma distinctive for both. Members of a term family (data/term_families.yaml:
  sovereignty, суверенитет, 主权) and term bridges across languages (`align.bridges`) count as one concept;
* ``phrases_shared``  |D_a ∩ D_b| / |D_a ∪ D_b|, D_x the distinctive phrases of x (lemma 2–3-grams x uses at least
  `min_count` times, over-represented against the reference, signed G2 > 0). 1 = the same distinctive phrases,
  0 = none in common.

Each value comes with a bootstrap confidence interval (documents resampled with replacement within each actor;
the percentile interval is moved by the bootstrap's median bias so it sits around the observed value, since
resampling biases these measures), clipped to [0, 1], and a permutation baseline: the two actors' documents
pooled and their labels shuffled, the similarity two indistinguishable sources of the same sizes reach (one source
split in two). ``relative`` = value / baseline: ≥ 1 = at least as aligned as one source with itself (an outlet
reprinting another lands at or above 1, since the two share more than two halves of one source do), well below 1
= distinguishable actors; ``p_distinct`` = share of shuffles at or below the observed value (small = the two
actors really are different).

``note`` says why a value is not computed (NaN) or how the reference was formed when it is unusual. Every pair of
the chosen actors has a row in every period, so a cell missing from a matrix or a time series says why (an actor
with fewer than `min_units` documents in the period, none, or no narrative).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Callable

import numpy as np

import lockstep.align.measures as stats
from lockstep.align.features import NO_NARRATIVE, Features, load_units, narrative_features, text_features
from lockstep.align.inputs import has_narratives
from lockstep.ui import on_terminal, progress_bar
from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import scipy.sparse as sp

    from lockstep.store.corpus import Corpus

ON = ("narratives", "terms", "both")
MEASURES: dict[str, str] = {  # measure -> the feature view it reads
    "narratives_mix": "narratives",
    "narratives_jsd": "narratives",
    "terms_cosine": "terms",
    "phrases_shared": "phrases",
}
RESULT_COLUMNS = ["period", "actor_a", "actor_b", "measure", "value", "ci_low", "ci_high", "baseline",
                  "baseline_high", "relative", "p_distinct", "n_a", "n_b", "coverage_a", "coverage_b", "note"]


@dataclass(slots=True, kw_only=True)
class AlignOptions:
    """What to align and how carefully."""

    actors: list[str] | None = None   # None: every actor with enough documents
    period: str = "month"             # day | week | month | quarter | year | all
    on: str = "both"                  # narratives | terms | both
    since: str | None = None
    until: str | None = None
    language: str | None = None       # only documents in this language (and the background too)
    n_boot: int = 200
    n_perm: int = 200
    level: float = 0.95
    min_units: int = 10               # documents an actor needs in a period to be compared
    min_count: int = 2                # uses for a phrase to be distinctive
    narrative_level: int | None = 1   # 1 narratives, 2 sub-narratives, None both
    families: bool = True             # term-family members count as their concept, across languages
    bridges: bool = True              # a name or cognate in Latin and Cyrillic is one term (align.bridges)
    meaning_bridges: bool = False     # words that translate each other (embedding neighbours) are one term
    seed: int = 0
    workers: int = 1                  # threads scoring cells (0: up to 2; measured no faster on 2 cores)

    def measures(self, narratives_available: bool = True) -> list[str]:
        if self.on not in ON:
            raise InputError(f"--on {self.on!r}: use one of {', '.join(ON)}")
        wanted = []
        if self.on in ("narratives", "both") and (narratives_available or self.on == "narratives"):
            wanted += ["narratives_mix", "narratives_jsd"]
        if self.on in ("terms", "both"):
            wanted += ["terms_cosine", "phrases_shared"]
        return wanted


@dataclass(slots=True)
class Profiles:
    """Units of the whole window and their feature views, with each actor's relative frequencies, built once per
    run: a pair's reference (every other actor, each weighing the same) is formed from them cell by cell."""

    units: "pd.DataFrame"
    min_reference_units: int = 10
    views: dict[str, Features] = field(default_factory=dict)
    background: dict[str, np.ndarray] = field(default_factory=dict)   # every actor weighing the same
    shares: dict[str, "sp.csr_matrix"] = field(default_factory=dict)  # actor x feature relative frequencies
    totals: dict[str, np.ndarray] = field(default_factory=dict)       # each actor's count total
    actors: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    actor_sizes: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, features: Features) -> None:
        import scipy.sparse as sp

        self.views[name] = features
        self.actors, codes = np.unique(self.units["actor"].to_numpy().astype(str), return_inverse=True)
        n = len(codes)
        indicator = sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(len(self.actors), n))
        sums = (indicator @ features.matrix).tocsr()
        totals = np.asarray(sums.sum(axis=1)).ravel()
        self.totals[name] = totals
        self.shares[name] = (sp.diags(1.0 / np.maximum(totals, 1e-300)) @ sums).tocsr()
        used = totals > 0
        mean = np.asarray(self.shares[name][used].mean(axis=0)).ravel() if used.any() else np.zeros(sums.shape[1])
        self.background[name] = mean * float(totals.sum())

    def sizes(self) -> dict[str, int]:
        """Documents per actor in the window (computed once)."""
        if not self.actor_sizes:
            self.actor_sizes.update(self.units["actor"].value_counts().to_dict())
        return self.actor_sizes

    def reference(self, name: str, exclude: tuple[str, ...], cols: np.ndarray) -> tuple[np.ndarray, float, str]:
        """Counts of every actor but `exclude` (with enough documents), each weighing the same, over `cols`; their
        total over every feature; and a note when no such actor exists (the reference is then empty)."""
        sizes = self.sizes()
        eligible = [i for i, a in enumerate(self.actors) if a not in exclude and self.totals[name][i] > 0
                    and sizes.get(a, 0) >= self.min_reference_units]
        if not eligible:
            return np.zeros(len(cols)), 0.0, "no other actor in the window: weighed against a uniform reference"
        mean = np.asarray(self.shares[name][eligible][:, cols].mean(axis=0)).ravel()
        total = float(self.totals[name][eligible].sum())
        return mean * total, total, ""


def build_profiles(corpus: "Corpus", options: AlignOptions, measures: list[str]) -> Profiles:
    """Load the window's documents (every actor: the others are each pair's reference) and count what the
    measures need."""
    units = load_units(corpus, DocumentFilter(since=options.since, until=options.until, language=options.language),
                       period=options.period)
    profiles = Profiles(units, min_reference_units=options.min_units)
    if {"terms_cosine", "phrases_shared"} & set(measures):
        terms, phrases = text_features(units, corpus=corpus, families=options.families, bridges=options.bridges,
                                       meaning_bridges=options.meaning_bridges)
        profiles.add("terms", terms)
        profiles.add("phrases", phrases)
    if {"narratives_mix", "narratives_jsd"} & set(measures):
        profiles.add("narratives", narrative_features(corpus, units, options.narrative_level))
    return profiles


def alignment(corpus: "Corpus", options: AlignOptions | None = None,
              profiles: Profiles | None = None) -> "pd.DataFrame":
    """One row per period, pair of actors and measure: value, CI, permutation baseline, relative, p_distinct,
    sizes and a note (why a value is not computed, or how its reference was formed)."""
    import pandas as pd


    options = options or AlignOptions()
    measures = options.measures(has_narratives(corpus))
    profiles = profiles or build_profiles(corpus, options, measures)
    actors = chosen_actors(profiles.units, options)
    entries: list[tuple[str, Cell | dict]] = []  # in order: period, pair, measure
    for period, group in profiles.units.groupby("period", sort=True):
        members = {a: group.index[group["actor"] == a].to_numpy() for a in actors}
        for a, b in combinations(actors, 2):
            enough = min(len(members[a]), len(members[b])) >= options.min_units
            entries += [(period, Cell(measure, (a, b), members[a], members[b]) if enough else
                         thin_row(period, a, b, measure, len(members[a]), len(members[b]), options))
                        for measure in measures]
    cells = [entry for _, entry in entries if isinstance(entry, Cell)]
    scores = iter(score_cells(profiles, cells, options))
    rows = [{"period": period, "actor_a": entry.pair[0], "actor_b": entry.pair[1], "measure": entry.measure,
             **next(scores), "n_a": len(entry.rows_a), "n_b": len(entry.rows_b)} if isinstance(entry, Cell) else entry
            for period, entry in entries]
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def thin_row(period: str, a: str, b: str, measure: str, n_a: int, n_b: int, options: AlignOptions) -> dict:
    """The row of a cell not computed because an actor has too few documents in the period, saying so."""
    few = [f"{actor} has {n} document{'s' if n != 1 else ''}" for actor, n in ((a, n_a), (b, n_b))
           if n < options.min_units]
    note = f"{' and '.join(few)} in {period} (fewer than --min-docs {options.min_units})"
    return {"period": period, "actor_a": a, "actor_b": b, "measure": measure, **EMPTY_SCORE, "n_a": n_a, "n_b": n_b,
            "coverage_a": float("nan"), "coverage_b": float("nan"), "note": note}


def score_cells(profiles: Profiles, cells: list[Cell], options: AlignOptions) -> list[dict]:
    """Every cell's scores, in order, on `options.workers` threads (the matrix work releases the GIL). Each cell
    draws from its own generator seeded by (seed, cell number), so results do not depend on the threads."""
    from concurrent.futures import ThreadPoolExecutor

    def one(k: int) -> dict:
        return score_pair(profiles, cells[k], options, np.random.default_rng([options.seed, k]))

    workers = options.workers if options.workers else min(2, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(progress(pool.map(one, range(len(cells))), "alignment cells", total=len(cells)))


def progress(items, label: str, total: int):
    """The items, with a progress bar on a terminal for long runs."""
    with progress_bar(on_terminal(total, 50), total, label=label, unit="cells") as tick:
        for item in items:
            yield item
            tick(1)


def chosen_actors(units: "pd.DataFrame", options: AlignOptions) -> list[str]:
    present = units["actor"].value_counts()
    if not options.actors:
        return sorted(present.index[present >= options.min_units])
    missing = [a for a in options.actors if a not in present.index]
    if missing:
        known = ", ".join(present.index[:20])
        raise InputError(f"no dated documents for actor(s) {', '.join(missing)} in this window (actors: {known})")
    if len(options.actors) < 2:
        raise InputError("alignment needs at least two actors")
    return list(dict.fromkeys(options.actors))


# ---- one cell ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Cell:
    """One cell of the index: a measure, a pair and the rows of each actor in the period."""

    measure: str
    pair: tuple[str, str]
    rows_a: np.ndarray
    rows_b: np.ndarray


NOT_COMPUTED = {
    "narratives_mix": "no narrative in either actor's documents of this period",
    "narratives_jsd": "neither actor has a document in this period",
    "terms_cosine": "no lemma is distinctive for either actor against the reference",
    "phrases_shared": "no phrase is distinctive for either actor against the reference",
}


def score_pair(profiles: Profiles, cell: Cell, options: AlignOptions,
               rng: np.random.Generator) -> dict[str, float | str]:
    view = MEASURES[cell.measure]
    matrix = profiles.views[view].matrix
    coverage = narrative_coverage(profiles, cell) if view == "narratives" else {}
    if cell.measure == "narratives_mix":
        cell, few = carrying_rows(profiles, cell, options.min_units)
        if few:
            return {**EMPTY_SCORE, **coverage, "note": few}
    xa, xb = matrix[cell.rows_a], matrix[cell.rows_b]
    cols = pair_columns(cell.measure, xa, xb, options)
    if cell.measure == "narratives_mix":
        cols = cols[profiles.views[view].names[cols] != NO_NARRATIVE]
    reference, total, note = profiles.reference(view, cell.pair, cols)
    score = measure_function(cell.measure, reference, total, options)
    if cell.measure == "phrases_shared" and len(cols):  # the actors' other phrases still count in their sizes
        xa, xb, reference = with_rest(xa, cols), with_rest(xb, cols), np.r_[reference, total - reference.sum()]
        score = measure_function(cell.measure, reference, total, options, rest_column=True)
    else:
        xa, xb = xa[:, cols], xb[:, cols]
    observed = float(score(counts(xa), counts(xb))[0]) if len(cols) else float("nan")
    if np.isnan(observed):
        return {**EMPTY_SCORE, **coverage, "note": NOT_COMPUTED[cell.measure]}
    boot = score(weighted(xa, stats.bootstrap_rows(rng, xa.shape[0], options.n_boot)),
                 weighted(xb, stats.bootstrap_rows(rng, xb.shape[0], options.n_boot)))
    null = permuted(score, xa, xb, rng, options.n_perm)
    low, high = stats.shifted_ci(observed, boot, options.level)
    baseline = float(np.nanmean(null)) if len(null) and not np.isnan(null).all() else float("nan")
    _, baseline_high = stats.percentile_ci(null, options.level)
    return {"value": observed, "ci_low": low, "ci_high": high, "baseline": baseline,
            "baseline_high": baseline_high,
            "relative": observed / baseline if baseline and not np.isnan(baseline) else float("nan"),
            "p_distinct": stats.share_at_most(observed, null), **coverage, "note": note}


def carrying(profiles: Profiles, rows: np.ndarray) -> np.ndarray:
    """The rows (documents) that carry a narrative: a hit in any column but '(no narrative)'."""
    view = profiles.views["narratives"]
    silent = np.flatnonzero(view.names == NO_NARRATIVE)
    part = view.matrix[rows]
    hits = np.asarray(part.sum(axis=1)).ravel()
    if len(silent):
        hits = hits - np.asarray(part[:, silent].sum(axis=1)).ravel()
    return rows[hits > 0]


def narrative_coverage(profiles: Profiles, cell: Cell) -> dict[str, float]:
    """Share of each actor's documents in the cell that carry a narrative."""
    return {"coverage_a": len(carrying(profiles, cell.rows_a)) / max(1, len(cell.rows_a)),
            "coverage_b": len(carrying(profiles, cell.rows_b)) / max(1, len(cell.rows_b))}


def carrying_rows(profiles: Profiles, cell: Cell, min_units: int) -> tuple[Cell, str]:
    """The cell over the documents that carry a narrative, and a note when an actor has fewer than `min_units`."""
    rows_a, rows_b = carrying(profiles, cell.rows_a), carrying(profiles, cell.rows_b)
    few = [f"{actor}: {len(rows)} of {len(total)} documents carry a narrative"
           for actor, rows, total in ((cell.pair[0], rows_a, cell.rows_a), (cell.pair[1], rows_b, cell.rows_b))
           if len(rows) < min_units]
    note = f"{'; '.join(few)} (fewer than {min_units}): no narrative mix" if few else ""
    return Cell(cell.measure, cell.pair, rows_a, rows_b), note


def pair_columns(measure: str, xa, xb, options: AlignOptions) -> np.ndarray:
    """The features the cell is computed on: those either actor uses; for phrases only those the pair uses at
    least `min_count` times together (a phrase used less can be distinctive for neither, in any shuffle)."""
    cols = np.union1d(xa.indices, xb.indices)
    if measure != "phrases_shared" or options.min_count <= 1 or not len(cols):
        return cols
    pooled = np.asarray(xa[:, cols].sum(axis=0)).ravel() + np.asarray(xb[:, cols].sum(axis=0)).ravel()
    return cols[pooled >= options.min_count]


def with_rest(matrix, cols: np.ndarray):
    """The columns `cols` of a unit x feature matrix plus one column with each unit's count of all the others."""
    import scipy.sparse as sp

    kept = matrix[:, cols]
    rest = np.asarray(matrix.sum(axis=1)).ravel() - np.asarray(kept.sum(axis=1)).ravel()
    return sp.hstack([kept, sp.csr_matrix(rest[:, None])]).tocsr()


EMPTY_SCORE = {k: float("nan") for k in ("value", "ci_low", "ci_high", "baseline", "baseline_high", "relative",
                                         "p_distinct")}


def measure_function(measure: str, reference: np.ndarray, total: float, options: AlignOptions,
                     rest_column: bool = False) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The measure as a function of two count matrices (one row per replicate), against a reference given over the
    same columns with its total over every feature. With `rest_column` the last column holds everything else
    (it counts in the sizes, never as a phrase)."""
    keep = slice(None, -1) if rest_column else slice(None)
    if measure in ("narratives_jsd", "narratives_mix"):
        return stats.jsd_similarity
    if measure == "terms_cosine":
        return lambda a, b: stats.cosine(stats.log_ratio_weights(a, reference, total),
                                         stats.log_ratio_weights(b, reference, total))
    if measure == "phrases_shared" and total == 0:  # nobody else: every phrase used often enough is distinctive
        return lambda a, b: stats.shared_share((stats.as_rows(a) >= options.min_count)[:, keep],
                                               (stats.as_rows(b) >= options.min_count)[:, keep])
    if measure == "phrases_shared":
        return lambda a, b: stats.shared_share(
            stats.distinctive(a, reference, total, min_count=options.min_count)[:, keep],
            stats.distinctive(b, reference, total, min_count=options.min_count)[:, keep])
    raise InputError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")


def counts(matrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=0))


def weighted(matrix, weights: np.ndarray) -> np.ndarray:
    """Replicate profiles: (reps, n) unit weights times the (n, features) counts."""
    return np.asarray((matrix.T @ weights.T).T)


def permuted(score: Callable[[np.ndarray, np.ndarray], np.ndarray], xa, xb, rng: np.random.Generator,
             reps: int) -> np.ndarray:
    import scipy.sparse as sp

    pooled = sp.vstack([xa, xb]).tocsr()
    mask = stats.permutation_rows(rng, xa.shape[0], xb.shape[0], reps)
    return score(weighted(pooled, mask), weighted(pooled, 1.0 - mask))


# ---- views of the result -----------------------------------------------------------------------------------------

# What a matrix shows first: the narrative mix relative to its baseline where narratives are tagged, else key terms
# relative to theirs. On the 2022 headline sets (July–August, docs/alignment-demo.md) narratives_jsd read 0.93–0.99
# for every pair, the BBC control included; the narrative mix relative to baseline puts the pairs within a state
# bloc at 0.93–1.01 and the pairs with the BBC at 0.57–0.76 (`make eval`, alignment section 'firstview').
FIRST_VIEW = (("narratives_mix", "relative"), ("terms_cosine", "relative"), ("phrases_shared", "relative"),
              ("narratives_jsd", "value"))
SHOWN = ("relative", "value")


def first_view(result: "pd.DataFrame", min_share: float = 0.0) -> tuple[str, str]:
    """(measure, column) a matrix shows first: the first of FIRST_VIEW with a value for some pair, or, with
    `min_share`, for at least that share of its cells (a time series by month needs a value in most months: the
    narrative mix often has too few documents per month, key terms rarely)."""
    for measure, column in FIRST_VIEW:
        part = result.loc[result["measure"] == measure, column]
        if part.notna().any() and part.notna().mean() >= min_share:
            return measure, column
    present = [m for m in MEASURES if m in set(result["measure"])]
    return (present[0] if present else "terms_cosine"), "value"


def alignment_matrix(result: "pd.DataFrame", measure: str, period: str | None = None,
                     value: str = "value") -> "pd.DataFrame":
    """Actors × actors matrix of one measure in one period (the diagonal is 1)."""
    import pandas as pd

    frame = result[result["measure"] == measure]
    if period is not None:
        frame = frame[frame["period"] == period]
    actors = sorted(set(frame["actor_a"]) | set(frame["actor_b"]))
    matrix = pd.DataFrame(np.nan, index=actors, columns=actors)
    for a, b, v in zip(frame["actor_a"], frame["actor_b"], frame[value]):
        matrix.loc[a, b] = matrix.loc[b, a] = v
    for a in actors:
        matrix.loc[a, a] = 1.0
    matrix.index.name = "actor"
    return matrix


def alignment_series(result: "pd.DataFrame", measure: str) -> "pd.DataFrame":
    """Wide time series: one row per period, one column per pair ("RT ~ CGTN")."""
    frame = result[result["measure"] == measure].copy()
    frame["pair"] = frame["actor_a"] + " ~ " + frame["actor_b"]
    return frame.pivot_table(index="period", columns="pair", values="value", aggfunc="first").reset_index()
