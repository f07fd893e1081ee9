"""A hostile scraped document shows as text everywhere: no script of its own, no event handler, in any page."""

from __future__ import annotations

import json

import lxml.html

from store_builder import HOSTILE_TEXT, HOSTILE_TITLE  # noqa: E402  (tests/web is on sys.path)


def assert_inert(html: str) -> lxml.html.HtmlElement:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    tree = lxml.html.fromstring(html)
    for script in tree.iter("script"):
        assert script.get("src", "").startswith("/static/") or script.get("type") == "application/json", script.get("src")
        if script.get("type") == "application/json":
            json.loads(script.text)  # still valid JSON after escaping
            assert "</" not in script.text and "<" not in script.text
    assert not tree.xpath("//*[@onerror or @onload or @onclick]")
    assert not tree.xpath("//img")
    return tree


def test_document_page_shows_hostile_markup_as_text(client, hostile_id):
    response = client.get(f"/documents/{hostile_id}", params={"highlight": "<script>"})
    tree = assert_inert(response.text)
    assert tree.cssselect("#doc-title")[0].text == HOSTILE_TITLE
    text = " ".join(p.text_content() for p in tree.cssselect("p.para-text"))
    assert '"><img src=x onerror=alert(1)>' in text
    assert "</script><script>alert(2)</script>" in text


def test_search_and_overview_pages_escape_hostile_text(client):
    tree = assert_inert(client.get("/search", params={"q": "onerror"}).text)
    assert "onerror=alert(1)>" in tree.cssselect("#results")[0].text_content()
    assert_inert(client.get("/search", params={"q": "<script>"}).text)
    tree = assert_inert(client.get("/").text)
    assert HOSTILE_TITLE in tree.text_content()


def test_explorer_pages_and_fragments_escape_parameters(client):
    for page in ("terms", "narratives", "alignment"):
        tree = assert_inert(client.get(f"/{page}", params={"term": "<script>alert(3)</script>"}).text)
        for panel in tree.cssselect(".panel[data-src]"):
            fragment = client.get(panel.get("data-src")).text
            assert "<script>alert" not in fragment


def test_json_twin_returns_raw_text_for_programs(client, hostile_id):
    doc = client.get(f"/api/documents/{hostile_id}").json()
    assert doc["metadata"]["title"] == HOSTILE_TITLE
    assert doc["paragraphs"][0]["text"] == HOSTILE_TEXT.split("\n\n")[0]
    assert client.get(f"/api/documents/{hostile_id}").headers["content-type"].startswith("application/json")
