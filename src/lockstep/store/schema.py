"""The DuckDB schema of a lockstep store, with its version.

Core tables belong here. Analysis modules (terms, narratives, align) create their own tables with
``CREATE TABLE IF NOT EXISTS`` next to the code that fills them.
"""

from __future__ import annotations

import duckdb

from lockstep.errors import StoreError

SCHEMA_VERSION = 1

CORE_TABLES = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS inputs (
        raw_sha VARCHAR PRIMARY KEY,
        source VARCHAR,
        size BIGINT,
        kind VARCHAR,
        status VARCHAR,           -- stored | skipped
        reason VARCHAR,
        n_documents INTEGER,
        ingested_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS raw (raw_sha VARCHAR PRIMARY KEY, data BLOB)""",
    """CREATE TABLE IF NOT EXISTS skipped (
        source VARCHAR, position VARCHAR, reason VARCHAR,
        skipped_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS documents (
        id VARCHAR PRIMARY KEY,
        title VARCHAR,
        text VARCHAR,
        outlet VARCHAR,
        actor VARCHAR,
        actor_country VARCHAR,
        actor_type VARCHAR,
        author VARCHAR,
        published VARCHAR,
        published_at TIMESTAMP,
        published_precision VARCHAR,
        published_source VARCHAR,
        language VARCHAR,
        paywalled BOOLEAN,
        source VARCHAR,
        source_position VARCHAR,
        url VARCHAR,
        original_source VARCHAR,
        duplicate_of VARCHAR,
        cluster_id VARCHAR,
        text_hash VARCHAR,
        raw_sha VARCHAR,
        removed VARCHAR,
        n_chars INTEGER,
        ingested_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS paragraphs (
        doc_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
        PRIMARY KEY (doc_id, idx))""",
    """CREATE TABLE IF NOT EXISTS fingerprints (doc_id VARCHAR PRIMARY KEY, minhash BLOB)""",
]


def ensure_schema(con: duckdb.DuckDBPyConnection, *, read_only: bool = False) -> None:
    """Create the core tables, or refuse a store written by a newer lockstep."""
    version = stored_version(con)
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(
            f"store schema version {version} is newer than this lockstep supports ({SCHEMA_VERSION}); "
            "upgrade lockstep to open it"
        )
    if read_only:
        return
    for ddl in CORE_TABLES:
        con.execute(ddl)
    if version is None:
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    has_meta = con.execute(  # fetchall: a result left pending blocks DuckDB 2's `register`
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()[0][0]
    if not has_meta:
        return None
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else None
