"""CSV, JSONL, JSON and Parquet exports: one record per row, columns mapped to document fields.

Columns are found by common names (see ALIASES) unless the user maps them with `--map text=body,...`.
A table without a text column but with a title (headline datasets) uses the title as the text.

One bad row never costs the file: a line that is not JSON, a ragged CSV row, a text cell holding a number,
nested too deep or too long is skipped, the rest stored, and the file's reason counts the rows skipped and
names the first (see `cells.py` for what a cell may hold).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from lockstep.errors import SkipInput
from lockstep.model import RawRecord
from lockstep.sources.cells import (DEFAULT_MAX_FIELD_CHARS, TEXT_FIELDS, cap_fields, parse_json_int, row_fields,
                                    size_text)

FIELDS = ("text", "title", "published", "outlet", "url", "author", "language", "id", "html")
ALIASES = {
    "text": ("text", "body", "content", "article", "articlebody", "full_text", "maintext"),
    "title": ("title", "headline", "heading"),
    "published": ("published", "published_iso", "date", "datetime", "pubdate", "publication_date", "timestamp",
                  "created_at", "time"),
    "outlet": ("outlet", "source", "site", "site_name", "publisher", "media", "domain", "channel"),
    "url": ("url", "link", "href", "source_url"),
    "author": ("author", "byline", "authors"),
    "language": ("language", "lang"),
    "id": ("id", "doc_id", "article_id"),
    "html": ("html", "raw_html"),
}
DEFAULT_MAX_ROW_BYTES = 100 * 1024 * 1024
MAX_KEY_SETS = 1_000  # distinct JSON key sets whose column mapping is remembered


@dataclass(slots=True, kw_only=True)
class TableInput:
    """One table file to read: what it is, how to open it, and how to map its columns."""

    fmt: str  # csv, jsonl, json or parquet
    path: Path
    source: str  # the path as printed and stored
    raw_sha: str
    opener: Callable[[], Any]
    column_map: dict[str, str] = field(default_factory=dict)
    batch_rows: int = 500
    max_row_bytes: int = DEFAULT_MAX_ROW_BYTES  # a JSONL line, CSV field or JSON file above this is refused
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS  # a text cell is cut to this many characters (noted)


@dataclass(slots=True)
class RowProblems:
    """Rows skipped and fields left out in one file: counts and the first example of each."""

    rows: int = 0
    first_row: str = ""
    fields: int = 0
    first_field: str = ""

    def skip(self, where: str, why: str) -> None:
        self.rows += 1
        self.first_row = self.first_row or f"{where}: {why}"

    def leave_out(self, where: str, why: str) -> None:
        self.fields += 1
        self.first_field = self.first_field or f"{where}: {why}"

    def reason(self, source: str, kept: int) -> str:
        parts = []
        if self.rows:
            parts.append(f"{self.rows} row(s) skipped ({self.first_row})")
        if self.fields:
            parts.append(f"{self.fields} field(s) left out ({self.first_field})")
        return f"{source}: {'; '.join(parts)}; {kept} row(s) kept" if parts else ""


def resolve_columns(columns: list[str], column_map: dict[str, str], source: str) -> dict[str, str]:
    """Map document fields to table columns: explicit mapping first, then common names."""
    lower = {str(c).lower().strip(): c for c in columns}
    resolved = {}
    for fieldname, column in column_map.items():
        if column not in columns:
            raise SkipInput(f"{source}: --map {fieldname}={column}: no such column "
                            f"(columns: {', '.join(map(str, columns))[:200]})")
        resolved[fieldname] = column
    for fieldname in FIELDS:
        if fieldname in resolved:
            continue
        for alias in ALIASES[fieldname]:
            if alias in lower and lower[alias] not in resolved.values():
                resolved[fieldname] = lower[alias]
                break
    if not set(TEXT_FIELDS) & resolved.keys():
        raise SkipInput(f"{source}: no text, title or html column found "
                        f"(columns: {', '.join(map(str, columns))[:200]}); use --map text=COLUMN")
    return resolved


def read_table(table: TableInput) -> Iterator[RawRecord]:
    """The rows of one table as records; rows that are not usable are counted in the reason raised at the end."""
    readers = {"csv": csv_rows, "jsonl": jsonl_rows, "json": json_rows, "parquet": parquet_rows}
    mappings: dict[tuple, dict[str, str] | str] = {}  # JSON rows may differ in their keys: mapped per key set
    problems = RowProblems()
    kept = 0
    for where, row in readers[table.fmt](table, problems):
        columns = mapping_for(tuple(row.keys()), mappings, table)
        if isinstance(columns, str):
            problems.skip(where, columns)
            continue
        fields, skip, left_out = row_fields(row, columns)
        cap_fields(fields, table.max_field_chars)
        for why in left_out:
            problems.leave_out(where, why)
        if skip:
            problems.skip(where, skip)
            continue
        kept += 1
        yield RawRecord(source=table.source, position=where, kind="row", url=str(fields.get("url", "")),
                        fields=fields, raw_sha=table.raw_sha)
    reason = problems.reason(table.source, kept)
    if reason:
        raise SkipInput(reason)


def mapping_for(keys: tuple, mappings: dict[tuple, dict[str, str] | str], table: TableInput) -> dict[str, str] | str:
    """The column mapping for rows with these keys; the first rows' failure skips the file (a wrong --map),
    a later key set's failure only the rows that have it (the reason is returned)."""
    if keys in mappings:
        return mappings[keys]
    try:
        mapping: dict[str, str] | str = resolve_columns(list(keys), table.column_map, table.source)
    except SkipInput as exc:
        if not mappings:
            raise
        mapping = str(exc).removeprefix(f"{table.source}: ")
    if len(mappings) < MAX_KEY_SETS:
        mappings[keys] = mapping
    return mapping


def csv_rows(table: TableInput, problems: RowProblems) -> Iterator[tuple[str, dict]]:
    """Rows of a CSV (or TSV: tabs, quotes taken literally) under its header; a row with more fields than the
    header is skipped and counted, a shorter one keeps the cells it has."""
    index = 0
    tsv = table.path.name.lower().removesuffix(".gz").endswith(".tsv")
    csv.field_size_limit(table.max_row_bytes)  # process-wide; lockstep reads CSV here only
    try:
        with table.opener() as fh:
            text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
            reader = csv.reader(text, delimiter="\t" if tsv else ",", quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL)
            names = unique_names(next(reader, []))
            for cells in rows_of(reader, problems, table.max_row_bytes):
                if len(cells) > len(names):
                    problems.skip(f"line {reader.line_num}", f"expected {len(names)} fields, saw {len(cells)}")
                    continue
                yield f"row {index}", dict(zip(names, cells))
                index += 1
    except (csv.Error, UnicodeDecodeError, OSError, EOFError) as exc:
        raise SkipInput(f"{table.source}: unreadable CSV after row {index} ({str(exc).splitlines()[0][:150]}); "
                        f"the {index} row(s) before it were read") from exc


def rows_of(reader, problems: RowProblems, max_bytes: int) -> Iterator[list[str]]:
    """The non-empty rows of a csv.reader; a row with a field over the size cap is skipped and counted (the
    reader goes on at the next line)."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" not in str(exc):
                raise
            problems.skip(f"line {reader.line_num}", f"a field larger than {size_text(max_bytes)}")
            continue
        if cells:
            yield cells


def unique_names(header: list[str]) -> list[str]:
    """Column names, a repeated one numbered as pandas does ("title", "title.1")."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        name = name.strip()
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(f"{name}.{count}" if count else name)
    return names


def jsonl_rows(table: TableInput, problems: RowProblems) -> Iterator[tuple[str, dict]]:
    """One JSON object per line; a line that is not one (bad JSON, nested too deep, too long) is counted."""
    line_no = 0
    try:
        with table.opener() as fh:
            lines = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace")
            while True:
                line = lines.readline(table.max_row_bytes)
                if not line:
                    break
                line_no += 1
                where = f"row {line_no - 1}"  # rows are numbered by line from 0, as in the documents' positions
                if len(line) >= table.max_row_bytes and not line.endswith("\n"):
                    rest_of_line(lines, table.max_row_bytes)
                    problems.skip(where, f"longer than {size_text(table.max_row_bytes)}")
                    continue
                if not line.strip():
                    continue
                row, why = parse_json(line)
                if why:
                    problems.skip(where, why)
                else:
                    yield where, row
    except (OSError, EOFError) as exc:
        raise SkipInput(f"{table.source}: truncated JSONL after line {line_no} ({exc}); "
                        "the lines before it were read") from exc


def rest_of_line(lines: io.TextIOWrapper, size: int) -> None:
    while True:
        part = lines.readline(size)
        if not part or part.endswith("\n"):
            return


def parse_json(text: str) -> tuple[Any, str]:
    """(object, "") or (None, why it is not one JSON object)."""
    try:
        value = json.loads(text, parse_int=parse_json_int)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return None, "JSON nested too deep"
    if not isinstance(value, dict):
        return None, f"a JSON {type(value).__name__}, not an object"
    return value, ""


def json_rows(table: TableInput, problems: RowProblems) -> Iterator[tuple[str, dict]]:
    try:
        with table.opener() as fh:
            data = fh.read(table.max_row_bytes + 1)
    except (OSError, EOFError) as exc:
        raise SkipInput(f"{table.source}: truncated JSON ({exc})") from exc
    if len(data) > table.max_row_bytes:
        raise SkipInput(f"{table.source}: a JSON document larger than {size_text(table.max_row_bytes)}; "
                        "write it as JSONL (one object per line)")
    try:
        rows = json.loads(data.decode("utf-8-sig", errors="replace"), parse_int=parse_json_int)
    except json.JSONDecodeError as exc:
        raise SkipInput(f"{table.source}: invalid JSON ({str(exc)[:150]})") from exc
    except RecursionError as exc:
        raise SkipInput(f"{table.source}: JSON nested too deep") from exc
    if not isinstance(rows, list):
        raise SkipInput(f"{table.source}: JSON must be an array of objects (or use JSONL)")
    for index, row in enumerate(rows):
        if isinstance(row, dict):
            yield f"row {index}", row
        else:
            problems.skip(f"row {index}", f"a JSON {type(row).__name__}, not an object")


def parquet_rows(table: TableInput, problems: RowProblems) -> Iterator[tuple[str, dict]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    index = 0
    try:
        with table.opener() as fh:
            source = fh if hasattr(fh, "seek") and fh.seekable() else io.BytesIO(fh.read())
            for batch in pq.ParquetFile(source).iter_batches(batch_size=table.batch_rows):
                for row in batch.to_pylist():
                    yield f"row {index}", row
                    index += 1
    except (pa.ArrowException, OSError, EOFError) as exc:
        raise SkipInput(f"{table.source}: unreadable Parquet after row {index} ({str(exc)[:150]})") from exc
