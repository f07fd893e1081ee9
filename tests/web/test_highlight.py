"""Segments of a paragraph: a searched word stays marked inside a narrative's evidence (the evidence is cut
around it); otherwise overlapping marks keep the first."""

from __future__ import annotations

from lockstep.web.highlight import Span, segments

TEXT = "China and Russia build mutual trust and peace."


def test_a_search_word_inside_narrative_evidence_is_still_marked():
    cut = segments(TEXT, [Span(0, len(TEXT), "narrative", "world-order"), Span(23, 35, "query", "mutual trust")])
    assert [(s["text"], s["kind"]) for s in cut] == [
        ("China and Russia build ", "narrative"), ("mutual trust", "query"), (" and peace.", "narrative")]
    assert "".join(s["text"] for s in cut) == TEXT


def test_overlapping_marks_of_one_kind_keep_the_first():
    cut = segments(TEXT, [Span(0, 16, "term", "China and Russia"), Span(10, 22, "term", "Russia build"),
                          Span(23, 29, "query", "mutual"), Span(23, 35, "query", "mutual trust")])
    assert [(s["text"], s["kind"]) for s in cut] == [
        ("China and Russia", "term"), (" build ", ""), ("mutual trust", "query"), (" and peace.", "")]
