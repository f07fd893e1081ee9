"""Static HTML reports: one self-contained file (plotly.js inlined, no CDN) that opens offline.

``build_report(corpus, ReportOptions(...))`` returns the report as data; ``render_report`` / ``write_report`` turn it
into HTML. Imports are lazy so that the command line starts fast.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ReportOptions", "build_report", "render_report", "write_report", "make_report"]


def __getattr__(name: str) -> Any:
    if name == "ReportOptions":
        from lockstep.report.options import ReportOptions

        return ReportOptions
    if name == "build_report":
        from lockstep.report.build import build_report

        return build_report
    if name in ("render_report", "write_report"):
        from lockstep.report import render

        return getattr(render, name)
    if name == "make_report":
        from lockstep.report.make import make_report

        return make_report
    raise AttributeError(name)
