"""The dashboard's bridges to the analysis modules (terms, narratives, align), imported lazily.

When a module is absent the bridge returns an empty result with a note saying so; pages show the note.
"""

from __future__ import annotations

from typing import Any

from lockstep.report.analyses import AnalysisMissing, analysis
from lockstep.web.highlight import Span
from lockstep.web.store import Store


def narrative_hits_table(store: Store) -> tuple[str, str, str | None, str] | None:
    """(table, doc column, paragraph column, narrative column) of stored narrative tags, or None."""
    return ("narrative_hits", "doc_id", "idx", "narrative") if store.has_table("narrative_hits") else None


DOC_HITS_SQL = """
SELECT h.hit_id, h.doc_id, h.idx, h.narrative, h.score, h.threshold, h.above, h.evidence, h.detector, c.title,
       c.parent, {status} AS status
FROM narrative_hits h
LEFT JOIN narrative_codebooks c ON c.narrative = h.narrative AND c.codebook_version = h.codebook_version
WHERE h.doc_id = ? AND h.above AND h.codebook_version = ? ORDER BY h.idx, h.score DESC"""


def narrative_evidence_for(store: Store, doc_id: str) -> dict[str, Any]:
    """The document's narrative tags (latest codebook version) and their evidence spans per paragraph."""
    import json

    from lockstep.report.narratives_section import tagged_version

    with store.cursor() as cur:
        version = tagged_version(cur)
    if version is None:
        return {"hits": [], "spans": {}, "note": "No narratives tagged in this store (`lockstep narratives tag`)."}
    status = ("(SELECT string_agg(r.decision || ' by ' || r.coder, '; ') FROM narrative_reviews r "
              "WHERE r.hit_id = h.hit_id)") if store.has_table("narrative_reviews") else "NULL"
    rows = store.rows(DOC_HITS_SQL.format(status=status), [doc_id, version])
    starts = {r["idx"]: r["start_char"] for r in store.rows(
        "SELECT idx, start_char FROM paragraphs WHERE doc_id = ?", [doc_id])}
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
    shown = analysis("narratives.evidence_list", "once", "with_precision")
    frame = pd.DataFrame(rows)
    parents = {r["narrative"]: r["parent"] for r in rows}
    kept = shown.with_precision(shown.once(frame.drop(columns=["parent"]), parents))
    return kept.astype(object).where(kept.notna(), None).to_dict(orient="records")


KEY_TERMS_SQL = """
WITH doc AS (SELECT doc_key FROM term_docs WHERE id = ?),
toks AS (SELECT t.lemma_id, count(*) AS tf FROM term_tokens t JOIN doc USING (doc_key) GROUP BY 1),
freq AS (SELECT lemma_id, sum(df) AS df FROM term_counts WHERE lemma_id IN (SELECT lemma_id FROM toks) GROUP BY 1),
n AS (SELECT count(*) AS n FROM term_docs)
SELECT l.lemma_id, l.lemma, toks.tf * ln((n.n + 1.0) / (coalesce(freq.df, 0) + 1.0)) AS score
FROM toks JOIN term_lemmas l USING (lemma_id) LEFT JOIN freq USING (lemma_id), n
WHERE NOT l.stop AND length(l.lemma) > 1 ORDER BY score DESC, l.lemma LIMIT ?"""
SPANS_SQL = """SELECT t.start_char, t.end_char, l.lemma FROM term_tokens t JOIN term_docs d USING (doc_key)
JOIN term_lemmas l ON l.lemma_id = t.lemma_id WHERE d.id = ? AND t.lemma_id IN ({ids}) ORDER BY t.start_char"""


def key_terms_for(store: Store, doc: dict[str, Any], limit: int = 8) -> dict[str, Any]:
    """The document's most distinctive lemmas (tf-idf over the term index) and where they occur."""
    if not all(store.has_table(t) for t in ("term_docs", "term_tokens", "term_lemmas", "term_counts")):
        return {"terms": [], "spans": [], "note": "Key terms need the term index (`lockstep terms index`, or run "
                "`lockstep report` once)."}
    top = store.rows(KEY_TERMS_SQL, [doc["id"], limit])
    if not top:
        return {"terms": [], "spans": [], "note": "This document is not in the term index yet."}
    ids = [int(r["lemma_id"]) for r in top]
    spans = store.rows(SPANS_SQL.format(ids=", ".join("?" * len(ids))), [doc["id"], *ids])
    return {"terms": [r["lemma"] for r in top], "note": "",
            "spans": [Span(r["start_char"], r["end_char"], "term", r["lemma"]) for r in spans]}


ECHO_SQL = """
SELECT m.chain_id, m.doc_id, m.idx, m.position, m.actor, m.outlet, m.language, m.published_at, m.lag_hours, m.kind,
       m.similarity FROM echo_members m
WHERE m.chain_id IN (SELECT chain_id FROM echo_members WHERE doc_id = ?) ORDER BY m.chain_id, m.position LIMIT 200"""


def echo_chain_for(store: Store, doc_id: str) -> dict[str, Any]:
    """The echo chains (stored by `lockstep echoes`) that contain one of the document's paragraphs."""
    if not store.has_table("echo_members"):
        return {"chain": [], "note": "No echo chains stored: run `lockstep echoes --db STORE` to find them."}
    rows = store.rows(ECHO_SQL, [doc_id])
    chain = [{"chain_id": r["chain_id"], "doc_id": r["doc_id"], "paragraph": r["idx"], "actor": r["actor"],
              "outlet": r["outlet"], "language": r["language"],
              "published": r["published_at"].isoformat() if r["published_at"] else None,
              "kind": r["kind"], "similarity": r["similarity"], "lag_hours": r["lag_hours"]} for r in rows]
    return {"chain": chain, "note": "" if chain else "This document is not part of a stored echo chain."}


def narrative_choices(store: Store, limit: int = 300) -> list[str]:
    """Tagged narratives, most frequent first, for filter drop-downs."""
    if not store.has_table("narrative_hits"):
        return []
    return [r["narrative"] for r in store.rows(
        "SELECT narrative FROM narrative_hits WHERE above GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ?", [limit])]


def record_review(store: Store, hit_id: str, decision: str, coder: str) -> dict[str, Any]:
    """Store an analyst's accept/reject decision through the narratives module (the only write the app does)."""
    narratives = analysis("narratives.review", "review_tag")
    with store.writer() as corpus:
        result = narratives.review_tag(corpus, hit_id, decision, coder)
    return {"hit_id": hit_id, "decision": decision, "coder": coder, "result": result}


def record_document_review(store: Store, doc_id: str, labels: list[str], coder: str) -> dict[str, Any]:
    """Store which narratives a coder says a document carries ([] = none) through the narratives module."""
    review = analysis("narratives.review", "review_document")
    with store.writer() as corpus:
        stored = review.review_document(corpus, doc_id, labels, coder, source="dashboard")
    return {"doc_id": doc_id, "labels": stored["labels"], "coder": coder}
