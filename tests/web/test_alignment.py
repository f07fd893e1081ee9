"""Alignment explorer: matrix cells drill down to a pair, the drill-down shows drivers and paragraphs, lead–lag."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest


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


def test_matrix_measure_and_presentation_can_be_chosen(client):
    first = client.get("/api/alignment/matrix", params={"actors": ["RT", "Xinhua", "BBC"]}).json()
    assert (first["data"]["measure"], first["data"]["shown"]) == ("narratives_mix", "relative")
    assert set(first["data"]["measures"]) >= {"narratives_mix", "narratives_jsd", "terms_cosine", "phrases_shared"}
    chosen = client.get("/api/alignment/matrix", params={"actors": ["RT", "Xinhua", "BBC"], "measure": "terms_cosine",
                                                         "shown": "value"}).json()
    assert (chosen["data"]["measure"], chosen["data"]["shown"]) == ("terms_cosine", "value")
    rows = {(r["actor_a"], r["actor_b"]): r for r in chosen["tables"][0]["rows"] if r["measure"] == "terms_cosine"}
    heat = chosen["charts"][0]["figure"]["data"][0]
    labels = heat["x"]
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            row = rows.get((a, b)) or rows.get((b, a))
            if i != j and row and row["value"] is not None:
                assert heat["z"][i][j] == pytest.approx(row["value"], abs=1e-3)
    page = client.get("/alignment", params={"measure": "terms_cosine", "shown": "value"}).text
    assert 'name="measure"' in page and '<option value="terms_cosine" selected>' in page
    assert client.get("/api/alignment/matrix", params={"shown": "median"}).status_code == 422


def test_lead_lag_panel_draws_only_actors_with_enough_mentions(client):
    section = client.get("/api/alignment/leads", params={"term": "sovereignty"}).json()
    firsts = next(t for t in section["tables"] if t["id"] == "first-use")["rows"]
    few = [r["actor"] for r in firsts if r["mentions"] < 10]
    drawn = {t["name"] for c in section["charts"] for t in c["figure"]["data"]}
    assert few and not drawn & set(few)
    assert all(a in section["note"] for a in few) and "not drawn and not tested" in section["note"]
    pairs = next(t for t in section["tables"] if t["id"] == "pairs")["rows"]
    assert all("too few mentions" in r["note"] for r in pairs if {r["actor_a"], r["actor_b"]} & set(few))
