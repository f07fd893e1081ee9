"""Evidence lists show each hit once (a sub-narrative names its parent) with the measured precision of its band."""

from __future__ import annotations

import json
import math

import pandas as pd

from lockstep.narratives import tables
from lockstep.narratives.codebook import load_codebook
from lockstep.narratives.evidence_list import band_for, once, packaged_bands, precision_note, with_precision
from lockstep.narratives.prevalence import HitQuery, evidence, hits

PARENTS = {"urw.consequences-west": None, "urw.consequences-west.refugees": "urw.consequences-west",
           "urw.consequences-west.economy": "urw.consequences-west", "history": None,
           "history.victory-legacy": "history"}
BANDS = {"bands": [
    {"margin_low": -0.1, "margin_high": 0.0, "hits": 10, "right": 1, "precision": 0.1, "interval_90": [0.02, 0.36],
     "kind": "candidate"},
    {"margin_low": 0.0, "margin_high": 0.1, "hits": 20, "right": 8, "precision": 0.4, "interval_90": [0.24, 0.58],
     "kind": "hit"},
    {"margin_low": 0.1, "margin_high": None, "hits": 5, "right": 4, "precision": 0.8, "interval_90": [0.44, 0.95],
     "kind": "hit"}], "measured_on": "a test set"}


def rows(*hits: tuple[str, int, str, bool]) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": d, "idx": i, "narrative": n, "above": a} for d, i, n, a in hits])


def test_a_sub_narrative_hit_stands_for_its_parent():
    shown = once(rows(("a", 0, "urw.consequences-west", True), ("a", 0, "urw.consequences-west.refugees", True),
                      ("a", 1, "urw.consequences-west", True), ("b", 0, "urw.consequences-west.refugees", True)),
                 PARENTS)
    assert list(zip(shown["doc_id"], shown["idx"], shown["narrative"], shown["parent"])) == [
        ("a", 0, "urw.consequences-west.refugees", "urw.consequences-west"),
        ("a", 1, "urw.consequences-west", None),                  # the parent alone: nothing more specific
        ("b", 0, "urw.consequences-west.refugees", "urw.consequences-west")]


def test_candidates_show_only_where_nothing_in_their_chain_is_above_threshold():
    shown = once(rows(("a", 0, "urw.consequences-west", True), ("a", 0, "urw.consequences-west.refugees", False),
                      ("a", 0, "history", False), ("a", 0, "history.victory-legacy", False),
                      ("a", 0, "urw.consequences-west.economy", True), ("a", 0, "urw.consequences-west.refugees",
                                                                         True)), PARENTS)
    pairs = sorted(zip(shown["narrative"], shown["above"]))
    assert pairs == [("history.victory-legacy", False),               # deepest candidate of a chain with no hit
                     ("urw.consequences-west.economy", True),         # siblings are two hits, both shown
                     ("urw.consequences-west.refugees", True)]


def test_precision_of_the_band_is_put_beside_each_hit():
    frame = pd.DataFrame({"score": [0.75, 0.64, 0.55, 0.40, 0.9], "threshold": [0.6] * 5,
                          "detector": ["zero-shot"] * 4 + ["learned:v1-abc"]})
    out = with_precision(frame, BANDS)
    assert out["precision"].tolist()[:3] == [0.8, 0.4, 0.1]
    assert math.isnan(out["precision"].tolist()[3]) and math.isnan(out["precision"].tolist()[4])
    assert out["precision_note"][0].startswith("hits 0.10 or more above the threshold were right 4 times of 5")
    assert "a test set" in out["precision_note"][0] and "0.00 to 0.10 above" in out["precision_note"][1]
    assert out["precision_note"][2].startswith("candidates up to 0.10 below the threshold were right 1 time of 10")
    assert "no measured precision" in out["precision_note"][3]
    assert "narratives models --version v1-abc" in out["precision_note"][4]
    assert band_for(0.0, BANDS)["margin_low"] == 0.0 and band_for(-0.2, BANDS) is None
    assert precision_note(0.5, 0.6, None, {"bands": []}).startswith("no measured precision")


def test_the_packaged_precision_is_measured_and_sourced():
    bands = packaged_bands()
    assert "test" in bands["measured_on"] and bands["source"].startswith("eval/results/narratives.json")
    for band in bands["bands"]:
        assert 0 <= band["right"] <= band["hits"]
        if band["hits"]:
            assert band["precision"] == round(band["right"] / band["hits"], 3)
            low, high = band["interval_90"]
            assert low <= band["precision"] <= high
    lows = [b["margin_low"] for b in bands["bands"]]
    assert lows == sorted(lows) and lows[0] < 0 <= lows[1]


def test_evidence_from_a_tagged_store_lists_each_hit_once(tagged):
    corpus, report = tagged
    frame = evidence(corpus, HitQuery(narrative="west-subversion"), limit=20)
    every = hits(corpus, HitQuery(narrative="west-subversion"))
    assert every.duplicated(["doc_id", "idx"]).any(), "the store holds the parent and the sub-narrative hit"
    assert not frame.duplicated(["doc_id", "idx"]).any()
    book = load_codebook()
    for _, row in frame.iterrows():
        assert row["parent"] == book.narratives[row["narrative"]].parent
    assert (frame["narrative"] == "west-subversion.colour-revolutions").any()
    assert frame["precision_note"].str.contains("right").all()
    parents = tables.parents(corpus.con, report.codebook_version)
    assert parents["west-subversion.colour-revolutions"] == "west-subversion" and parents["west-subversion"] is None


def test_evidence_of_a_level_keeps_its_own_hits(tagged):
    corpus, _report = tagged
    top = evidence(corpus, HitQuery(narrative="west-subversion", level=1), limit=20)
    assert len(top) and set(top["narrative"]) == {"west-subversion"} and top["parent"].isna().all()


def test_packaged_precision_file_is_json_with_bands():
    from lockstep.narratives.evidence_list import packaged_precision_path

    data = json.loads(packaged_precision_path().read_text(encoding="utf-8"))
    assert [b["kind"] for b in data["bands"]][0] == "candidate"
