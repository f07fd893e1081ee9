"""Lead–lag on constructed corpora: B copies A's texts two days later, so A must lead by two days."""

from __future__ import annotations

import numpy as np
import pytest
from tests.align.builders import days, doc

from lockstep.align.leadlag import (LeadOptions, actor_series, best_lag, block_surrogates, lag_test,
                                    lagged_correlations, leads, term_pattern)
from lockstep.errors import InputError

FILLER = ["Markets closed higher on {}.", "Local football results for {}.", "Weather outlook for {}.",
          "Parliament met again on {}."]


def copied_corpus(day0, lag_days: int = 2, n_days: int = 120, seed: int = 3) -> list[dict]:
    rng = np.random.default_rng(seed)
    docs = []
    for d in range(n_days):
        for k, template in enumerate(FILLER[:3]):
            docs.append(doc(template.format(f"day {d} a{k}"), "a", days(day0, d + 0.1 * k)))
            docs.append(doc(template.format(f"day {d} b{k}"), "b", days(day0, d + 0.1 * k + 0.05)))
            docs.append(doc(template.format(f"day {d} c{k}"), "c", days(day0, d + 0.1 * k + 0.07)))
        for j in range(int(rng.poisson(1.2)) if rng.random() < 0.35 else 0):
            text = f"Officials denounced the colour revolution plot, report {d}-{j}."
            docs.append(doc(text, "a", days(day0, d + 0.3 + 0.01 * j)))
            if d + lag_days < n_days:
                docs.append(doc("Reprint: " + text, "b", days(day0, d + lag_days + 0.3 + 0.01 * j)))
        if d > 30 and rng.random() < 0.25:
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
    assert pair["significant"] and pair["p_adjusted"] < 0.05 and pair["p_floor"] == pytest.approx(1 / 301)
    # C mentions it at random (20+ times): tested, not significant, so no leader is named
    other = result.pairs[(result.pairs["actor_a"] == "A") & (result.pairs["actor_b"] == "C")].iloc[0]
    assert other["mentions_b"] >= 10 and other["p_value"] > 0.05
    assert not other["significant"] and other["leader"] != other["leader"]  # NaN: no leader named
    assert set(result.series.columns) >= {"actor", "step", "documents", "mentions", "share"}


def test_too_few_mentions_are_said_not_tested(make_store, day0):
    docs = copied_corpus(day0)
    docs += [doc(f"A colour revolution, said D on day {d}.", "d", days(day0, d), actor="D") for d in (3, 40, 41, 90)]
    docs += [doc(f"Filler {d}-{k} from D.", "d", days(day0, d + 0.1 * k), actor="D") for d in range(120) for k in range(3)]
    result = leads(make_store(docs), LeadOptions(terms=["colour revolution"], n_surrogates=100))
    with_d = result.pairs[(result.pairs["actor_a"] == "D") | (result.pairs["actor_b"] == "D")]
    assert len(with_d) == 3  # every actor that used the term is paired with D, and each row says why it is empty
    assert with_d["note"].str.contains("too few mentions").all() and with_d["note"].str.contains("D 4 < 10").all()
    assert with_d["correlation"].isna().all() and with_d["p_value"].isna().all() and with_d["leader"].isna().all()
    assert not with_d["significant"].any()


def test_a_step_with_too_few_documents_has_no_share(day0):
    import pandas as pd

    docs = pd.DataFrame({"doc_id": ["a1", "a2", "a3", "a4", "b1"], "actor": ["A", "A", "A", "A", "B"],
                         "published_at": pd.to_datetime(["2022-03-01", "2022-03-01", "2022-03-02", "2022-03-08",
                                                         "2022-03-15"])})
    hits = pd.DataFrame({"doc_id": ["a1", "b1"]})
    weekly = actor_series(docs, hits, "week", min_step_documents=3).set_index(["actor", "step"])
    assert weekly.loc[("A", pd.Timestamp("2022-02-28")), "share"] == pytest.approx(1 / 3)
    # one article in a week is not a 100 % week: B's only week, and A's week of one document, have no share
    assert np.isnan(weekly.loc[("B", pd.Timestamp("2022-03-14")), "share"])
    assert np.isnan(weekly.loc[("A", pd.Timestamp("2022-03-07")), "share"])
    assert weekly.loc[("B", pd.Timestamp("2022-03-14")), "mentions"] == 1


def test_block_surrogates_keep_values_and_blocks():
    rng = np.random.default_rng(1)
    y = np.arange(40, dtype=float)
    y[[5, 17]] = np.nan
    surrogates = block_surrogates(y, 7, 50, rng)
    assert surrogates.shape == (50, 40)
    for s in surrogates:
        assert sorted(s[~np.isnan(s)]) == sorted(y[~np.isnan(y)]) and np.isnan(s).sum() == 2
        steps = np.diff(np.nan_to_num(s, nan=-1))
        assert (np.abs(steps) == 1).sum() >= 40 - 2 * 7 - 4  # runs of consecutive values survive inside blocks
    assert len({tuple(np.nan_to_num(s)) for s in surrogates}) > 45  # many distinct draws, not one per shift


def test_unrelated_bursty_series_are_significant_at_about_the_nominal_rate():
    """Independent series with slow drifts and bursts (as news shares have): the block surrogates keep the
    false-positive rate near 5 %, where shuffling single steps finds 'leads' far more often."""
    rng = np.random.default_rng(7)

    def series(n: int = 240) -> np.ndarray:
        drift = np.convolve(rng.normal(size=n + 60), np.ones(60) / 60, mode="valid")[:n]
        bursts = np.convolve(rng.random(n) < 0.04, np.exp(-np.arange(6) / 2), mode="full")[:n]
        return np.clip(0.02 + 0.2 * drift + 0.1 * bursts + rng.normal(0, 0.01, n), 0, None)

    blocks, shuffled = [], []
    for _ in range(120):
        x, y = series(), series()
        blocks.append(lag_test(x, y, 14, 200, rng).p_value < 0.05)
        observed = np.nanmax(lagged_correlations(x, y, 14))
        null = np.nanmax(lagged_correlations(x, np.stack([rng.permutation(y) for _ in range(200)]), 14), axis=1)
        shuffled.append((1 + (null >= observed).sum()) / 201 < 0.05)
    assert np.mean(blocks) <= 0.10
    assert np.mean(shuffled) >= 2 * max(np.mean(blocks), 0.05)


def test_short_overlap_is_not_tested():
    x = np.r_[np.random.default_rng(0).random(15), np.full(30, np.nan)]
    y = np.random.default_rng(1).random(45)
    test = lag_test(x, y, 14, 100, np.random.default_rng(0))
    assert np.isnan(test.p_value) and "only 15 steps" in test.note


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
    with_gaps = x.copy()
    with_gaps[::7] = np.nan  # missing steps are left out, not read as zeros
    assert int(np.nanargmax(lagged_correlations(with_gaps, y, 5))) - 5 == 3


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
