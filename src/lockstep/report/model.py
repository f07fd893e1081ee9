"""What a report is made of, as plain data: sections holding tables, charts and the evidence behind them.

The HTML template only lays these out; the same objects serialise to JSON (``Report.to_dict``), so tests and other
views check the payload rather than the markup.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from lockstep.report.safe import clean_json


@dataclass(kw_only=True)
class Table:
    """Rows to show as an HTML table. `doc_column` names a column whose values are document ids."""

    id: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    note: str = ""
    doc_column: str | None = None
    anchor_column: str | None = None  # a column holding the id of an evidence block to link to
    floors: dict[str, float] = field(default_factory=dict)  # p column -> the smallest p its draws can give


@dataclass(kw_only=True)
class Chart:
    """A Plotly figure (data + layout as JSON-ready dicts). Points carry `customdata` = evidence anchor id."""

    id: str
    title: str
    figure: dict[str, Any]
    caption: str = ""


@dataclass(kw_only=True)
class EvidenceLine:
    """One concordance line or evidence paragraph: the text around a match, and where it comes from."""

    doc_id: str
    left: str
    match: str
    right: str
    actor: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    paragraph: int | None = None
    title: str | None = None
    score: float | None = None
    hit_id: str | None = None  # a narrative tag that can be reviewed (dashboard)
    status: str | None = None  # its review status
    note: str | None = None  # e.g. how an echo was linked, which terms drive an alignment


@dataclass(kw_only=True)
class Evidence:
    """The text behind one chart point or table cell, listed under an anchor the chart links to."""

    anchor: str
    title: str
    lines: list[EvidenceLine] = field(default_factory=list)
    note: str = ""
    layout: str = "kwic"  # kwic: left | match | right; paragraphs: the paragraph with its match marked, and a note


@dataclass(kw_only=True)
class Section:
    key: str
    title: str
    available: bool = True
    note: str = ""
    missing: str = ""  # why the section is empty (analysis not installed, no data): shown, never faked
    requested: bool = True  # False: left out by --sections (not a section without data)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True)
class Report:
    title: str
    generated_at: str
    filters: dict[str, Any]
    summary: dict[str, Any]
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def to_dict(self) -> dict[str, Any]:
        return clean_json(asdict(self))


def missing_section(key: str, title: str, reason: str) -> Section:
    return Section(key=key, title=title, available=False, missing=reason)
