"""Fixtures for the dashboard tests: one small store built per session, and a TestClient over it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def load_builder():
    spec = importlib.util.spec_from_file_location("lockstep_test_store_builder", HERE / "store_builder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = load_builder()


@pytest.fixture(scope="session")
def store_path(tmp_path_factory, seeds) -> Path:
    root = tmp_path_factory.mktemp("web-store")
    return builder.build_store(root / "corpus.duckdb", root / "inputs", seeds)


@pytest.fixture(scope="session")
def client(store_path):
    from fastapi.testclient import TestClient

    from lockstep.web.app import create_app
    from lockstep.web.options import ServeOptions

    app = create_app(ServeOptions(db=store_path))
    with TestClient(app) as test_client:
        yield test_client
    app.state.store.close()


@pytest.fixture(scope="session")
def hostile_id(store_path) -> str:
    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        return con.execute("SELECT id FROM documents WHERE title LIKE '<script>%'").fetchone()[0]

