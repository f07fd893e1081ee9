"""The corpus: one DuckDB file opened for reading and writing documents.

Analyses do not live here: they are free functions in ``terms/``, ``narratives/``, ``align/`` that take a
:class:`Corpus` (or its connection). This class only opens the store, writes what the pipeline produced and
reads documents back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import duckdb

from lockstep.errors import StoreError
from lockstep.store.schema import ensure_schema

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.engines.local import IngestOptions, IngestReport

DEFAULT_DB = "corpus.duckdb"


@dataclass(slots=True, kw_only=True)
class DocumentFilter:
    """Filters shared by `docs`, `export` and every analysis."""

    outlet: str | None = None
    actor: list[str] | str | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None
    include_duplicates: bool = True
    ids: list[str] | None = None

    def where(self, alias: str = "d") -> tuple[str, list[Any]]:
        """SQL WHERE clause (parameterised) and its parameters."""
        clauses, params = ["TRUE"], []
        if self.outlet:
            clauses.append(f"lower({alias}.outlet) = lower(?)")
            params.append(self.outlet)
        actors = [self.actor] if isinstance(self.actor, str) else self.actor
        if actors:
            clauses.append(f"{alias}.actor IN ({', '.join('?' * len(actors))})")
            params.extend(actors)
        if self.language:
            clauses.append(f"{alias}.language = ?")
            params.append(self.language)
        if self.since:
            clauses.append(f"{alias}.published_at >= CAST(? AS TIMESTAMP)")
            params.append(self.since)
        if self.until:
            clauses.append(f"{alias}.published_at < CAST(? AS TIMESTAMP)")
            params.append(self.until)
        if not self.include_duplicates:
            clauses.append(f"{alias}.duplicate_of IS NULL")
        if self.ids:
            clauses.append(f"{alias}.id IN ({', '.join('?' * len(self.ids))})")
            params.extend(self.ids)
        return " AND ".join(clauses), params


class Corpus:
    """An open lockstep store. Use :func:`lockstep.open`."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `lockstep ingest` first)")
        self.con = connect(self.path, read_only=read_only)
        ensure_schema(self.con, read_only=read_only)

    @classmethod
    def over(cls, con: "duckdb.DuckDBPyConnection", path: str | Path, *, read_only: bool) -> "Corpus":
        """A Corpus over a connection (or cursor) someone else opened and will close, such as the dashboard's
        cursor per request; the schema is not touched."""
        corpus = cls.__new__(cls)
        corpus.path, corpus.read_only, corpus.con = Path(path), read_only, con
        return corpus

    # -- context management -------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], options: "IngestOptions | None" = None) -> "IngestReport":
        from lockstep.engines.local import IngestOptions, run_ingest

        return run_ingest(self, [str(p) for p in paths], options or IngestOptions())

    # -- reading --------------------------------------------------------------------------------
    def documents(self, filters: DocumentFilter | None = None, *, limit: int | None = None,
                  columns: str = "d.*") -> "pd.DataFrame":
        where, params = (filters or DocumentFilter()).where()
        sql = f"SELECT {columns} FROM documents d WHERE {where} ORDER BY d.published_at NULLS LAST, d.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.con.execute(sql, params).df()

    def document(self, doc_id: str) -> dict[str, Any] | None:
        cur = self.con.execute("SELECT * FROM documents WHERE id = ? OR id LIKE ? LIMIT 2",
                               [doc_id, f"{doc_id}%"])
        rows = cur.fetchall()
        if len(rows) != 1:
            return None
        names = [c[0] for c in cur.description]
        return dict(zip(names, rows[0]))

    def paragraphs(self, filters: DocumentFilter | None = None) -> "pd.DataFrame":
        where, params = (filters or DocumentFilter()).where()
        sql = (
            "SELECT p.doc_id, p.idx, p.start_char, p.end_char, p.text, d.actor, d.outlet, d.language, "
            "d.published_at, d.duplicate_of, d.cluster_id FROM paragraphs p JOIN documents d ON d.id = p.doc_id "
            f"WHERE {where} ORDER BY d.published_at NULLS LAST, p.doc_id, p.idx"
        )
        return self.con.execute(sql, params).df()

    def count(self, table: str = "documents") -> int:
        if not table.isidentifier():
            raise StoreError(f"not a table name: {table!r}")
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file with a clear error when it is locked or not a DuckDB file."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            raise StoreError(f"{path}: the store is locked by another process ({message})") from exc
        raise StoreError(f"{path}: cannot open the store ({message})") from exc
    except duckdb.Error as exc:
        raise StoreError(f"{path}: not a lockstep store ({str(exc).splitlines()[0]})") from exc


def open(path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> Corpus:  # noqa: A001
    """Open (or create) a lockstep store."""
    return Corpus(path, read_only=read_only)
