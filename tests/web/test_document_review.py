"""Document review on a random sample in the dashboard, and the prevalence corrected from it."""

from __future__ import annotations

import shutil

import pytest

import lockstep
from lockstep.narratives.sampling import SampleOptions, draw_sample


@pytest.fixture()
def sampled_store(store_path, tmp_path):
    """A copy of the test store with a review sample holding every document (strata are small here)."""
    copy = tmp_path / "sampled.duckdb"
    shutil.copy(store_path, copy)
    with lockstep.open(copy) as corpus:
        sample = draw_sample(corpus, SampleOptions(per_stratum=100, seed=1))
    return copy, sample


def client_for(path, review: bool):
    from fastapi.testclient import TestClient

    from lockstep.web.app import create_app
    from lockstep.web.options import ServeOptions

    return TestClient(create_app(ServeOptions(db=path, review=review)))


def test_without_a_sample_the_panels_say_so(client):
    documents = client.get("/api/narratives/documents").json()
    assert documents["available"] is False and "lockstep narratives sample" in documents["missing"]
    corrected = client.get("/api/narratives/corrected").json()
    table = corrected["tables"][0]
    assert table["title"] == "Prevalence, uncorrected (no reviews)" and "uncorrected" in corrected["note"]
    assert "share (uncorrected)" in table["columns"] and table["rows"]


def test_review_form_lists_sampled_documents_escaped(sampled_store, hostile_id):
    path, sample = sampled_store
    with client_for(path, review=True) as client:
        data = client.get("/api/narratives/documents", params={"limit": 200}).json()
        form = data["data"]["document_review"]
        assert form["sample_id"] == sample.sample_id and len(form["documents"]) == len(sample.members)
        assert [d["position"] for d in form["documents"]] == sorted(d["position"] for d in form["documents"])
        tops = {n["id"]: n for n in form["narratives"]}
        assert "world-order" in tops and any(c["id"].startswith("world-order.") for c in tops["world-order"]["children"])
        html = client.get("/panels/narratives/documents", params={"limit": 200}).text
        assert html.count('class="doc-review-form"') == len(sample.members)
        assert 'name="none"' in html and 'value="world-order"' in html
        assert hostile_id in html and "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
        client.app.state.store.close()


def test_saving_a_review_and_the_corrected_prevalence(sampled_store):
    path, sample = sampled_store
    bbc = sample.members.loc[sample.members["actor"] == "BBC", "doc_id"].tolist()
    with client_for(path, review=True) as client:
        post = lambda body, **kw: client.post("/api/narratives/document-review", json=body, **kw)  # noqa: E731
        assert post({"doc_id": bbc[0], "labels": [], "coder": "ann"}).status_code == 422           # nothing ticked
        assert post({"doc_id": bbc[0], "labels": ["world-order"], "none": True, "coder": "ann"}).status_code == 422
        unknown = post({"doc_id": bbc[0], "labels": ["no-such-narrative"], "coder": "ann"})
        assert unknown.status_code == 409 and "not in the codebook" in unknown.json()["error"]
        assert post({"doc_id": "ffffffffffff", "labels": [], "none": True, "coder": "ann"}).status_code == 409
        assert post({"doc_id": bbc[0], "labels": [], "none": True, "coder": "ann"},
                    headers={"origin": "http://evil.example"}).status_code == 403
        for doc_id in bbc:
            saved = post({"doc_id": doc_id, "labels": [], "none": True, "coder": "ann"})
            assert saved.status_code == 200 and saved.json()["labels"] == []
        saved = post({"doc_id": bbc[0], "labels": ["URW: Discrediting the West, Diplomacy"], "coder": "ann"})
        assert saved.json()["labels"] == ["urw.discrediting-west"]
        pending = client.get("/api/narratives/documents", params={"status": "pending", "limit": 200}).json()
        assert not {d["doc_id"] for d in pending["data"]["document_review"]["documents"]} & set(bbc)
        corrected = client.get("/api/narratives/corrected", params={"actors": "BBC"}).json()
        rows = corrected["tables"][0]["rows"]
        assert corrected["tables"][0]["title"] == "Prevalence corrected for detector error"
        west = next(r for r in rows if r["narrative"] == "urw.discrediting-west")
        # BBC reviewed whole (every story of its small strata): the share is what review found, exactly
        assert west["reviewed"] == len(bbc) and west["share"] == west["ci_low"] == west["ci_high"] == \
            pytest.approx(1 / len(bbc), abs=1e-4)
        assert corrected["charts"] and corrected["charts"][0]["figure"]["data"][0]["error_y"]["array"]
        client.app.state.store.close()


def test_read_only_dashboard_refuses_document_reviews(sampled_store):
    path, sample = sampled_store
    with client_for(path, review=False) as client:
        html = client.get("/panels/narratives/documents").text
        assert 'class="doc-review"' in html and "doc-review-form" not in html
        refused = client.post("/api/narratives/document-review",
                              json={"doc_id": sample.members["doc_id"][0], "labels": [], "none": True, "coder": "x"})
        assert refused.status_code == 409 and "--review" in refused.json()["error"]
        client.app.state.store.close()
