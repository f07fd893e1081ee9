"""CSV, JSONL, JSON and Parquet exports: one record per row, columns mapped to document fields.

Columns are found by common names (see ALIASES) unless the user maps them with `--map text=body,...`.
A table without a text column but with a title (headline datasets) uses the title as the text.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Iterator

from lockstep.errors import SkipInput
from lockstep.model import RawRecord

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


def resolve_columns(columns: list[str], column_map: dict[str, str], path: Path) -> dict[str, str]:
    """Map document fields to table columns: explicit mapping first, then common names."""
    lower = {c.lower().strip(): c for c in columns}
    resolved = {}
    for fieldname, column in column_map.items():
        if column not in columns:
            raise SkipInput(f"{path}: --map {fieldname}={column}: no such column (columns: {', '.join(columns)[:200]})")
        resolved[fieldname] = column
    for fieldname in FIELDS:
        if fieldname in resolved:
            continue
        for alias in ALIASES[fieldname]:
            if alias in lower and lower[alias] not in resolved.values():
                resolved[fieldname] = lower[alias]
                break
    if not {"text", "title", "html"} & resolved.keys():
        raise SkipInput(f"{path}: no text, title or html column found (columns: {', '.join(columns)[:200]}); "
                        "use --map text=COLUMN")
    return resolved


def read_table(fmt: str, path: Path, raw_sha: str, column_map: dict[str, str], *, opener,
               batch_rows: int = 500) -> Iterator[RawRecord]:
    readers = {"csv": csv_rows, "jsonl": jsonl_rows, "json": json_rows, "parquet": parquet_rows}
    columns: dict[str, str] | None = None
    for index, row in readers[fmt](path, opener, batch_rows):
        if columns is None:
            columns = resolve_columns(list(row.keys()), column_map, path)
        fields = {f: clean_cell(row.get(col)) for f, col in columns.items()}
        fields = {k: v for k, v in fields.items() if v not in (None, "")}
        yield RawRecord(source=str(path), position=f"row {index}", kind="row", url=str(fields.get("url", "")),
                        fields=fields, raw_sha=raw_sha)


def clean_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)


def csv_rows(path: Path, opener, batch_rows: int) -> Iterator[tuple[int, dict]]:
    import pandas as pd

    index = 0
    try:
        with opener() as fh:
            text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
            sep = "\t" if path.name.lower().rstrip(".gz").endswith(".tsv") else ","
            for chunk in pd.read_csv(text, dtype=str, chunksize=batch_rows, sep=sep, keep_default_na=False,
                                     on_bad_lines="warn", engine="python" if sep == "\t" else "c"):
                for row in chunk.to_dict(orient="records"):
                    yield index, row
                    index += 1
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise SkipInput(f"{path}: unreadable CSV after row {index} ({str(exc).splitlines()[0][:150]})") from exc


def jsonl_rows(path: Path, opener, batch_rows: int) -> Iterator[tuple[int, dict]]:
    bad = 0
    try:
        with opener() as fh:
            for index, line in enumerate(io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace")):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    bad += 1
                    continue
                if isinstance(row, dict):
                    yield index, row
                else:
                    bad += 1
    except (OSError, EOFError) as exc:
        raise SkipInput(f"{path}: truncated JSONL ({exc})") from exc
    if bad:
        raise SkipInput(f"{path}: {bad} line(s) are not JSON objects and were skipped")


def json_rows(path: Path, opener, batch_rows: int) -> Iterator[tuple[int, dict]]:
    try:
        with opener() as fh:
            data = json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise SkipInput(f"{path}: invalid JSON ({str(exc)[:150]})") from exc
    if not isinstance(data, list):
        raise SkipInput(f"{path}: JSON must be an array of objects (or use JSONL)")
    for index, row in enumerate(data):
        if isinstance(row, dict):
            yield index, row


def parquet_rows(path: Path, opener, batch_rows: int) -> Iterator[tuple[int, dict]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    index = 0
    try:
        with opener() as fh:
            source = fh if hasattr(fh, "seek") and fh.seekable() else io.BytesIO(fh.read())
            for batch in pq.ParquetFile(source).iter_batches(batch_size=batch_rows):
                for row in batch.to_pylist():
                    yield index, row
                    index += 1
    except (pa.ArrowInvalid, OSError, EOFError) as exc:
        raise SkipInput(f"{path}: unreadable Parquet ({str(exc)[:150]})") from exc
