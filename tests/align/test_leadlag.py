"""Lead–lag on constructed corpora: B copies A's texts two days later, so A must lead by two days."""

from __future__ import annotations

import numpy as np
import pytest
from tests.align.builders import days, doc

from lockstep.align.leadlag import LeadOptions, best_lag, lagged_correlations, leads, term_pattern
from lockstep.errors import InputError

FILLER = ["Markets closed higher on {}.", "Local football results for {}.", "Weather outlook for {}.",
          "Parliament met again on {}."]


def copied_corpus(day0, lag_days: int = 2, n_days: int = 120, seed: int = 3) -> list[dict]:
    rng = np.random.default_rng(seed)
    docs = []
    for d in range(n_days):
        for k, template in enumerate(FILLER[:2]):
            docs.append(doc(template.format(f"day {d} a{k}"), "a", days(day0, d + 0.1 * k)))
            docs.append(doc(template.format(f"day {d} b{k}"), "b", days(day0, d + 0.1 * k + 0.05)))
            docs.append(doc(template.format(f"day {d} c{k}"), "c", days(day0, d + 0.1 * k + 0.07)))
        for j in range(int(rng.poisson(1.2)) if rng.random() < 0.35 else 0):
            text = f"Officials denounced the colour revolution plot, report {d}-{j}."
            docs.append(doc(text, "a", days(day0, d + 0.3 + 0.01 * j)))
            if d + lag_days < n_days:
                docs.append(doc("Reprint: " + text, "b", days(day0, d + lag_days + 0.3 + 0.01 * j)))
        if d > 30 and rng.random() < 0.1:
            docs.append(doc(f"A colour revolution was mentioned in passing, note {d}.", "c", days(day0, d + 0.5)))
    return docs


def test_copy_with_two_day_lag_is_recovered(make_store, day0):
    corpus = make_store(copied_corpus(day0))
    result = leads(corpus, LeadOptions(terms=["colo*r revolution*", "цветн* революц*"], n_surrogates=300))
    first = result.first_use.set_index("actor")
    assert first.loc["A", "days_after_first"] == 0
    assert first.loc["B", "days_after_first"] == pytest.approx(2.0, abs=0.01)
    pair = result.pairs[(result.pairs["actor_a"] == "A") & (result.pairs["actor_b"] == "B")].iloc[0]
    assert pair["best_lag"] == 2 and pair["leader"] == "A" and pair["follower"] == "B"
    assert pair["correlation"] > 0.8 and pair["p_value"] < 0.01
    # C mentions it at random: its lag to A is not significant
    other = result.pairs[(result.pairs["actor_a"] == "A") & (result.pairs["actor_b"] == "C")].iloc[0]
    assert other["p_value"] > 0.05
    assert set(result.series.columns) >= {"actor", "step", "documents", "mentions", "share"}


def test_weekly_series(make_store, day0):
    corpus = make_store(copied_corpus(day0, lag_days=14, n_days=200, seed=5))
    result = leads(corpus, LeadOptions(terms=["colour revolution"], freq="week", max_lag=4, n_surrogates=200))
    pair = result.pairs.set_index(["actor_a", "actor_b"]).loc[("A", "B")]
    assert pair["best_lag"] == 2 and pair["lag_days"] == 14


def test_cross_correlation_sign_convention():
    rng = np.random.default_rng(0)
    x = rng.random(200)
    y = np.roll(x, 3)  # y[t] = x[t - 3]: x leads by 3
    corr = lagged_correlations(x, y, 5)
    assert int(np.argmax(corr)) - 5 == 3
    lag, value, _, p = best_lag(x, y, 5, 200, rng)
    assert lag == 3 and value == pytest.approx(1.0) and p < 0.01


def test_term_pattern_languages_and_wildcards():
    pattern = term_pattern(["denazif*", "денацификац*", "去纳粹化"])
    assert pattern.search("the goal of Denazification")
    assert pattern.search("о денацификации Украины")
    assert pattern.search("实现乌克兰去纳粹化")
    assert not pattern.search("nazis")


def test_needs_exactly_one_item(make_store, day0):
    corpus = make_store(copied_corpus(day0, n_days=10))
    with pytest.raises(InputError):
        leads(corpus, LeadOptions())
    with pytest.raises(InputError, match="narrative"):
        leads(corpus, LeadOptions(narrative="west-hostility"))


def test_overview_over_terms(make_store, day0):
    from lockstep.align.leadlag import key_terms, overview

    corpus = make_store(copied_corpus(day0))
    options = LeadOptions(n_surrogates=100)
    keys = key_terms(corpus, options, 5)
    assert "@colour-revolution" in keys  # the term family: colour revolution, цветная революция, 颜色革命
    table = overview(corpus, options, terms=["@colour-revolution", "colour revolution", "nothing-like-this"])
    assert list(table["item"]) == ["@colour-revolution", "colour revolution"]  # an unused term has no row
    for _, row in table.iterrows():
        assert row["first_actor"] == "A" and row["leader"] == "A" and row["follower"] == "B" and row["lag_days"] == 2
