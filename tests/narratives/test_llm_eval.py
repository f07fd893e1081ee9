"""eval/llm.py's plumbing against the fake server: no real model can run here (no server, no weights offline)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.narratives.fake_llm import FakeLLM, paragraphs_in

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "eval" / "data" / "narratives"


def run_eval(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LOCKSTEP_EVAL_LLM_")}
    return subprocess.run([sys.executable, str(ROOT / "eval" / "llm.py"), "--check"], capture_output=True, text=True,
                          env={**clean, **env}, timeout=600)


def labelled() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "paragraphs.csv").merge(pd.read_csv(DATA / "labels.csv", keep_default_na=False), on="id")
    frame["sent"] = [" ".join(t.split()) for t in frame["text"]]
    return frame


def gold_model(frame: pd.DataFrame):
    """A perfect model: each paragraph's hand labels, quoting the whole paragraph."""
    gold = dict(zip(frame["sent"], frame["labels"]))

    def answer(body: dict) -> dict:
        return {"hits": [{"paragraph": n, "narrative": label, "quote": text, "confidence": 1.0}
                         for n, text in enumerate(paragraphs_in(body), start=1)
                         for label in filter(None, gold[text].split(";"))]}
    return answer


def test_skipped_in_one_line_without_an_endpoint():
    done = run_eval({})
    assert done.returncode == 0
    assert done.stdout.strip().splitlines() == [
        "llm: skipped (set LOCKSTEP_EVAL_LLM_ENDPOINT and LOCKSTEP_EVAL_LLM_MODEL to score a model)"]


def test_a_perfect_model_scores_one_and_a_rerun_sends_nothing(tmp_path):
    frame = labelled()
    scored = frame[~frame["source"].str.startswith("seed:")]
    env = {"LOCKSTEP_EVAL_LLM_ENDPOINT": "", "LOCKSTEP_EVAL_LLM_MODEL": "perfect", "LOCKSTEP_EVAL_LLM_EUVS": "0",
           "LOCKSTEP_EVAL_LLM_OUT": str(tmp_path)}
    with FakeLLM(model=gold_model(frame)) as fake:
        done = run_eval({**env, "LOCKSTEP_EVAL_LLM_ENDPOINT": fake.url})
        assert done.returncode == 0, done.stdout + done.stderr
        sent = [p for r in fake.requests for p in paragraphs_in(r)]
        asked = len(fake.requests)
        again = run_eval({**env, "LOCKSTEP_EVAL_LLM_ENDPOINT": fake.url})
    assert sorted(sent) == sorted(set(scored["sent"]))                # every scored row once, no seed paragraph
    assert len(fake.requests) == asked and again.returncode == 0       # the re-run is answered from the cache
    results = json.loads((tmp_path / "llm.json").read_text(encoding="utf-8"))
    assert set(results["hand"]) == {f"{lang}.l{level}" for lang in ("en", "ru", "zh") for level in (1, 2)}
    for key, figures in results["hand"].items():
        lang = key.split(".")[0]
        rows = scored[scored["language"] == lang]
        assert figures["llm"]["n"] == len(rows)
        assert figures["llm"]["samples_f1"] == 1.0 and figures["llm"]["macro_f1"] == 1.0
        assert figures["nothing"]["samples_f1"] == round((rows["labels"] == "").mean(), 4)
    assert "hand" in again.stdout and "en.l1" in again.stdout
