"""Reads of the term index's tables (built by :mod:`lockstep.terms.token_index`) for other packages: a document's key
terms and where they occur. The index's own DDL and writes are still in ``terms/token_index.py`` (issue 21, step 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from lockstep.store.tables import has_table, rows_of

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

KEY_TERM_TABLES = ("term_docs", "term_tokens", "term_lemmas", "term_counts")
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


def can_rank_key_terms(con: "duckdb.DuckDBPyConnection") -> bool:
    """Whether the store holds the index tables that key terms are read from."""
    return all(has_table(con, t) for t in KEY_TERM_TABLES)


def key_terms(con: "duckdb.DuckDBPyConnection", doc_id: str, limit: int) -> list[dict[str, Any]]:
    """The document's most distinctive lemmas (lemma_id, lemma, score): tf-idf over the term index."""
    return rows_of(con, KEY_TERMS_SQL, [doc_id, limit])


def lemma_spans(con: "duckdb.DuckDBPyConnection", doc_id: str, lemma_ids: list[int]) -> list[dict[str, Any]]:
    """(start_char, end_char, lemma) of every token of the document with one of these lemmas, in text order."""
    return rows_of(con, SPANS_SQL.format(ids=", ".join("?" * len(lemma_ids))), [doc_id, *lemma_ids])



def has_tokens(con: "duckdb.DuckDBPyConnection") -> bool:
    """Whether the store holds the index tables that documents' lemmas are read from."""
    return all(has_table(con, t) for t in ("term_docs", "term_tokens", "term_lemmas"))


def document_lemmas(con: "duckdb.DuckDBPyConnection", doc_ids: list[str]) -> "pd.DataFrame":
    """(doc_id, sent, lemma, stop) of every token of the documents, in text order."""
    con.register("align_doc_ids", pd.DataFrame({"doc_id": doc_ids}))
    try:
        return con.execute(
            "SELECT d.id AS doc_id, t.sent, l.lemma, l.stop FROM term_tokens t JOIN term_docs d USING (doc_key) "
            "JOIN term_lemmas l ON l.lemma_id = t.lemma_id JOIN align_doc_ids a ON a.doc_id = d.id "
            "ORDER BY d.id, t.pos").df()
    finally:
        con.unregister("align_doc_ids")
