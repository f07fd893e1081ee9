"""HTML pages into articles: main text and metadata.

The page is parsed once. A clearly structured page (one <article> of plain paragraphs, see
:mod:`lockstep.clean.article_body`) is read straight off the tree; every other page goes to trafilatura in
its fast mode (no readability/jusText fallback), which on the Zyte article benchmark is both faster and
slightly more accurate than its default; when the fast pass returns too little text, the full pass (with
fallbacks) runs as a second chance. Metadata comes from :mod:`lockstep.clean.page_meta` on the same tree;
the date gets its precision from the page's own published-time stamp when it has one on the same day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lockstep.clean.article_body import ArticleBody, article_body
from lockstep.clean.cues import CUES, SHORT_LINE
from lockstep.clean.dates import find_byline_date
from lockstep.clean.lines import word_count
from lockstep.clean.page_meta import JSON_LD_TYPES, PageMeta, page_meta
from lockstep.model import Document, Removed

PUBLISHED_KEYS = (b"published_time", b"datepublished", b"pubdate", b"publishdate", b"date.issued", b"date.published")
STAMP = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?", re.I)
STAMP_TEXT = re.compile(STAMP.pattern.decode(), re.I)
PUBLISHED_KEY_NAMES = tuple(k.decode() for k in PUBLISHED_KEYS)
DOCTYPE_WITH_SLASH = re.compile(rb"^< ?! ?doctype[^>]*/[^<>]*>")
CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
TITLE_SEPARATORS = ("|", "-", "–", "—", ":", "·", "•")
PAYWALL_TAIL = 2  # closing paragraphs looked at for a paywall notice
PAYWALL_NOTICE = next(cue for cue in CUES if cue.reason == "paywall notice")
MIN_WORDS = 5  # fewer words (two Han characters counting as one) is page furniture, not an article


@dataclass(slots=True, kw_only=True, frozen=True)
class HtmlOptions:
    """How hard to try: the fast pass, and when the full pass gets a second chance."""

    min_text_chars: int = 250  # below this the fast pass is retried with trafilatura's fallbacks
    include_tables: bool = True
    include_comments: bool = False
    structured_pages: bool = True  # read clearly structured pages straight off the tree (article_body.py)


DEFAULT_OPTIONS = HtmlOptions()


def extract_html(data: bytes | str, *, url: str | None = None, options: HtmlOptions = DEFAULT_OPTIONS) -> list[Document]:
    """The article of an HTML page as a one-item list, or [] when the page holds no article text."""
    tree = _parse(data)
    if tree is None:
        return []
    body = _structured_body(tree) if options.structured_pages else None
    if body is not None:
        doc = _to_document("\n".join(body.paragraphs), _page_meta(tree, url, data), data, url, tree)
        doc.removed.extend(body.removed)
        return [doc]
    text = _main_text(tree, url, options, fast=True)
    if len(text) < options.min_text_chars:
        retry = _main_text(tree, url, options, fast=False)
        text = retry if len(retry) > len(text) else text
    if len(text.split()) < MIN_WORDS and word_count(text) < MIN_WORDS:
        return []
    return [_to_document(text, _page_meta(tree, url, data), data, url, tree)]


def _structured_body(tree) -> ArticleBody | None:  # type: ignore[no-untyped-def]
    try:
        return article_body(tree)
    except RecursionError:  # lxml caps nesting well below Python's limit; this is only a guard
        return None


def _parse(data: bytes | str):  # type: ignore[no-untyped-def]
    """The page's lxml tree, as trafilatura's loader builds it; plain UTF-8 pages skip its repairs."""
    if not data or not data.strip():
        return None
    if isinstance(data, bytes) and _plain_utf8_page(data):
        from lxml.etree import LxmlError
        from lxml.html import fromstring
        from trafilatura.utils import HTML_PARSER

        try:
            tree = fromstring(data, parser=HTML_PARSER)
        except (LxmlError, ValueError, TypeError, LookupError, RecursionError, SyntaxError):
            tree = None
        if tree is not None and len(tree) >= 1:
            return tree
    from trafilatura.utils import load_html

    try:
        return load_html(data)
    except (ValueError, TypeError, LookupError, RecursionError):
        return None


def _plain_utf8_page(data: bytes) -> bool:
    """Valid UTF-8 HTML with nothing trafilatura's loader would repair: no control characters, no
    compression, no doctype with a slash (the libxml2 quirk), no self-closing <html/>. (The loader also
    drops the non-characters U+FFFE and U+FFFF, which lxml keeps; looking for them would cost more than a
    stray one in the text.)"""
    head = data[:4096].lower()
    if b"html" not in head[:50] or head.startswith((b"\x1f\x8b", b"\x28\xb5\x2f\xfd")):
        return False
    first_line = head.split(b"\n", 1)[0]
    if b"doctype" in first_line and DOCTYPE_WITH_SLASH.match(first_line):
        return False
    if any(b"<html" in line and line.rstrip().endswith(b"/>") for line in head.splitlines()[:4]):
        return False
    if len(data.translate(None, CONTROL_BYTES)) != len(data):
        return False
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _page_meta(tree, url: str | None, data: bytes | str) -> PageMeta:  # type: ignore[no-untyped-def]
    """Metadata; the JSON-LD reader is spared a walk of the tree when the page's bytes hold no JSON-LD."""
    marks = [t.encode() for t in JSON_LD_TYPES] if isinstance(data, bytes) else JSON_LD_TYPES
    return page_meta(tree, url, json_ld=any(mark in data for mark in marks))  # type: ignore[operator]


def _main_text(tree, url: str | None, options: HtmlOptions, *, fast: bool) -> str:  # type: ignore[no-untyped-def]
    """trafilatura's main text (it works on its own copy of the tree)."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=fast,
            include_comments=options.include_comments,
            include_tables=options.include_tables,
        )
    except (ValueError, TypeError, AttributeError, LookupError, RecursionError):
        return ""
    return (result.text or "") if result is not None else ""


def _to_document(text: str, meta: PageMeta, data: bytes | str, url: str | None, tree=None) -> Document:  # type: ignore[no-untyped-def]
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    removed = []
    if paragraphs and meta.title and _is_title(paragraphs[0], meta.title):
        removed.append(Removed(paragraphs.pop(0), "title repeated in the body"))
    notices = _paywall_notices(paragraphs)
    removed.extend(notices)
    published, precision = _published(meta.date, data, tree)
    return Document(
        title=meta.title,
        text="\n\n".join(paragraphs),
        author=meta.author,
        published=published,
        published_precision=precision,
        published_source="metadata" if published else "none",
        outlet=meta.sitename or meta.hostname,
        url=meta.url or url or None,
        paywalled=bool(notices) or _marked_paywalled(data),
        removed=removed,
    )


def _paywall_notices(paragraphs: list[str]) -> list[Removed]:
    """A paywall notice closing the text ("Subscribe to continue reading") leaves it, as removed debris."""
    notices: list[Removed] = []
    while len(paragraphs) > 1 and len(notices) < PAYWALL_TAIL:
        if len(paragraphs[-1]) >= SHORT_LINE or not PAYWALL_NOTICE.pattern.search(paragraphs[-1]):
            break
        notices.insert(0, Removed(paragraphs.pop(), "paywall notice"))
    return notices


def _marked_paywalled(data: bytes | str) -> bool:
    """The page declares itself paywalled with schema.org's ``isAccessibleForFree: false`` (JSON-LD or an
    itemprop), as paywalled news sites do for search engines."""
    key, false = (b"isAccessibleForFree", b"false") if isinstance(data, bytes) else ("isAccessibleForFree", "false")
    at = data.find(key)  # type: ignore[arg-type]
    while at >= 0:
        if false in data[at + len(key):at + len(key) + 40].lower():  # type: ignore[operator]
            return True
        at = data.find(key, at + len(key))  # type: ignore[arg-type]
    return False


def _is_title(line: str, title: str) -> bool:
    """The page title, or the headline part of a "Headline – Site" title."""
    line, title = " ".join(line.split()), " ".join(title.split())
    if line == title:
        return True
    return title.startswith(line) and title[len(line):len(line) + 3].strip()[:1] in TITLE_SEPARATORS


def _published(day: str | None, data: bytes | str, tree=None) -> tuple[str | None, str]:  # type: ignore[no-untyped-def]
    """The page's date, with its time when a published-time tag on the same day carries one: a <meta> tag
    of the head first (cheap to read), else a stamp found next to a published-time key anywhere in the page."""
    if not day:
        return None, "unknown"
    for stamp in _head_stamps(tree):
        found = find_byline_date(stamp)
        if found is not None and found.iso.startswith(day) and found.precision != "day":
            return found.iso, found.precision
    for stamp in _published_stamps(data):
        found = find_byline_date(stamp)
        if found is not None and found.iso.startswith(day):
            return found.iso, found.precision
    found = find_byline_date(day)
    if found is None:
        return None, "unknown"
    return found.iso, found.precision


def _head_stamps(tree) -> list[str]:  # type: ignore[no-untyped-def]
    """Time stamps in the head's published-time <meta> tags."""
    head = tree.find("head") if tree is not None else None
    if head is None:
        return []
    stamps = []
    for meta in head.iterchildren("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if any(k in key for k in PUBLISHED_KEY_NAMES) and (m := STAMP_TEXT.search(meta.get("content") or "")):
            stamps.append(m.group(0).upper())
    return stamps


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
