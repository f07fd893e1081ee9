"""Write processed batches into the store: documents, paragraphs, fingerprints and skips, one transaction
per batch, so an ingest killed halfway leaves a consistent store that the next run completes."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lockstep.dedup.clusters import DedupIndex

MEMORY_SIZE = re.compile(r"^\d+(?:\.\d+)?\s*(?:[KMGT]i?B)$", re.IGNORECASE)

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
    partial: list[tuple[str, str]] = field(default_factory=list)  # (source, what a stored document lost)


def write_batch(con: duckdb.DuckDBPyConnection, batch: pa.RecordBatch, index: DedupIndex,
                base: object = None) -> BatchResult:
    """Cluster and store one batch in one transaction. With `base` (a timestamp) and a `tick` column (the
    engine's input batch number), `ingested_at` is base + tick microseconds, so ties between equal publication
    dates break by input order whatever the transactions were (both engines give the same store)."""
    result = BatchResult()
    is_doc = pc.fill_null(pc.not_equal(batch.column("id"), ""), False)
    skips, docs = batch.filter(pc.invert(is_doc)), batch.filter(is_doc)
    result.skipped = list(zip(skips.column("source").to_pylist(), skips.column("skip_reason").to_pylist()))
    has_loss = pc.fill_null(pc.not_equal(docs.column("skip_reason"), ""), False)
    losses = docs.filter(has_loss)
    result.partial = list(zip(losses.column("source").to_pylist(), losses.column("skip_reason").to_pylist()))
    assigned = index.assign_batch(docs.column("id").to_pylist(), docs.column("text_hash").to_pylist(),
                                  docs.column("minhash").to_pylist())
    hows = [how for _, how in assigned]
    result.already_stored = hows.count("known")
    result.exact_duplicates, result.near_duplicates = hows.count("exact"), hows.count("near")
    new = pa.Table.from_batches([docs.filter(pa.array([how != "known" for how in hows], pa.bool_()))])
    new = new.append_column("cluster_id", pa.array([c for c, how in assigned if how != "known"], pa.string()))
    con.execute("BEGIN TRANSACTION")
    try:
        insert_documents(con, new, base)
        insert_skips(con, skips)
        insert_skips(con, losses)  # a document stored in part: what it lost is listed with the skips
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    result.stored = new.num_rows
    return result


def tick_base(con: duckdb.DuckDBPyConnection) -> object:
    """The store's clock now: an engine stamps input batch n of this run base + n microseconds."""
    return con.execute("SELECT CAST(current_timestamp AS TIMESTAMP)").fetchall()[0][0]  # fetched to the end


def insert_documents(con: duckdb.DuckDBPyConnection, docs: pa.Table | list[dict], base: object = None) -> None:
    """Documents (duplicate_of = the cluster's first document, or null for it), their paragraphs and
    fingerprints, from a table with the stage columns plus cluster_id (or from such rows as dicts)."""
    if isinstance(docs, list):
        names = [c.strip() for c in DOC_COLUMNS.split(",")] + ["minhash"]
        docs = pa.Table.from_pylist([{c: d.get(c) for c in names} for d in docs])
    if not docs.num_rows:
        return
    register(con, "incoming_docs", docs)
    columns = DOC_COLUMNS.replace("duplicate_of", "CASE WHEN cluster_id = id THEN NULL ELSE cluster_id END")
    ticked = base is not None and "tick" in docs.column_names
    con.execute(
        f"INSERT INTO documents ({DOC_COLUMNS}, published_at, n_chars, ingested_at) "
        f"SELECT {columns}, try_cast(published AS TIMESTAMP), length(text), "
        f"{'CAST($base AS TIMESTAMP) + to_microseconds(tick)' if ticked else 'current_timestamp'} FROM incoming_docs "
        "ON CONFLICT DO NOTHING", {"base": base} if ticked else None
    )
    con.execute("INSERT INTO fingerprints SELECT id, minhash FROM incoming_docs WHERE minhash IS NOT NULL "
                "ON CONFLICT DO NOTHING")
    con.unregister("incoming_docs")
    paragraphs = paragraph_table(docs.column("id").to_pylist(), docs.column("text").to_pylist())
    if paragraphs.num_rows:
        register(con, "incoming_paragraphs", paragraphs)
        con.execute("INSERT INTO paragraphs SELECT doc_id, idx, start_char, end_char, text "
                    "FROM incoming_paragraphs ON CONFLICT DO NOTHING")
        con.unregister("incoming_paragraphs")


def paragraph_table(ids: list[str], texts: list[str]) -> pa.Table:
    columns: dict[str, list] = {"doc_id": [], "idx": [], "start_char": [], "end_char": [], "text": []}
    for doc_id, text in zip(ids, texts):
        for row in paragraph_rows(doc_id, text or ""):
            for name, value in row.items():
                columns[name].append(value)
    return pa.table(columns)


def paragraph_rows(doc_id: str, text: str) -> list[dict]:
    """Paragraphs with character offsets into the document text (paragraphs are separated by blank lines)."""
    rows, start = [], 0
    for part in text.split("\n\n"):
        end = start + len(part)
        if part.strip():
            rows.append({"doc_id": doc_id, "idx": len(rows), "start_char": start, "end_char": end, "text": part})
        start = end + 2
    return rows


def register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """`con.register`, first closing any result a caller left unfetched (DuckDB 2 refuses to register a view
    while a result is pending: "connection has an unfinished result")."""
    complete = getattr(con, "complete", None)  # DuckDB >= 2
    if complete is not None:
        complete()
    con.register(name, table)


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """`table` visible to SQL as `name` inside the block (through `register`), unregistered after it, also when a
    statement fails."""
    register(con, name, table)
    try:
        yield
    finally:
        con.unregister(name)


def insert_skips(con: duckdb.DuckDBPyConnection, skips: pa.RecordBatch) -> None:
    if skips.num_rows:
        with registered(con, "incoming_skips", pa.Table.from_batches([skips])):
            con.execute("INSERT INTO skipped (source, position, reason) "
                        "SELECT source, source_position, skip_reason FROM incoming_skips")


INPUT_ROWS = pa.schema([("raw_sha", pa.string()), ("source", pa.string()), ("size", pa.int64()), ("kind", pa.string()),
                        ("status", pa.string()), ("reason", pa.string()), ("n_documents", pa.int64())])
RAW_ROWS = pa.schema([("raw_sha", pa.string()), ("data", pa.binary())])
RAW_CHUNK_BYTES = 8 * 2**20  # raw bytes written per statement: DuckDB holds a few copies of what one statement inserts
RAW_ALONE_BYTES = 2**20  # an input this large is written on its own, as a parameter (no Arrow copy)


def record_inputs(con: duckdb.DuckDBPyConnection, records: list[dict]) -> None:
    """Record finished input files (status, reason, documents) and keep their raw bytes.

    The raw bytes go first, a few MB per transaction, and only for inputs the store does not hold yet (a plain
    insert: `ON CONFLICT` makes DuckDB keep twice as many copies of a large blob); then the input rows in one
    transaction. A run killed in between leaves raw bytes without their input row, which the next run re-reads
    and does not write twice."""
    write_raw(con, [(r["raw_sha"], r["data"]) for r in records if r.get("data") is not None])
    register(con, "incoming_inputs", pa.Table.from_pylist(
        [{name: r.get(name) for name in INPUT_ROWS.names} for r in records], schema=INPUT_ROWS))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT OR REPLACE INTO inputs (raw_sha, source, size, kind, status, reason, n_documents) "
                    "SELECT raw_sha, source, size, kind, status, reason, n_documents FROM incoming_inputs")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("incoming_inputs")


def write_raw(con: duckdb.DuckDBPyConnection, items: list[tuple[str, bytes]]) -> None:
    """Raw bytes of inputs not stored yet, in transactions of at most RAW_CHUNK_BYTES (or one large input)."""
    if not items:
        return
    held = stored_raw(con, [sha for sha, _ in items])
    chunk: list[tuple[str, bytes]] = []
    size = 0
    for sha, data in items:
        if sha in held:
            continue
        held.add(sha)
        if len(data) >= RAW_ALONE_BYTES:
            in_transaction(con, "INSERT INTO raw VALUES (?, ?)", [sha, data])
            continue
        chunk.append((sha, data))
        size += len(data)
        if size >= RAW_CHUNK_BYTES:
            insert_raw_chunk(con, chunk)
            chunk, size = [], 0
    insert_raw_chunk(con, chunk)


def stored_raw(con: duckdb.DuckDBPyConnection, shas: list[str]) -> set[str]:
    return {sha for (sha,) in con.execute("SELECT raw_sha FROM raw WHERE raw_sha IN (SELECT unnest($shas))",
                                          {"shas": shas}).fetchall()}


def insert_raw_chunk(con: duckdb.DuckDBPyConnection, chunk: list[tuple[str, bytes]]) -> None:
    if not chunk:
        return
    register(con, "incoming_raw", pa.table([pa.array([sha for sha, _ in chunk], pa.string()),
                                            pa.array([data for _, data in chunk], pa.binary())], schema=RAW_ROWS))
    try:
        in_transaction(con, "INSERT INTO raw SELECT raw_sha, data FROM incoming_raw")
    finally:
        con.unregister("incoming_raw")


def in_transaction(con: duckdb.DuckDBPyConnection, sql: str, parameters: object = None) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql, parameters)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def stored_inputs(con: duckdb.DuckDBPyConnection) -> set[str]:
    """raw_sha of every input file a run has finished storing (a later run skips them)."""
    return {sha for (sha,) in con.execute("SELECT raw_sha FROM inputs WHERE status = 'stored'").fetchall()}


@contextmanager
def capped_memory(con: duckdb.DuckDBPyConnection, limit: str | None) -> Iterator[None]:
    """Cap DuckDB's buffer pool (e.g. "1GB") while ingesting, then go back to DuckDB's default. Without a cap
    DuckDB keeps what it writes cached up to 80 % of RAM, so an ingest's memory grows with the store."""
    if not limit:
        yield
        return
    if not MEMORY_SIZE.match(limit):
        raise ValueError(f"store memory {limit!r}: give a size such as 512MB or 2GB")
    con.execute(f"SET memory_limit = '{limit}'")  # checked against MEMORY_SIZE above
    try:
        yield
    finally:
        con.execute("RESET memory_limit")  # lockstep sets it nowhere else on a store's connection
