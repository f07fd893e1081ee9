"""The body of a clearly structured article page, read straight off the parsed tree, or None when unsure.

Most news pages mark their story up plainly: one ``<article>`` (or one ``itemprop="articleBody"``) holding
headings and ``<p>`` paragraphs, with the page furniture (share buttons, bylines, tags, "read also" boxes)
in elements whose class names say so. On such a page the paragraphs *are* the article, and reading them is
a tree walk, far cheaper than trafilatura's cascade. Every page is checked first; the body is returned only
when all of these hold, otherwise None and the caller runs trafilatura:

* exactly one container: the element marked ``itemprop="articleBody"``, else the ``<article>``, else (on
  pages without either) the element whose class or id names it the article body (no listing of several
  articles, no nested ones);
* nothing in it that needs trafilatura's judgement: tables, text loose outside paragraphs, furniture
  making up much of it;
* enough text (``min_chars``), carried by a few paragraphs rather than one blob;
* few links in the kept text, and little paragraph text elsewhere on the page (the container is the story,
  not a teaser next to it).

Furniture is recognised the way trafilatura recognises it (its class/id vocabulary for share, social,
related, tags, byline, comments, newsletter, ads...), plus the tags it always drops (figure, aside, form...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lockstep.model import Removed

BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"})
CONTAINER_TAGS = frozenset({"div", "section", "article", "main", "ul", "ol", "dl", "center", "span", "header",
                            "hgroup", "details"})
DROPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "button", "figure", "picture",
    "iframe", "svg", "select", "input", "textarea", "label", "video", "audio", "object", "embed", "canvas", "map",
    "menu", "img", "head", "fieldset", "dialog", "meta", "link", "source", "time",
})
INLINE_DROPPED = frozenset({"script", "style", "noscript", "template", "button", "svg", "img", "iframe", "input",
                            "select", "textarea", "object", "embed", "video", "audio", "canvas", "picture"})
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
LINK_ONLY = 0.9  # a block whose text is this much link text is a cross-link
UNSURE_TAGS = frozenset({"table", "frameset", "frame"})  # trafilatura renders these its own way
FURNITURE = re.compile(
    r"^shar|share|social|viral|newsletter|syndication|cookie|consent|\btags?\b|tag-list|sidebar|banner|"
    r"bread-?crumb|button|author|byline|footer|\bnav|menu|navbar|related|elated|(?:^|[ _-])ads?(?:$|[ _-])|"
    r"dfp|outbrain|taboola|criteo|paid-?content|widget|promo|sponsor|embed|comment(?!ary)|reply|"
    r"meta\b|-meta|rating|timestamp|dateline|\bdate\b|published|user-info|-icon|slide|overlay|modal|popup|"
    r"subscribe|signup|read-?also|read-?more|see-?also|also-?read|more-on|most-popular|"
    r"-stories|next-|hidden|\bhide|noprint|caption|credit|copyright|teaser|recommend|toolbar|gallery",
    re.I,
)

DEBRIS = (  # the kind of debris a furniture element is, in the words of the plain-text cleaner (cues.py)
    ("byline", re.compile(r"author|byline|dateline|date|published|timestamp|meta", re.I)),
    ("share/subscribe prompt", re.compile(r"shar|social|newsletter|subscribe|signup|sociable", re.I)),
    ("cross-link", re.compile(r"related|elated|read-?also|read-?more|see-?also|also-?read|more-on|stories|recommend|teaser|next", re.I)),
    ("tags", re.compile(r"tag", re.I)),
    ("comment prompt", re.compile(r"comment|reply", re.I)),
    ("image credit", re.compile(r"caption|credit|gallery|slide", re.I)),
    ("advertisement", re.compile(r"(?:^|[ _-])ads?(?:$|[ _-])|dfp|outbrain|taboola|criteo|promo|sponsor|paid", re.I)),
    ("disclaimer", re.compile(r"copyright", re.I)),
)


@dataclass(slots=True, kw_only=True, frozen=True)
class BodyChecks:
    """When a page counts as clearly structured."""

    min_chars: int = 250  # kept text below this is left to trafilatura
    min_paragraphs: int = 2
    max_loose_share: float = 0.05  # text outside any paragraph, as a share of the kept text
    max_link_share: float = 0.2  # link text in the kept paragraphs
    max_outside_share: float = 0.5  # paragraph text elsewhere on the page, relative to the kept text
    max_dropped_share: float = 0.5  # furniture text inside the container, relative to the kept text


DEFAULT_CHECKS = BodyChecks()


@dataclass(slots=True)
class ArticleBody:
    paragraphs: list[str]
    removed: list[Removed]  # furniture taken out of the container, with the kind of debris it is


@dataclass(slots=True)
class _Walk:
    paragraphs: list[str]
    removed: list[Removed] = field(default_factory=list)
    chars: int = 0
    link_chars: int = 0
    loose_chars: int = 0
    dropped_chars: int = 0
    unsure: bool = False


def article_body(tree: Any, checks: BodyChecks = DEFAULT_CHECKS) -> ArticleBody | None:
    """The article's paragraphs (and the furniture removed around them) when the page is clearly structured
    (see the module doc), else None."""
    container = _single_container(tree)
    if container is None:
        return None
    walk = _Walk([])
    _read(container, walk)
    if walk.unsure or walk.chars < checks.min_chars or len(walk.paragraphs) < checks.min_paragraphs:
        return None
    if walk.loose_chars > checks.max_loose_share * walk.chars or walk.link_chars > checks.max_link_share * walk.chars:
        return None
    if walk.dropped_chars > checks.max_dropped_share * walk.chars:
        return None
    if _paragraph_chars_outside(tree, container) > checks.max_outside_share * walk.chars:
        return None
    return ArticleBody(walk.paragraphs, walk.removed)


def _single_container(tree: Any) -> Any | None:
    """The one element marked as the article body (itemprop), else the one <article>. Where the page has a
    single <article>, the marked body is looked for inside it only (a walk of the whole tree costs more)."""
    articles = list(tree.iter("article"))
    if len(articles) == 1:
        found = articles[0].xpath(".//*[@itemprop='articleBody']") or articles
    else:
        found = tree.xpath("//*[@itemprop='articleBody']")
        if not found and not articles:
            found = _marked_bodies(tree)
    return found[0] if len(found) == 1 else None


def _marked_bodies(tree: Any) -> list[Any]:
    """Elements whose class or id marks them as the article body, outermost only (trafilatura's first
    content selector, e.g. "article-body", "post-content", "entry-content")."""
    try:
        from trafilatura.xpaths import BODY_XPATH
    except ImportError:  # trafilatura moved it: such pages simply go to trafilatura
        return []
    found = BODY_XPATH[0](tree)
    return [e for e in found if not any(a in found for a in e.iterancestors())]


def _is_furniture(element: Any) -> bool:
    attrs = element.attrib
    if not attrs:
        return False
    if attrs.get("hidden") is not None or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and "none" in style and re.search(r"display:\s*none", style):
        return True
    if attrs.get("role", "").lower() in ("navigation", "complementary", "banner", "contentinfo"):
        return True
    for key in ("class", "id"):
        value = attrs.get(key)
        if value and FURNITURE.search(value):
            return True
    return False


def _read(element: Any, walk: _Walk) -> None:
    """Paragraphs of one container, in order; text outside paragraphs counts as loose."""
    if element.text and element.text.strip():
        walk.loose_chars += len(element.text.strip())
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            tag = tag.lower()
            if tag in UNSURE_TAGS:
                walk.unsure = True
                return
            if tag in DROPPED_TAGS:
                pass
            elif _is_furniture(child):
                _drop(child, walk)
            elif tag in BLOCK_TAGS:
                _read_block(child, walk)
            elif tag in CONTAINER_TAGS or tag == "br" or tag == "hr":
                _read(child, walk)
            else:  # inline element directly in a container: loose text
                walk.loose_chars += len("".join(child.itertext()).strip())
        if child.tail and child.tail.strip():
            walk.loose_chars += len(child.tail.strip())


def _drop(element: Any, walk: _Walk) -> None:
    parts: list[str] = []
    _visible_text(element, parts)
    text = " ".join(" ".join(parts).split())
    if text:
        walk.dropped_chars += len(text)
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        walk.removed.append(Removed(text, next((r for r, p in DEBRIS if p.search(marks)), "page furniture")))


def _visible_text(element: Any, parts: list[str]) -> None:
    """Text of an element and its children, scripts and styles left out."""
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag not in INVISIBLE_TAGS:
            _visible_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _read_block(element: Any, walk: _Walk) -> None:
    """One paragraph (or several, where <br> splits it or blocks nest in it)."""
    if next(element.iterdescendants(*BLOCK_TAGS), None) is not None:
        _read(element, walk)  # a blockquote or list item holding paragraphs
        return
    parts: list[str] = []
    links = _inline_text(element, parts)
    text = "".join(parts)
    if links and links >= LINK_ONLY * len(text.strip()):  # a link standing alone, as trafilatura drops them
        walk.removed.append(Removed(" ".join(text.split()), "cross-link"))
        return
    prefix = "- " if element.tag == "li" else ""
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            walk.paragraphs.append(prefix + line)
            walk.chars += len(line)
    walk.link_chars += links


def _inline_text(element: Any, parts: list[str]) -> int:
    """Text of an element with <br> as a line break, dropped tags left out; returns the link text length."""
    links = 0
    if element.text:
        parts.append(element.text)
        if element.tag == "a":
            links += len(element.text.strip())
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            tag = tag.lower()
            if tag == "br":
                parts.append("\n")
            elif tag not in INLINE_DROPPED:
                links += _inline_text(child, parts) if tag != "a" else _link_text(child, parts)
        if child.tail:
            parts.append(child.tail)
    return links


def _link_text(element: Any, parts: list[str]) -> int:
    text = "".join(element.itertext())
    parts.append(text)
    return len(text.strip())


def _paragraph_chars_outside(tree: Any, container: Any) -> int:
    """Text of <p> elements outside the container, leaving out those in furniture (comments, footers...)."""
    total = 0
    for p in tree.iter("p"):
        if not _inside_container_or_furniture(p, container):
            total += len(p.text_content().strip())
    return total


def _inside_container_or_furniture(element: Any, container: Any) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent is container or parent.tag in DROPPED_TAGS or _is_furniture(parent):
            return True
        parent = parent.getparent()
    return False
