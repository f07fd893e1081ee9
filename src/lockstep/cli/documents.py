"""Terminal views of the corpus commands (ingest, docs, show, export): progress, tables, summaries."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from lockstep.clean.limits import DEFAULT_MAX_FIELD_CHARS
from lockstep.engines.local import IngestOptions, IngestReport
from lockstep.errors import InputError
from lockstep.output import print_lines, print_table, write_table
from lockstep.sources.files import iter_inputs, parse_column_map
from lockstep.store.corpus import DocumentFilter, open as open_corpus
from lockstep.store.tables import stored_actor_names

console = Console()
err = Console(stderr=True)
DOCS_SCREEN_COLUMNS = ("left(d.id, 10) AS id, left(d.published, 10) AS date, d.actor, d.language AS lang, d.title, "
                       "CASE WHEN d.duplicate_of IS NULL THEN '' ELSE 'dup' END AS dup")
DOCS_FILE_COLUMNS = "d.id, d.published, d.actor, d.outlet, d.language, d.title, d.duplicate_of, d.source"
EXPORT_COLUMNS = (
    "id, title, text, outlet, actor, author, published, published_precision, published_source, language, "
    "paywalled, CASE WHEN source_position = '' THEN source ELSE source || '#' || source_position END AS source, "
    "original_source, duplicate_of, url, actor_country, actor_type, cluster_id"
)


# `lockstep ingest` exit status: 0 everything stored in full; 1 something was skipped or stored in part (listed);
# 2 a usage, configuration or store error (nothing ingested); 3 an internal error (a bug: please report it).
EXIT_INCOMPLETE = 1


def ingest(paths: list[Path], *, db: Path, actors: Path | None, workers: int, column_map: str | None,
           max_mb: int, engine: str, address: str | None, store_memory: str = "256MB",
           max_field_chars: int = DEFAULT_MAX_FIELD_CHARS) -> IngestReport:
    if actors:
        from lockstep.actors import load_registry

        load_registry(str(actors))  # validate before any work: errors name file and line
    options = IngestOptions(workers=workers, actors_file=str(actors) if actors else None,
                            column_map=parse_column_map(column_map), max_bytes=max_mb * 1024 * 1024,
                            store_memory=parse_memory(store_memory), max_field_chars=max_field_chars)
    if engine == "ray":
        from lockstep.engines.ray import run_ray_ingest

        report = run_ray_ingest([str(p) for p in paths], db=db, options=options, address=address)
    elif engine == "local":
        report = ingest_with_progress(paths, db, options)
    else:
        raise InputError(f"--engine: unknown engine {engine!r}; use local or ray")
    print_report(report)
    return report


def parse_memory(value: str) -> str | None:
    """'1GB' / '512MB' as given; 'none' leaves DuckDB its default (80 % of RAM)."""
    from lockstep.store.writer import MEMORY_SIZE

    if value.strip().lower() == "none":
        return None
    if not MEMORY_SIZE.match(value.strip()):
        raise InputError(f"--store-memory: {value!r} is not a size; use e.g. 512MB, 2GB or none")
    return value.strip()


def ingest_with_progress(paths: list[Path], db: Path, options: IngestOptions) -> IngestReport:
    total = sum(1 for item in iter_inputs([str(p) for p in paths]) if not item.missing_reason)
    columns = (TextColumn("[bold]ingest[/bold]"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
               TextColumn("{task.fields[docs]} documents"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("ingest", total=total, docs=0)

        def on_event(event: str, amount: int) -> None:
            if event == "file":
                progress.advance(task, amount)
            else:
                progress.update(task, docs=progress.tasks[task].fields["docs"] + amount)

        options.progress = on_event
        with open_corpus(db) as corpus:
            return corpus.ingest([str(p) for p in paths], options)


SHOW_FIELDS = ("id", "title", "outlet", "actor", "actor_country", "actor_type", "author", "published",
               "published_precision", "published_source", "language", "paywalled", "source", "source_position",
               "url", "original_source", "duplicate_of", "cluster_id")


def print_report(report: IngestReport) -> None:
    """The ingest summary and the skipped inputs (path, reason): boxed tables on a terminal, else one
    `path<TAB>reason` line per skipped input (all of them), so logs can be grepped."""
    skipped = [(source, reason_only(source, reason)) for source, reason in report.skipped]
    partial = [(source, reason_only(source, reason)) for source, reason in report.partial]
    lists = [(f"skipped inputs ({len(skipped)})", skipped), (f"stored in part ({len(partial)})", partial)]
    if not console.is_terminal:
        print_lines(console, report.summary().items(), title="ingest summary")
        for title, rows in lists:
            if rows:
                print_lines(console, rows, title=title)
        return
    table = Table(title="ingest summary", show_header=False)
    for key, value in report.summary().items():
        table.add_row(key, str(value))
    console.print(table)
    for title, rows in lists:
        if rows:
            print_listed(title, rows)


def print_listed(title: str, rows: list[tuple[str, str]], limit: int = 100) -> None:
    listed = Table(title=title)
    listed.add_column("input", overflow="fold", max_width=60)
    listed.add_column("reason", overflow="fold")
    for source, reason in rows[:limit]:
        listed.add_row(Text(source), Text(reason))
    console.print(listed)
    if len(rows) > limit:
        console.print(f"[dim]{len(rows) - limit} more; the store's `skipped` and `inputs` tables list them all[/dim]")


def reason_only(source: str, reason: str) -> str:
    """The reason without the path it starts with ("a.txt: empty file" -> "empty file"; also "a.warc#3: ...")."""
    if reason.startswith(source):
        rest = reason[len(source):]
        head, sep, tail = rest.partition(": ")
        if sep and (not head or head.startswith("#")):
            return tail
    return reason


def make_filter(outlet=None, actor=None, lang=None, since=None, until=None, no_duplicates=False) -> DocumentFilter:
    return DocumentFilter(outlet=outlet, actor=actor or None, language=lang, since=since, until=until,
                          include_duplicates=not no_duplicates)


def docs(db: Path, *, limit: int, output: Path | None, **filters) -> None:
    with open_corpus(db, read_only=True) as corpus:
        filters["actor"] = stored_actor_names(corpus.con, filters.get("actor"))
        columns = DOCS_FILE_COLUMNS if output else DOCS_SCREEN_COLUMNS
        frame = corpus.documents(make_filter(**filters), columns=columns, limit=None if output else limit)
    if output:
        write_table(frame, output)
        console.print(f"wrote {len(frame)} documents to {output}")
    else:
        print_table(frame, title="documents", max_rows=limit, max_width=70)


def show(db: Path, doc_id: str) -> None:
    with open_corpus(db, read_only=True) as corpus:
        doc = corpus.document(doc_id)
    if doc is None:
        raise InputError(f"no document with id (or unique id prefix) {doc_id!r}")
    fields = [(key, "" if doc.get(key) is None else str(doc[key])) for key in SHOW_FIELDS]
    removed = [(piece.get("reason", ""), piece.get("text", "")) for piece in json.loads(doc.get("removed") or "[]")]
    removed_title = f"removed debris ({len(removed)} pieces)"
    if not console.is_terminal:
        print_lines(console, fields)
        print_lines(console, [[paragraph] for paragraph in doc["text"].split("\n\n")], title="text")
        print_lines(console, removed, title=removed_title)
        return
    meta = Table(show_header=False)
    for key, value in fields:
        meta.add_row(key, value)
    console.print(meta)
    console.print(Panel(Text(doc["text"]), title="text", expand=True))
    if removed:
        table = Table(title=removed_title)
        table.add_column("reason")
        table.add_column("text", overflow="fold")
        for reason, text in removed:
            table.add_row(reason, text)
        console.print(table)


def export(db: Path, output: Path, *, fmt: str | None, **filters) -> None:
    with open_corpus(db, read_only=True) as corpus:
        filters["actor"] = stored_actor_names(corpus.con, filters.get("actor"))
        frame = corpus.documents(make_filter(**filters), columns=EXPORT_COLUMNS)
    write_table(frame, output, fmt)
    console.print(f"wrote {len(frame)} documents to {output}")
