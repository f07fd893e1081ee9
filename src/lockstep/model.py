"""Record types that flow between pipeline stages, and their Arrow schemas.

A :class:`RawRecord` is what a reader found (bytes plus where it came from); a :class:`Document` is one
clean article. Stages exchange them as Arrow record batches (see ``engines/stages.py``) so the same stage
functions run in-process and on Ray Data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

import pyarrow as pa

PRECISIONS = ("second", "minute", "hour", "day", "month", "year", "unknown")
DATE_SOURCES = ("metadata", "byline", "url", "relative", "none")


@dataclass(slots=True)
class RawRecord:
    """One unit of input before cleaning: a file, an archive member, a table row, a fetched page."""

    source: str  # file path or URL
    position: str = ""  # where inside the source ("record 12", "row 7"); empty for whole files
    data: bytes = b""  # raw bytes (pages) or empty for table rows
    kind: str = ""  # sniffed format: text, html, row; "unreadable" (fields["reason"] says why)
    url: str = ""  # target URL when known (WARC, feeds, tables)
    fields: dict[str, Any] = field(default_factory=dict)  # mapped columns for table rows
    raw_sha: str = ""  # sha256 of the raw bytes of the whole input file

    def key(self) -> str:
        return f"{self.raw_sha}:{self.position}"


@dataclass(slots=True)
class Removed:
    """A piece of page debris the cleaner removed, kept so nothing is silently lost."""

    text: str
    reason: str


@dataclass(slots=True)
class Document:
    """One article with its metadata, as stored and exported."""

    id: str = ""
    title: str = ""
    text: str = ""  # clean body, paragraphs separated by blank lines
    outlet: str | None = None
    actor: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    published_precision: str = "unknown"
    published_source: str = "none"
    language: str | None = None  # ISO 639-1
    paywalled: bool = False
    source: str = ""
    source_position: str = ""
    url: str | None = None
    original_source: str | None = None
    duplicate_of: str | None = None
    raw_sha: str = ""
    removed: list[Removed] = field(default_factory=list)

    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]

    def to_row(self) -> dict[str, Any]:
        row = {f.name: getattr(self, f.name) for f in fields(self)}  # all scalars but `removed` (asdict deep-copies)
        row["removed"] = json.dumps([{"text": r.text, "reason": r.reason} for r in self.removed], ensure_ascii=False)
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Document":
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in row.items() if k in names}
        removed = values.get("removed") or "[]"
        if isinstance(removed, str):
            removed = json.loads(removed)
        values["removed"] = [r if isinstance(r, Removed) else Removed(**r) for r in removed]
        return cls(**values)


def document_id(raw_sha: str, position: str, index: int) -> str:
    """Stable id: the same input bytes always give the same ids (re-ingest is idempotent)."""
    digest = hashlib.sha256(f"{raw_sha}|{position}|{index}".encode()).hexdigest()
    return digest[:16]


RAW_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("position", pa.string()),
        ("data", pa.binary()),
        ("kind", pa.string()),
        ("url", pa.string()),
        ("fields", pa.string()),  # JSON
        ("raw_sha", pa.string()),
    ]
)

DOCUMENT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("outlet", pa.string()),
        ("actor", pa.string()),
        ("author", pa.string()),
        ("published", pa.string()),
        ("published_precision", pa.string()),
        ("published_source", pa.string()),
        ("language", pa.string()),
        ("paywalled", pa.bool_()),
        ("source", pa.string()),
        ("source_position", pa.string()),
        ("url", pa.string()),
        ("original_source", pa.string()),
        ("duplicate_of", pa.string()),
        ("raw_sha", pa.string()),
        ("removed", pa.string()),  # JSON list of {text, reason}
    ]
)


def raw_to_batch(records: list[RawRecord]) -> pa.RecordBatch:
    rows = [
        {
            "source": r.source,
            "position": r.position,
            "data": r.data,
            "kind": r.kind,
            "url": r.url,
            "fields": json.dumps(r.fields, ensure_ascii=False, default=str),
            "raw_sha": r.raw_sha,
        }
        for r in records
    ]
    return pa.RecordBatch.from_pylist(rows, schema=RAW_SCHEMA)


def batch_to_raw(batch: pa.RecordBatch) -> list[RawRecord]:
    out = []
    for row in batch.to_pylist():
        row["fields"] = json.loads(row["fields"] or "{}")
        out.append(RawRecord(**row))
    return out


def documents_to_batch(docs: list[Document], schema: pa.Schema = DOCUMENT_SCHEMA) -> pa.RecordBatch:
    rows = [d.to_row() for d in docs]
    return pa.RecordBatch.from_pylist(rows, schema=schema)


def batch_to_documents(batch: pa.RecordBatch) -> list[Document]:
    return [Document.from_row(row) for row in batch.to_pylist()]
