"""`lockstep collect`: parse arguments, call `collect()`, show progress and a summary. No crawling logic here."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from lockstep.cli.options import default
from lockstep.collect.options import BY_CHOICE, CollectOptions
from lockstep.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.collect.options import CollectReport

EXIT_NOTHING_FETCHED = 1


def library(name: str):
    """The library's default for one collect option (CollectOptions)."""
    return default(CollectOptions, name)


def collect(
    targets: list[str] = typer.Argument(..., help="Article URLs, RSS/Atom feeds, sitemaps or sitemap indexes, "
                                        "or site roots (their announced feeds, else robots.txt sitemaps)."),
    output: Path = typer.Option(..., "--output", "-o", help="WARC file to write or extend (.warc.gz)."),
    since: Optional[str] = typer.Option(None, "--since", help="Skip feed/sitemap items dated before this "
                                        "(YYYY-MM-DD or ISO date-time; UTC when no zone)."),
    max_pages: Optional[int] = typer.Option(None, "--max-pages", min=0, help="Write at most this many pages."),
    rate: float = typer.Option(library("per_host_rate"), "--rate", min=0.001,
                               help="Requests per second to any one host."),
    concurrency: int = typer.Option(library("concurrency"), "--concurrency", min=1,
                                    help="Requests in flight overall."),
    timeout: float = typer.Option(library("timeout_s"), "--timeout", min=0.1, help="Seconds allowed for one response."),
    max_mb: float = typer.Option(library("max_bytes") / 1e6, "--max-mb", min=0.01,
                                 help="Largest response body kept (MB)."),
    retries: int = typer.Option(library("retries"), "--retries", min=0,
                                help="Retries on 5xx, 429, timeouts, connection errors."),
    user_agent: Optional[str] = typer.Option(None, "--user-agent", help="Replace the default user agent "
                                             "(keep a way to contact you in it)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow loopback/private/link-local "
                                       "addresses (off by default: SSRF guard)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write every URL with its outcome to "
                                          "CSV/Parquet/JSON/JSONL."),
) -> None:
    """Collect article pages politely into a WARC file that `lockstep ingest` reads. Re-running resumes.

    Exit status: 0 pages written, or nothing new to write; 1 nothing could be fetched (every URL tried was
    refused or failed: see the skipped list); 2 a usage error.
    """
    options = CollectOptions(output=output, since=parse_since(since), max_pages=max_pages, per_host_rate=rate,
                             concurrency=concurrency, timeout_s=timeout, max_bytes=int(max_mb * 1_000_000),
                             retries=retries, allow_private=allow_private)
    if user_agent:
        options.user_agent = user_agent
    result = collect_with_progress(targets, options)
    show_summary(result)
    if report:
        from lockstep.output import write_table

        write_table(outcomes(result), report)
    if result.nothing_fetched:
        raise typer.Exit(EXIT_NOTHING_FETCHED)


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"--since: {value!r} is not a date (use YYYY-MM-DD)") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def collect_with_progress(targets: list[str], options: "CollectOptions") -> "CollectReport":
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from lockstep.collect.crawl import check, collect as run_collect

    check(targets, options)     # bad input: one line, before any progress bar
    columns = (TextColumn("[bold]collect[/bold]"), BarColumn(), MofNCompleteColumn(), TextColumn("URLs"),
               TextColumn("{task.fields[pages]} pages, {task.fields[sources]} feeds/sitemaps"),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("collect", total=None, pages=0, sources=0)

        def on_event(event: str, url: str, queued: int) -> None:
            fields = progress.tasks[task].fields
            if event == "source":
                progress.update(task, sources=fields["sources"] + 1)
            elif event == "page":
                progress.update(task, pages=fields["pages"] + 1, advance=1, total=queued)
            else:
                progress.update(task, advance=1, total=queued)

        result = run_collect(targets, options, progress=on_event)
        progress.update(task, total=progress.tasks[task].completed)
    return result


def outcomes(result: "CollectReport") -> "pd.DataFrame":
    """One row per URL: fetched pages, then skipped URLs with their reason."""
    import pandas as pd

    rows = [{"url": f.url, "outcome": "fetched", "detail": "", "final_url": f.final_url, "bytes": f.size}
            for f in result.fetched]
    rows += [{"url": s.url, "outcome": s.reason, "detail": s.detail, "final_url": None, "bytes": None}
             for s in result.skipped]
    return pd.DataFrame(rows, columns=["url", "outcome", "detail", "final_url", "bytes"])


def summary(result: "CollectReport") -> "pd.DataFrame":
    import pandas as pd

    counts = {"fetched": len(result.fetched), "feeds/sitemaps read": len(result.sources), **result.reasons()}
    return pd.DataFrame({"outcome": list(counts), "urls": list(counts.values())})


def show_summary(result: "CollectReport") -> None:
    from lockstep.output import print_table

    print_table(summary(result), title=f"collected into {result.output}")
    table = outcomes(result)
    problems = table[~table["outcome"].isin(("fetched", *BY_CHOICE))]
    if len(problems):
        print_table(problems[["url", "outcome", "detail"]], title="skipped", max_rows=20)
