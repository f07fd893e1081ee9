"""WARC / WARC.gz archives: each HTML (or plain-text) response becomes a record with its target URI."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from lockstep.errors import SkipInput
from lockstep.model import RawRecord

TEXTUAL = ("text/html", "application/xhtml", "text/plain")
# WARC headers kept with the record: the crawl time, and the date a feed or sitemap listed the page
# (written by `lockstep collect`), used when the page itself carries no date.
EXTRA_HEADERS = {"crawled": "WARC-Date", "listed_date": "Lockstep-Listed-Date", "listed_in": "Lockstep-Listed-In"}


def read_warc(path: Path, raw_sha: str, *, opener) -> Iterator[RawRecord]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    index = -1
    try:
        with opener() as fh:
            for index, record in enumerate(ArchiveIterator(fh)):
                raw = to_raw(record, index, path, raw_sha)
                if raw is not None:
                    yield raw
    except SkipInput:
        raise
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, AttributeError, TypeError, KeyError, IndexError) as exc:
        # warcio meets hostile bytes with assorted exceptions; each means a corrupt archive from here on
        where = f"after record {index}" if index >= 0 else "at the start"
        raise SkipInput(f"{path}: truncated or corrupt WARC {where} ({str(exc).splitlines()[0][:120]})") from exc


def to_raw(record, index: int, path: Path, raw_sha: str) -> RawRecord | None:
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
    data = record.content_stream().read()
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        raise SkipInput(f"{path}: truncated WARC: record {index} ({uri_of(record)}) lacks {missing} bytes")
    kind = "text" if ctype.startswith("text/plain") else "html"
    uri = uri_of(record)
    fields = {key: record.rec_headers.get_header(header) for key, header in EXTRA_HEADERS.items()}
    return RawRecord(source=str(path), position=f"record {index}", data=data, kind=kind, url=uri,
                     raw_sha=raw_sha, fields={k: v for k, v in fields.items() if v})


def uri_of(record) -> str:
    return record.rec_headers.get_header("WARC-Target-URI") or ""
