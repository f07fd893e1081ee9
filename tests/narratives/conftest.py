"""Fixtures for the narrative tests: the embedding model loaded once, small stores built from documents."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import lockstep
from lockstep.store.writer import insert_documents


def make_doc(text: str, *, actor: str, published: str, language: str, duplicate_of: str | None = None,
             title: str = "", doc_id: str | None = None) -> dict:
    doc_id = doc_id or hashlib.sha1(f"{actor}|{published}|{text}".encode()).hexdigest()[:16]
    return {"id": doc_id, "title": title, "text": text, "outlet": actor, "actor": actor, "published": published,
            "language": language, "duplicate_of": duplicate_of, "cluster_id": duplicate_of or doc_id,
            "text_hash": hashlib.sha1(text.encode()).hexdigest(), "source": "test", "source_position": ""}


def build_store(path: Path, docs: list[dict]) -> lockstep.Corpus:
    corpus = lockstep.open(path)
    insert_documents(corpus.con, docs)
    return corpus


@pytest.fixture(scope="session")
def backend():
    from lockstep.enrich.embeddings import get_backend

    return get_backend()


@pytest.fixture()
def store(tmp_path):
    """`store(docs)` builds a fresh store holding these documents (see `make_doc`)."""
    def build(docs: list[dict]) -> lockstep.Corpus:
        return build_store(tmp_path / "corpus.duckdb", docs)

    return build


@pytest.fixture(scope="session")
def doc():
    return make_doc
