"""Render a report to one self-contained HTML file: autoescaped Jinja2, plotly.js inlined from the package."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from lockstep.report.model import Report
from lockstep.report.numbers import display, display_cell
from lockstep.report.safe import clean_json, script_json

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["script_json"] = script_json
    env.filters["cell"] = cell
    env.filters["shown"] = display_cell
    return env


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js from the installed plotly package (no CDN), safe to inline in a <script> element."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().replace("</script", "<\\/script")


def cell(value: object) -> str:
    """A value outside a table column (a score under an evidence line): read like a table's numbers."""
    return display(value)


def render_report(report: Report) -> str:
    env = environment()
    payload = clean_json({k: v for k, v in asdict(report).items() if k != "sections"})
    payload["sections"] = [{"key": s.key, "title": s.title, "available": s.available, "requested": s.requested,
                            "missing": s.missing,
                            "tables": clean_json([asdict(t) for t in s.tables]), "data": clean_json(s.data),
                            "evidence": clean_json([asdict(e) for e in s.evidence])} for s in report.sections]
    scripts = (plotly_js(), (TEMPLATES / "report.js").read_text(encoding="utf-8"))
    return env.get_template("report.html.j2").render(
        report=report, payload=payload, plotly_js=scripts[0], js=scripts[1], csp=content_security_policy(scripts),
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"))


def content_security_policy(scripts: tuple[str, ...]) -> str:
    """The report's policy (a meta tag, as a file has no headers): only its own inlined scripts run, named by
    their SHA-256; nothing is fetched from anywhere (images only as data: or blob: URLs, for Plotly's PNG export)."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'"
                      for s in scripts)
    return "; ".join(("default-src 'none'", f"script-src {hashes}", "style-src 'unsafe-inline'",
                      "img-src data: blob:", "font-src data:", "base-uri 'none'", "form-action 'none'"))


def write_report(report: Report, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(report), encoding="utf-8")
    return path
