"""Narrative explorer: codebook, prevalence, evidence with spans, review decisions stored with the coder."""

from __future__ import annotations

import shutil

import pytest


def test_codebook_panel_lists_narratives_with_claims(client):
    rows = client.get("/api/narratives/codebook").json()["tables"][0]["rows"]
    ids = {r["narrative"] for r in rows}
    assert {"world-order", "west-subversion"} <= ids
    assert any(r["parent"] == "world-order" for r in rows)


def test_prevalence_counts_documents_per_actor(client, store_path):
    import duckdb

    section = client.get("/api/narratives/prevalence", params={"narrative": "world-order"}).json()
    rows = section["tables"][0]["rows"]
    assert rows and all(0 < r["share"] <= 1 and r["documents"] <= r["actor_documents"] for r in rows)
    with duckdb.connect(str(store_path), read_only=True) as con:
        carried = con.execute("SELECT count(DISTINCT d.id) FROM narrative_hits h JOIN documents d ON d.id = h.doc_id "
                              "WHERE h.above AND h.narrative = 'world-order' AND d.actor = 'Xinhua' "
                              "AND d.published_at IS NOT NULL").fetchone()[0]
    assert sum(r["documents"] for r in rows if r["actor"] == "Xinhua") == carried
    links = [link for t in section["charts"][0]["figure"]["data"] for link in t["customdata"]]
    assert any(links) and all(link.startswith("/narratives?") and "#panel-evidence" in link for link in links if link)


def test_evidence_lines_mark_the_span_and_offer_review(client):
    lines = client.get("/api/narratives/evidence", params={"narrative": "world-order"}).json()["evidence"][0]["lines"]
    assert lines and all(line["hit_id"] for line in lines)
    marked = [line for line in lines if line["match"]]
    assert marked and any("multipolar" in line["match"].lower() or "многополярн" in line["match"].lower()
                          for line in marked)


def test_evidence_lists_each_hit_once_with_its_parent_and_measured_precision(client, store_path):
    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        both = con.execute("SELECT count(*) FROM narrative_hits p JOIN narrative_hits c USING (doc_id, idx) "
                           "WHERE p.narrative = 'world-order' AND c.narrative LIKE 'world-order.%' AND p.above "
                           "AND c.above").fetchone()[0]
    assert both, "the store holds a parent and a sub-narrative hit on the same paragraph"
    lines = client.get("/api/narratives/evidence", params={"narrative": "world-order"}).json()["evidence"][0]["lines"]
    shown = [(line["doc_id"], line["paragraph"], line["note"].split(" ", 1)[0].rstrip(":")) for line in lines]
    assert len(shown) == len(set(shown))
    parents = {(d, p) for d, p, narrative in shown if narrative == "world-order"}
    subs_at = {(d, p) for d, p, narrative in shown if narrative.startswith("world-order.")}
    assert subs_at and not parents & subs_at            # was listed twice: parent and sub-narrative (siblings stay)
    subs = [line for line in lines if line["note"].startswith("world-order.")]
    assert subs and all("(under world-order)" in line["note"] for line in subs)
    hits = [line for line in lines if "candidate" not in line["note"]]
    assert hits and all(" were right " in line["note"] and "test paragraphs" in line["note"] for line in hits)


def test_search_filters_by_narrative(client):
    results = client.get("/api/search", params={"narrative": "world-order"}).json()["results"]
    assert results
    assert all(client.get(f"/api/documents/{r['doc_id']}").json()["narratives"] for r in results[:3])


def test_document_highlights_narrative_evidence(client, store_path):
    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        doc_id, idx = con.execute("SELECT doc_id, idx FROM narrative_hits WHERE above AND narrative = 'world-order' "
                                  "ORDER BY score DESC LIMIT 1").fetchone()
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert "world-order" in {n["narrative"] for n in doc["narratives"]} | {n["parent"] for n in doc["narratives"]}
    marks = [s for s in doc["paragraphs"][idx]["segments"] if s["kind"] == "narrative"]
    assert marks and all(m["text"].strip() for m in marks)


def test_document_lists_each_tag_once(client, store_path):
    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        doc_id = con.execute("SELECT p.doc_id FROM narrative_hits p JOIN narrative_hits c USING (doc_id, idx) "
                             "WHERE p.narrative = 'world-order' AND c.narrative LIKE 'world-order.%' AND p.above "
                             "AND c.above ORDER BY p.doc_id LIMIT 1").fetchone()[0]
    tags = client.get(f"/api/documents/{doc_id}").json()["narratives"]
    listed = {(t["narrative"], t["paragraph"]) for t in tags}
    assert len(listed) == len(tags)
    subs = [t for t in tags if t["parent"] == "world-order"]
    assert subs and not {("world-order", t["paragraph"]) for t in subs} & listed
    assert all(" were right " in t["precision_note"] for t in tags)
    page = client.get(f"/documents/{doc_id}").text
    assert "(under world-order)" in page


@pytest.fixture()
def review_client(store_path, tmp_path):
    from fastapi.testclient import TestClient

    from lockstep.web.app import create_app
    from lockstep.web.options import ServeOptions

    copy = tmp_path / "review.duckdb"
    shutil.copy(store_path, copy)
    app = create_app(ServeOptions(db=copy, review=True))
    with TestClient(app) as test_client:
        yield test_client
    app.state.store.close()


def test_review_accept_is_stored_with_the_coder(review_client):
    lines = review_client.get("/api/narratives/evidence", params={"narrative": "world-order"}).json()
    hit = lines["evidence"][0]["lines"][0]["hit_id"]
    response = review_client.post("/api/narratives/review", json={"hit_id": hit, "decision": "accept", "coder": "ann"})
    assert response.status_code == 200, response.text
    assert response.json()["result"]["coder"] == "ann"
    accepted = review_client.get("/api/narratives/evidence", params={"narrative": "world-order",
                                                                      "status": "accepted"}).json()
    statuses = {line["hit_id"]: line["status"] for line in accepted["evidence"][0]["lines"]}
    assert statuses[hit].startswith("accept") and "ann" in statuses[hit]
    pending = review_client.get("/api/narratives/evidence", params={"narrative": "world-order",
                                                                     "status": "pending"}).json()
    assert hit not in {line["hit_id"] for line in pending["evidence"][0]["lines"]}
    cross = review_client.post("/api/narratives/review", json={"hit_id": hit, "decision": "reject", "coder": "ann"},
                               headers={"origin": "http://evil.example"})
    assert cross.status_code == 403
    assert review_client.post("/api/narratives/review", json={"hit_id": hit, "decision": "accept",
                                                              "coder": "<script>"}).status_code == 422


def test_review_buttons_only_where_review_is_on(client, review_client):
    read_only = client.get("/panels/narratives/evidence", params={"narrative": "world-order"}).text
    assert 'class="review-box"' in read_only and "review-btn" not in read_only  # the status shows, no buttons
    writable = review_client.get("/panels/narratives/evidence", params={"narrative": "world-order"}).text
    assert 'class="review-btn"' in writable
