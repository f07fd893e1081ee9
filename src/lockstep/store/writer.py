"""Write processed batches into the store: documents, paragraphs, fingerprints and skips, one transaction
per batch, so an ingest killed halfway leaves a consistent store that the next run completes."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from lockstep.dedup.clusters import DedupIndex

DOC_COLUMNS = (
    "id, title, text, outlet, actor, actor_country, actor_type, author, published, published_precision, "
    "published_source, language, paywalled, source, source_position, url, original_source, duplicate_of, "
    "cluster_id, text_hash, raw_sha, removed"
)


@dataclass(slots=True)
class BatchResult:
    stored: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    already_stored: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)


def write_batch(con: duckdb.DuckDBPyConnection, batch: pa.RecordBatch, index: DedupIndex) -> BatchResult:
    result = BatchResult()
    rows = batch.to_pylist()
    docs = []
    result.skipped = [(row["source"], row["skip_reason"]) for row in rows if not row["id"]]
    articles = [row for row in rows if row["id"]]
    assigned = index.assign_batch([r["id"] for r in articles], [r["text_hash"] for r in articles],
                                  [r["minhash"] for r in articles])
    for row, (cluster, how) in zip(articles, assigned):
        if how == "known":
            result.already_stored += 1
            continue
        row["cluster_id"] = cluster
        row["duplicate_of"] = None if cluster == row["id"] else cluster
        result.exact_duplicates += how == "exact"
        result.near_duplicates += how == "near"
        docs.append(row)
    con.execute("BEGIN TRANSACTION")
    try:
        insert_documents(con, docs)
        insert_skips(con, [r for r in rows if not r["id"]])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    result.stored = len(docs)
    return result


def insert_documents(con: duckdb.DuckDBPyConnection, docs: list[dict]) -> None:
    if not docs:
        return
    columns = [c.strip() for c in DOC_COLUMNS.split(",")]
    table = pa.Table.from_pylist([{c: d.get(c) for c in columns} for d in docs])
    con.register("incoming_docs", table)
    con.execute(
        f"INSERT INTO documents ({DOC_COLUMNS}, published_at, n_chars) "
        f"SELECT {DOC_COLUMNS}, try_cast(published AS TIMESTAMP), length(text) FROM incoming_docs "
        "ON CONFLICT DO NOTHING"
    )
    con.unregister("incoming_docs")
    paragraphs = [p for d in docs for p in paragraph_rows(d["id"], d["text"])]
    if paragraphs:
        con.register("incoming_paragraphs", pa.Table.from_pylist(paragraphs))
        con.execute("INSERT INTO paragraphs SELECT doc_id, idx, start_char, end_char, text "
                    "FROM incoming_paragraphs ON CONFLICT DO NOTHING")
        con.unregister("incoming_paragraphs")
    prints = [{"doc_id": d["id"], "minhash": d["minhash"]} for d in docs if d.get("minhash")]
    if prints:
        con.register("incoming_prints", pa.Table.from_pylist(prints))
        con.execute("INSERT INTO fingerprints SELECT doc_id, minhash FROM incoming_prints ON CONFLICT DO NOTHING")
        con.unregister("incoming_prints")


def paragraph_rows(doc_id: str, text: str) -> list[dict]:
    """Paragraphs with character offsets into the document text (paragraphs are separated by blank lines)."""
    rows, start = [], 0
    for part in text.split("\n\n"):
        end = start + len(part)
        if part.strip():
            rows.append({"doc_id": doc_id, "idx": len(rows), "start_char": start, "end_char": end, "text": part})
        start = end + 2
    return rows


def insert_skips(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    for row in rows:
        con.execute("INSERT INTO skipped (source, position, reason) VALUES (?, ?, ?)",
                    [row["source"], row["source_position"], row["skip_reason"]])


INPUT_ROWS = pa.schema([("raw_sha", pa.string()), ("source", pa.string()), ("size", pa.int64()), ("kind", pa.string()),
                        ("status", pa.string()), ("reason", pa.string()), ("n_documents", pa.int64()),
                        ("data", pa.binary())])


def record_inputs(con: duckdb.DuckDBPyConnection, records: list[dict]) -> None:
    """Record finished input files (status, reason, documents) and keep their raw bytes, in one transaction."""
    con.register("incoming_inputs", pa.Table.from_pylist(records, schema=INPUT_ROWS))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT OR REPLACE INTO inputs (raw_sha, source, size, kind, status, reason, n_documents) "
                    "SELECT raw_sha, source, size, kind, status, reason, n_documents FROM incoming_inputs")
        con.execute("INSERT INTO raw SELECT raw_sha, data FROM incoming_inputs WHERE data IS NOT NULL "
                    "ON CONFLICT DO NOTHING")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("incoming_inputs")


def stored_inputs(con: duckdb.DuckDBPyConnection) -> set[str]:
    """raw_sha of every input file a run has finished storing (a later run skips them)."""
    return {sha for (sha,) in con.execute("SELECT raw_sha FROM inputs WHERE status = 'stored'").fetchall()}
