"""Adapters to what other parts of lockstep produce: narrative hits and paragraph embeddings.

Imported lazily, so alignment works on terms, dates and text when a part is missing, and a missing part gives a
one-line error that says which command produces it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lockstep.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus, DocumentFilter

HIT_TABLES = ("narrative_hits", "narrative_tags", "hits")
NARRATIVE_COLUMNS = ("narrative", "narrative_id")


def narrative_table(corpus: "Corpus") -> tuple[str, str] | None:
    """(table, narrative column) of the stored narrative hits, or None when none were tagged yet."""
    rows = corpus.con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN "
        f"({', '.join('?' * len(HIT_TABLES))})", list(HIT_TABLES)).fetchall()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    for table in HIT_TABLES:
        cols = columns.get(table, set())
        for name in NARRATIVE_COLUMNS:
            if "doc_id" in cols and name in cols:
                return table, name
    return None


def narrative_hits(corpus: "Corpus", doc_ids: list[str] | None = None) -> "pd.DataFrame":
    """Stored narrative hits as (doc_id, idx, narrative) rows; idx is the paragraph (or -1 when unknown)."""
    found = narrative_table(corpus)
    if found is None:
        raise InputError("no narrative hits in this store: tag narratives first (`lockstep narratives tag`), "
                         "or use --on terms")
    table, column = found
    cols = {r[0] for r in corpus.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
    idx = "idx" if "idx" in cols else ("paragraph" if "paragraph" in cols else "-1")
    frame = corpus.con.execute(f"SELECT DISTINCT doc_id, {idx} AS idx, {column} AS narrative FROM {table}").df()
    if doc_ids is not None:
        frame = frame[frame["doc_id"].isin(set(doc_ids))]
    return frame.reset_index(drop=True)


def has_narratives(corpus: "Corpus") -> bool:
    return narrative_table(corpus) is not None


def paragraph_vectors(corpus: "Corpus", filters: "DocumentFilter | None" = None,
                      backend: str | None = None) -> tuple["pd.DataFrame", np.ndarray]:
    """(keys doc_id/idx, L2-normalised float32 matrix) for the filtered paragraphs, cached in the store."""
    from lockstep.enrich.embeddings import EmbeddingOptions, paragraph_embeddings

    options = EmbeddingOptions(backend=backend) if backend else EmbeddingOptions()
    return paragraph_embeddings(corpus, filters, options)


def embed(texts: list[str], backend: str | None = None) -> np.ndarray:
    """Embed a few texts (statements, queries) with the shared backend."""
    from lockstep.enrich.embeddings import DEFAULT_BACKEND, embed_texts

    return embed_texts(list(texts), backend or DEFAULT_BACKEND)
