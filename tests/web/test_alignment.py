"""Alignment explorer: matrix cells drill down to a pair, the drill-down shows drivers and paragraphs, lead–lag."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit


def test_matrix_cells_link_to_the_pair_drill_down(client):
    section = client.get("/api/alignment/matrix", params={"actors": ["RT", "Xinhua", "BBC"]}).json()
    assert section["available"], section["missing"]
    heat = section["charts"][0]["figure"]["data"][0]
    links = [link for row in heat["customdata"] for link in row if link]
    assert len(links) == 6
    query = parse_qs(urlsplit(links[0]).query)
    assert {query["actor_a"][0], query["actor_b"][0]} <= {"RT", "Xinhua", "BBC"}
    cell = client.get("/api/alignment/cell", params={k: v[0] for k, v in query.items()}).json()
    assert cell["available"], cell["missing"]
    lines = cell["evidence"][0]["lines"]
    assert lines and {line["actor"] for line in lines} <= {query["actor_a"][0], query["actor_b"][0]}


def test_drill_down_names_shared_drivers(client):
    cell = client.get("/api/alignment/cell", params={"actor_a": "RT", "actor_b": "Xinhua"}).json()
    note = cell["evidence"][0]["note"]
    assert "shared" in note
    assert any(item in note for item in ("world-order", "west-subversion", "colour revolution", "multipolar world",
                                         "cooperation"))
    assert cell["data"]["sizes"]["RT"] > 5


def test_lead_lag_of_a_term(client):
    section = client.get("/api/alignment/leads", params={"term": "sovereignty"}).json()
    assert section["available"], section["missing"]
    firsts = next(t for t in section["tables"] if t["id"] == "first-use")["rows"]
    assert firsts[0]["actor"] == "RT" and firsts[0]["days_after_first"] == 0
    assert section["evidence"][0]["lines"][0]["doc_id"] == firsts[0]["first_doc_id"]


def test_cell_without_a_pair_says_what_to_do(client):
    section = client.get("/api/alignment/cell").json()
    assert not section["available"] and "pair" in section["missing"]
