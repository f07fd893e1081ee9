"""The echo tables: DDL, the write of a run of :mod:`lockstep.align.chains`, and the reads other packages make (the
chains a document belongs to, the paragraph -> chain map).

echo_runs     one row per stored run: its options (JSON) and sizes
echo_chains   the latest run's chains: first member, path, sizes, languages, kinds, lags, text
echo_members  the latest run's members, one per paragraph: position, lag, the link that brought it in
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from lockstep.store.tables import has_table, rows_of
from lockstep.store.writer import registered

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

ECHO_TABLES = [
    """CREATE TABLE IF NOT EXISTS echo_runs (run_id VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp,
        options VARCHAR, n_chains INTEGER, n_members INTEGER)""",
    """CREATE TABLE IF NOT EXISTS echo_chains (chain_id VARCHAR PRIMARY KEY, first_doc_id VARCHAR, first_idx INTEGER,
        first_outlet VARCHAR, first_actor VARCHAR, first_published TIMESTAMP, path VARCHAR, n_members INTEGER,
        n_outlets INTEGER, n_actors INTEGER, languages VARCHAR, kinds VARCHAR, span_hours DOUBLE,
        median_lag_hours DOUBLE, text VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS echo_members (chain_id VARCHAR, doc_id VARCHAR, idx INTEGER, position INTEGER,
        outlet VARCHAR, actor VARCHAR, language VARCHAR, published_at TIMESTAMP, lag_hours DOUBLE, kind VARCHAR,
        similarity DOUBLE, parent_doc_id VARCHAR, parent_idx INTEGER, shared_anchors INTEGER,
        PRIMARY KEY (doc_id, idx))""",
]
ECHO_SQL = """
SELECT m.chain_id, m.doc_id, m.idx, m.position, m.actor, m.outlet, m.language, m.published_at, m.lag_hours, m.kind,
       m.similarity FROM echo_members m
WHERE m.chain_id IN (SELECT chain_id FROM echo_members WHERE doc_id = ?) ORDER BY m.chain_id, m.position LIMIT 200"""


def has_chains(con: "duckdb.DuckDBPyConnection") -> bool:
    return has_table(con, "echo_members")


def chain_members_of_document(con: "duckdb.DuckDBPyConnection", doc_id: str) -> list[dict[str, Any]]:
    """Every member of the stored echo chains that hold one of the document's paragraphs (200 at most)."""
    return rows_of(con, ECHO_SQL, [doc_id])


def stored_chains(con: "duckdb.DuckDBPyConnection") -> "pd.DataFrame":
    """Paragraph -> chain map of the latest run: (doc_id, idx, chain_id, position); empty when none was run."""
    if not has_chains(con):
        return pd.DataFrame(columns=["doc_id", "idx", "chain_id", "position"])
    return con.execute("SELECT doc_id, idx, chain_id, position FROM echo_members").df()


def replace_echoes(con: "duckdb.DuckDBPyConnection", chains: "pd.DataFrame", members: "pd.DataFrame", run_id: str,
                   settings: str) -> None:
    """Replace the stored chains and members with a run's (one transaction) and record the run."""
    for ddl in ECHO_TABLES:
        con.execute(ddl)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM echo_members")
        con.execute("DELETE FROM echo_chains")
        if len(chains):
            with registered(con, "incoming_chains", chains):
                con.execute("INSERT INTO echo_chains SELECT * FROM incoming_chains")
            with registered(con, "incoming_members", members):
                con.execute("INSERT INTO echo_members SELECT * FROM incoming_members")
        con.execute("INSERT INTO echo_runs (run_id, options, n_chains, n_members) VALUES (?, ?, ?, ?)",
                    [run_id, settings, len(chains), len(members)])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
