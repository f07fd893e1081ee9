"""Walk input paths and read each file into RawRecords.

A file that cannot be read raises :class:`SkipInput` with a one-line reason naming the file; records read
before a fault (a truncated WARC, say) are still yielded, then the fault is raised for the rest.
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
from lockstep.sources import tables, warc
from lockstep.sources.sniff import sniff_format

DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # a single page/text file above this is refused, tables stream
HIDDEN_PREFIXES = (".", "_", "~")


@dataclass(slots=True, kw_only=True)
class ReadOptions:
    """How to read inputs: column mapping for tables and size caps."""

    column_map: dict[str, str] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_BYTES
    batch_rows: int = 500


@dataclass(slots=True)
class InputFile:
    path: Path
    size: int
    missing_reason: str = ""


def iter_inputs(paths: list[str]) -> Iterator[InputFile]:
    """Expand files and directories (recursively, skipping hidden files); missing paths are reported."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield InputFile(path, 0, missing_reason=f"{path}: no such file or directory")
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(HIDDEN_PREFIXES) for part in child.relative_to(path).parts):
                    yield InputFile(child, child.stat().st_size)
        else:
            yield InputFile(path, path.stat().st_size)


def file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_input(path: Path, raw_sha: str, options: ReadOptions) -> Iterator[RawRecord]:
    """Yield the records of one file; raise SkipInput for a bad file."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    fmt = sniff_format(head, path.name)
    if fmt == "gzip":
        yield from read_gzip(path, raw_sha, options)
        return
    yield from read_format(fmt, path, raw_sha, options, opener=lambda: path.open("rb"), head=head)


def read_gzip(path: Path, raw_sha: str, options: ReadOptions) -> Iterator[RawRecord]:
    head = gzip_head(path)
    inner_name = path.name[:-3] if path.name.endswith(".gz") else path.name
    fmt = sniff_format(head, inner_name)
    if fmt == "gzip":
        raise SkipInput(f"{path}: nested gzip is not supported")
    if fmt == "warc":  # warcio reads (multi-member) gzip itself
        yield from warc.read_warc(path, raw_sha, opener=lambda: path.open("rb"))
        return
    yield from read_format(fmt, path, raw_sha, options, opener=lambda: gzip.open(path, "rb"), head=head)


def gzip_head(path: Path, size: int = 8192) -> bytes:
    """The first decompressed bytes, even when the stream is truncated later on."""
    with path.open("rb") as fh:
        compressed = fh.read(256 * 1024)
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(compressed, size)
    except zlib.error as exc:
        raise SkipInput(f"{path}: broken gzip ({exc})") from exc


def read_format(fmt: str, path: Path, raw_sha: str, options: ReadOptions, *, opener, head: bytes) -> Iterator[RawRecord]:
    if fmt == "empty":
        raise SkipInput(f"{path}: empty file")
    if fmt == "binary":
        raise SkipInput(f"{path}: binary file, not text, HTML, WARC or a table")
    if fmt == "warc":
        yield from warc.read_warc(path, raw_sha, opener=opener)
    elif fmt in ("csv", "jsonl", "json", "parquet"):
        yield from tables.read_table(fmt, path, raw_sha, options.column_map, opener=opener,
                                     batch_rows=options.batch_rows)
    else:
        data = read_capped(path, opener, options.max_bytes)
        yield RawRecord(source=str(path), data=data, kind=fmt, raw_sha=raw_sha)


def read_capped(path: Path, opener, max_bytes: int) -> bytes:
    try:
        with opener() as fh:
            data = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SkipInput(f"{path}: truncated or corrupt compressed data ({exc})") from exc
    if len(data) > max_bytes:
        raise SkipInput(f"{path}: larger than {max_bytes // (1024 * 1024)} MB for a single page; "
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
