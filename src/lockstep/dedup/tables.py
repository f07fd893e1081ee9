"""The SQL of deduplication: reading the stored documents' signatures and cluster rows, and pointing every
cluster member at its earliest publication (`documents.cluster_id`/`duplicate_of`, `fingerprints`)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

LOAD_QUERY = """
    WITH d AS (SELECT id, cluster_id, text_hash, row_number() OVER (ORDER BY rowid) - 1 AS row,
                      row_number() OVER (PARTITION BY text_hash ORDER BY rowid) = 1 AS first_of_text
               FROM documents)
    SELECT d.id, d.text_hash, coalesce(c.row, d.row) AS cluster_row, d.first_of_text, f.minhash
    FROM d LEFT JOIN d AS c ON c.id = d.cluster_id LEFT JOIN fingerprints f ON f.doc_id = d.id
    ORDER BY d.row
"""


def stored_signatures(cursor: duckdb.DuckDBPyConnection, chunk: int) -> pa.RecordBatchReader:
    """Every stored document in storage order, with its text hash, its cluster's row, whether it is the first of
    its text, and its MinHash bytes, in batches of `chunk` rows."""
    return cursor.sql(LOAD_QUERY).to_arrow_reader(chunk)


def point_to_earliest(con: duckdb.DuckDBPyConnection) -> None:
    """Set duplicate_of to the earliest-published member of each cluster (ties: first stored)."""
    con.execute(
        """
        WITH ranked AS (
            SELECT id, cluster_id,
                   first_value(id) OVER (PARTITION BY cluster_id
                       ORDER BY published_at NULLS LAST, ingested_at, id) AS first_id
            FROM documents)
        UPDATE documents SET duplicate_of = CASE WHEN ranked.first_id = documents.id THEN NULL
                                                 ELSE ranked.first_id END
        FROM ranked WHERE ranked.id = documents.id
          AND documents.duplicate_of IS DISTINCT FROM
              (CASE WHEN ranked.first_id = documents.id THEN NULL ELSE ranked.first_id END)
        """
    )
