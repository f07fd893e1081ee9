"""HTML pages into articles: main text and metadata with trafilatura.

trafilatura runs in its fast mode (no readability/jusText fallback), which on the Zyte article benchmark is
both faster and slightly more accurate than its default; the date comes from htmldate without its extensive
search (page metadata only) and gets its precision from the page's own time stamp when it has one. When
the fast pass returns too little text, the full pass (with fallbacks) runs as a second chance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lockstep.clean.dates import find_byline_date
from lockstep.model import Document, Removed

PUBLISHED_KEYS = (b"published_time", b"datepublished", b"pubdate", b"publishdate", b"date.issued", b"date.published")
STAMP = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?", re.I)
MIN_WORDS = 5  # fewer words than this is page furniture, not an article
@dataclass(slots=True, kw_only=True, frozen=True)
class HtmlOptions:
    """How hard to try: the fast pass, and when the full pass gets a second chance."""

    min_text_chars: int = 250  # below this the fast pass is retried with trafilatura's fallbacks
    include_tables: bool = True
    include_comments: bool = False


DEFAULT_OPTIONS = HtmlOptions()


def extract_html(data: bytes | str, *, url: str | None = None, options: HtmlOptions = DEFAULT_OPTIONS) -> list[Document]:
    """The article of an HTML page as a one-item list, or [] when the page holds no article text."""
    if not data or not (data.strip() if isinstance(data, (bytes, str)) else data):
        return []
    result = _run_trafilatura(data, url, options, fast=True)
    if result is None or len(result.text or "") < options.min_text_chars:
        retry = _run_trafilatura(data, url, options, fast=False)
        if retry is not None and len(retry.text or "") > len(getattr(result, "text", "") or ""):
            result = retry
    if result is None or len((result.text or "").split()) < MIN_WORDS:
        return []
    return [_to_document(result, data, url)]


def _run_trafilatura(data: bytes | str, url: str | None, options: HtmlOptions, *, fast: bool):  # type: ignore[no-untyped-def]
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            data,
            url=url,
            fast=fast,
            include_comments=options.include_comments,
            include_tables=options.include_tables,
            with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, AttributeError, LookupError, RecursionError):
        return None


def _to_document(result, data: bytes | str, url: str | None) -> Document:  # type: ignore[no-untyped-def]
    title = (result.title or "").strip()
    paragraphs = [p.strip() for p in (result.text or "").split("\n") if p.strip()]
    removed = []
    if paragraphs and title and paragraphs[0] == title:
        removed.append(Removed(paragraphs.pop(0), "title repeated in the body"))
    published, precision = _published(result.date, data)
    return Document(
        title=title,
        text="\n\n".join(paragraphs),
        author=result.author or None,
        published=published,
        published_precision=precision,
        published_source="metadata" if published else "none",
        outlet=result.sitename or result.hostname or None,
        url=result.url or url or None,
        removed=removed,
    )


def _published(day: str | None, data: bytes | str) -> tuple[str | None, str]:
    """The page's date, with its time when a published-time tag on the same day carries one."""
    if not day:
        return None, "unknown"
    for stamp in _published_stamps(data):
        found = find_byline_date(stamp)
        if found is not None and found.iso.startswith(day):
            return found.iso, found.precision
    found = find_byline_date(day)
    if found is None:
        return None, "unknown"
    return found.iso, found.precision


def _published_stamps(data: bytes | str) -> list[str]:
    """Time stamps written next to a published-time key (meta tags, JSON-LD, itemprops)."""
    raw = (data.encode("utf-8", "replace") if isinstance(data, str) else data)[:300_000].lower()
    stamps = []
    for key in PUBLISHED_KEYS:
        at = raw.find(key)
        if at >= 0:
            m = STAMP.search(raw, at, at + 200)
            if m:
                stamps.append(m.group(0).decode("ascii").upper())
    return stamps
