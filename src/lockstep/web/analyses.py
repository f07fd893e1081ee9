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
