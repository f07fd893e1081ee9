"""Corpus overview: what is in the store, by actor, language and month; duplicates; skipped inputs.

The queries are :mod:`lockstep.store.tables`' (aggregates only, so they stay fast at a million documents); this
module shapes them for the report and the dashboard's overview page, which both call these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from lockstep.store import tables
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import duckdb


def corpus_summary(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> dict[str, Any]:
    """Counts for the whole selection: documents, unique stories, duplicates, actors, languages, dates."""
    summary = tables.corpus_counts(con, filters)
    for key in ("first_published", "last_published"):
        summary[key] = summary[key].isoformat() if summary[key] is not None else None
    return summary


def month_samples(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter, per_cell: int = 5) -> "pd.DataFrame":
    """The first few documents of each actor x month (originals before reprints): the text behind each bar."""
    rows = tables.month_firsts(con, filters, per_cell)
    return pd.DataFrame([{"month": month, "actor": actor, **item} for month, actor, items in rows for item in items],
                        columns=["month", "actor", "id", "title", "published", "outlet", "language", "duplicate_of"])


def filter_options(con: "duckdb.DuckDBPyConnection") -> dict[str, list[str]]:
    """Actors and languages present in the store, for filter drop-downs."""
    return {"actors": tables.actors_by_size(con), "languages": tables.languages_by_size(con)}


def contrasting_pair(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> tuple[str, str] | None:
    """The largest actor and the largest actor from another country (or the second largest): the default pair."""
    rows = tables.actor_countries(con, filters)
    if len(rows) < 2:
        return None
    first, country = rows[0]
    other = next((a for a, c in rows[1:] if c and c != country), rows[1][0])
    return first, other
