"""The LLM detector against a fake OpenAI-compatible server on 127.0.0.1, on the seed pages and real headlines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from lockstep.narratives import llm_client, tables
from lockstep.narratives.codebook import load_codebook
from lockstep.narratives.llm_client import EndpointError, EndpointOptions
from lockstep.narratives.llm_detector import LLMOptions, plan, tag
from lockstep.narratives.prevalence import HitQuery, prevalence
from lockstep.narratives.tagging import TagOptions, tag as tag_store
from tests.narratives.fake_llm import RULES, Answer, FakeLLM, paragraphs_in

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "sample" / "seeds").glob("*.txt"))
MODEL = "fake-model"


def real_documents(doc) -> list[dict]:
    """The three seed pages (RT, English), eight RT/MFA headlines and four Channel One leads (Russian) of 2022."""
    docs = [doc(p.read_text(encoding="utf-8"), actor="RT", published="2022-05-12", language="en", doc_id=p.stem)
            for p in SEEDS]
    ru = pd.read_csv(ROOT / "sample" / "ru-state-media-2022.csv.gz")
    picked = pd.concat([ru[ru["title"].str.contains("sanction|biolab", case=False, na=False)].head(5),
                        ru[~ru["title"].str.contains("sanction|biolab", case=False, na=False)].head(3)])
    docs += [doc(" ".join(str(t).split()), actor=str(o), published=str(d), language="en", doc_id=f"h{i}")
             for i, (t, o, d) in enumerate(zip(picked["title"], picked["outlet"], picked["date"]))]
    tv = pd.read_csv(ROOT / "sample" / "1tv-leads-2022-ru.csv.gz")
    text_column = "text" if "text" in tv.columns else tv.columns[-1]
    leads = tv[tv[text_column].str.contains("санкци", case=False, na=False)].head(4)
    docs += [doc(" ".join(str(t).split()), actor="1tv", published="2022-06-01", language="ru", doc_id=f"tv{i}")
             for i, t in enumerate(leads[text_column])]
    return docs


def expected_hits(corpus) -> set[tuple[str, int, str]]:
    """What the fake model should find, computed straight from the stored paragraphs."""
    out = set()
    for row in corpus.paragraphs().itertuples():
        text = " ".join(row.text.split())
        for narrative, pattern in RULES:
            if re.search(pattern, text, re.IGNORECASE):
                out.add((row.doc_id, row.idx, narrative))
    return out


def options(fake: FakeLLM, **overrides) -> LLMOptions:
    endpoint = EndpointOptions(endpoint=fake.url, model=overrides.pop("model", MODEL),
                               timeout=overrides.pop("timeout", 10.0),
                               retries=overrides.pop("retries", 2), backoff=0.01,
                               api_key_env=overrides.pop("api_key_env", "LOCKSTEP_TEST_NO_KEY"))
    return LLMOptions(endpoint=endpoint, **{"documents_per_chunk": 4, "concurrency": 2, **overrides})


@pytest.fixture()
def corpus(store, doc):
    with store(real_documents(doc)) as opened:
        yield opened


@pytest.fixture()
def book():
    return load_codebook()


@pytest.fixture()
def fake():
    with FakeLLM() as server:
        yield server


def stored_hits(corpus) -> pd.DataFrame:
    return corpus.con.execute("SELECT * FROM narrative_hits ORDER BY doc_id, idx, narrative").df()


def test_tags_real_text_with_quotes_as_document_offsets(corpus, book, fake):
    report = tag(corpus, book, None, options(fake))
    hits = stored_hits(corpus)
    leaves = {(r.doc_id, r.idx, r.narrative) for r in hits.itertuples()
              if r.level == 2 or r.narrative == "war-and-sanctions"}
    assert leaves == expected_hits(corpus) and len(leaves) >= 8
    assert set(hits["detector"]) == {f"llm:{MODEL}"} and set(hits["model"]) == {MODEL}
    assert set(hits["codebook_version"]) == {book.version} and hits["above"].all()
    texts = {d: corpus.document(d)["text"] for d in hits["doc_id"].unique()}
    for row in hits.itertuples():
        spans = json.loads(row.evidence)
        assert spans and all(s["kind"] == "quote" for s in spans)
        for s in spans:   # a parent's spans name the sub-narrative they come from
            pattern = dict(RULES)[s.get("narrative", row.narrative)]
            assert re.search(pattern, texts[row.doc_id][s["start"]:s["end"]], re.IGNORECASE)
    # a sub-narrative implies its narrative: one row for the parent, with the child's evidence, named
    child = hits[hits["narrative"] == "west-subversion.colour-revolutions"].iloc[0]
    parent = hits[(hits["narrative"] == "west-subversion") & (hits["doc_id"] == child["doc_id"])
                  & (hits["idx"] == child["idx"])].iloc[0]
    assert parent["level"] == 1 and json.loads(parent["evidence"])[0]["narrative"] == child["narrative"]
    assert report.calls == len(fake.requests) and report.sent == corpus.paragraphs()["text"].nunique()
    assert report.prompt_tokens == sum(u["prompt_tokens"] for u in fake.usage) > 0
    assert report.completion_tokens == sum(u["completion_tokens"] for u in fake.usage) > 0
    assert report.hits == len(hits) and report.written == report.documents == len(real_documents_ids(corpus))
    shares = prevalence(corpus, HitQuery(period="all", level=1))
    assert {"west-subversion", "war-and-sanctions"} <= set(shares["narrative"])


def real_documents_ids(corpus) -> list[str]:
    return corpus.documents(columns="d.id")["id"].tolist()


def test_each_request_follows_the_openai_format(corpus, book, fake):
    tag(corpus, book, None, options(fake, batch_chars=1500))
    body = fake.requests[0]
    assert body["model"] == MODEL and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["required"] == ["hits"]
    assert len({r["messages"][0]["content"] for r in fake.requests}) == 1    # one shared prefix for every call
    sent = [p for r in fake.requests for p in paragraphs_in(r)]
    assert len(sent) == len(set(sent))                                         # no paragraph sent twice
    assert all(sum(len(p) for p in paragraphs_in(r)) <= 1500 or len(paragraphs_in(r)) == 1 for r in fake.requests)


def test_rerun_is_answered_from_the_cache(corpus, book, fake):
    first = tag(corpus, book, None, options(fake))
    before, asked = stored_hits(corpus), len(fake.requests)
    again = tag(corpus, book, None, options(fake))
    assert len(fake.requests) == asked                                # the server sees no second request
    assert again.calls == 0 and again.from_cache == again.paragraphs == first.paragraphs
    after = stored_hits(corpus)
    assert after.drop(columns="tagged_at").equals(before.drop(columns="tagged_at"))
    assert tables.llm_cache_size(corpus, MODEL) == first.sent
    assert plan(corpus, book, None, options(fake)).calls == 0


def test_invented_evidence_is_dropped_and_counted(corpus, book, fake):
    def invent(body: dict) -> str:
        paragraphs = paragraphs_in(body)
        return json.dumps({"hits": [
            {"paragraph": 1, "narrative": "history.wwii-rewriting", "quote": "The West rewrites the history of the war",
             "confidence": 0.9},
            {"paragraph": 1, "narrative": "security.nato-expansion", "quote": paragraphs[0][:60], "confidence": 0.7}]})
    fake.push(*[Answer(content=invent) for _ in range(50)])
    report = tag(corpus, book, None, options(fake, batch_chars=10**6, documents_per_chunk=100))
    hits = stored_hits(corpus)
    assert report.dropped["quote not in text"] == 1 == len(fake.requests)
    assert "history.wwii-rewriting" not in set(hits["narrative"])
    assert set(hits["narrative"]) == {"security.nato-expansion", "security"}


def test_malformed_answers_are_retried_then_skipped(corpus, book, fake):
    n_docs = len(real_documents_ids(corpus))
    fake.push(Answer(content="Here you go: colour revolutions everywhere"), Answer(content='{"labels": []}'))
    report = tag(corpus, book, None, options(fake, batch_chars=10**6, documents_per_chunk=100, malformed_retries=1))
    assert report.malformed == 2 and report.calls == 2 and report.skipped == n_docs and report.written == 0
    assert report.skip_reasons == {"malformed answer": n_docs}
    assert stored_hits(corpus).empty and tables.llm_cache_size(corpus) == 0
    fake.push(Answer(content='{"hits": "nothing"}'))                     # malformed once, then the oracle
    report = tag(corpus, book, None, options(fake, batch_chars=10**6, documents_per_chunk=100, malformed_retries=1))
    assert report.malformed == 1 and report.written == n_docs
    assert {(r.doc_id, r.idx, r.narrative) for r in stored_hits(corpus).itertuples()} >= expected_hits(corpus)


def test_a_model_that_never_answers_in_json_stops_the_run(corpus, book, fake):
    fake.push(*[Answer(content="I cannot help with that.") for _ in range(20)])
    with pytest.raises(EndpointError, match=r"3 calls in a row got no valid answer .*not JSON.*0 documents tagged"):
        tag(corpus, book, None, options(fake, batch_chars=300, concurrency=1, malformed_retries=0, max_failures=3))
    assert len(fake.requests) == 3


def test_timeouts_are_retried(corpus, book, fake):
    fake.push(Answer(delay=2.0))
    report = tag(corpus, book, None, options(fake, timeout=0.5, batch_chars=10**6, documents_per_chunk=100))
    assert report.retries == 1 and report.written == len(real_documents_ids(corpus))
    fake.queue.clear()
    fake.push(*[Answer(delay=2.0) for _ in range(3)])
    with pytest.raises(EndpointError, match=r"did not answer within 0.5 s \(2 tries\)"):
        tag(corpus, book, None, options(fake, model="another-model", timeout=0.5, retries=1, batch_chars=10**6,
                                        documents_per_chunk=100))


def test_429_with_retry_after_then_success(corpus, book, fake, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(llm_client, "pause", waits.append)
    fake.push(Answer(status=429, headers={"Retry-After": "7"}, body='{"error": "slow down"}'))
    report = tag(corpus, book, None, options(fake, batch_chars=10**6, documents_per_chunk=100))
    assert waits == [7.0] and report.retries == 1 and report.written == len(real_documents_ids(corpus))


def test_rate_limit_past_the_retries_stops_and_a_rerun_resumes(corpus, book, fake, monkeypatch):
    monkeypatch.setattr(llm_client, "pause", lambda s: None)
    fake.push(Answer(), *[Answer(status=429, body="{}") for _ in range(3)])
    opts = options(fake, batch_chars=10**6, documents_per_chunk=6, concurrency=1, retries=2)
    with pytest.raises(EndpointError, match=r"answered 429 \(rate limit\) \(3 tries\) \(6 documents tagged"):
        tag(corpus, book, None, opts)
    first_chunk = set(real_documents_ids(corpus)[:6])
    wanted = {h for h in expected_hits(corpus) if h[0] in first_chunk}
    stored = {(r.doc_id, r.idx, r.narrative) for r in stored_hits(corpus).itertuples()}
    assert wanted and wanted <= stored and {h[0] for h in stored} <= first_chunk
    first_sent = paragraphs_in(fake.requests[0])
    assert tables.llm_cache_size(corpus, MODEL) == len(first_sent)
    asked = len(fake.requests)
    report = tag(corpus, book, None, opts)
    resumed = [p for r in fake.requests[asked:] for p in paragraphs_in(r)]
    assert not set(resumed) & set(first_sent)                           # nothing answered before is asked again
    assert report.from_cache == len(first_sent) and report.written == len(real_documents_ids(corpus))
    assert {(r.doc_id, r.idx, r.narrative) for r in stored_hits(corpus).itertuples()} >= expected_hits(corpus)


def test_refused_key_is_one_line_without_the_key(corpus, book, fake, monkeypatch):
    monkeypatch.setenv("LOCKSTEP_TEST_KEY", "sk-test-DO-NOT-LEAK-0042")
    fake.push(Answer(status=401, body='{"error": "invalid api key sk-test-DO-NOT-LEAK-0042"}'))
    with pytest.raises(EndpointError) as caught:
        tag(corpus, book, None, options(fake, api_key_env="LOCKSTEP_TEST_KEY"))
    message = str(caught.value)
    assert "refused the request (401) with the key in $LOCKSTEP_TEST_KEY" in message and "\n" not in message
    assert "DO-NOT-LEAK" not in message and len(fake.requests) == 1
    assert fake.headers[0]["Authorization"] == "Bearer sk-test-DO-NOT-LEAK-0042"


def test_unreachable_endpoint_is_one_line(corpus, book, fake):
    opts = options(fake, retries=1)
    opts.endpoint.endpoint = "http://127.0.0.1:9/v1"
    with pytest.raises(EndpointError, match=r"cannot reach http://127.0.0.1:9/v1/chat/completions \(ConnectError"):
        tag(corpus, book, None, opts)


def test_server_without_json_schema_falls_back_to_json_object(corpus, book):
    with FakeLLM(refuse_schema=True) as fake:
        report = tag(corpus, book, None, options(fake, batch_chars=10**6, documents_per_chunk=100))
    kinds = [(r.get("response_format") or {}).get("type") for r in fake.requests]
    assert kinds == ["json_schema", "json_object"] and report.response_format == "json_object"
    assert report.written == len(real_documents_ids(corpus))


def test_concurrency_is_bounded(corpus, book):
    with FakeLLM(delay=0.2) as fake:
        tag(corpus, book, None, options(fake, batch_chars=300, concurrency=2, documents_per_chunk=100))
    assert len(fake.requests) >= 6 and 1 <= fake.max_in_flight <= 2


def test_documents_are_written_whole_with_their_cache_rows(corpus, book, fake):
    tag(corpus, book, None, options(fake))
    before, cached = stored_hits(corpus), tables.llm_cache_size(corpus)
    doc_id = before["doc_id"].iloc[0]
    broken = [{"hit_id": "x", "doc_id": doc_id}]                      # a row missing its columns fails the insert
    with pytest.raises(KeyError):
        tables.write_llm_documents(corpus, book.version, [doc_id], broken, [(MODEL, "v", "h", "[]")])
    assert stored_hits(corpus).equals(before) and tables.llm_cache_size(corpus) == cached


def test_tag_store_selects_the_llm_detector(corpus, fake):
    report = tag_store(corpus, TagOptions(detector="llm", llm=options(fake)))
    assert report.detector == f"llm:{MODEL}" and report.hits > 0
    assert "llm:fake-model" in report.frame()["value"].tolist()


def test_dry_run_sends_nothing(corpus, book, fake):
    estimate = plan(corpus, book, None, options(fake, price_prompt=0.5, price_completion=1.0))
    assert fake.requests == []
    assert estimate.calls >= 1 and estimate.paragraphs == len(corpus.paragraphs())
    assert estimate.prompt_tokens > estimate.calls * estimate.system_tokens > 0
    assert estimate.first_user.startswith("Label these paragraphs.") and "[1] " in estimate.first_user
    frame = dict(zip(estimate.frame()[""], estimate.frame()["value"]))
    assert float(frame["cost (estimated)"]) == pytest.approx(
        estimate.prompt_tokens / 1000 * 0.5 + estimate.completion_tokens / 1000 * 1.0, abs=1e-3)


def test_missing_model_or_endpoint_is_a_clear_error(corpus, book, fake):
    with pytest.raises(Exception, match="needs --llm-model"):
        tag(corpus, book, None, LLMOptions())
    with pytest.raises(Exception, match="needs --endpoint"):
        tag(corpus, book, None, LLMOptions(endpoint=EndpointOptions(model="m")))
    with pytest.raises(Exception, match="give the API's base URL"):
        tag(corpus, book, None, LLMOptions(endpoint=EndpointOptions(model="m", endpoint="localhost:8080")))


def test_earlier_hits_of_the_version_are_replaced_document_by_document(corpus, book, fake):
    doc_id = real_documents_ids(corpus)[0]
    old = {"hit_id": "old-zero-shot", "doc_id": doc_id, "idx": 0, "narrative": "history", "level": 1, "score": 0.7,
           "semantic": 0.6, "threshold": 0.5, "above": True, "claim": None, "evidence": "[]",
           "codebook_version": book.version, "model": "use-multilingual-v3", "detector": "zero-shot"}
    tables.ensure_tables(corpus)
    tables.write_llm_documents(corpus, book.version, [doc_id], [old], [])
    assert "old-zero-shot" in set(stored_hits(corpus)["hit_id"])
    tag(corpus, book, None, options(fake))
    assert "old-zero-shot" not in set(stored_hits(corpus)["hit_id"])
    assert set(stored_hits(corpus)["detector"]) == {f"llm:{MODEL}"}


def test_a_narrative_scoped_to_actors_is_dropped_elsewhere(corpus, fake, tmp_path):
    scoped = tmp_path / "scoped.yaml"
    scoped.write_text('codebook: scoped\nversion: "1"\nnarratives:\n  - id: war-and-sanctions\n    actors: [1tv]\n',
                      encoding="utf-8")
    book = load_codebook([scoped])
    report = tag(corpus, book, None, options(fake))
    hits = stored_hits(corpus)
    on_sanctions = hits[hits["narrative"] == "war-and-sanctions"]
    documents = corpus.documents(columns="d.id, d.actor").set_index("id")["actor"]
    assert len(on_sanctions) and set(documents[on_sanctions["doc_id"]]) == {"1tv"}
    assert report.dropped["outside the narrative's actors"] >= 1


def test_a_paragraph_longer_than_a_call_is_sent_cut(store, doc, book, fake):
    seed = (ROOT / "sample" / "seeds" / "004_bda7f19f8ba618f5.txt").read_text(encoding="utf-8")
    text = " ".join(seed.split()) + " This is a colour revolution."      # one paragraph of 19,000 characters
    with store([doc(text, actor="RT", published="2025-05-12", language="en", doc_id="long")]) as corpus:
        report = tag(corpus, book, None, options(fake))
        sent = paragraphs_in(fake.requests[0])
        assert report.calls == 1 and len(sent) == 1 and len(sent[0]) == 12_000 and text.startswith(sent[0])
        assert "west-subversion.colour-revolutions" not in set(stored_hits(corpus)["narrative"])   # in the cut part
