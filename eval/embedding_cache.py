"""Embeddings of evaluation texts, computed once and kept on disk (eval/.cache/, not committed).

The narrative evaluation embeds ~8,000 texts (hand set, EUvsDisinfo cases, planted documents); on two shared cores
that takes minutes, and every re-run would pay it again. Vectors are keyed by the SHA-1 of the text and the
backend's name, so a changed text or another model is embedded afresh and nothing stale is reused.

    vectors, seconds = embed(texts, "use-multilingual-v3", workers=2)   # seconds: time spent embedding now
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np

from lockstep.enrich.embeddings import Embedder

CACHE = Path(__file__).resolve().parent / ".cache"


def key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def cache_path(model: str) -> Path:
    return CACHE / f"embeddings-{model.replace('/', '_').replace(':', '_')}.npz"


def load(model: str) -> dict[str, np.ndarray]:
    path = cache_path(model)
    if not path.exists():
        return {}
    with np.load(path) as stored:
        return dict(zip(stored["keys"].tolist(), stored["vectors"]))


def save(model: str, vectors: dict[str, np.ndarray]) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    keys = sorted(vectors)
    matrix = np.vstack([vectors[k] for k in keys]) if keys else np.zeros((0, 1), dtype=np.float32)
    tmp = cache_path(model).with_suffix(".tmp.npz")
    np.savez(tmp, keys=np.array(keys), vectors=matrix.astype(np.float32))
    tmp.replace(cache_path(model))


def embed(texts: list[str], model: str, workers: int = 1) -> tuple[np.ndarray, float]:
    """(one vector per text, seconds spent embedding texts the cache lacked)."""
    cached = load(model)
    keys = [key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in cached}.items())
    started = time.perf_counter()
    if missing:
        with Embedder(model, workers) as embedder:
            fresh = embedder.embed([t for _k, t in missing])
        cached.update({k: v for (k, _t), v in zip(missing, fresh)})
        save(model, cached)
    seconds = time.perf_counter() - started
    if not texts:
        return np.zeros((0, 512), dtype=np.float32), seconds
    return np.vstack([cached[k] for k in keys]).astype(np.float32), seconds
