"""Writing pages as standard WARC/1.1 (gzip, one member per record): a request and a response record each.

The response record stores the body as decoded by the client: Content-Encoding and Transfer-Encoding headers
are kept only as X-Archive-Orig-* and Content-Length is set to the stored length, so any WARC reader
(warcio's ArchiveIterator, `lockstep ingest`) gets the HTML without a second decoding step.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lockstep.collect.fetch import Response
from lockstep.errors import InputError

WARC_VERSION = "WARC/1.1"
GZIP_WBITS = 16 + zlib.MAX_WBITS
RENAMED = ("content-encoding", "transfer-encoding", "content-length")


class WarcOutput:
    """An append-only gzip WARC file; safe to reopen on the next run (a torn last record is cut first)."""

    def __init__(self, path: Path, software: str):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists() or path.stat().st_size == 0
        self.fh: BinaryIO = path.open("ab")
        self.writer = WARCWriter(self.fh, gzip=True, warc_version=WARC_VERSION)
        if fresh:
            self.write_info(software)

    def write_info(self, software: str) -> None:
        info = {"software": software, "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        self.writer.write_record(self.writer.create_warcinfo_record(self.path.name, info))
        self.fh.flush()

    def write(self, response: Response, extra: dict[str, str] | None = None) -> None:
        """Append the request/response pair for one page and flush, so a crash loses at most this page.

        `extra` adds extension fields to the response record's WARC headers (e.g. Lockstep-Listed-Date).
        """
        request = self.writer.create_warc_record(
            response.url, "request", payload=io.BytesIO(b""), length=0,
            http_headers=request_headers(response))
        answer = self.writer.create_warc_record(
            response.url, "response", payload=io.BytesIO(response.body), length=len(response.body),
            http_headers=response_headers(response), warc_headers_dict=dict(extra or {}))
        self.writer.write_request_response_pair(request, answer)
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()


def response_headers(response: Response) -> StatusAndHeaders:
    headers = []
    for name, value in response.headers:
        low = name.lower()
        if low in RENAMED:
            if low != "content-length":
                headers.append((f"X-Archive-Orig-{name}", value))
            continue
        headers.append((name, value))
    headers.append(("Content-Length", str(len(response.body))))
    status = f"{response.status} {response.reason}".strip()
    return StatusAndHeaders(status, headers, protocol=response.http_version or "HTTP/1.1")


def request_headers(response: Response) -> StatusAndHeaders:
    parts = urlsplit(response.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(f"GET {target} {response.http_version or 'HTTP/1.1'}",
                            list(response.request_headers), is_http_request=True)


def fetched_urls(path: Path) -> set[str]:
    """WARC-Target-URI of every response record already in the file, after cutting off a torn tail."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    urls: set[str] = set()
    if not path.exists() or path.stat().st_size == 0:
        return urls
    repair(path)
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    urls.add(record.rec_headers.get_header("WARC-Target-URI") or "")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: not a readable WARC, cannot resume into it ({exc})"[:300]) from exc
    urls.discard("")
    return urls


def repair(path: Path) -> None:
    """Cut the file after its last complete gzip member (each record is one): an interrupted run's tail."""
    good = complete_length(path)
    if good == 0:
        raise InputError(f"{path}: not a gzip WARC written by lockstep collect; choose another --output")
    if good < path.stat().st_size:
        with path.open("r+b") as fh:
            fh.truncate(good)


def complete_length(path: Path, chunk_size: int = 1 << 18) -> int:
    """Bytes from the start of the file up to the end of the last gzip member that decompresses whole."""
    good = pos = 0
    inflater = zlib.decompressobj(GZIP_WBITS)
    with path.open("rb") as fh:
        while chunk := fh.read(chunk_size):
            while chunk:
                try:
                    inflater.decompress(chunk)
                except zlib.error:
                    return good
                if not inflater.eof:
                    pos += len(chunk)
                    break
                pos += len(chunk) - len(inflater.unused_data)
                good = pos
                chunk = inflater.unused_data
                inflater = zlib.decompressobj(GZIP_WBITS)
    return good
