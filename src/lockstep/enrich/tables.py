"""The embedding cache in the store (``embeddings``: one vector per paragraph and model), its DDL, reads and
writes. :mod:`lockstep.enrich.embeddings` computes the vectors; this module is the only one that touches the table.

``where``/``params`` arguments are a :class:`lockstep.store.corpus.DocumentFilter`'s clause over documents ``d``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pandas as pd
    import pyarrow as pa

EMBEDDINGS_TABLE = """CREATE TABLE IF NOT EXISTS embeddings (
    doc_id VARCHAR, idx INTEGER, model VARCHAR, vector FLOAT[],
    PRIMARY KEY (doc_id, idx, model))"""


def ensure_table(con: "duckdb.DuckDBPyConnection") -> None:
    con.execute(EMBEDDINGS_TABLE)


def missing_paragraphs(con: "duckdb.DuckDBPyConnection", where: str, params: list, model: str) -> "pd.DataFrame":
    """(doc_id, idx, text) of the selected paragraphs with no cached vector for the model, in key order."""
    sql = ("SELECT p.doc_id, p.idx, p.text FROM paragraphs p JOIN documents d ON d.id = p.doc_id "
           "LEFT JOIN embeddings e ON e.doc_id = p.doc_id AND e.idx = p.idx AND e.model = ? "
           f"WHERE e.doc_id IS NULL AND {where} ORDER BY p.doc_id, p.idx")
    return con.execute(sql, [model, *params]).df()


def insert_vectors(con: "duckdb.DuckDBPyConnection", table: "pa.Table") -> None:
    """Add (doc_id, idx, model, vector) rows; a key already cached keeps its vector."""
    con.register("incoming_embeddings", table)
    try:
        con.execute("INSERT INTO embeddings SELECT doc_id, idx, model, vector FROM incoming_embeddings "
                    "ON CONFLICT DO NOTHING")
    finally:
        con.unregister("incoming_embeddings")


def cached_vector_batches(con: "duckdb.DuckDBPyConnection", where: str, params: list, model: str,
                          chunk_rows: int) -> Iterator[object]:
    """Arrow record batches of (doc_id, idx, vector) for the selected paragraphs, in key order, read on a cursor of
    their own (other statements may run on the connection meanwhile)."""
    sql = ("SELECT e.doc_id, e.idx, e.vector FROM embeddings e JOIN documents d ON d.id = e.doc_id "
           f"WHERE e.model = ? AND {where} ORDER BY e.doc_id, e.idx")
    cursor = con.cursor()
    try:
        yield from cursor.sql(sql, params=[model, *params]).to_arrow_reader(chunk_rows)
    finally:
        cursor.close()
