"""The alignment index: how similar two actors' narratives, key terms and distinctive phrases are, period by period.

For each pair of actors and each period, three measures (named, so a report can say which produced a number):

* ``narratives_jsd``  1 - Jensen–Shannon divergence of the two actors' narrative distributions (share of the
  actor's narrative hits that go to each narrative; a document counts once per narrative);
* ``terms_cosine``    cosine of keyness-weighted key-term vectors (signed G2 of each lemma against the background:
  the whole corpus in the window with every actor weighing the same; only over-represented lemmas carry weight).
  Members of a term family (data/term_families.yaml: sovereignty, суверенитет, 主权) count as one concept, so
  actors writing in different languages can share terms; other lemmas only match within a language;
* ``phrases_shared``  Jaccard share of distinctive phrases (lemma 2–3-grams an actor uses at least twice and more
  often than the background does) that both actors use.

Each value comes with a bootstrap confidence interval (documents resampled with replacement within each actor;
the percentile interval is moved by the bootstrap's median bias so it sits around the observed value, since
resampling biases these measures: a document drawn twice makes a rare phrase look used twice, and noise lowers a
cosine), clipped to [0, 1], and a
permutation baseline: the two actors' documents pooled and their labels shuffled, which gives the similarity two
indistinguishable sources of the same sizes would reach. ``baseline`` is the mean of that null, ``relative`` is
value / baseline (1 = as aligned as one source split in two), and ``p_distinct`` is the share of shuffles at or
below the observed value (small = the two actors really are different).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Callable

import numpy as np

from lockstep.align import stats
from lockstep.align.features import Features, load_units, narrative_features, text_features
from lockstep.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

ON = ("narratives", "terms", "both")
MEASURES: dict[str, str] = {  # measure -> the feature view it reads
    "narratives_jsd": "narratives",
    "terms_cosine": "terms",
    "phrases_shared": "phrases",
}
RESULT_COLUMNS = ["period", "actor_a", "actor_b", "measure", "value", "ci_low", "ci_high", "baseline",
                  "baseline_high", "relative", "p_distinct", "n_a", "n_b"]


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
    seed: int = 0

    def measures(self, narratives_available: bool = True) -> list[str]:
        if self.on not in ON:
            raise InputError(f"--on {self.on!r}: use one of {', '.join(ON)}")
        wanted = []
        if self.on in ("narratives", "both") and (narratives_available or self.on == "narratives"):
            wanted.append("narratives_jsd")
        if self.on in ("terms", "both"):
            wanted += ["terms_cosine", "phrases_shared"]
        return wanted


@dataclass(slots=True)
class Profiles:
    """Units of the whole window (the background) and their feature views, built once per run."""

    units: "pd.DataFrame"
    views: dict[str, Features] = field(default_factory=dict)
    background: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, name: str, features: Features) -> None:
        self.views[name] = features
        self.background[name] = balanced_background(features.matrix, self.units["actor"].to_numpy())


def balanced_background(matrix, actors: np.ndarray) -> np.ndarray:
    """Background counts in which every actor weighs the same: the mean of the actors' relative frequencies,
    scaled to the window's total. A prolific outlet thus does not define what is ordinary."""
    total = float(matrix.sum())
    shares = []
    for actor in np.unique(actors):
        counts = np.asarray(matrix[actors == actor].sum(axis=0)).ravel()
        if counts.sum() > 0:
            shares.append(counts / counts.sum())
    if not shares:
        return np.zeros(matrix.shape[1])
    return np.mean(shares, axis=0) * total


def build_profiles(corpus: "Corpus", options: AlignOptions, measures: list[str]) -> Profiles:
    """Load the window's documents (every actor: they are the background) and count what the measures need."""
    from lockstep.store.corpus import DocumentFilter

    units = load_units(corpus, DocumentFilter(since=options.since, until=options.until, language=options.language),
                       period=options.period)
    profiles = Profiles(units)
    if {"terms_cosine", "phrases_shared"} & set(measures):
        terms, phrases = text_features(units, corpus=corpus, families=options.families)
        profiles.add("terms", terms)
        profiles.add("phrases", phrases)
    if "narratives_jsd" in measures:
        profiles.add("narratives", narrative_features(corpus, units, options.narrative_level))
    return profiles


def alignment(corpus: "Corpus", options: AlignOptions | None = None,
              profiles: Profiles | None = None) -> "pd.DataFrame":
    """One row per period, pair of actors and measure: value, CI, permutation baseline, p_distinct, sizes."""
    import pandas as pd

    from lockstep.align.sources import has_narratives

    options = options or AlignOptions()
    measures = options.measures(has_narratives(corpus))
    profiles = profiles or build_profiles(corpus, options, measures)
    actors = chosen_actors(profiles.units, options)
    rng = np.random.default_rng(options.seed)
    rows = []
    for period, group in profiles.units.groupby("period", sort=True):
        members = {a: group.index[group["actor"] == a].to_numpy() for a in actors}
        for a, b in combinations(actors, 2):
            if min(len(members[a]), len(members[b])) < options.min_units:
                continue
            for measure in measures:
                scored = score_pair(profiles, measure, members[a], members[b], options, rng)
                rows.append({"period": period, "actor_a": a, "actor_b": b, "measure": measure, **scored,
                             "n_a": len(members[a]), "n_b": len(members[b])})
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


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


def score_pair(profiles: Profiles, measure: str, rows_a: np.ndarray, rows_b: np.ndarray, options: AlignOptions,
               rng: np.random.Generator) -> dict[str, float]:
    view = MEASURES[measure]
    matrix = profiles.views[view].matrix
    xa, xb = matrix[rows_a], matrix[rows_b]
    cols = np.union1d(xa.indices, xb.indices)
    xa, xb = xa[:, cols], xb[:, cols]
    background = profiles.background[view][cols]
    total = float(profiles.background[view].sum())
    score = measure_function(measure, background, total, options)
    observed = float(score(counts(xa), counts(xb))[0]) if len(cols) else float("nan")
    boot = score(weighted(xa, stats.bootstrap_rows(rng, xa.shape[0], options.n_boot)),
                 weighted(xb, stats.bootstrap_rows(rng, xb.shape[0], options.n_boot))) if len(cols) else np.array([])
    null = permuted(score, xa, xb, rng, options.n_perm) if len(cols) else np.array([])
    low, high = stats.shifted_ci(observed, boot, options.level)
    baseline = float(np.nanmean(null)) if len(null) and not np.isnan(null).all() else float("nan")
    _, baseline_high = stats.percentile_ci(null, options.level)
    return {"value": observed, "ci_low": low, "ci_high": high, "baseline": baseline,
            "baseline_high": baseline_high,
            "relative": observed / baseline if baseline and not np.isnan(baseline) else float("nan"),
            "p_distinct": stats.share_at_most(observed, null)}


def measure_function(measure: str, background: np.ndarray, total: float,
                     options: AlignOptions) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    if measure == "narratives_jsd":
        return stats.jsd_similarity
    if measure == "terms_cosine":
        return lambda a, b: stats.cosine(stats.key_weights(a, background, total),
                                         stats.key_weights(b, background, total))
    if measure == "phrases_shared":
        return lambda a, b: stats.shared_share(
            stats.distinctive(a, background, total, min_count=options.min_count),
            stats.distinctive(b, background, total, min_count=options.min_count))
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
