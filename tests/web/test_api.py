"""The JSON twins under /api: real data from the test store, validated parameters, OpenAPI schema."""

from __future__ import annotations

import pytest


def test_overview_counts_match_the_store(client, store_path):
    import duckdb

    data = client.get("/api/overview").json()
    with duckdb.connect(str(store_path), read_only=True) as con:
        total, dups = con.execute("SELECT count(*), count(duplicate_of) FROM documents").fetchone()
        expected = dict(con.execute("SELECT actor, count(*) FROM documents WHERE actor IS NOT NULL GROUP BY 1").fetchall())
    assert data["summary"]["documents"] == total
    assert data["summary"]["duplicates"] == dups == 1
    assert data["summary"]["skipped_inputs"] == 1
    tables = {t["id"]: t for t in data["section"]["tables"]}
    by_actor = {row["actor"]: row["documents"] for row in tables["by-actor"]["rows"]}
    assert {k: v for k, v in by_actor.items() if k != "(unknown)"} == expected
    assert any("empty" in row["reason"] for row in tables["skipped"]["rows"])
    assert tables["duplicates"]["rows"][0]["members"] == 2


def test_overview_chart_points_link_to_existing_evidence(client):
    section = client.get("/api/overview").json()["section"]
    anchors = {ev["anchor"] for ev in section["evidence"]}
    figure = section["charts"][0]["figure"]
    points = [a for trace in figure["data"] for a in trace["customdata"]]
    assert points and set(points) <= anchors
    assert all(ev["lines"] and ev["lines"][0]["doc_id"] for ev in section["evidence"])


def test_search_finds_words_with_filters(client):
    data = client.get("/api/search", params={"q": "sovereignty", "actor": "Xinhua"}).json()
    assert data["results"], data
    assert {r["actor"] for r in data["results"]} == {"Xinhua"}
    assert all(r["match"].lower() == "sovereignty" for r in data["results"])
    every_word = client.get("/api/search", params={"q": "multipolar sovereignty"}).json()["results"]
    assert every_word and all("multipolar" in r["text"].lower() and "sovereignty" in r["text"].lower()
                                  for r in every_word)


def test_search_multilingual_and_language_filter(client):
    ru = client.get("/api/search", params={"q": "цветную", "language": "ru"}).json()["results"]
    zh = client.get("/api/search", params={"q": "颜色革命"}).json()["results"]
    assert ru and ru[0]["actor"] == "RT"
    assert zh and zh[0]["actor"] == "Xinhua"


def test_search_dates_and_pages(client):
    first = client.get("/api/search", params={"since": "2022-02-01", "until": "2022-05-01", "per_page": 5}).json()
    assert len(first["results"]) == 5 and first["has_next"]
    second = client.get("/api/search", params={"since": "2022-02-01", "until": "2022-05-01", "per_page": 5,
                                               "page": 2}).json()
    keys = lambda page: {(r["doc_id"], r["paragraph"]) for r in page["results"]}  # noqa: E731
    assert keys(first).isdisjoint(keys(second))
    assert all("2022-02-01" <= r["published"][:10] < "2022-05-01" for r in first["results"] + second["results"])


def test_search_treats_like_wildcards_as_text(client):
    assert client.get("/api/search", params={"q": "%"}).json()["results"] == []
    assert client.get("/api/search", params={"q": "_"}).json()["results"] == []


def test_search_hides_duplicates_on_request(client):
    both = client.get("/api/search", params={"q": "\"deepened their strategic partnership\""}).json()["results"]
    unique = client.get("/api/search", params={"q": "\"deepened their strategic partnership\"", "no_duplicates": True}).json()["results"]
    assert {r["actor"] for r in both} == {"Xinhua", "Global Times"}
    assert {r["actor"] for r in unique} == {"Xinhua"}


@pytest.mark.parametrize("params", [{"page": 0}, {"page": 100000}, {"per_page": 1000}, {"since": "2022-13-40"},
                                    {"since": "yesterday"}, {"language": "english"}, {"q": "x" * 500}])
def test_search_rejects_bad_parameters(client, params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    assert "error" in response.json()


def test_document_view_has_text_debris_and_duplicates(client, store_path):
    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        reprint, original = con.execute(
            "SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL").fetchone()
        seed = con.execute("SELECT id FROM documents WHERE removed IS NOT NULL AND removed <> '[]' "
                           "ORDER BY id LIMIT 1").fetchone()[0]
    doc = client.get(f"/api/documents/{original}").json()
    assert doc["metadata"]["id"] == original
    assert [d["id"] for d in doc["duplicates"]] == [reprint]
    assert doc["paragraphs"][0]["text"].startswith("China and Russia")
    seed_doc = client.get(f"/api/documents/{seed}").json()
    assert seed_doc["removed"] and all(piece["reason"] for piece in seed_doc["removed"])
    highlighted = client.get(f"/api/documents/{original}", params={"highlight": "mutual trust"}).json()
    marks = [s for p in highlighted["paragraphs"] for s in p["segments"] if s["kind"] == "query"]
    assert [m["text"] for m in marks] == ["mutual trust"]


def test_document_prefix_and_missing(client, hostile_id):
    assert client.get(f"/api/documents/{hostile_id[:8]}").json()["metadata"]["id"] == hostile_id
    assert client.get("/api/documents/000000000000").status_code == 404
    assert client.get("/api/documents/" + "a" * 80).status_code == 422


def test_explorer_twins_answer_with_sections(client):
    for page in ("terms", "narratives", "alignment"):
        data = client.get(f"/api/{page}", params={"term": "sovereignty"}).json()
        assert data["page"] == page and data["panels"]
        for section in data["panels"].values():
            assert section["available"] or section["missing"]  # empty panels say why
    assert client.get("/api/terms/nope").status_code == 404
    assert client.get("/api/terms/kwic", params={"period": "fortnight"}).status_code == 422


def test_openapi_lists_every_json_twin(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/overview", "/api/search", "/api/documents/{doc_id}", "/api/terms", "/api/terms/{panel}",
                 "/api/narratives", "/api/narratives/review", "/api/alignment", "/api/alignment/{panel}"):
        assert path in paths
    assert not any(p.startswith("/panels") or p == "/" for p in paths)


def test_review_refused_on_a_read_only_store(client):
    response = client.post("/api/narratives/review", json={"hit_id": "x", "decision": "accept", "coder": "ann"})
    assert response.status_code in (409, 501)
    assert client.post("/api/narratives/review", content="hit_id=x&decision=accept&coder=a",
                       headers={"content-type": "application/x-www-form-urlencoded"}).status_code in (415, 422)
    bad = client.post("/api/narratives/review", json={"hit_id": "x", "decision": "maybe", "coder": "ann"})
    assert bad.status_code == 422


def test_remote_hosts_are_refused_by_default(client):
    assert client.get("/api/overview", headers={"host": "evil.example"}).status_code == 400


def test_search_marks_whole_words(client):
    results = client.get("/api/search", params={"q": "sanction"}).json()["results"]
    assert results and all(r["match"].lower().startswith("sanction") for r in results)
    assert any(r["match"].lower() == "sanctions" for r in results)  # the word found, not "sanction|s"
    for r in results:
        assert not (r["right"][:1].isalnum() or r["left"][-1:].isalnum())
