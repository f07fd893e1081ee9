"""Decide what an input is from its bytes: gzip, WARC, HTML, JSONL, CSV, Parquet, plain text, or binary."""

from __future__ import annotations

import re

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
HTML_HINT = re.compile(rb"<(!doctype html|html|head|body|article|div|p|meta|title)[\s>]", re.I)
WARC_HINT = re.compile(rb"^WARC/\d\.\d", re.M)
BINARY_SIGNATURES = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x7fELF", b"BZh", b"\xfd7zXZ",
    b"SQLite format 3", b"MZ",
)


def sniff_format(head: bytes, name: str = "") -> str:
    """Return one of: gzip, warc, parquet, html, jsonl, csv, text, binary, empty."""
    if not head:
        return "empty"
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if WARC_HINT.match(head.lstrip()[:16]):
        return "warc"
    if any(head.startswith(sig) for sig in BINARY_SIGNATURES) or looks_binary(head):
        return "binary"
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if HTML_HINT.search(text_head[:2048]):
        return "html"
    if text_head.startswith(b"{") and looks_jsonl(text_head):
        return "jsonl"
    if text_head.startswith(b"[") and name.lower().endswith((".json", ".json.gz")):
        return "json"
    if looks_csv(text_head, name):
        return "csv"
    return "text"


def looks_binary(head: bytes) -> bool:
    """Many NUL or control bytes means binary (UTF-16 with BOM is text)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = head[:4096]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return b"\x00" in sample or controls > len(sample) * 0.1


def looks_jsonl(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].strip()
    return first.endswith(b"}") or len(first) > 4000 or b'":' in first


def looks_csv(head: bytes, name: str) -> bool:
    if name.lower().endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz")):
        return True
    lines = head.split(b"\n")[:5]
    if len(lines) < 3:
        return False
    counts = {line.count(b",") for line in lines[:-1] if line.strip()}
    header = lines[0]
    return len(counts) == 1 and counts.pop() >= 2 and len(header) < 300 and b" " not in header.strip()
