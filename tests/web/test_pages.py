"""HTML pages: structure (CSS selectors via lxml), data from the store, and a link to each page's JSON twin."""

from __future__ import annotations

import lxml.html


def parse(response):
    assert response.status_code == 200, response.text[:300]
    return lxml.html.fromstring(response.text)


def twin(tree) -> str:
    return tree.cssselect("a.json-twin")[0].get("href")


def test_overview_page(client):
    tree = parse(client.get("/"))
    cards = {li.get("data-key"): li.cssselect(".num")[0].text for li in tree.cssselect("#summary li")}
    api = client.get(twin(tree)).json()
    assert int(cards["documents"]) == api["summary"]["documents"]
    assert tree.cssselect("div.chart[data-figure]")
    assert tree.cssselect("script#" + tree.cssselect("div.chart")[0].get("data-figure"))
    assert tree.cssselect(".evidence a.doc-link")
    assert tree.cssselect('script[src="/static/plotly.min.js"]')
    assert not tree.xpath("//script[contains(@src, 'http')]")


def test_search_page_lists_results_and_pages(client):
    tree = parse(client.get("/search", params={"q": "sovereignty", "per_page": 5}))
    rows = tree.cssselect("#results tr.result")
    assert len(rows) == 5
    assert all(r.cssselect("mark")[0].text.lower() == "sovereignty" for r in rows)
    assert tree.cssselect('a[rel="next"]')
    assert twin(tree).startswith("/api/search?q=sovereignty")
    link = rows[0].cssselect("a.doc-link")[0].get("href")
    assert parse(client.get(link.split("#")[0])).cssselect("#doc-title")


def test_document_page(client, store_path):
    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        doc_id = con.execute("SELECT id FROM documents WHERE removed IS NOT NULL AND removed <> '[]' "
                             "AND duplicate_of IS NULL ORDER BY id LIMIT 1").fetchone()[0]
    tree = parse(client.get(f"/documents/{doc_id}"))
    assert tree.cssselect("p.para-text#p0")
    assert tree.cssselect("table.debris tr")
    meta = {tr.cssselect("th")[0].text: tr.cssselect("td")[0].text_content() for tr in tree.cssselect("#metadata tr")}
    assert meta["id"] == doc_id
    assert twin(tree) == f"/api/documents/{doc_id}"


def test_explorer_pages_have_panels_with_spinners(client):
    for page in ("terms", "narratives", "alignment"):
        tree = parse(client.get(f"/{page}", params={"term": "sovereignty"}))
        panels = tree.cssselect(".panel[data-src]")
        assert panels and all(p.cssselect(".spinner") for p in panels)
        fragment = client.get(panels[0].get("data-src"))
        assert fragment.status_code == 200
        assert lxml.html.fragment_fromstring(fragment.text, create_parent="div").cssselect("section.panel-section")
        assert twin(tree).startswith(f"/api/{page}")


def test_bad_parameters_give_an_html_error_page(client):
    response = client.get("/search", params={"since": "2022-02-31"})
    assert response.status_code == 422
    assert "since" in lxml.html.fromstring(response.text).cssselect("#error-message")[0].text
    assert client.get("/documents/ffffffffffffffff").status_code == 404
