"""The shared embedding backend and its cache in the store."""

from __future__ import annotations

import numpy as np
import pytest

from lockstep.enrich.embeddings import EmbeddingOptions, get_backend, paragraph_embeddings
from lockstep.errors import ConfigError


def test_vectors_are_normalised_and_cross_lingual(backend):
    vectors = backend.embed([
        "The West organises colour revolutions to overthrow governments.",
        "Запад организует цветные революции, чтобы свергать правительства.",
        "西方策动颜色革命，企图颠覆他国政权。",
        "Heavy rain is expected in the north tomorrow.",
    ])
    assert vectors.shape == (4, backend.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors[0]
    assert sims[1] > sims[3] + 0.3 and sims[2] > sims[3] + 0.3


def test_unknown_and_remote_backends_are_refused():
    with pytest.raises(ConfigError, match="unknown embedding backend"):
        get_backend("word2vec")
    with pytest.raises(ConfigError, match="never downloads"):
        get_backend("sentence-transformers:org/model-on-a-hub")


def test_paragraph_embeddings_are_cached_once(store, doc, backend):
    docs = [doc("Sanctions hurt Europe more than Russia.\n\nGas prices soar.", actor="RT",
                     published="2022-05-01", language="en"),
            doc("Санкции бьют по Европе сильнее, чем по России.", actor="TASS", published="2022-05-02",
                     language="ru")]
    corpus = store(docs)
    keys, matrix = paragraph_embeddings(corpus, options=EmbeddingOptions(batch_size=2))
    assert len(keys) == 3 and matrix.shape == (3, 512)
    assert corpus.count("embeddings") == 3
    again_keys, again = paragraph_embeddings(corpus)
    assert corpus.count("embeddings") == 3
    assert np.allclose(again, matrix) and list(again_keys["idx"]) == list(keys["idx"])
