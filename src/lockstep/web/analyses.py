"""What the dashboard's document page and review endpoints take from the analyses (terms, narratives, align).

When the store lacks an analysis' tables the bridge returns an empty result with a note saying so; pages show it.
"""

from __future__ import annotations

from typing import Any

from lockstep.align import tables as align_tables
from lockstep.narratives import evidence_list
from lockstep.narratives import review
from lockstep.narratives import tables as narrative_tables
from lockstep.store.tables import paragraph_starts
from lockstep.terms import tables as term_tables
from lockstep.web.highlight import Span
from lockstep.web.connection import Store


def narrative_evidence_for(store: Store, doc_id: str) -> dict[str, Any]:
    """The document's narrative tags (latest codebook version) and their evidence spans per paragraph."""
    import json

    with store.cursor() as cur:
        version = narrative_tables.latest_version_read(cur)
        if version is None:
            return {"hits": [], "spans": {}, "note": "No narratives tagged in this store (`lockstep narratives tag`)."}
        rows = narrative_tables.document_hits(cur, doc_id, version)
        starts = paragraph_starts(cur, doc_id)
    spans: dict[int, list[Span]] = {}
    for row in rows:
        items = json.loads(row["evidence"] or "[]")
        phrases = [i for i in items if i.get("kind") != "similar"]
        for item in phrases or items:  # a matched phrase is more precise than the most similar sentence
            offset = starts.get(row["idx"], 0)
            spans.setdefault(row["idx"], []).append(Span(int(item["start"]) - offset, int(item["end"]) - offset,
                                                         "narrative", row["narrative"]))
    hits = [{"hit_id": r["hit_id"], "narrative": r["narrative"], "title": r["title"], "paragraph": r["idx"],
             "parent": r["parent"], "score": round(float(r["score"]), 4), "status": r["status"],
             "precision_note": r["precision_note"]} for r in shown_once(rows)]
    return {"hits": hits, "spans": spans, "note": "" if hits else "No narrative tags on this document."}


def shown_once(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each hit once (a sub-narrative stands for its parent) with the measured precision of its band."""
    import pandas as pd

    if not rows:
        return rows
    frame = pd.DataFrame(rows)
    parents = {r["narrative"]: r["parent"] for r in rows}
    kept = evidence_list.with_precision(evidence_list.once(frame.drop(columns=["parent"]), parents))
    return kept.astype(object).where(kept.notna(), None).to_dict(orient="records")


def key_terms_for(store: Store, doc: dict[str, Any], limit: int = 8) -> dict[str, Any]:
    """The document's most distinctive lemmas (tf-idf over the term index) and where they occur."""
    with store.cursor() as cur:
        if not term_tables.can_rank_key_terms(cur):
            return {"terms": [], "spans": [], "note": "Key terms need the term index (`lockstep terms index`, or "
                    "run `lockstep report` once)."}
        top = term_tables.key_terms(cur, doc["id"], limit)
        if not top:
            return {"terms": [], "spans": [], "note": "This document is not in the term index yet."}
        spans = term_tables.lemma_spans(cur, doc["id"], [int(r["lemma_id"]) for r in top])
    return {"terms": [r["lemma"] for r in top], "note": "",
            "spans": [Span(r["start_char"], r["end_char"], "term", r["lemma"]) for r in spans]}


def echo_chain_for(store: Store, doc_id: str) -> dict[str, Any]:
    """The echo chains (stored by `lockstep echoes`) that contain one of the document's paragraphs."""
    with store.cursor() as cur:
        if not align_tables.has_chains(cur):
            return {"chain": [], "note": "No echo chains stored: run `lockstep echoes --db STORE` to find them."}
        rows = align_tables.chain_members_of_document(cur, doc_id)
    chain = [{"chain_id": r["chain_id"], "doc_id": r["doc_id"], "paragraph": r["idx"], "actor": r["actor"],
              "outlet": r["outlet"], "language": r["language"],
              "published": r["published_at"].isoformat() if r["published_at"] else None,
              "kind": r["kind"], "similarity": r["similarity"], "lag_hours": r["lag_hours"]} for r in rows]
    return {"chain": chain, "note": "" if chain else "This document is not part of a stored echo chain."}


def narrative_choices(store: Store, limit: int = 300) -> list[str]:
    """Tagged narratives, most frequent first, for filter drop-downs."""
    with store.cursor() as cur:
        return narrative_tables.narrative_choices(cur, limit)


def record_review(store: Store, hit_id: str, decision: str, coder: str) -> dict[str, Any]:
    """Store an analyst's accept/reject decision through the narratives module (the only write the app does)."""
    with store.writer() as corpus:
        result = review.review_tag(corpus, hit_id, decision, coder)
    return {"hit_id": hit_id, "decision": decision, "coder": coder, "result": result}


def record_document_review(store: Store, doc_id: str, labels: list[str], coder: str) -> dict[str, Any]:
    """Store which narratives a coder says a document carries ([] = none) through the narratives module."""
    with store.writer() as corpus:
        stored = review.review_document(corpus, doc_id, labels, coder, source="dashboard")
    return {"doc_id": doc_id, "labels": stored["labels"], "coder": coder}
