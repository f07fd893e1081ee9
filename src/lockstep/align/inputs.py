"""Adapters to what other parts of lockstep produce: narrative hits and paragraph embeddings.

Imported lazily, so alignment works on terms, dates and text when a part is missing, and a missing part gives a
one-line error that says which command produces it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import numpy as np

from lockstep.enrich.embeddings import DEFAULT_BACKEND, embed_texts
from lockstep.enrich.embeddings import EmbeddingOptions, paragraph_embeddings
from lockstep.errors import InputError
from lockstep.narratives import tables as narrative_tables
from lockstep.narratives.prevalence import HitQuery, hits

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus, DocumentFilter

def has_narratives(corpus: "Corpus") -> bool:
    """Whether narratives were tagged in this store (`lockstep narratives tag`)."""
    return narrative_tables.any_hits(corpus.con)


def narrative_hits(corpus: "Corpus", doc_ids: list[str] | None = None, level: int | None = None) -> "pd.DataFrame":
    """Narrative hits above threshold as (doc_id, idx, narrative) rows, from the latest tagged codebook version.

    Read through `lockstep.narratives` (which knows versions and thresholds); a store tagged by a lockstep
    without that module is read from its `narrative_hits` table directly."""
    if not has_narratives(corpus):
        raise InputError("no narrative hits in this store: tag narratives first (`lockstep narratives tag`), "
                         "or use --on terms")
    try:
        frame = hits(corpus, HitQuery(level=level, reprints="all"))[["doc_id", "idx", "narrative"]]
    except duckdb.Error:  # a store tagged by another lockstep version: read the hits table itself
        frame = raw_hits(corpus, level)
    if doc_ids is not None:
        frame = frame[frame["doc_id"].isin(set(doc_ids))]
    return frame.drop_duplicates().reset_index(drop=True)


def raw_hits(corpus: "Corpus", level: int | None) -> "pd.DataFrame":
    return narrative_tables.raw_hit_rows(corpus.con, level)


def paragraph_vectors(corpus: "Corpus", filters: "DocumentFilter | None" = None,
                      backend: str | None = None) -> tuple["pd.DataFrame", np.ndarray]:
    """(keys doc_id/idx, L2-normalised float32 matrix) for the filtered paragraphs, cached in the store."""
    options = EmbeddingOptions(backend=backend) if backend else EmbeddingOptions()
    return paragraph_embeddings(corpus, filters, options)


def embed(texts: list[str], backend: str | None = None) -> np.ndarray:
    """Embed a few texts (statements, queries) with the shared backend."""
    return embed_texts(list(texts), backend or DEFAULT_BACKEND)
