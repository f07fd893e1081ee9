"""Page metadata lockstep needs (title, author, site name, canonical URL, date), from trafilatura's stages.

``trafilatura.extract_metadata`` also collects categories, tags and licence, which lockstep never uses and
which cost about a fifth of an extraction; this runs the same stages without them, on a tree the caller
already parsed, and spares them work: the JSON-LD reader runs only where the page has JSON-LD and parses it
without trafilatura's regex minifying pass when it is valid JSON (the minifier only removes whitespace that
the parser skips anyway), and the host name is worked out only when the site name is missing. The fields
come out as trafilatura's stages give them. When trafilatura's internals move, it falls back to the public
``extract_metadata``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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
    """Metadata of a parsed page (lxml tree, pruned in the process: run it last); never raises on odd pages.
    ``json_ld=False`` tells it the page has no JSON-LD script (the caller saw its bytes), so none is looked for."""
    try:
        return _from_stages(tree, url, json_ld)
    except ImportError:
        return _from_public_api(tree, url)
    except (ValueError, TypeError, AttributeError, LookupError):
        return PageMeta(url=url)


def _from_stages(tree: Any, url: str | None, json_ld: bool = True) -> PageMeta:
    from trafilatura.metadata import (
        examine_meta,
        extract_domain,
        extract_sitename,
        extract_title,
        extract_url,
        find_date,
    )

    found = examine_meta(tree)
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
    """trafilatura's ``extract_author`` without its defensive deep copy: it prunes the tree it is given, so
    it runs last, on a tree nothing else reads afterwards."""
    from trafilatura.metadata import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, extract_metainfo, normalize_authors
    from trafilatura.metadata import prune_unwanted_nodes

    author = extract_metainfo(prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS), AUTHOR_XPATHS, len_limit=120)
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
