"""Split text into plain and highlighted segments (the template escapes each one; no HTML is built here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(slots=True, frozen=True)
class Span:
    start: int
    end: int
    kind: str  # "query", "term", "narrative"
    label: str = ""


HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def term_spans(text: str, terms: Iterable[str], kind: str = "query", label: str = "") -> list[Span]:
    """Case-insensitive occurrences of each term in `text`, each widened to the whole words it touches: the search
    matches "Russia" inside "Russians", and the mark covers "Russians", never "Russia|ns". Chinese, written without
    spaces, is marked as matched."""
    spans = []
    for term in terms:
        if not term:
            continue
        for found in re.finditer(re.escape(term), text, flags=re.IGNORECASE):
            start, end = whole_word(text, found.start(), found.end())
            spans.append(Span(start, end, kind, label or term))
    return spans


def whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to the word characters on either side (not across Chinese characters)."""
    while start > 0 and is_word(text[start - 1]) and is_word(text[start]):
        start -= 1
    while end < len(text) and is_word(text[end]) and is_word(text[end - 1]):
        end += 1
    return start, end


def is_word(char: str) -> bool:
    return (char.isalnum() or char == "_") and not HAN.match(char)


def segments(text: str, spans: Iterable[Span]) -> list[dict[str, str]]:
    """Text cut at span edges. The reader's search words win: a narrative or key-term span is cut around them, so a
    searched word inside a narrative's evidence is still marked; otherwise overlapping spans keep the first
    (earliest, longest) one."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    queries = first_of_overlapping([s for s in valid if s.kind == "query"])
    others = [piece for s in valid if s.kind != "query" for piece in outside(s, queries)]
    out, pos = [], 0
    for span in first_of_overlapping(queries + others):
        if span.start > pos:
            out.append({"text": text[pos:span.start], "kind": "", "label": ""})
        out.append({"text": text[span.start:span.end], "kind": span.kind, "label": span.label})
        pos = span.end
    if pos < len(text):
        out.append({"text": text[pos:], "kind": "", "label": ""})
    return out


def first_of_overlapping(spans: list[Span]) -> list[Span]:
    """Spans in text order, dropping any that overlaps one kept before it (earliest, then longest, first)."""
    kept, pos = [], 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start >= pos:
            kept.append(span)
            pos = span.end
    return kept


def outside(span: Span, blockers: list[Span]) -> list[Span]:
    """The pieces of `span` that no blocker covers (blockers in text order, not overlapping each other)."""
    pieces, start = [], span.start
    for block in blockers:
        if block.end <= start or block.start >= span.end:
            continue
        if block.start > start:
            pieces.append(Span(start, block.start, span.kind, span.label))
        start = max(start, block.end)
    if start < span.end:
        pieces.append(Span(start, span.end, span.kind, span.label))
    return pieces


def snippet(text: str, terms: list[str], width: int = 110) -> dict[str, str]:
    """Left / match / right around the first occurrence of any term (a search result's concordance line)."""
    spans = sorted(term_spans(text, terms), key=lambda s: s.start)
    if not spans:
        return {"left": "", "match": "", "right": text[: 2 * width] + ("…" if len(text) > 2 * width else "")}
    first = spans[0]
    left = text[max(0, first.start - width): first.start]
    right = text[first.end: first.end + width]
    return {"left": ("…" if first.start > width else "") + left, "match": text[first.start:first.end],
            "right": right + ("…" if first.end + width < len(text) else "")}
