"""The statistics behind alignment: known values on small inputs."""

from __future__ import annotations

import numpy as np
import pytest

from lockstep.align import measures as stats


def test_jsd_similarity_bounds_and_known_value():
    p = np.array([1.0, 0.0])
    q = np.array([0.0, 1.0])
    assert stats.jsd_similarity(p, p)[0] == pytest.approx(1.0)
    assert stats.jsd_similarity(p, q)[0] == pytest.approx(0.0)
    # p = (1, 0), q = (1/2, 1/2): JSD = 1/2 [log2(1/(3/4))] + 1/2 [1/2 log2((1/2)/(3/4)) + 1/2 log2((1/2)/(1/4))]
    expected = 0.5 * np.log2(4 / 3) + 0.5 * (0.5 * np.log2(2 / 3) + 0.5 * np.log2(2))
    assert stats.jsd_similarity(p, np.array([1.0, 1.0]))[0] == pytest.approx(1 - expected)
    assert np.isnan(stats.jsd_similarity(np.zeros(2), p)[0])


def test_jsd_parts_sum_to_divergence():
    p, q = np.array([5.0, 3.0, 0.0, 2.0]), np.array([1.0, 3.0, 4.0, 2.0])
    assert stats.jsd_parts(p, q).sum() == pytest.approx(1 - stats.jsd_similarity(p, q)[0])


def test_keyness_sign_and_weights():
    background = np.array([100.0, 100.0, 100.0])
    counts = np.array([30.0, 5.0, 5.0])
    g2 = stats.keyness(counts, background)[0]
    assert g2[0] > 3.84 and g2[1] < 0 and g2[2] < 0
    weights = stats.key_weights(counts, background)[0]
    assert weights[0] == pytest.approx(g2[0]) and weights[1] == 0 and weights[2] == 0


def test_cosine_rows():
    a = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    b = np.array([[1.0, 0.0], [1.0, -1.0], [1.0, 0.0]])
    out = stats.cosine(a, b)
    assert out[0] == pytest.approx(1) and out[1] == pytest.approx(0) and np.isnan(out[2])


def test_shared_share_is_jaccard():
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    assert stats.shared_share(a, b)[0] == pytest.approx(1 / 3)
    assert np.isnan(stats.shared_share(np.zeros(3, bool), np.zeros(3, bool))[0])


def test_resampling_rows():
    rng = np.random.default_rng(0)
    boot = stats.bootstrap_rows(rng, 7, 50)
    assert boot.shape == (50, 7) and (boot.sum(axis=1) == 7).all()
    perm = stats.permutation_rows(rng, 3, 4, 40)
    assert perm.shape == (40, 7) and (perm.sum(axis=1) == 3).all()
    assert len({tuple(r) for r in perm}) > 1


def test_intervals_and_p_values():
    values = np.linspace(0.2, 0.4, 101)
    low, high = stats.percentile_ci(values, 0.9)
    assert low == pytest.approx(0.21) and high == pytest.approx(0.39)
    # shifted interval: the bootstrap spread around its median, moved onto the observed value
    low, high = stats.shifted_ci(0.5, values, 0.9)
    assert low == pytest.approx(0.41) and high == pytest.approx(0.59)
    skewed = np.r_[np.full(80, 0.3), np.linspace(0.3, 0.6, 21)]
    low, high = stats.shifted_ci(0.2, skewed, 0.9)
    assert low == pytest.approx(0.2) and 0.2 < high < 0.5
    null = np.arange(100) / 100
    assert stats.share_at_most(-1.0, null) == pytest.approx(1 / 101)
