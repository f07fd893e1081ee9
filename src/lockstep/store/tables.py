"""Reads of the core tables (documents, paragraphs, inputs, skipped) that report/, web/ and the analyses share,
and the one check that a table (or a column) exists.

Every query the presentation layer needs on the core tables is a named function here, returning a frame or
records; the DDL lives in :mod:`lockstep.store.schema`. Aggregates only (GROUP BY in DuckDB), so the overview
stays fast at a million documents.
"""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pandas as pd

Key = tuple[str, int]


def has_table(con: "duckdb.DuckDBPyConnection", name: str) -> bool:
    """Whether the store holds a table (or view) of that name; reads only, so it works on read-only stores."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [name]).fetchall()[0][0])


def has_column(con: "duckdb.DuckDBPyConnection", table: str, column: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? "
                            "AND column_name = ?", [table, column]).fetchall()[0][0])


def columns_of(con: "duckdb.DuckDBPyConnection", table: str) -> set[str]:
    return {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                      [table]).fetchall()}


def rows_of(con: "duckdb.DuckDBPyConnection", sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """The rows of one query as dicts (column name -> value)."""
    result = con.execute(sql, params or [])
    names = [c[0] for c in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


# -- the corpus overview ----------------------------------------------------------------------------------------

SKIPPED = (
    "SELECT source, position, reason, skipped_at FROM skipped UNION ALL "
    "SELECT source, '' AS position, CASE WHEN starts_with(reason, source || ': ') "
    "THEN substr(reason, length(source) + 3) ELSE reason END AS reason, ingested_at AS skipped_at "
    "FROM inputs WHERE status = 'skipped'")
SUMMARY_KEYS = ("documents", "unique_documents", "duplicates", "actors", "languages", "first_published",
                "last_published", "undated", "paywalled", "outlets")


def corpus_counts(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> dict[str, Any]:
    """Counts for the selection: documents, unique stories, duplicates, actors, languages, dates, paragraphs,
    skipped inputs and inputs."""
    where, params = filters.where()
    row = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE duplicate_of IS NULL), count(*) FILTER (WHERE duplicate_of IS NOT NULL), "
        "count(DISTINCT actor), count(DISTINCT language), min(published_at), max(published_at), "
        "count(*) FILTER (WHERE published_at IS NULL), count(*) FILTER (WHERE paywalled), "
        f"count(DISTINCT outlet) FROM documents d WHERE {where}", params).fetchone()
    summary = dict(zip(SUMMARY_KEYS, row))
    summary["paragraphs"] = con.execute("SELECT count(*) FROM paragraphs").fetchone()[0] if where == "TRUE" else \
        con.execute(f"SELECT count(*) FROM paragraphs p JOIN documents d ON d.id = p.doc_id WHERE {where}",
                    params).fetchone()[0]
    summary["skipped_inputs"] = con.execute(f"SELECT count(*) FROM ({SKIPPED})").fetchone()[0]
    summary["inputs"] = con.execute("SELECT count(*) FROM inputs").fetchone()[0]
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


def month_firsts(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter, per_cell: int) -> list[tuple]:
    """(month, actor, [first documents]) per actor x month, originals before reprints. One GROUP BY with a top-n
    aggregate (min_by), not a window over every document."""
    where, params = filters.where()
    return con.execute(
        "SELECT strftime(date_trunc('month', published_at), '%Y-%m') AS month, coalesce(actor, '(unknown)') AS actor, "
        "min_by({'id': id, 'title': title, 'published': published, 'outlet': outlet, 'language': language, "
        "'duplicate_of': duplicate_of}, (duplicate_of IS NOT NULL, published_at, id), ?) AS firsts "
        f"FROM documents d WHERE {where} AND published_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
        [int(per_cell), *params]).fetchall()


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


def skipped_inputs(con: "duckdb.DuckDBPyConnection", limit: int = 200) -> "pd.DataFrame":
    """Whole files that gave no document and records skipped inside files, each with its reason."""
    return con.execute(f"SELECT source, position, reason, skipped_at FROM ({SKIPPED}) "
                       "ORDER BY skipped_at, source LIMIT ?", [limit]).df()


def skipped_reasons(con: "duckdb.DuckDBPyConnection") -> "pd.DataFrame":
    return con.execute(f"SELECT reason, count(*) AS inputs FROM ({SKIPPED}) GROUP BY 1 ORDER BY 2 DESC, 1").df()


def actors_by_size(con: "duckdb.DuckDBPyConnection") -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT actor FROM documents WHERE actor IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()]


def stored_actor_names(con: "duckdb.DuckDBPyConnection", names: list[str] | None) -> list[str] | None:
    """The actor names as the store spells them (matched without regard to case); an InputError naming the store's
    actors for a name it does not hold, instead of an empty table."""
    if not names:
        return names
    stored = actors_by_size(con)
    by_folded = {a.casefold(): a for a in stored}
    unknown = [n for n in names if n.casefold() not in by_folded]
    if unknown:
        shown = ", ".join(stored[:20]) + (f" and {len(stored) - 20} more" if len(stored) > 20 else "")
        raise InputError(f"no actor {', '.join(map(repr, unknown))} in this store; its actors: {shown or 'none'}")
    return [by_folded[n.casefold()] for n in names]


def languages_by_size(con: "duckdb.DuckDBPyConnection") -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT language FROM documents WHERE language IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()]


def top_actors(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter, limit: int = 8) -> list[str]:
    """The selected actors, largest first (documents with no known actor are left out of actor comparisons)."""
    where, params = filters.where()
    return [r[0] for r in con.execute(
        f"SELECT actor FROM documents d WHERE {where} AND actor IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 "
        "LIMIT ?", [*params, limit]).fetchall()]


def actor_countries(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> list[tuple[str, str | None]]:
    """(actor, country) of the selected actors, largest first."""
    where, params = filters.where()
    return con.execute(f"SELECT actor, any_value(actor_country) FROM documents d WHERE {where} AND actor IS NOT NULL "
                       "GROUP BY 1 ORDER BY count(*) DESC, 1", params).fetchall()


def unique_stories_by_period(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter,
                             period: str) -> dict[tuple[str, str], int]:
    """Distinct stories (a duplicate cluster counts once) per (actor, period start); period is checked by the
    caller against day/week/month/quarter/year."""
    where, params = filters.where()
    rows = con.execute(f"SELECT d.actor, strftime(date_trunc('{period}', d.published_at), '%Y-%m-%d'), "
                       f"count(DISTINCT coalesce(d.cluster_id, d.id)) FROM documents d WHERE {where} "
                       "AND d.published_at IS NOT NULL AND d.actor IS NOT NULL GROUP BY ALL", params).fetchall()
    return {(actor, start): n for actor, start, n in rows}


# -- documents and paragraphs by key ----------------------------------------------------------------------------

def paragraphs_at(con: "duckdb.DuckDBPyConnection", keys: Iterable[Key],
                  chunk: int = 500) -> dict[Key, tuple[str, int, int, str]]:
    """(doc_id, idx, start_char, text) of the paragraphs at the given (doc_id, idx) keys, read in chunks."""
    keys = list(keys)
    found: dict[Key, tuple[str, int, int, str]] = {}
    for start in range(0, len(keys), chunk):
        part = keys[start:start + chunk]
        clause = " OR ".join(["(doc_id = ? AND idx = ?)"] * len(part))
        for row in con.execute(f"SELECT doc_id, idx, start_char, text FROM paragraphs WHERE {clause}",
                               [v for k in part for v in k]).fetchall():
            found[(row[0], row[1])] = row
    return found


def paragraphs_with_documents(con: "duckdb.DuckDBPyConnection", keys: list[Key]) -> dict[Key, tuple]:
    """(doc_id, idx, start_char, text, actor, outlet, language, published, title) at the given keys."""
    if not keys:
        return {}
    pairs = " OR ".join(["(p.doc_id = ? AND p.idx = ?)"] * len(keys))
    found = con.execute(
        "SELECT p.doc_id, p.idx, p.start_char, p.text, d.actor, d.outlet, d.language, d.published, d.title "
        f"FROM paragraphs p JOIN documents d ON d.id = p.doc_id WHERE {pairs}",
        [v for key in keys for v in key]).fetchall()
    return {(f[0], f[1]): f for f in found}


def document_by_id(con: "duckdb.DuckDBPyConnection", doc_id: str) -> dict[str, Any] | None:
    """The document with that id, or with that unique id prefix (six characters at least)."""
    rows = rows_of(con, "SELECT * FROM documents WHERE id = ? LIMIT 1", [doc_id])
    if not rows and len(doc_id) >= 6:
        rows = rows_of(con, "SELECT * FROM documents WHERE starts_with(id, ?) LIMIT 2", [doc_id])
    return rows[0] if len(rows) == 1 else None


def document_paragraphs(con: "duckdb.DuckDBPyConnection", doc_id: str) -> list[dict[str, Any]]:
    return rows_of(con, "SELECT idx, start_char, end_char, text FROM paragraphs WHERE doc_id = ? ORDER BY idx",
                   [doc_id])


def document_ids(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> list[str]:
    """The ids of the selected documents, sorted."""
    where, params = filters.where("d")
    return [r[0] for r in con.execute(f"SELECT d.id FROM documents d WHERE {where} ORDER BY d.id", params).fetchall()]


def document_sources(con: "duckdb.DuckDBPyConnection") -> dict[str, tuple[str, str | None]]:
    """Document id -> (source file, position in it) of every document."""
    return {doc_id: (source, position) for doc_id, source, position in
            con.execute("SELECT id, source, source_position FROM documents").fetchall()}


def paragraph_starts(con: "duckdb.DuckDBPyConnection", doc_id: str) -> dict[int, int]:
    return {r[0]: r[1] for r in con.execute("SELECT idx, start_char FROM paragraphs WHERE doc_id = ?",
                                            [doc_id]).fetchall()}


def cluster_members(con: "duckdb.DuckDBPyConnection", cluster_id: str, but: str, limit: int = 50) -> list[dict]:
    """The other documents of a duplicate cluster, earliest first."""
    return rows_of(con, "SELECT id, title, actor, outlet, language, published, duplicate_of FROM documents "
                        "WHERE cluster_id = ? AND id <> ? ORDER BY published_at NULLS LAST, id LIMIT ?",
                   [cluster_id, but, limit])


# -- paragraph search --------------------------------------------------------------------------------------------

def newest_first_paragraphs(con: "duckdb.DuckDBPyConnection", where: str, params: list[Any], limit: int,
                            offset: int) -> list[dict[str, Any]]:
    """Browsing: a page of the newest documents (filtered by ``where`` over ``d``), each by its first paragraph."""
    return rows_of(
        con,
        "WITH page AS (SELECT d.id, d.title, d.actor, d.outlet, d.language, d.published, d.published_at, "
        f"d.duplicate_of FROM documents d WHERE {where} ORDER BY d.published_at DESC NULLS LAST, d.id "
        "LIMIT ? OFFSET ?) SELECT p.doc_id, p.idx AS paragraph, p.text, page.title, page.actor, page.outlet, "
        "page.language, page.published, page.duplicate_of FROM page JOIN paragraphs p ON p.doc_id = page.id "
        "AND p.idx = 0 ORDER BY page.published_at DESC NULLS LAST, page.id", [*params, limit, offset])


def matching_paragraphs(con: "duckdb.DuckDBPyConnection", where: str, params: list[Any], limit: int,
                        offset: int) -> list[dict[str, Any]]:
    """A page of paragraphs (``p``, with their document ``d``) matching ``where``, newest documents first."""
    return rows_of(
        con,
        "SELECT p.doc_id, p.idx AS paragraph, p.text, d.title, d.actor, d.outlet, d.language, d.published, "
        "d.duplicate_of FROM paragraphs p JOIN documents d ON d.id = p.doc_id "
        f"WHERE {where} ORDER BY d.published_at DESC NULLS LAST, p.doc_id, p.idx LIMIT ? OFFSET ?",
        [*params, limit, offset])



def paragraphs_naming(con: "duckdb.DuckDBPyConnection", where: str, params: list[Any],
                      needles: list[str]) -> "pd.DataFrame":
    """Paragraphs of the documents ``d`` matching ``where`` that contain one of the needles (any case; all
    paragraphs when there is none), oldest documents first, with the document's outlet, actor, language, date."""
    like = ""
    if needles:
        like = " AND (" + " OR ".join("p.text ILIKE ?" for _ in needles) + ")"
        params = [*params, *[f"%{n}%" for n in needles]]
    sql = ("SELECT p.doc_id, p.idx, p.start_char, p.text, d.outlet, d.actor, d.language, d.published_at "
           f"FROM paragraphs p JOIN documents d ON d.id = p.doc_id WHERE {where}{like} "
           "ORDER BY d.published_at NULLS LAST, p.doc_id, p.idx")
    return con.execute(sql, params).df()


def dated_documents(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter, *,
                    with_text: bool = True) -> "pd.DataFrame":
    """(doc_id, actor, outlet, language, published_at, cluster_id[, title, text]) of the selected documents that have
    an actor and a date, oldest first."""
    where, params = filters.where()
    text = ", d.title, d.text" if with_text else ""
    sql = (f"SELECT d.id AS doc_id, d.actor, d.outlet, d.language, d.published_at, d.cluster_id{text} "
           f"FROM documents d WHERE {where} AND d.actor IS NOT NULL AND d.published_at IS NOT NULL "
           "ORDER BY d.published_at, d.id")
    return con.execute(sql, params).df()


def dated_paragraphs(con: "duckdb.DuckDBPyConnection", where: str, params: list[Any],
                     min_chars: int) -> "pd.DataFrame":
    """(doc_id, idx, text, outlet, actor, language, published_at) of the dated documents ``d`` matching ``where``
    whose paragraphs have `min_chars` or more, oldest first."""
    sql = ("SELECT p.doc_id, p.idx, p.text, d.outlet, d.actor, d.language, d.published_at "
           "FROM paragraphs p JOIN documents d ON d.id = p.doc_id "
           f"WHERE {where} AND d.published_at IS NOT NULL AND length(p.text) >= ? ORDER BY d.published_at, p.doc_id, p.idx")
    return con.execute(sql, [*params, min_chars]).df()


# ---- Parquet read back in order (the Ray engine's import) ------------------------------------------------------

def sorted_parquet(columns: list[str], order: list[str], *, read_rows: int, memory_limit: str, dataset: Any = None,
                   pattern: str | None = None) -> Iterator[Any]:
    """Arrow batches of a Parquet corpus (a pyarrow ``dataset``, or the files matching ``pattern``, hive-partitioned)
    sorted by ``order``. DuckDB sorts out of core on one thread, spilling to a temporary folder."""
    import duckdb

    names = ", ".join(f'"{name}"' for name in columns)
    keys = ", ".join(order)
    with tempfile.TemporaryDirectory(prefix="lockstep-sort-") as spill:
        con = duckdb.connect()
        try:
            con.execute(f"SET temp_directory = '{spill}'")  # a path we created, not user input
            con.execute(f"SET memory_limit = '{memory_limit}'")
            con.execute("SET threads = 1")  # parallel sort threads each pin blocks: more memory, no gain here
            if dataset is not None:
                con.register("parts", dataset)
                relation = con.sql(f"SELECT {names} FROM parts ORDER BY {keys}")
            else:
                relation = con.sql(f"SELECT {names} FROM read_parquet(?, hive_partitioning = true) ORDER BY {keys}",
                                   params=[pattern])
            yield from relation.to_arrow_reader(read_rows)
        finally:
            con.close()


def paragraph_chunks(con: "duckdb.DuckDBPyConnection", *, ordered: bool = False,
                     size: int = 50_000) -> Iterator[list[tuple[str, int, str]]]:
    """Every stored paragraph as (doc_id, idx, text), `size` rows at a time (by document and position when
    `ordered`), so that a scan of a large store holds one chunk."""
    cur = con.execute("SELECT doc_id, idx, text FROM paragraphs" + (" ORDER BY doc_id, idx" if ordered else ""))
    while chunk := cur.fetchmany(size):
        yield chunk
