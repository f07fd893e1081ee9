"""Read each input file into RawRecords.

A file that cannot be read raises :class:`SkipInput` with a one-line reason naming the file; records read
before a fault (a truncated WARC, say) are still yielded, then the fault is raised for the rest. Whatever a
file holds, `read_input` raises nothing else: an unexpected fault in a reader becomes that file's reason.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from lockstep.errors import InputError, SkipInput
from lockstep.model import RawRecord
import lockstep.sources.tables as tables
import lockstep.sources.warc as warc
from lockstep.sources.cells import DEFAULT_MAX_FIELD_CHARS, size_text
from lockstep.sources.sniff import sniff_format
from lockstep.sources.walk import HIDDEN_PREFIXES, InputFile, display_path, iter_inputs

__all__ = ["DEFAULT_MAX_BYTES", "HIDDEN_PREFIXES", "InputFile", "ReadOptions", "file_sha", "iter_inputs",
           "parse_column_map", "read_input"]

DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # a single page/text file above this is refused, tables stream


@dataclass(slots=True, kw_only=True)
class ReadOptions:
    """How to read inputs: column mapping for tables and size caps."""

    column_map: dict[str, str] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_BYTES
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS  # a table's text cell is cut to this many characters (noted)
    batch_rows: int = 500


def file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_input(path: Path, raw_sha: str, options: ReadOptions, source: str | None = None) -> Iterator[RawRecord]:
    """Yield the records of one file; raise SkipInput (and only SkipInput) for a bad file.

    `source` names the file in records and reasons (default: the path, undecodable bytes escaped)."""
    source = source or display_path(path)
    kept = 0
    try:
        for record in read_sniffed(path, raw_sha, options, source):
            kept += 1
            yield record
    except SkipInput:
        raise
    except OSError as exc:
        raise SkipInput(f"{source}: cannot read ({exc.strerror or exc}){kept_note(kept)}") from exc
    except MemoryError as exc:
        raise SkipInput(f"{source}: too large to read in memory{kept_note(kept)}") from exc
    except RecursionError as exc:
        raise SkipInput(f"{source}: nested too deep to read{kept_note(kept)}") from exc
    except Exception as exc:  # a reader meeting hostile bytes: this file is skipped, never the run
        detail = (str(exc).splitlines() or [""])[0][:150]
        raise SkipInput(f"{source}: unreadable ({type(exc).__name__}: {detail}){kept_note(kept)}") from exc


def kept_note(kept: int) -> str:
    return f"; the {kept} record(s) read before it were kept" if kept else ""


def read_sniffed(path: Path, raw_sha: str, options: ReadOptions, source: str) -> Iterator[RawRecord]:
    with path.open("rb") as fh:
        head = fh.read(8192)
    fmt = sniff_format(head, path.name)
    if fmt == "gzip":
        yield from read_gzip(path, raw_sha, options, source)
        return
    yield from read_format(fmt, path, raw_sha, options, source, opener=lambda: path.open("rb"))


def read_gzip(path: Path, raw_sha: str, options: ReadOptions, source: str) -> Iterator[RawRecord]:
    head = gzip_head(path, source)
    inner_name = path.name[:-3] if path.name.endswith(".gz") else path.name
    fmt = sniff_format(head, inner_name)
    if fmt == "gzip":
        raise SkipInput(f"{source}: nested gzip is not supported")
    if fmt == "warc":  # warcio reads (multi-member) gzip itself
        yield from warc.read_warc(path, raw_sha, source, opener=lambda: path.open("rb"))
        return
    yield from read_format(fmt, path, raw_sha, options, source, opener=lambda: gzip.open(path, "rb"))


def gzip_head(path: Path, source: str, size: int = 8192) -> bytes:
    """The first decompressed bytes, even when the stream is truncated later on."""
    with path.open("rb") as fh:
        compressed = fh.read(256 * 1024)
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(compressed, size)
    except zlib.error as exc:
        raise SkipInput(f"{source}: broken gzip ({exc})") from exc


def read_format(fmt: str, path: Path, raw_sha: str, options: ReadOptions, source: str, *,
                opener) -> Iterator[RawRecord]:
    if fmt == "empty":
        raise SkipInput(f"{source}: empty file")
    if fmt == "binary":
        raise SkipInput(f"{source}: binary file, not text, HTML, WARC or a table")
    if fmt == "warc":
        yield from warc.read_warc(path, raw_sha, source, opener=opener)
    elif fmt in ("csv", "jsonl", "json", "parquet"):
        table = tables.TableInput(fmt=fmt, path=path, source=source, raw_sha=raw_sha, opener=opener,
                                  column_map=options.column_map, batch_rows=options.batch_rows,
                                  max_row_bytes=options.max_bytes, max_field_chars=options.max_field_chars)
        yield from tables.read_table(table)
    else:
        data = read_capped(source, opener, options.max_bytes)
        yield RawRecord(source=source, data=data, kind=fmt, raw_sha=raw_sha)


def read_capped(source: str, opener, max_bytes: int) -> bytes:
    try:
        with opener() as fh:
            data = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SkipInput(f"{source}: truncated or corrupt compressed data ({exc})") from exc
    if len(data) > max_bytes:
        raise SkipInput(f"{source}: larger than {size_text(max_bytes)} for a single page; "
                        "split it or raise --max-mb")
    return data


def parse_column_map(spec: str | None) -> dict[str, str]:
    """`text=body,published=date` -> {"text": "body", "published": "date"}."""
    if not spec:
        return {}
    mapping = {}
    for part in spec.split(","):
        if "=" not in part:
            raise InputError(f"--map: expected field=column, got {part!r}")
        key, value = (s.strip() for s in part.split("=", 1))
        if key not in tables.FIELDS:
            raise InputError(f"--map: unknown field {key!r}; known: {', '.join(tables.FIELDS)}")
        mapping[key] = value
    return mapping
