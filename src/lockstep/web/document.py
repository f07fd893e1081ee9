"""One document for the dashboard: metadata, paragraphs with highlights, removed debris, duplicates, echoes."""

from __future__ import annotations

import json
from typing import Any

from lockstep.store import tables
import lockstep.web.analyses as analyses
from lockstep.web.highlight import Span, segments, term_spans
from lockstep.web.connection import Store

METADATA = ("id", "title", "outlet", "actor", "actor_country", "actor_type", "author", "published",
            "published_precision", "published_source", "language", "paywalled", "source", "source_position", "url",
            "original_source", "duplicate_of", "cluster_id", "n_chars")


def find_document(store: Store, doc_id: str) -> dict[str, Any] | None:
    with store.cursor() as cur:
        return tables.document_by_id(cur, doc_id)


def document_view(store: Store, doc_id: str, *, highlight: list[str] | None = None) -> dict[str, Any] | None:
    doc = find_document(store, doc_id)
    if doc is None:
        return None

    evidence = analyses.narrative_evidence_for(store, doc["id"])
    key_terms = analyses.key_terms_for(store, doc)
    with store.cursor() as cur:
        paragraphs = tables.document_paragraphs(cur, doc["id"])
    return {
        "metadata": {k: _plain(doc.get(k)) for k in METADATA},
        "paragraphs": [paragraph_view(p, highlight or [], key_terms["spans"], evidence["spans"]) for p in paragraphs],
        "removed": removed_debris(doc.get("removed")),
        "duplicates": duplicates_of(store, doc),
        "narratives": evidence["hits"], "narratives_note": evidence["note"],
        "key_terms": key_terms["terms"], "key_terms_note": key_terms["note"],
        "echoes": analyses.echo_chain_for(store, doc["id"]),
        "highlight": highlight or [],
    }


def paragraph_view(paragraph: dict[str, Any], highlight: list[str], key_spans: list[Span],
                   narrative_spans: dict[int, list[Span]]) -> dict[str, Any]:
    """A paragraph cut into segments: narrative evidence first, then search words, then key terms (document
    offsets shifted to the paragraph)."""
    text, start, end = paragraph["text"], paragraph["start_char"], paragraph["end_char"]
    terms = [Span(s.start - start, s.end - start, s.kind, s.label) for s in key_spans if start <= s.start < end]
    spans = [*narrative_spans.get(paragraph["idx"], []), *term_spans(text, highlight, "query"), *terms]
    return {"idx": paragraph["idx"], "start_char": paragraph["start_char"], "end_char": paragraph["end_char"],
            "text": text, "segments": segments(text, spans),
            "narratives": sorted({s.label for s in narrative_spans.get(paragraph["idx"], [])})}


def removed_debris(raw: str | None) -> list[dict[str, str]]:
    try:
        pieces = json.loads(raw or "[]")
    except (TypeError, ValueError):
        return []
    return [{"reason": str(p.get("reason", "")), "text": str(p.get("text", ""))} for p in pieces if isinstance(p, dict)]


def duplicates_of(store: Store, doc: dict[str, Any], limit: int = 50) -> list[dict[str, Any]]:
    if not doc.get("cluster_id"):
        return []
    with store.cursor() as cur:
        rows = tables.cluster_members(cur, doc["cluster_id"], doc["id"], limit)
    return [{k: _plain(v) for k, v in r.items()} for r in rows]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
