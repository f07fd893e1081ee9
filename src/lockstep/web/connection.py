"""The dashboard's handle on the store: one DuckDB connection, a cursor per request.

Pages only read. The store opens read-only unless the server was started with ``--review``; even then only the
review endpoint writes.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from lockstep.errors import StoreError
from lockstep.report.overview import filter_options
from lockstep.store.corpus import Corpus, connect
from lockstep.store.schema import ensure_schema


class Store:
    def __init__(self, path: str | Path, *, writable: bool = False):
        self.path = Path(path)
        self.writable = writable
        if not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `lockstep ingest ... --db {self.path}` first)")
        self.con = connect(self.path, read_only=not writable)
        ensure_schema(self.con, read_only=not writable)
        self._write_lock = threading.Lock()
        self._actors: list[str] | None = None

    def close(self) -> None:
        self.con.close()

    def actors(self) -> list[str]:
        """The store's actors, largest first (read once: the dashboard never adds documents). They fix each
        actor's colour on every page, the same as in a report of the same store."""
        if self._actors is None:
            with self.cursor() as cur:
                self._actors = filter_options(cur)["actors"]
        return self._actors

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def corpus(self, *, read_only: bool = True) -> Iterator[Corpus]:
        """A Corpus over a fresh cursor, for the analysis functions that take a Corpus. It is marked read-only
        (analyses then never build caches from a page request) unless it is the review writer."""
        with self.cursor() as cur:
            yield Corpus.over(cur, self.path, read_only=read_only)

    @contextmanager
    def writer(self) -> Iterator[Corpus]:
        if not self.writable:
            raise StoreError("the dashboard was started read-only; restart it with `lockstep serve --review` "
                             "to record review decisions")
        with self._write_lock, self.corpus(read_only=False) as corpus:
            yield corpus
