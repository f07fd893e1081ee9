"""`lockstep report`: parse arguments, build the report, write one HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from lockstep.cli.options import ACTOR, DB, LANG, SINCE, UNTIL
from lockstep.report.make import make_report


def report(
    output: Path = typer.Option(Path("report.html"), "--output", "-o", help="HTML file to write."),
    db: Path = DB,
    actors: Optional[list[str]] = ACTOR,
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    lang: Optional[str] = LANG,
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

    options = ReportOptions(actors=actors or [], since=since, until=until, language=lang, title=title, top_terms=top,
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
