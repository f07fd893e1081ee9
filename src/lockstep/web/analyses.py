"""The dashboard's bridges to the analysis modules (terms, narratives, align), imported lazily.

When a module is absent the bridge returns an empty result with a note saying so; pages show the note.
"""

from __future__ import annotations

from typing import Any

from lockstep.report.analyses import AnalysisMissing, analysis
from lockstep.web.highlight import Span
from lockstep.web.store import Store


def narrative_hits_table(store: Store) -> tuple[str, str, str | None, str] | None:
    """(table, doc column, paragraph column or None, narrative column) of stored narrative tags, if any."""
    return None


def narrative_evidence_for(store: Store, doc_id: str) -> dict[str, Any]:
    try:
        analysis("narratives", "document_tags")
    except AnalysisMissing as exc:
        return {"hits": [], "spans": {}, "note": f"Narrative tags not available: {exc}."}
    return {"hits": [], "spans": {}, "note": ""}


def key_terms_for(store: Store, doc: dict[str, Any]) -> dict[str, Any]:
    try:
        analysis("terms", "keyness")
    except AnalysisMissing as exc:
        return {"terms": [], "note": f"Key terms not available: {exc}."}
    return {"terms": [], "note": ""}


def echo_chain_for(store: Store, doc_id: str) -> dict[str, Any]:
    try:
        analysis("align", "echoes")
    except AnalysisMissing as exc:
        return {"chain": [], "note": f"Echo chains not available: {exc}."}
    return {"chain": [], "note": ""}


__all__ = ["Span", "narrative_hits_table", "narrative_evidence_for", "key_terms_for", "echo_chain_for"]


def narrative_choices(store: Store) -> list[str]:
    """Narrative ids for the search filter (empty when no narratives are tagged)."""
    return []


def record_review(store: Store, hit_id: str, decision: str, coder: str) -> dict[str, Any]:
    """Store an analyst's accept/reject decision through the narratives module (the only write the app does)."""
    narratives = analysis("narratives", "review_tag")
    with store.writer() as corpus:
        result = narratives.review_tag(corpus, hit_id, decision, coder)
    return {"hit_id": hit_id, "decision": decision, "coder": coder, "result": result}
