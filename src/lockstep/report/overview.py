"""Corpus overview queries: what is in the store, by actor, language and month; duplicates; skipped inputs.

Aggregates only (GROUP BY in DuckDB), so they stay fast at a million documents; the report and the dashboard's
overview page both call these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pandas as pd


def corpus_summary(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> dict[str, Any]:
    """Counts for the whole selection: documents, unique stories, duplicates, actors, languages, dates."""
    where, params = filters.where()
    row = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE duplicate_of IS NULL), count(*) FILTER (WHERE duplicate_of IS NOT NULL), "
        "count(DISTINCT actor), count(DISTINCT language), min(published_at), max(published_at), "
        "count(*) FILTER (WHERE published_at IS NULL), count(*) FILTER (WHERE paywalled), "
        f"count(DISTINCT outlet) FROM documents d WHERE {where}", params).fetchone()
    keys = ("documents", "unique_documents", "duplicates", "actors", "languages", "first_published",
            "last_published", "undated", "paywalled", "outlets")
    summary = dict(zip(keys, row))
    summary["paragraphs"] = con.execute("SELECT count(*) FROM paragraphs").fetchone()[0] if where == "TRUE" else \
        con.execute(f"SELECT count(*) FROM paragraphs p JOIN documents d ON d.id = p.doc_id WHERE {where}",
                    params).fetchone()[0]
    summary["skipped_inputs"] = con.execute(f"SELECT count(*) FROM ({SKIPPED})").fetchone()[0]
    summary["inputs"] = con.execute("SELECT count(*) FROM inputs").fetchone()[0]
    for key in ("first_published", "last_published"):
        summary[key] = summary[key].isoformat() if summary[key] is not None else None
    return summary


def documents_by_actor(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> "pd.DataFrame":
    where, params = filters.where()
    return con.execute(
        "SELECT coalesce(actor, '(unknown)') AS actor, any_value(actor_country) AS country, "
        "any_value(actor_type) AS actor_type, count(*) AS documents, "
        "count(*) FILTER (WHERE duplicate_of IS NULL) AS unique_documents, "
        "count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates, count(DISTINCT outlet) AS outlets, "
        "string_agg(DISTINCT language, ', ' ORDER BY language) AS languages, "
        "strftime(min(published_at), '%Y-%m-%d') AS first_published, strftime(max(published_at), '%Y-%m-%d') AS last_published "
        f"FROM documents d WHERE {where} GROUP BY 1 ORDER BY documents DESC, actor", params).df()


def documents_by_language(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> "pd.DataFrame":
    where, params = filters.where()
    return con.execute(
        "SELECT coalesce(language, '(unknown)') AS language, count(*) AS documents, "
        "count(*) FILTER (WHERE duplicate_of IS NULL) AS unique_documents, count(DISTINCT actor) AS actors "
        f"FROM documents d WHERE {where} GROUP BY 1 ORDER BY documents DESC, language", params).df()


def documents_by_month(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> "pd.DataFrame":
    """Documents per actor and month (undated documents are left out and counted in the summary)."""
    where, params = filters.where()
    return con.execute(
        "SELECT strftime(date_trunc('month', published_at), '%Y-%m') AS month, coalesce(actor, '(unknown)') AS actor, "
        "count(*) AS documents, count(*) FILTER (WHERE duplicate_of IS NULL) AS unique_documents "
        f"FROM documents d WHERE {where} AND published_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2", params).df()


def month_samples(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter, per_cell: int = 5) -> "pd.DataFrame":
    """The first few documents of each actor x month (originals before reprints): the text behind each bar.
    One GROUP BY with a top-n aggregate (min_by), not a window over every document."""
    import pandas as pd

    where, params = filters.where()
    rows = con.execute(
        "SELECT strftime(date_trunc('month', published_at), '%Y-%m') AS month, coalesce(actor, '(unknown)') AS actor, "
        "min_by({'id': id, 'title': title, 'published': published, 'outlet': outlet, 'language': language, "
        "'duplicate_of': duplicate_of}, (duplicate_of IS NOT NULL, published_at, id), ?) AS firsts "
        f"FROM documents d WHERE {where} AND published_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
        [int(per_cell), *params]).fetchall()
    return pd.DataFrame([{"month": month, "actor": actor, **item} for month, actor, items in rows for item in items],
                        columns=["month", "actor", "id", "title", "published", "outlet", "language", "duplicate_of"])


def duplicate_clusters(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter, limit: int = 25) -> "pd.DataFrame":
    """The largest duplicate clusters: first member, size, actors and outlets that carried the story. Only clusters
    with duplicates are grouped (duplicate_of is set on every later member), then the top ones described."""
    where, params = filters.where()
    return con.execute(
        f"WITH top AS (SELECT d.cluster_id FROM documents d WHERE {where} AND d.duplicate_of IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ?), "
        f"sizes AS (SELECT d.cluster_id, count(*) AS members, count(DISTINCT d.actor) AS n_actors, "
        "string_agg(DISTINCT d.actor, ', ' ORDER BY d.actor) AS actors, "
        "string_agg(DISTINCT d.outlet, ', ' ORDER BY d.outlet) AS outlets "
        f"FROM documents d JOIN top USING (cluster_id) WHERE {where} GROUP BY 1) "
        "SELECT s.cluster_id, s.members, s.n_actors, s.actors, s.outlets, f.title, f.published, f.actor AS first_actor "
        "FROM sizes s LEFT JOIN documents f ON f.id = s.cluster_id "
        "ORDER BY s.members DESC, s.cluster_id", [*params, limit, *params]).df()


SKIPPED = (
    "SELECT source, position, reason, skipped_at FROM skipped UNION ALL "
    "SELECT source, '' AS position, CASE WHEN starts_with(reason, source || ': ') "
    "THEN substr(reason, length(source) + 3) ELSE reason END AS reason, ingested_at AS skipped_at "
    "FROM inputs WHERE status = 'skipped'")


def skipped_inputs(con: "duckdb.DuckDBPyConnection", limit: int = 200) -> "pd.DataFrame":
    """Whole files that gave no document and records skipped inside files, each with its reason."""
    return con.execute(f"SELECT source, position, reason, skipped_at FROM ({SKIPPED}) "
                       "ORDER BY skipped_at, source LIMIT ?", [limit]).df()


def skipped_reasons(con: "duckdb.DuckDBPyConnection") -> "pd.DataFrame":
    return con.execute(f"SELECT reason, count(*) AS inputs FROM ({SKIPPED}) GROUP BY 1 ORDER BY 2 DESC, 1").df()


def filter_options(con: "duckdb.DuckDBPyConnection") -> dict[str, list[str]]:
    """Actors and languages present in the store, for filter drop-downs."""
    actors = [r[0] for r in con.execute(
        "SELECT actor FROM documents WHERE actor IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()]
    languages = [r[0] for r in con.execute(
        "SELECT language FROM documents WHERE language IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()]
    return {"actors": actors, "languages": languages}


def top_actors(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter, limit: int = 8) -> list[str]:
    """The selected actors, largest first (documents with no known actor are left out of actor comparisons)."""
    where, params = filters.where()
    return [r[0] for r in con.execute(
        f"SELECT actor FROM documents d WHERE {where} AND actor IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 "
        "LIMIT ?", [*params, limit]).fetchall()]


def contrasting_pair(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> tuple[str, str] | None:
    """The largest actor and the largest actor from another country (or the second largest): the default pair."""
    where, params = filters.where()
    rows = con.execute(f"SELECT actor, any_value(actor_country) FROM documents d WHERE {where} AND actor IS NOT NULL "
                       "GROUP BY 1 ORDER BY count(*) DESC, 1", params).fetchall()
    if len(rows) < 2:
        return None
    first, country = rows[0]
    other = next((a for a, c in rows[1:] if c and c != country), rows[1][0])
    return first, other
