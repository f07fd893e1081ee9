"""Reads of the echo tables (written by :mod:`lockstep.align.chains`) for other packages: the chains a document
belongs to. The DDL and writes are still in ``align/chains.py`` (issue 21, step 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from lockstep.store.tables import has_table, rows_of

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

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
