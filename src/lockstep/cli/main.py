"""The `lockstep` command line. Commands parse arguments and call library functions; no analysis here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

import lockstep.cli.align as align_cli
import lockstep.cli.collect as collect_cli
import lockstep.cli.documents as documents
import lockstep.cli.narratives as narratives_cli
import lockstep.cli.report as report_cli
import lockstep.cli.serve as serve_cli
import lockstep.cli.terms as terms_cli
from lockstep.cli.options import ACTOR, DB_DEFAULT, LANG, SINCE, UNTIL, default
from lockstep.engines.local import IngestOptions
from lockstep.errors import LockstepError

app = typer.Typer(
    name="lockstep",
    help="How closely media actors move together: shared key terms, narratives, languages, who said it first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

DB_OPTION = typer.Option(DB_DEFAULT, "--db", help="The DuckDB store (created if missing).")


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or directories: scraped .txt, HTML, WARC(.gz), "
                                       "CSV/JSONL/Parquet exports, any of them gzipped."),
    db: Path = DB_OPTION,
    registry: Optional[Path] = typer.Option(None, "--actor-registry",
                                            help="YAML file extending/overriding the actor registry."),
    registry_alias: Optional[Path] = typer.Option(None, "--actors", hidden=True,
                                                  help="Older name of --actor-registry."),
    workers: int = typer.Option(default(IngestOptions, "workers"), "--workers", "-w", min=1,
                                help="Worker processes."),
    column_map: Optional[str] = typer.Option(None, "--map", help="Table columns, e.g. text=body,published=date."),
    max_mb: int = typer.Option(default(IngestOptions, "max_bytes") // 2**20, "--max-mb", min=1, help="Refuse single pages/text files, and skip table rows "
                                                            "(a CSV field, a JSONL line), larger than this."),
    engine: str = typer.Option("local", "--engine", help="local (process pool) or ray (needs lockstep\\[ray])."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address (with --engine ray)."),
    store_memory: str = typer.Option(default(IngestOptions, "store_memory"), "--store-memory",
                                     help="DuckDB's memory while ingesting (e.g. 512MB, 4GB; none = DuckDB's "
                                          "default, 80% of RAM, which caches the growing store)."),
    max_field_chars: int = typer.Option(default(IngestOptions, "max_field_chars"), "--max-field-chars", min=1000,
                                        help="Cut a document's text (and a table's text cell) to this many "
                                             "characters; each cut is listed as stored in part."),
) -> None:
    """Read inputs, clean them into articles, deduplicate and store them. Re-running adds nothing new.

    A bad input (or row, or record) is skipped with a one-line reason and everything else is stored.
    Exit status: 0 everything stored in full; 1 something was skipped or stored in part (all listed);
    2 a usage, configuration or store error; 3 an internal error.
    """
    if registry_alias is not None:
        console.print("[yellow]note[/yellow] --actors FILE is now --actor-registry FILE (--actor filters actors)")
    report = documents.ingest(paths, db=db, actors=registry or registry_alias, workers=workers, column_map=column_map,
                              max_mb=max_mb, engine=engine, address=address, store_memory=store_memory,
                              max_field_chars=max_field_chars)
    if not report.complete:
        raise typer.Exit(documents.EXIT_INCOMPLETE)


@app.command()
def docs(
    db: Path = DB_OPTION,
    outlet: Optional[str] = typer.Option(None, help="Only this outlet."),
    actor: Optional[list[str]] = ACTOR,
    lang: Optional[str] = LANG,
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    no_duplicates: bool = typer.Option(False, "--no-duplicates", help="Hide duplicates (keep each cluster's first)."),
    limit: int = typer.Option(50, help="Rows to show."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write all rows to CSV/Parquet/JSON/JSONL."),
) -> None:
    """A table of documents."""
    documents.docs(db, outlet=outlet, actor=actor, lang=lang, since=since, until=until,
                      no_duplicates=no_duplicates, limit=limit, output=output)


@app.command()
def show(doc_id: str = typer.Argument(..., help="Document id (a unique prefix is enough)."), db: Path = DB_OPTION) -> None:
    """One document: metadata, clean text, and the debris removed from it."""
    documents.show(db, doc_id)


@app.command()
def export(
    output: Path = typer.Option(..., "--output", "-o", help="File to write."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="jsonl, csv, parquet or json (default: from suffix)."),
    db: Path = DB_OPTION,
    outlet: Optional[str] = typer.Option(None),
    actor: Optional[list[str]] = ACTOR,
    lang: Optional[str] = LANG,
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    no_duplicates: bool = typer.Option(False, "--no-duplicates"),
) -> None:
    """Export documents (schema in the README) as JSONL, CSV or Parquet."""
    documents.export(db, output, fmt=fmt, outlet=outlet, actor=actor, lang=lang, since=since, until=until,
                        no_duplicates=no_duplicates)


# ---- REGISTER: other command groups add one line each below --------------------------------------------------
app.command("collect")(collect_cli.collect)
app.command("report")(report_cli.report)
app.command("serve")(serve_cli.serve)
app.add_typer(narratives_cli.app, name="narratives")
app.add_typer(terms_cli.app, name="terms")
app.add_typer(align_cli.app, name="align")
app.command("echoes")(align_cli.echoes)
app.command("statements")(align_cli.statements)


def main() -> None:
    """Entry point: user-facing errors print one line, never a traceback."""
    try:
        app()
    except LockstepError as exc:
        console.print(f"[red]error[/red] {escape(str(exc))}")
        sys.exit(2)
    except Exception as exc:  # an unexpected fault: one line, the traceback only on request
        if os.environ.get("LOCKSTEP_DEBUG"):
            raise
        console.print(f"[red]internal error[/red] {escape(type(exc).__name__)}: {escape(str(exc))} "
                      "(set LOCKSTEP_DEBUG=1 for the traceback and please report it)")
        sys.exit(3)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: the store is consistent; run the same command to resume")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
