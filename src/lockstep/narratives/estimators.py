"""Prevalence estimators that correct a detector's share with a random sample of reviewed documents.

Pure arithmetic over counts; `corrected.py` reads the counts from a store, `eval/prevalence.py` from labelled data.

A reported group (an actor in a month, say) is made of *cells*: its part of each sampling stratum (actor x language
[x period]). In a cell of N units the detector flags F; n units, drawn at random, were reviewed. With y the
reviewers' label and f the detector's on a reviewed unit (1 = carries the narrative), e = y - f:

    difference estimator (PPI)   share = (sum over cells of F + N * mean_e) / sum of N
    variance                     sum over cells of N^2 (1 - n/N) var_e / n, divided by (sum of N)^2
    interval                     share +- z * sqrt(variance), clipped to [0, 1]

This is the difference estimator of survey sampling (Sarndal, Swensson & Wretman 1992, ch. 6.3) with a stratified
simple random sample, and prediction-powered inference's estimator of a mean (Angelopoulos et al., Science 2023)
with a finite-population correction: the detector's share over every document plus the mean of what review found
it got wrong. It stays unbiased however weak the detector: a bad detector only widens the interval.

var_e: e takes the values -1 (false alarm), 0, 1 (miss). With a misses and b false alarms among n reviews, the
sample variance is 0 whenever the reviews found no error, which gives an interval of zero width that a few dozen
reviews cannot justify. `variance="agresti-min"` (the default) adds half an observation to each cell of the
2 x 2 table of (review, detector) before computing it (Agresti & Min 2005, "Simple improved confidence intervals
for comparing matched proportions", Statistics in Medicine 24:729), which keeps the interval honest at small n;
`"plain"` is the textbook sample variance. `eval/prevalence.py` measures the coverage of both.

Two estimators for comparison (the evaluation measures them; the CLI reports the difference estimator):
- adjusted classify-and-count (Forman 2008): (raw - fpr) / (tpr - fpr), tpr and fpr from the reviews;
- reviews only: the reviewed share itself, ignoring the detector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Iterable

VARIANCES = ("agresti-min", "plain")


@dataclass(slots=True, frozen=True, kw_only=True)
class Cell:
    """A group's part of one sampling stratum, for one narrative."""

    units: int                  # N: units (documents, or a story per actor) in the cell
    flagged: int                # F: of them, flagged by the detector
    reviewed: int = 0           # n: reviewed units (a random sample of the cell)
    reviewed_flagged: int = 0   # reviewed units the detector flags
    reviewed_carrying: int = 0  # reviewed units the reviewers say carry the narrative
    reviewed_both: int = 0      # reviewed units both say carry it

    @property
    def misses(self) -> int:
        return self.reviewed_carrying - self.reviewed_both

    @property
    def false_alarms(self) -> int:
        return self.reviewed_flagged - self.reviewed_both


@dataclass(slots=True, frozen=True)
class Estimate:
    """A share with its interval; `corrected` is False when there were too few reviews to correct it."""

    raw: float
    share: float
    low: float
    high: float
    reviewed: int
    corrected: bool
    note: str = ""


def z_value(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def raw_share(cells: Iterable[Cell]) -> float:
    cells = list(cells)
    units = sum(c.units for c in cells)
    return sum(c.flagged for c in cells) / units if units else 0.0


def error_variance(cell: Cell, variance: str = "agresti-min", power: float = 1.0) -> float:
    """The variance of e = review - power x detector over the cell's reviewed units."""
    n, both, misses, alarms = cell.reviewed, cell.reviewed_both, cell.misses, cell.false_alarms
    counts = [both, misses, alarms, n - both - misses - alarms]          # (y, f) = 11, 10, 01, 00
    values = [1.0 - power, 1.0, -power, 0.0]
    if variance == "agresti-min":
        probs = [(k + 0.5) / (n + 2) for k in counts]
        scale = n / (n + 2)
    elif variance == "plain":
        if n < 2:
            return 0.0
        probs, scale = [k / n for k in counts], n / (n - 1)
    else:
        raise ValueError(f"variance {variance!r}: use one of {', '.join(VARIANCES)}")
    mean = sum(p * v for p, v in zip(probs, values))
    return max(0.0, sum(p * v * v for p, v in zip(probs, values)) - mean * mean) * scale


def difference_estimate(cells: Iterable[Cell], *, power: float = 1.0, confidence: float = 0.95,
                        variance: str = "agresti-min", min_reviews: int = 1) -> Estimate:
    """The stratified difference estimate of a group's share with `power` x the detector: 1 is the difference
    (PPI) estimator, 0 the reviews alone, `tuned_power` in between (PPI++). Uncorrected (raw, no interval) when a
    cell has fewer than `min_reviews` reviews and is not reviewed whole."""
    cells = [c for c in cells if c.units > 0]
    units = sum(c.units for c in cells)
    raw = raw_share(cells)
    reviewed = sum(c.reviewed for c in cells)
    short = [c for c in cells if c.reviewed < min(c.units, max(1, min_reviews))]
    if not cells or short:
        note = (f"too few reviews: {reviewed} in all, a stratum has {min(c.reviewed for c in short)} "
                f"(minimum {max(1, min_reviews)}); uncorrected") if short else "no documents"
        return Estimate(raw, raw, math.nan, math.nan, reviewed, False, note)
    total, var = 0.0, 0.0
    for c in cells:
        mean_e = (c.reviewed_carrying - power * c.reviewed_flagged) / c.reviewed
        total += power * c.flagged + c.units * mean_e
        fpc = 1.0 - c.reviewed / c.units
        var += c.units ** 2 * fpc * error_variance(c, variance, power) / c.reviewed
    share, half = total / units, z_value(confidence) * math.sqrt(var) / units
    return Estimate(raw, clip(share), clip(share - half), clip(share + half), reviewed, True)


def tuned_power(cells: Iterable[Cell]) -> float:
    """How much of the detector to use (PPI++, Angelopoulos, Duchi & Zrnic 2023; the regression estimator of
    survey sampling): the slope of review on detector over the reviewed units, each cell weighted by its units
    per review, clipped to [0, 1]; 1 (plain PPI) when the reviewed units are all flagged or all unflagged."""
    weight = flagged = carrying = both = 0.0
    for c in cells:
        if c.reviewed == 0:
            continue
        w = c.units / c.reviewed
        weight += w * c.reviewed
        flagged += w * c.reviewed_flagged
        carrying += w * c.reviewed_carrying
        both += w * c.reviewed_both
    if weight == 0:
        return 1.0
    f, y, fy = flagged / weight, carrying / weight, both / weight
    spread = f * (1 - f)
    if spread <= 0:
        return 1.0
    return min(1.0, max(0.0, (fy - f * y) / spread))


def detector_rates(cells: Iterable[Cell]) -> tuple[float, float] | None:
    """(sensitivity, false-positive rate) of the detector on the reviewed units, each cell weighted by its
    units per review (the inverse of its sampling fraction); None when the reviews hold no positive or no
    negative."""
    pos = neg = tp = fp = 0.0
    for c in cells:
        if c.reviewed == 0:
            continue
        w = c.units / c.reviewed
        pos += w * c.reviewed_carrying
        neg += w * (c.reviewed - c.reviewed_carrying)
        tp += w * c.reviewed_both
        fp += w * c.false_alarms
    if pos == 0 or neg == 0:
        return None
    return tp / pos, fp / neg


def adjusted_count(raw: float, rates: tuple[float, float] | None) -> float:
    """Adjusted classify-and-count: (raw - fpr) / (tpr - fpr), clipped to [0, 1]; the raw share when the
    detector does no better than chance on the reviews (tpr <= fpr) or there are no rates."""
    if rates is None or rates[0] - rates[1] <= 0:
        return raw
    tpr, fpr = rates
    return clip((raw - fpr) / (tpr - fpr))
