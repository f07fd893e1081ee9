"""The byline search on the page as it is gives trafilatura's answer (prune, then search) and leaves the page alone."""

from __future__ import annotations

import gzip
from pathlib import Path

import lxml.html
import pytest

from lockstep.clean.page_meta import _author_after_pruning, _author_in_page

BENCHMARK = Path(__file__).resolve().parents[1] / "data" / "corpus" / "extraction-benchmark" / "html"

BYLINES = {
    "plain": '<p class="author">Anna Petrova</p>',
    "in a sidebar first": '<div class="sidebar"><span class="author">Side Bar Person</span></div>'
                          '<span class="author">Li Wei</span>',
    "in comments": '<section id="comments"><a rel="author">Commenter Name</a></section><p>no byline</p>',
    "with a date inside": '<span class="author">By <time>7 March</time>Sergei Ivanov</span>',
    "is itself a date": '<span class="author date">John Miller</span><div class="author">Zhang Min</div>',
    "figure then byline": '<figure><span class="author">Photo Person</span></figure><p class="byline">Olga Smirnova</p>',
    "too long": '<span class="author">' + "word " * 40 + '</span><span class="author-name">Mei Lin</span>',
    "rel child": '<div><rel>me</rel>Rel Person</div><span class="author">Other Person</span>',
    "none": "<p>No byline here at all.</p>",
}


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body><article>{body}<p>Text of the story.</p></article></body></html>"


def pages() -> list[tuple[str, str]]:
    real = [(p.name[:12], gzip.decompress(p.read_bytes()).decode("utf-8", "replace"))
            for p in sorted(BENCHMARK.glob("*.html.gz"))]
    return [(name, page(body)) for name, body in BYLINES.items()] + real


@pytest.mark.parametrize(("name", "html"), pages(), ids=[name for name, _ in pages()])
def test_author_on_the_page_as_it_is_equals_trafilaturas(name, html):
    tree = lxml.html.fromstring(html)
    before = lxml.html.tostring(tree)
    expected = _author_after_pruning(lxml.html.fromstring(html))
    assert _author_in_page(tree) == expected
    assert lxml.html.tostring(tree) == before  # the caller's tree is not pruned


def test_the_constructed_pages_cover_found_and_passed_over_bylines():
    found = {name: _author_after_pruning(lxml.html.fromstring(page(body))) for name, body in BYLINES.items()}
    assert found["plain"] == "Anna Petrova" and found["none"] is None
    assert found["in a sidebar first"] == "Li Wei"  # the sidebar's byline is pruned, not read
    assert found["is itself a date"] == "Zhang Min"
