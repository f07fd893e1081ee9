"""`lockstep narratives tag --detector llm` from the command line, and the API key's secrecy."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lockstep.narratives.codebook import load_codebook
from lockstep.narratives.llm_client import EndpointError
from lockstep.narratives.llm_detector import tag
from tests.narratives.fake_llm import Answer, FakeLLM
from tests.narratives.test_llm_detector import options, real_documents

KEY = "sk-live-Zq8-DO-NOT-LEAK-4421"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lockstep.cli", "narratives", "tag", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture()
def store_path(store, doc, tmp_path) -> Path:
    corpus = store(real_documents(doc))
    corpus.close()
    return tmp_path / "corpus.duckdb"


def test_key_is_never_stored_logged_or_shown(store, doc, tmp_path, monkeypatch, caplog, capsys):
    monkeypatch.setenv("LOCKSTEP_TEST_KEY", KEY)
    caplog.set_level(logging.DEBUG)                   # httpx and httpcore log requests at DEBUG
    corpus = store(real_documents(doc))
    with FakeLLM() as fake:
        fake.push(Answer(content="not json"), Answer(status=503, body="{}"))
        report = tag(corpus, load_codebook(), None, options(fake, api_key_env="LOCKSTEP_TEST_KEY"))
        fake.push(Answer(status=403, body=f'{{"error": "key {KEY} is not allowed"}}'))
        with pytest.raises(EndpointError) as refused:
            tag(corpus, load_codebook(), None, options(fake, model="other", api_key_env="LOCKSTEP_TEST_KEY"))
        fake.push(*[Answer(status=400, body=f'{{"error": "bad request from {KEY}"}}') for _ in range(3)])
        with pytest.raises(EndpointError) as echoed:                   # server text is quoted, the key masked
            tag(corpus, load_codebook(), None, options(fake, model="third", api_key_env="LOCKSTEP_TEST_KEY"))
    assert "answered 400: {\"error\": \"bad request from ***\"}" in str(echoed.value)
    assert report.written > 0 and report.hits > 0 and report.malformed == 1 and report.retries == 1
    assert all(h["Authorization"] == f"Bearer {KEY}" for h in fake.headers)   # it was sent, on every request
    corpus.con.execute("CHECKPOINT")
    corpus.close()
    printed = capsys.readouterr()
    assert "refused the request (403) with the key in $LOCKSTEP_TEST_KEY" in str(refused.value)
    assert caplog.records and "HTTP Request" in caplog.text
    for where, text in [("logs", caplog.text), ("stdout", printed.out), ("stderr", printed.err),
                        ("error", str(refused.value)), ("echo", str(echoed.value)),
                        ("report", report.frame().to_string())]:
        assert KEY not in text and "DO-NOT-LEAK" not in text, where
    files = list(tmp_path.glob("corpus.duckdb*"))
    assert files and all(b"DO-NOT-LEAK" not in f.read_bytes() for f in files)


def test_dry_run_prints_a_prompt_and_the_estimate_and_sends_nothing(store_path):
    with FakeLLM() as fake:
        done = cli("--db", str(store_path), "--detector", "llm", "--endpoint", fake.url, "--llm-model", "m",
                   "--dry-run", "--price-prompt", "0.1", "--price-completion", "0.2")
    assert done.returncode == 0, done.stderr
    assert fake.requests == []
    assert "system prompt" in done.stdout and "- west-subversion.colour-revolutions: " in done.stdout
    assert "first user message" in done.stdout and "[1] " in done.stdout
    assert "prompt tokens (estimated)" in done.stdout and "cost (estimated)" in done.stdout


def test_tag_prints_the_usage_and_refusals_in_one_line(store_path):
    with FakeLLM() as fake:
        done = cli("--db", str(store_path), "--detector", "llm", "--endpoint", fake.url, "--llm-model", "m",
                   "--price-prompt", "0.1", "--price-completion", "0.2")
        asked = len(fake.requests)
        fake.push(Answer(status=401, body="{}"))
        refused = cli("--db", str(store_path), "--detector", "llm", "--endpoint", fake.url, "--llm-model", "other",
                      "--api-key-env", "LOCKSTEP_TEST_KEY", env={"LOCKSTEP_TEST_KEY": KEY, "COLUMNS": "400"})
    assert done.returncode == 0, done.stderr
    summary = {line.split("\t")[0]: line.split("\t")[-1] for line in done.stdout.splitlines() if "\t" in line}
    assert summary["detector"] == "llm:m" and int(summary["calls"]) == asked > 1
    assert int(summary["prompt tokens"]) > 0 and float(summary["cost"]) > 0
    assert refused.returncode == 2
    output = refused.stdout + refused.stderr
    errors = [l for l in output.splitlines() if "error" in l]   # besides it, only the progress bar's last state
    assert len(errors) == 1 and "refused the request (401)" in errors[0] and "the same command resumes" in errors[0]
    assert "Traceback" not in output
    assert KEY not in refused.stdout + refused.stderr
