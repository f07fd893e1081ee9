"""Fixtures for the report tests: the dashboard's small store (built by tests/web/store_builder.py) and a report."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BUILDER = Path(__file__).parents[1] / "web" / "store_builder.py"


def load_builder():
    spec = importlib.util.spec_from_file_location("lockstep_report_store_builder", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = load_builder()


@pytest.fixture(scope="session")
def report_store(tmp_path_factory, seeds) -> Path:
    root = tmp_path_factory.mktemp("report-store")
    return builder.build_store(root / "corpus.duckdb", root / "inputs", seeds)


@pytest.fixture(scope="session")
def built(report_store, tmp_path_factory):
    """(report data, path of the written HTML) for the whole store."""
    from lockstep.report.make import make_report
    from lockstep.report.options import ReportOptions

    out = tmp_path_factory.mktemp("report") / "report.html"
    path, report = make_report(report_store, out, ReportOptions(title="test report", min_documents=4))
    return report, path
