"""Page metadata lockstep needs (title, author, site name, canonical URL, date), from trafilatura's stages.

``trafilatura.extract_metadata`` also collects categories, tags and licence, which lockstep never uses and
which cost about a fifth of an extraction; this runs the same stages without them, on a tree the caller
already parsed, and spares them work: the meta-tag rules run over the head's own <meta> tags, read once; the
JSON-LD reader runs only where the page has JSON-LD and parses it
without trafilatura's regex minifying pass when it is valid JSON (the minifier only removes whitespace that
the parser skips anyway), and the host name is worked out only when the site name is missing. The fields
come out as trafilatura's stages give them. When trafilatura's internals move, it falls back to the public
``extract_metadata``.
"""

from __future__ import annotations

import json
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any


@dataclass(slots=True, kw_only=True)
class PageMeta:
    title: str = ""
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    hostname: str | None = None
    date: str | None = None  # YYYY-MM-DD from htmldate (page metadata, no extensive search)


JSON_LD_TYPES = ("application/ld+json", "application/settings+json")
DATE_PARAMS = {"extensive_search": False, "original_date": True}


def page_meta(tree: Any, url: str | None, *, json_ld: bool = True) -> PageMeta:
    """Metadata of a parsed page (an lxml tree, read and left as it is); never raises on odd pages.
    ``json_ld=False`` tells it the page has no JSON-LD script (the caller saw its bytes), so none is looked for."""
    try:
        return _from_stages(tree, url, json_ld)
    except ImportError:
        return _from_public_api(tree, url)
    except (ValueError, TypeError, AttributeError, LookupError):
        return PageMeta(url=url)


def _from_stages(tree: Any, url: str | None, json_ld: bool = True) -> PageMeta:
    from trafilatura.metadata import extract_domain, extract_sitename, extract_title, extract_url, find_date

    found = _meta_tags(tree)
    if found.author and " " not in found.author:
        found.author = None
    if json_ld:
        try:
            found = _json_ld(tree, found)
        except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader has its own bugs; meta tags still count
            pass
    found.title = found.title or extract_title(tree)
    found.url = found.url or extract_url(tree, url)
    date = find_date(tree, url=found.url, **DATE_PARAMS)
    sitename = _clean_sitename(found.sitename or extract_sitename(tree))
    found.author = found.author or _author_in_page(tree)
    return PageMeta(
        title=(found.title or "").strip(),
        author=found.author or None,
        sitename=sitename,
        url=found.url or url,
        hostname=extract_domain(found.url, fast=True) if found.url and not sitename else None,
        date=date or None,
    )


def _meta_tags(tree: Any) -> Any:
    """trafilatura's ``examine_meta`` for the fields used here (title, author, URL, site name): the same rules
    over the head's own <meta> children, read once (it walks the whole page for them, twice, and also collects
    tags, description and image)."""
    from trafilatura.metadata import examine_meta
    from trafilatura.settings import Document
    from trafilatura.utils import HTML_STRIP_TAGS

    head = tree.find("head")
    if head is None:
        return examine_meta(tree)
    rules = _meta_rules()
    metas = list(head.iterchildren("meta"))
    found = Document()
    found.title, found.author, found.url, found.sitename = _opengraph(metas, rules)
    backup_sitename = None
    for elem in metas:
        content = elem.get("content")
        content = (HTML_STRIP_TAGS.sub("", content) if "<" in content else content).strip() if content else ""
        if content:
            backup_sitename = _read_meta_tag(elem.attrib, content, found, rules) or backup_sitename
    found.sitename = found.sitename or backup_sitename
    return found


@lru_cache(maxsize=1)
def _meta_rules() -> SimpleNamespace:
    """trafilatura's meta-tag vocabulary and helpers, looked up once."""
    from courlan import is_valid_url
    from trafilatura import metadata as m
    from trafilatura.json_metadata import normalize_authors

    return SimpleNamespace(
        is_valid_url=is_valid_url, normalize_authors=normalize_authors, og_properties=m.OG_PROPERTIES,
        og_author=m.OG_AUTHOR, property_author=m.PROPERTY_AUTHOR, author=m.METANAME_AUTHOR, title=m.METANAME_TITLE,
        unused=m.METANAME_DESCRIPTION | m.METANAME_IMAGE, publisher=m.METANAME_PUBLISHER, twitter=m.TWITTER_ATTRS,
    )


def _opengraph(metas: list[Any], rules: SimpleNamespace) -> tuple[str | None, ...]:
    """Title, author, URL and site name from og: tags (trafilatura's ``extract_opengraph``: the last one wins)."""
    og: dict[str, str | None] = {}
    for elem in metas:
        name, content = elem.get("property"), elem.get("content")
        if name and name.startswith("og:") and content and not content.isspace():
            if name in rules.og_properties:
                og[rules.og_properties[name]] = content
            elif name == "og:url" and rules.is_valid_url(content):
                og["url"] = content
            elif name in rules.og_author:
                og["author"] = rules.normalize_authors(None, content)
    return og.get("title"), og.get("author"), og.get("url"), og.get("sitename")


def _read_meta_tag(attrib: Any, content: str, found: Any, rules: SimpleNamespace) -> str | None:
    """One <meta> tag into ``found``, as examine_meta reads it; returns a backup site name (twitter:site...)."""
    if "property" in attrib:
        name = attrib["property"].lower()
        if name in rules.property_author:
            found.author = rules.normalize_authors(found.author, content)
        elif name == "article:publisher":
            found.sitename = found.sitename or content
    elif "name" in attrib:
        name = attrib["name"].lower()
        if name in rules.author:
            found.author = rules.normalize_authors(found.author, content)
        elif name in rules.title:
            found.title = found.title or content
        elif name in rules.unused:
            return None
        elif name in rules.publisher:
            found.sitename = found.sitename or content
        elif name in rules.twitter or "twitter:app:name" in name:
            return content
        elif name == "twitter:url" and not found.url and rules.is_valid_url(content):
            found.url = content
    elif "itemprop" in attrib:
        name = attrib["itemprop"].lower()
        if name == "author":
            found.author = rules.normalize_authors(found.author, content)
        elif name == "headline":
            found.title = found.title or content
    return None


def _json_ld(tree: Any, found: Any) -> Any:
    """trafilatura's ``extract_meta_json``, parsing valid JSON without its minifying pass first."""
    from trafilatura.json_metadata import extract_json, extract_json_parse_error, normalize_json
    from trafilatura.metadata import JSON_MINIFY

    for elem in tree.iter("script"):
        if not elem.text or elem.get("type") not in JSON_LD_TYPES:
            continue
        try:
            found = extract_json(json.loads(normalize_json(elem.text), strict=False), found)
        except json.JSONDecodeError:
            found = extract_json_parse_error(normalize_json(JSON_MINIFY.sub(r"\1", elem.text)), found)
    return found


def _author_in_page(tree: Any) -> str | None:
    """trafilatura's ``extract_author`` (prune the comments, sidebars, dates and figures, then the first byline
    element of 3 to 120 characters), without pruning the whole page: the byline candidates are found on the page
    as it is, those inside a pruned element are passed over, and only a candidate's own copy is pruned before its
    text is read. Same answer, about half the cost, and the caller's tree is left as it was."""
    from trafilatura.metadata import normalize_authors

    rules = _author_rules()
    if rules is None or tree.find(".//rel") is not None:  # a <rel> child is part of a candidate rule: the slow way
        return _author_after_pruning(tree)
    for expression in rules.candidates:
        for elem in expression(tree):
            if rules.pruned(elem):
                continue
            content = rules.trim(" ".join(rules.prune(deepcopy(elem), rules.discard).itertext()))
            if content and 2 < len(content) < AUTHOR_MAX_CHARS:
                return normalize_authors(None, content)
    return None


AUTHOR_MAX_CHARS = 120


@lru_cache(maxsize=1)
def _author_rules() -> SimpleNamespace | None:
    """trafilatura's author rules, with each pruning rule turned into a test of one element and its ancestors
    (``ancestor-or-self::``); None when trafilatura's rules no longer have the shape this relies on."""
    from lxml.etree import XPath
    from trafilatura.metadata import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, prune_unwanted_nodes
    from trafilatura.utils import trim
    from trafilatura.xpaths import REGEXP_NS

    first, second = (x.path.strip() for x in AUTHOR_DISCARD_XPATHS)
    if len(AUTHOR_DISCARD_XPATHS) != 2 or not first.startswith(".//*[") or second != "//time|//figure":
        return None
    inside = XPath("boolean(ancestor-or-self::*" + first[len(".//*"):] + " | ancestor-or-self::time"
                   " | ancestor-or-self::figure)", namespaces={"re": REGEXP_NS})
    return SimpleNamespace(candidates=AUTHOR_XPATHS, discard=AUTHOR_DISCARD_XPATHS, prune=prune_unwanted_nodes,
                           trim=trim, pruned=lambda elem: bool(inside(elem)))


def _author_after_pruning(tree: Any) -> str | None:
    """trafilatura's ``extract_author`` on a copy of the page (it prunes the tree it reads)."""
    from trafilatura.metadata import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, extract_metainfo, normalize_authors
    from trafilatura.metadata import prune_unwanted_nodes

    pruned = prune_unwanted_nodes(deepcopy(tree), AUTHOR_DISCARD_XPATHS)
    author = extract_metainfo(pruned, AUTHOR_XPATHS, len_limit=AUTHOR_MAX_CHARS)
    return normalize_authors(None, author) if author else None


def _from_public_api(tree: Any, url: str | None) -> PageMeta:
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(tree, url, DATE_PARAMS, False)
    return PageMeta(
        title=(found.title or "").strip(),
        author=found.author or None,
        sitename=found.sitename or None,
        url=found.url or url,
        hostname=found.hostname or None,
        date=found.date or None,
    )


def _clean_sitename(name: str | None) -> str | None:
    if not name:
        return None
    name = name.lstrip("@")
    if name and "." not in name and not name[0].isupper():
        name = name.title()
    return name or None
