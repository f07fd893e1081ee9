"""The prevalence estimators against answers worked out by hand and by enumerating every possible sample."""

from __future__ import annotations

import itertools
import math

import pytest

from lockstep.narratives.estimators import (Cell, adjusted_count, detector_rates, difference_estimate,
                                             error_variance, raw_share, tuned_power)

# A population of 10 units: what the detector says (f) and what is true (y). Truth 4/10, detector 3/10.
F = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
Y = [1, 1, 0, 1, 1, 0, 0, 0, 0, 0]


def cell_for(sample: tuple[int, ...]) -> Cell:
    return Cell(units=len(F), flagged=sum(F), reviewed=len(sample),
                reviewed_flagged=sum(F[i] for i in sample), reviewed_carrying=sum(Y[i] for i in sample),
                reviewed_both=sum(F[i] * Y[i] for i in sample))


def unclipped(cell: Cell, power: float) -> float:
    """The difference estimate written out: (power x F + N x mean(y - power x f)) / N."""
    return (power * cell.flagged + cell.units * (cell.reviewed_carrying - power * cell.reviewed_flagged)
            / cell.reviewed) / cell.units


@pytest.mark.parametrize("power", [1.0, 0.5, 0.0])
def test_difference_estimator_is_unbiased_over_every_sample(power):
    estimates = [unclipped(cell_for(s), power) for s in itertools.combinations(range(10), 4)]
    assert sum(estimates) / len(estimates) == pytest.approx(sum(Y) / len(Y))
    # the library computes the same value where no clipping happens
    for sample in itertools.combinations(range(10), 4):
        cell = cell_for(sample)
        if 0 <= unclipped(cell, power) <= 1:
            assert difference_estimate([cell], power=power).share == pytest.approx(unclipped(cell, power))
    assert raw_share([cell_for((0, 1))]) == pytest.approx(0.3)


def test_everything_reviewed_gives_the_truth_with_no_width():
    est = difference_estimate([cell_for(tuple(range(10)))], min_reviews=50)
    assert est.corrected and est.share == est.low == est.high == pytest.approx(0.4)


def test_interval_by_hand_agresti_min_and_plain():
    # 10 reviews of 45 units, the detector flags none, reviewers find 2 carrying it (2 misses)
    cell = Cell(units=45, flagged=0, reviewed=10, reviewed_flagged=0, reviewed_carrying=2, reviewed_both=0)
    # Agresti-Min: half an observation in each cell of the 2 x 2 table: p(miss) = 2.5/12, p(false alarm) = 0.5/12
    pa, pb = 2.5 / 12, 0.5 / 12
    per_unit = (pa + pb - (pa - pb) ** 2) * 10 / 12
    assert error_variance(cell, "agresti-min") == pytest.approx(per_unit)
    half = 1.959964 * math.sqrt((1 - 10 / 45) * per_unit / 10)
    est = difference_estimate([cell])
    assert est.share == pytest.approx(0.2) and est.low == 0.0 and est.high == pytest.approx(0.2 + half, abs=1e-5)
    # plain: the sample variance of e (two 1s, eight 0s)
    assert error_variance(cell, "plain") == pytest.approx((2 - 10 * 0.2 ** 2) / 9)


def test_no_errors_found_still_gives_an_interval():
    cell = Cell(units=200, flagged=20, reviewed=12, reviewed_flagged=1, reviewed_carrying=1, reviewed_both=1)
    plain = difference_estimate([cell], variance="plain")
    assert plain.low == plain.high == pytest.approx(0.1)          # the textbook interval collapses
    honest = difference_estimate([cell])
    assert honest.low < 0.1 < honest.high


def test_strata_combine_by_their_size_and_too_few_reviews_is_said():
    big = Cell(units=90, flagged=9, reviewed=10, reviewed_flagged=1, reviewed_carrying=3, reviewed_both=1)
    small = Cell(units=10, flagged=0, reviewed=10, reviewed_flagged=0, reviewed_carrying=1, reviewed_both=0)
    est = difference_estimate([big, small], min_reviews=10)
    # big: 9 + 90 x (3 - 1) / 10 = 27; small: reviewed whole, 1 -> (27 + 1) / 100
    assert est.share == pytest.approx(0.28) and est.reviewed == 20 and est.corrected
    short = difference_estimate([big, Cell(units=40, flagged=4, reviewed=3)], min_reviews=10)
    assert not short.corrected and short.share == short.raw == pytest.approx(13 / 130)
    assert "too few reviews" in short.note and math.isnan(short.low)


def test_tuned_power_follows_how_well_the_detector_predicts_the_reviews():
    agrees = Cell(units=100, flagged=30, reviewed=20, reviewed_flagged=6, reviewed_carrying=6, reviewed_both=6)
    assert tuned_power([agrees]) == pytest.approx(1.0)
    unrelated = Cell(units=100, flagged=50, reviewed=20, reviewed_flagged=10, reviewed_carrying=4, reviewed_both=2)
    assert tuned_power([unrelated]) == pytest.approx(0.0)
    none_flagged = Cell(units=100, flagged=0, reviewed=20, reviewed_carrying=3)
    assert tuned_power([none_flagged]) == 1.0


def test_adjusted_classify_and_count_divides_by_sensitivity_minus_false_positive_rate():
    cell = Cell(units=100, flagged=30, reviewed=20, reviewed_flagged=6, reviewed_carrying=8, reviewed_both=4)
    tpr, fpr = detector_rates([cell])
    assert (tpr, fpr) == (pytest.approx(0.5), pytest.approx(2 / 12))
    assert adjusted_count(0.3, (tpr, fpr)) == pytest.approx((0.3 - 2 / 12) / (0.5 - 2 / 12))
    assert adjusted_count(0.3, (0.2, 0.3)) == 0.3 and adjusted_count(0.3, None) == 0.3
