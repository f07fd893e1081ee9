"""Score your own language model as a narrative detector on the project's labelled data (a `make eval` section).

    LOCKSTEP_EVAL_LLM_ENDPOINT=http://127.0.0.1:8080/v1 LOCKSTEP_EVAL_LLM_MODEL=qwen2.5-7b-instruct python eval/llm.py

Skipped, saying so in one line, when LOCKSTEP_EVAL_LLM_ENDPOINT or LOCKSTEP_EVAL_LLM_MODEL is not set. Other
settings: LOCKSTEP_EVAL_LLM_KEY_ENV (the name of the variable holding the API key; default LOCKSTEP_LLM_KEY),
LOCKSTEP_EVAL_LLM_BATCH_CHARS (default: the detector's), LOCKSTEP_EVAL_LLM_CONCURRENCY (4),
LOCKSTEP_EVAL_LLM_EUVS (EUvsDisinfo cases to score, 300; 0 for none), LOCKSTEP_EVAL_LLM_PRICES ("prompt,completion"
per 1,000 tokens), LOCKSTEP_EVAL_LLM_OUT (folder for the results and the answer cache; eval/results).

Data, each text tagged as a one-paragraph document through the real detector (`llm_detector.tag`) in a store kept
at <out>/llm-cache.duckdb, so a re-run with the same model and prompt sends nothing:

* hand: the hand-labelled paragraphs of eval/data/narratives (English, Russian, Chinese) without the seed-page
  paragraphs: the codebook's example claims were written from the seed pages and the model reads those claims in
  its prompt, so the seed rows would flatter it;
* euvsdisinfo: a fixed random sample of EUvsDisinfo case summaries (English) with the weak labels of
  eval/data/narratives/euvsdisinfo_map.yaml, when ../shared is present.

Metrics as in eval/narratives.py and SemEval-2025 Task 10: samples-F1 (mean over texts of the F1 between predicted
and gold label sets, "none" for an empty set) and macro-F1 (mean F1 over the narratives present in the gold labels),
at level 1 (narratives) and level 2 (sub-narratives; a narrative without a fitting sub-narrative is
"<narrative>:other"), per language, next to predicting nothing and predicting the most frequent label set of the
scored rows themselves (an optimistic baseline). Nothing here was tuned on these rows. No floors: the figures are
the user's model's. Writes <out>/llm.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

import lockstep
from lockstep.narratives.codebook import Codebook, load_codebook
from lockstep.narratives.llm_client import DEFAULT_KEY_ENV, EndpointError, EndpointOptions
from lockstep.narratives.llm_detector import LLMOptions, tag
from lockstep.narratives.prevalence import HitQuery, hits
from lockstep.store.corpus import DocumentFilter
from lockstep.store.writer import insert_documents
from narratives_data import euvs_candidates

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "eval" / "data" / "narratives"
EUVS = ROOT.parent / "shared" / "corpus" / "euvsdisinfo-cases" / "posts.csv"
LANGUAGES = ("en", "ru", "zh")


def settings() -> dict | None:
    endpoint, model = os.environ.get("LOCKSTEP_EVAL_LLM_ENDPOINT"), os.environ.get("LOCKSTEP_EVAL_LLM_MODEL")
    if not endpoint or not model:
        return None
    prices = [float(p) for p in os.environ.get("LOCKSTEP_EVAL_LLM_PRICES", "").split(",") if p.strip()]
    return {"endpoint": endpoint, "model": model,
            "key_env": os.environ.get("LOCKSTEP_EVAL_LLM_KEY_ENV", DEFAULT_KEY_ENV),
            "batch_chars": int(os.environ.get("LOCKSTEP_EVAL_LLM_BATCH_CHARS") or LLMOptions().batch_chars),
            "concurrency": int(os.environ.get("LOCKSTEP_EVAL_LLM_CONCURRENCY") or 4),
            "euvs": int(os.environ.get("LOCKSTEP_EVAL_LLM_EUVS") or 300),
            "prices": (prices + [None, None])[:2],
            "out": Path(os.environ.get("LOCKSTEP_EVAL_LLM_OUT") or ROOT / "eval" / "results")}


# ---- data ---------------------------------------------------------------------------------------------------------


def hand_rows() -> pd.DataFrame:
    paragraphs = pd.read_csv(DATA / "paragraphs.csv")
    labels = pd.read_csv(DATA / "labels.csv", keep_default_na=False)
    frame = paragraphs.merge(labels, on="id", validate="one_to_one")
    frame = frame[~frame["source"].str.startswith("seed:")]
    return pd.DataFrame({"id": frame["id"], "text": frame["text"], "language": frame["language"],
                         "actor": frame["actor"], "gold": [set(filter(None, s.split(";"))) for s in frame["labels"]],
                         "set": "hand"})


def euvs_rows(limit: int) -> pd.DataFrame:
    """EUvsDisinfo case summaries with weak labels from their keywords (eval/narratives_data.py's rules, one case per
    normalised title)."""
    if limit <= 0 or not EUVS.exists():
        return pd.DataFrame(columns=["id", "text", "language", "actor", "gold", "set"])
    frame = euvs_candidates()[["id", "text", "language", "gold"]].assign(actor="euvsdisinfo", set="euvsdisinfo")
    return frame.sample(min(limit, len(frame)), random_state=11)


def as_documents(rows: pd.DataFrame) -> list[dict]:
    return [{"id": r.id, "title": "", "text": r.text, "outlet": r.actor, "actor": r.actor, "published": None,
             "language": r.language, "duplicate_of": None, "cluster_id": r.id,
             "text_hash": hashlib.sha1(r.text.encode()).hexdigest(), "source": f"eval:{r.set}", "source_position": ""}
            for r in rows.itertuples()]


# ---- labels and metrics ---------------------------------------------------------------------------------------------


def level_sets(labels: set[str], book: Codebook, level: int) -> set[str]:
    """A label set at one level: level-1 ids, or level-2 ids with `<narrative>:other`; {"none"} when empty."""
    known = {n for n in labels if n in book.narratives}
    tops = {book.top(n) for n in known}
    if level == 1:
        return tops or {"none"}
    subs = {n for n in known if book.level(n) == 2 and not n.endswith(".other")}
    out = set(subs) | {f"{t}:other" for t in tops if not any(book.top(s) == t for s in subs)}
    return out or {"none"}


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(gold: list[set[str]], pred: list[set[str]]) -> dict:
    samples = [f1(len(g & p) / len(p), len(g & p) / len(g)) for g, p in zip(gold, pred)]
    counts: dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, pred):
        for label in (g | p) - {"none"}:
            counts[label]["tp"] += label in g and label in p
            counts[label]["fp"] += label in p and label not in g
            counts[label]["fn"] += label in g and label not in p
    per = {}
    for label, c in counts.items():
        if c["tp"] + c["fn"]:
            precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
            per[label] = f1(precision, c["tp"] / (c["tp"] + c["fn"]))
    return {"samples_f1": round(sum(samples) / len(samples), 4) if samples else None,
            "macro_f1": round(sum(per.values()) / len(per), 4) if per else None, "n": len(gold),
            "narratives_in_gold": len(per)}


def figures(rows: pd.DataFrame, predicted: dict[str, set[str]], book: Codebook) -> dict:
    out = {}
    for lang in LANGUAGES:
        part = rows[rows["language"] == lang]
        if part.empty:
            continue
        for level in (1, 2):
            gold = [level_sets(g, book, level) for g in part["gold"]]
            pred = [level_sets(predicted.get(i, set()), book, level) for i in part["id"]]
            majority = Counter(frozenset(g) for g in gold).most_common(1)[0][0]
            out[f"{lang}.l{level}"] = {"llm": scores(gold, pred), "nothing": scores(gold, [{"none"}] * len(gold)),
                                       "majority": scores(gold, [set(majority)] * len(gold))}
    return out


# ---- the run --------------------------------------------------------------------------------------------------------


def predictions(corpus: lockstep.Corpus, version: str) -> dict[str, set[str]]:
    frame = hits(corpus, HitQuery(version=version))
    out: dict[str, set[str]] = defaultdict(set)
    for doc_id, narrative in zip(frame["doc_id"], frame["narrative"]):
        out[doc_id].add(narrative)
    return out


def run(config: dict) -> dict:
    book = load_codebook()
    rows = pd.concat([hand_rows(), euvs_rows(config["euvs"])], ignore_index=True)
    options = LLMOptions(endpoint=EndpointOptions(endpoint=config["endpoint"], model=config["model"],
                                                  api_key_env=config["key_env"]),
                         batch_chars=config["batch_chars"], concurrency=config["concurrency"],
                         price_prompt=config["prices"][0], price_completion=config["prices"][1], progress=True)
    config["out"].mkdir(parents=True, exist_ok=True)
    with lockstep.open(config["out"] / "llm-cache.duckdb") as corpus:
        insert_documents(corpus.con, as_documents(rows))
        report = tag(corpus, book, DocumentFilter(ids=rows["id"].tolist()), options)
        predicted = predictions(corpus, book.version)
    results = {"model": config["model"], "endpoint": report.endpoint, "prompt_version": report.prompt_version,
               "codebook_version": book.version, "usage": dict(zip(report.frame()[""], report.frame()["value"]))}
    for name in ("hand", "euvsdisinfo"):
        part = rows[rows["set"] == name]
        if not part.empty:
            results[name] = figures(part, predicted, book)
    return results


def print_tables(results: dict) -> None:
    print(f"model {results['model']} at {results['endpoint']}, prompt {results['prompt_version']}")
    usage = results["usage"]
    print("  " + ", ".join(f"{k} {usage[k]}" for k in ("calls", "paragraphs answered from the cache",
                                                         "prompt tokens", "completion tokens", "cost")))
    lost = {k: v for k, v in usage.items() if k.startswith(("dropped", "skipped")) or k == "answers malformed"}
    if lost:
        print("  " + ", ".join(f"{k} {v}" for k, v in lost.items()))
    for name in ("hand", "euvsdisinfo"):
        if name not in results:
            continue
        print(f"  {name}: samples-F1 / macro-F1 (llm | nothing | majority)")
        for key, f in results[name].items():
            cells = " | ".join(f"{f[m]['samples_f1']:.3f} / {f[m]['macro_f1'] or 0:.3f}" for m in ("llm", "nothing",
                                                                                                   "majority"))
            print(f"    {key:6s} n={f['llm']['n']:4d}  {cells}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="accepted for eval/run.py; there are no floors here")
    parser.parse_args()
    config = settings()
    if config is None:
        print("llm: skipped (set LOCKSTEP_EVAL_LLM_ENDPOINT and LOCKSTEP_EVAL_LLM_MODEL to score a model)")
        return 0
    try:
        results = run(config)
    except EndpointError as exc:
        print(f"llm: failed: {exc}")
        return 1
    (config["out"] / "llm.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print_tables(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
