"""WARC / WARC.gz archives: each HTML (or plain-text) response becomes a record with its target URI.

An archive cut short keeps the pages before the cut and says where it was cut and how many pages were kept:
each record's payload is read to its end and checked against its declared length (a gzip member cut inside a
record), and the archive must end where its last record ends (a cut inside a record's headers, or bytes that
are not a record).
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Iterator

from lockstep.errors import SkipInput
from lockstep.model import RawRecord
from lockstep.sources.encoding import valid_text
from lockstep.sources.walk import display_path

TEXTUAL = ("text/html", "application/xhtml", "text/plain")
# WARC headers kept with the record: the crawl time, and the date a feed or sitemap listed the page
# (written by `lockstep collect`), used when the page itself carries no date.
GZIP_MAGIC = b"\x1f\x8b"
MAX_TAIL_CHECK = 64 * 1024 * 1024  # bytes read to check how an archive ends
EXTRA_HEADERS = {"crawled": "WARC-Date", "listed_date": "Lockstep-Listed-Date", "listed_in": "Lockstep-Listed-In"}


def read_warc(path: Path, raw_sha: str, source: str | None = None, *, opener) -> Iterator[RawRecord]:
    """The pages of a WARC (opened by `opener`), named `source` (default: the path) in records and reasons."""
    source = source or display_path(path)
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    index, kept, start, end = -1, 0, 0, 0
    try:
        with opener() as fh:
            records = ArchiveIterator(fh)
            for index, record in enumerate(records):
                if not declared_length(record).isdigit():  # mandatory: headers cut short, or not a record
                    raise SkipInput(f"{source}: truncated or corrupt WARC: record {index} has incomplete headers "
                                    f"(no Content-Length){kept_note(kept)}")
                raw = to_raw(record, index, source, raw_sha)
                missing = unread_bytes(record)
                if missing:
                    raise SkipInput(f"{source}: truncated WARC: record {index} ({uri_of(record)}) lacks {missing} "
                                    f"bytes{kept_note(kept)}")
                start = records.get_record_offset()
                end = start + records.get_record_length()
                if raw is not None:
                    kept += 1
                    yield raw
            problem = end_problem(fh, start, end)
    except SkipInput:
        raise
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, AttributeError, TypeError, KeyError, IndexError,
            zlib.error) as exc:
        # warcio meets hostile bytes with assorted exceptions; each means a corrupt archive from here on
        where = f"after record {index}" if index >= 0 else "at the start"
        raise SkipInput(f"{source}: truncated or corrupt WARC {where} ({str(exc).splitlines()[0][:120]})"
                        f"{kept_note(kept)}") from exc
    if problem:
        where = f"in or after record {index}" if index >= 0 else "at the start"
        raise SkipInput(f"{source}: truncated or corrupt WARC {where}: {problem}{kept_note(kept)}")


def kept_note(kept: int) -> str:
    return f"; the {kept} page(s) before it were kept" if kept else "; no page before it"


def unread_bytes(record) -> int:
    """Bytes the record declared but the archive does not hold (its payload is read to the end first)."""
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    missing = getattr(stream, "limit", 0) or 0
    declared = int(declared_length(record))
    if record.length is not None and declared > record.length:
        missing = max(missing, declared - record.length)
    return missing


def declared_length(record) -> str:
    return (record.rec_headers.get_header("Content-Length") or "").strip()


def end_problem(fh, start: int, end: int) -> str:
    """Why the archive does not end with its last whole record (starting at `start`, ending at `end`), or "":
    bytes after it that are not blank lines, or a gzip member cut short (its trailer missing)."""
    size = os.fstat(fh.fileno()).st_size
    fh.seek(start)
    if fh.read(2) == GZIP_MAGIC and size - start <= MAX_TAIL_CHECK:
        fh.seek(start)
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            member.decompress(fh.read(size - start))
        except zlib.error:
            return "a corrupt gzip member"
        if not member.eof:
            return "a gzip member cut short"
    if size <= end:
        return ""
    fh.seek(end)
    rest = fh.read(min(size - end, MAX_TAIL_CHECK))
    extra = len(rest.strip()) if size - end <= MAX_TAIL_CHECK else size - end
    return f"{extra} bytes that are not a complete record" if extra else ""


def to_raw(record, index: int, source: str, raw_sha: str) -> RawRecord | None:
    if record.rec_type not in ("response", "resource"):
        return None
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status and not status.startswith("2"):
            return None
        ctype = (record.http_headers.get_header("Content-Type") or "").lower()
    else:
        ctype = (record.rec_headers.get_header("Content-Type") or "").lower()
    if ctype and not ctype.startswith(TEXTUAL):
        return None
    url = valid_text(uri_of(record))
    try:
        data = record.content_stream().read()
    except Exception as exc:  # a broken Content-Encoding costs this record only  # noqa: BLE001
        reason = f"{source} record {index}: payload not decodable ({type(exc).__name__}: {str(exc)[:100]})"
        return RawRecord(source=source, position=f"record {index}", kind="unreadable", url=url, raw_sha=raw_sha,
                         fields={"reason": reason})
    kind = "text" if ctype.startswith("text/plain") else "html"
    fields = {key: record.rec_headers.get_header(header) for key, header in EXTRA_HEADERS.items()}
    return RawRecord(source=source, position=f"record {index}", data=data, kind=kind, url=url,
                     raw_sha=raw_sha, fields={k: valid_text(v) for k, v in fields.items() if v})


def uri_of(record) -> str:
    return record.rec_headers.get_header("WARC-Target-URI") or ""
