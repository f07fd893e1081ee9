"""Open a store, build the report and write it: what `lockstep report` and `lockstep.report.make_report` do."""

from __future__ import annotations

from pathlib import Path

from lockstep.errors import InputError
from lockstep.report.build import build_report
from lockstep.report.options import ReportOptions
from lockstep.report.render import write_report
from lockstep.store.corpus import open as open_corpus


def make_report(db: Path, output: Path, options: ReportOptions, progress=None):
    """Open the store, build the report, write it; returns (path, report)."""
    if not Path(db).exists():
        raise InputError(f"{db}: no such store (run `lockstep ingest ... --db {db}` first)")
    with open_corpus(db) as corpus:
        report_ = build_report(corpus, options, progress)
    return write_report(report_, output), report_
