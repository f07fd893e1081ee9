"""Fixtures for alignment tests: stores built from constructed documents whose alignment, lags and echo chains
are known, a small real store from the shared headline sets, and the embedding backend loaded once."""

from __future__ import annotations

from datetime import datetime

import pytest

import lockstep
from tests.align.builders import build_store


@pytest.fixture()
def make_store(tmp_path):
    made = []

    def factory(docs: list[dict], name: str = "test.duckdb") -> lockstep.Corpus:
        corpus = build_store(tmp_path / name, docs)
        made.append(corpus)
        return corpus

    yield factory
    for corpus in made:
        corpus.close()


@pytest.fixture(scope="session")
def backend():
    from lockstep.enrich.embeddings import get_backend

    return get_backend()


@pytest.fixture(scope="session")
def day0() -> datetime:
    return datetime(2022, 3, 1, 9, 0)
