"""Keyness numbers against the textbook formulas, computed here by hand for the crafted Kremlin/Global Times case."""

from __future__ import annotations

import math

import pytest
from scipy.stats import chi2 as chi2_dist

from lockstep.errors import InputError
from lockstep.terms import KeynessOptions, keyness
from lockstep.terms.stats import adjust

from .conftest import KEYNESS_REFERENCE, KEYNESS_TARGET


def hand_computed(a: int, b: int, c: int, d: int) -> dict[str, float]:
    n = c + d
    e1, e2 = c * (a + b) / n, d * (a + b) / n
    g2 = 2 * ((a * math.log(a / e1) if a else 0) + (b * math.log(b / e2) if b else 0))
    o11, o12, o21, o22 = a, b, c - a, d - b
    chi2 = n * (o11 * o22 - o12 * o21) ** 2 / ((o11 + o12) * (o21 + o22) * (o11 + o21) * (o12 + o22))
    yates = n * max(0.0, abs(o11 * o22 - o12 * o21) - n / 2) ** 2 / ((o11 + o12) * (o21 + o22) * (o11 + o21) * (o12 + o22))
    return {"ll": g2, "chi2": chi2, "chi2_yates": yates, "log_ratio": math.log2((a / c) / (b / d)),
            "pdiff": 100 * (a / c - b / d) / (b / d), "ll_p": chi2_dist.sf(g2, 1), "bic": g2 - math.log(n)}


def test_keyness_matches_hand_computation(corpus):
    c = sum(len(t.split()) for t in KEYNESS_TARGET)
    d = sum(len(t.split()) for t in KEYNESS_REFERENCE)
    a = sum(t.split().count("sovereignty") for t in KEYNESS_TARGET)
    b = sum(t.split().count("sovereignty") for t in KEYNESS_REFERENCE)
    assert (a, b) == (6, 1)
    frame = keyness(corpus, KeynessOptions(target="Kremlin", reference="Global Times", min_freq=1, limit=None,
                                           correction="none"))
    row = frame[frame.term == "sovereignty"].iloc[0]
    assert (row.freq_target, row.freq_reference, row.target_tokens, row.reference_tokens) == (a, b, c, d)
    expected = hand_computed(a, b, c, d)
    for column, value in expected.items():
        assert row[column] == pytest.approx(value, rel=1e-9), column
    assert row.direction == "+" and row["rank"] == 1
    assert row.p_adjusted == pytest.approx(expected["ll_p"])      # correction none
    assert row.example_doc is not None


def test_negative_keywords_and_zero_frequencies(corpus):
    frame = keyness(corpus, KeynessOptions(target="Kremlin", reference="Global Times", min_freq=1, limit=None))
    exports = frame[frame.term == "export"].iloc[0]                       # 1 vs 1: no difference worth a sign
    assert exports.freq_target == 1 and exports.freq_reference == 1
    tariffs = frame[frame.term == "tariff"].iloc[0]                       # only in the reference
    assert tariffs.direction == "-" and tariffs.freq_target == 0
    c, d = tariffs.target_tokens, tariffs.reference_tokens
    assert tariffs.log_ratio == pytest.approx(math.log2((0.5 / c) / (1 / d)))   # zero -> 0.5 (Hardie)
    assert tariffs.pdiff == pytest.approx(-100)


def test_multiple_comparison_corrections():
    p = [0.01, 0.04, 0.03, 0.005]
    # Benjamini–Hochberg by hand: sorted 0.005, 0.01, 0.03, 0.04 -> x4/1, x4/2, x4/3, x4/4, then cumulative min
    assert list(adjust(p, "bh")) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # Holm: 0.005x4, 0.01x3, 0.03x2, 0.04x1, then cumulative max
    assert list(adjust(p, "holm")) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_reference_rest_and_external_file(corpus, tmp_path):
    rest = keyness(corpus, KeynessOptions(target="People's Daily", limit=10, negative=False))
    assert rest.direction.eq("+").all() and rest.significant.any()
    freq_list = tmp_path / "ref.csv"
    freq_list.write_text("term,count\nsovereignty,2\nmarkets,500\nthe,100000\n", encoding="utf-8")
    frame = keyness(corpus, KeynessOptions(target="Kremlin", reference=str(freq_list), min_freq=1, limit=None))
    row = frame[frame.term == "sovereignty"].iloc[0]
    assert row.freq_reference == 2 and row.reference_tokens == 100502     # the file's total, stop words included
    assert frame[frame.term == "market"].iloc[0].freq_reference == 500   # lemmatised like the corpus
    assert "the" not in set(frame.term)


def test_unknown_target_is_a_clear_error(corpus):
    with pytest.raises(InputError, match="no tokens for actor 'Nobody'"):
        keyness(corpus, KeynessOptions(target="Nobody"))


def test_rest_among_filtered_actors_is_the_other_chosen_actor(corpus):
    """With an actor filter, 'rest' means the other chosen actors: here exactly Global Times."""
    from lockstep.store.corpus import DocumentFilter

    chosen = DocumentFilter(actor=["Kremlin", "Global Times"])
    rest = keyness(corpus, KeynessOptions(target="Kremlin", reference="rest", filters=chosen, min_freq=1,
                                          limit=None, correction="none"))
    pair = keyness(corpus, KeynessOptions(target="Kremlin", reference="Global Times", min_freq=1, limit=None,
                                          correction="none"))
    row, expected = (f[f.term == "sovereignty"].iloc[0] for f in (rest, pair))
    assert (row.freq_target, row.freq_reference, row.reference_tokens) == (
        expected.freq_target, expected.freq_reference, expected.reference_tokens)
    assert row.ll == pytest.approx(expected.ll)
