"""How the evaluation sets floors and keeps near copies on one side (eval/floor_setting.py, eval/floors.py,
eval/narratives_data.py): floors at an interval's lower end and above every trivial predictor, coverage floors
only with a width beside them, near-duplicate case titles grouped. No ../shared needed."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import floor_setting  # noqa: E402
import floors  # noqa: E402
import narratives_data  # noqa: E402


def test_a_floor_sits_at_the_interval_low_end_when_that_is_above_every_trivial_predictor():
    floor, why = floor_setting.floor_for(0.35, 0.2622, {"keyword_only.x": 0.20, "nothing.x": 0.0})
    assert floor == 0.26 and why == "interval's lower end"


def test_a_floor_is_raised_above_a_trivial_predictor_the_interval_reaches_below():
    floor, why = floor_setting.floor_for(0.32, 0.2087, {"keyword_only.x": 0.2056, "nothing.x": 0.0})
    assert floor == 0.22 and "keyword_only.x" in why


def test_a_figure_within_the_margin_of_a_trivial_predictor_gets_no_floor():
    floor, why = floor_setting.floor_for(0.512, 0.26, {"keyword_only.x": 0.6487})
    assert floor is None and "not 0.01 above" in why
    floor, why = floor_setting.floor_for(0.50, 0.30, {})
    assert floor is None and "no trivial predictor" in why


def test_propose_only_floors_the_candidates_it_can_justify():
    figures = {"zero_shot.hand.ru.l1.macro_f1": 0.32, "keyword_only.hand.ru.l1.macro_f1": 0.21,
               "zero_shot.hand.zh.l1.macro_f1": 0.51, "keyword_only.hand.zh.l1.macro_f1": 0.65}
    intervals = {"zero_shot.hand.ru.l1.macro_f1": {"low": 0.23}, "zero_shot.hand.zh.l1.macro_f1": {"low": 0.26}}
    found, skipped, _basis = floor_setting.propose(figures, intervals, list(intervals))
    assert found == {"zero_shot.hand.ru.l1.macro_f1": 0.23}
    assert list(skipped) == ["zero_shot.hand.zh.l1.macro_f1"]
    for key, floor in found.items():
        assert floors.not_above_trivial("x", figures, {key: floor}) == []


def test_reviews_alone_count_as_a_trivial_prevalence_estimate():
    figures = {"planted.tuned.closeness": 0.9728, "planted.reviews_only.closeness": 0.9724,
               "planted.raw.closeness": 0.9471}
    assert floors.not_above_trivial("prevalence", figures, {"planted.tuned.closeness": 0.964}) == [
        "prevalence floor planted.tuned.closeness 0.964 is not above the trivial planted.reviews_only.closeness = "
        "0.9724"]


def test_a_coverage_floor_needs_a_width_floor_beside_it():
    figures = {"euvs.tuned.coverage": 0.97, "euvs.nothing.coverage": 1.0, "euvs.tuned.sharpness": 0.82,
               "euvs.nothing.sharpness": 0.0}
    lonely = floors.not_above_trivial("prevalence", figures, {"euvs.tuned.coverage": 0.9})
    assert len(lonely) == 1 and "without a width" in lonely[0]
    assert floors.not_above_trivial("prevalence", figures, {"euvs.tuned.coverage": 0.9,
                                                            "euvs.tuned.sharpness": 0.8}) == []


def test_near_copy_titles_are_grouped_and_others_are_not():
    texts = ["NATO broke its promise not to expand eastwards",
             "NATO broke its promise not to expand eastward",          # one word differs: Jaccard 7/9 >= 0.7
             "US destroyer violated Russian territorial waters",
             "The European Union has declared war on internet free speech",
             "NATO broke its promise not to expand eastwards!"]        # the same once normalised
    groups = narratives_data.near_copy_groups(texts)
    assert groups[0] == groups[1] == groups[4]
    assert len({groups[0], groups[2], groups[3]}) == 3
