"""`lockstep report`: parse arguments, build the report, write one HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.report.options import ReportOptions


def report(
    output: Path = typer.Option(Path("report.html"), "--output", "-o", help="HTML file to write."),
    db: Path = typer.Option("corpus.duckdb", "--db", help="The DuckDB store."),
    actors: Optional[list[str]] = typer.Option(None, "--actors", "--actor",
                                               help="Only these actors (repeatable, or comma-separated)."),
    since: Optional[str] = typer.Option(None, help="Published on or after (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="Published before (YYYY-MM-DD)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Only this language (ISO 639-1)."),
    pair: Optional[str] = typer.Option(None, "--pair", help="Two actors for the term plot, e.g. 'RT,Xinhua'."),
    title: str = typer.Option("lockstep report", "--title", help="Report title."),
    top: int = typer.Option(10, "--top", min=3, max=200, help="Key terms per actor."),
    sections: Optional[str] = typer.Option(None, "--sections", help="Only these sections, comma-separated: "
                                           "overview, terms, term-plot, families, narratives, alignment, lead-lag, "
                                           "echoes."),
) -> None:
    """One self-contained HTML report (opens offline): corpus overview, key terms, narratives, alignment, echoes,
    and the concordance lines behind every chart."""
    from rich.console import Console

    from lockstep.report.options import ReportOptions

    names = [a.strip() for item in (actors or []) for a in item.split(",") if a.strip()]
    options = ReportOptions(actors=names, since=since, until=until, language=lang, title=title, top_terms=top,
                            pair=parse_pair(pair),
                            sections=tuple(k.strip() for k in (sections or "").split(",") if k.strip()))
    console = Console(stderr=True)
    path, report_ = make_report(db, output, options, progress=lambda title: console.print(f"[dim]… {title}[/dim]"))
    asked = [s for s in report_.sections if s.requested]
    missing = [s.title for s in asked if not s.available]
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(asked)} sections"
                  + (f" of {len(report_.sections)}, the others left out by --sections)" if len(asked) <
                     len(report_.sections) else ")"))
    if missing:
        console.print(f"[yellow]sections without data[/yellow]: {', '.join(missing)}")


def parse_pair(text: str | None) -> tuple[str, str] | None:
    from lockstep.errors import InputError

    if not text:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) != 2:
        raise InputError(f"--pair: give two actors separated by a comma, got {text!r}")
    return parts[0], parts[1]


def make_report(db: Path, output: Path, options: "ReportOptions", progress=None):
    """Open the store, build the report, write it; returns (path, report)."""
    from lockstep.errors import InputError
    from lockstep.report.build import build_report
    from lockstep.report.render import write_report
    from lockstep.store.corpus import open as open_corpus

    if not Path(db).exists():
        raise InputError(f"{db}: no such store (run `lockstep ingest ... --db {db}` first)")
    with open_corpus(db) as corpus:
        report_ = build_report(corpus, options, progress)
    return write_report(report_, output), report_
