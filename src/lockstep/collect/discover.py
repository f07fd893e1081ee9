"""Find article links: RSS/Atom feeds, (news) sitemaps and sitemap indexes, and feeds announced by HTML pages.

Parsing is defensive: lxml with entity resolution and network access off, and recovery from sloppy XML.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree, html

GZIP_MAGIC = b"\x1f\x8b"
MAX_UNPACKED = 50 * 1024 * 1024     # the sitemap protocol's own limit for one file
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
XML_FEED_TYPES = FEED_TYPES[:2] + FEED_TYPES[3:]


@dataclass(frozen=True)
class Link:
    """A URL found in a feed or sitemap, with the date it claims (None when it gives none)."""

    url: str
    published: datetime | None = None
    listed_in: str = ""                # the feed or sitemap that lists it


@dataclass
class Found:
    """What one fetched document points to: article pages and further feeds/sitemaps to read."""

    kind: str                          # feed, sitemap, sitemapindex, html, other
    pages: list[Link]
    sources: list[Link]


def discover(body: bytes, url: str, content_type: str = "") -> Found:
    """Sort a fetched document and pull out its links (a gzipped sitemap file is unpacked first)."""
    if body[:2] == GZIP_MAGIC:
        body = gunzip(body)
    root = parse_xml(body) if looks_xml(body, content_type) else None
    if root is not None:
        name = local(root.tag)
        if name in ("rss", "RDF", "feed"):
            return Found("feed", feed_links(root, url), [])
        if name == "urlset":
            return Found("sitemap", sitemap_links(root, url), [])
        if name == "sitemapindex":
            return Found("sitemapindex", [], sitemap_links(root, url))
    if "html" in content_type or looks_html(body):
        return Found("html", [], [Link(feed) for feed in feed_alternates(body, url)])
    return Found("other", [], [])


def gunzip(body: bytes, limit: int = MAX_UNPACKED) -> bytes:
    """Unpack a .gz document, at most `limit` bytes of it (a bomb stops there)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, limit)
    except zlib.error:
        return b""


def looks_xml(body: bytes, content_type: str) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" in content_type or head.startswith(b"<?xml") or head[:200].lower().startswith(
        (b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf"))


def looks_html(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head or b"<head" in head


def parse_xml(body: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        return etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(node, name: str) -> list:
    return [c for c in node if local(c.tag) == name]


def child_text(node, *names: str) -> str:
    """Text of the first named child (direct children first, then deeper, e.g. news:news/...)."""
    for name in names:
        for child in [*node, *node.iterdescendants()]:
            if local(child.tag) == name and (child.text or "").strip():
                return child.text.strip()
    return ""


def feed_links(root, base: str) -> list[Link]:
    """Items of an RSS 2.0 / RSS 1.0 (RDF) / Atom feed."""
    links = []
    for item in root.iter():
        name = local(item.tag)
        if name == "item":
            href = child_text(item, "link") or rdf_about(item) or permalink_guid(item)
            date = child_text(item, "pubDate", "date", "published", "updated")
        elif name == "entry":
            href = atom_link(item)
            date = child_text(item, "published", "updated")
        else:
            continue
        if href:
            links.append(Link(urljoin(base, href.strip()), parse_date(date), base))
    return links


def rdf_about(item) -> str:
    return next((v for k, v in item.attrib.items() if local(k) == "about"), "")


def permalink_guid(item) -> str:
    for guid in children(item, "guid"):
        if guid.get("isPermaLink", "true") != "false" and (guid.text or "").startswith("http"):
            return guid.text.strip()
    return ""


def atom_link(entry) -> str:
    links = children(entry, "link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("type", "text/html") in ("text/html", ""):
            return link.get("href", "")
    return links[0].get("href", "") if links else ""


def sitemap_links(root, base: str) -> list[Link]:
    """<url> of a urlset (lastmod or news:publication_date) or <sitemap> of an index."""
    links = []
    for entry in root:
        if local(entry.tag) not in ("url", "sitemap"):
            continue
        loc = child_text(entry, "loc")
        if loc:
            date = child_text(entry, "publication_date", "lastmod")
            links.append(Link(urljoin(base, loc), parse_date(date), base))
    return links


def feed_alternates(body: bytes, base: str) -> list[str]:
    """Feeds announced by <link rel="alternate" type="application/rss+xml" href="..."> in an HTML page."""
    try:
        doc = html.fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    found = []
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        if "alternate" in rel and kind in XML_FEED_TYPES and link.get("href"):
            found.append(urljoin(base, link.get("href").strip()))
    return list(dict.fromkeys(found))


def parse_date(text: str) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) date, made timezone-aware (UTC when none is given)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
