"""Duplicate detection quality on planted reprints of real articles.

    python eval/dedup.py [--check] [--originals N]

Takes real texts (People's Daily articles in Chinese, Channel One leads in Russian, Kremlin sentences
joined into passages in English), plants copies of three kinds and ingests everything through the real
pipeline into a temporary store:

* exact: the same text with different whitespace, case and punctuation (what a re-scrape gives);
* reprint: the same text with a credit line added, a sentence dropped (texts of five sentences or more) and two
  words changed, numbers kept (syndication);
* unrelated: the originals themselves, which must stay in separate clusters, among them 300 real templated
  headlines that differ only in their numbers ("Chinese mainland reports 64 new local confirmed COVID-19 cases").

Recall = planted copies that land in their original's cluster; precision = copies and originals that share
a cluster only with what they should; f1 of the two. Writes eval/results/dedup.json; --check compares with
eval/floors.json.

Two draws: `tune` (seed 7) is the set the shingle sizes, thresholds, LSH margin and numbers rule were chosen on;
`test` (seed 11) is a fresh draw of other originals and other templated headlines, scored with the rules frozen.
Beside lockstep, two trivial clusterings are scored on the same rows: `nothing` (every document alone: precision
1, recall 0) and `exact_hash` (documents whose normalised text is identical: finds re-scrapes, misses reprints).
Finding every exact copy is an invariant (floors.json `invariants`), not a quality figure: exact_hash does it too.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import sys
import tempfile
from pathlib import Path

from floors import below_floors, finish

from lockstep.dedup.fingerprint import normalise_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "eval" / "results" / "dedup.json"


def originals(n: int, rng: random.Random, exclude: set[str] = frozenset()) -> list[str]:
    texts: list[str] = []
    csv.field_size_limit(10**8)
    for path in sorted((CORPUS / "peoples-daily-zh" / "data").glob("*.csv*")):
        with (gzip.open(path, "rt") if path.suffix == ".gz" else path.open()) as fh:
            texts += [r["body"][:3000] for r in csv.DictReader(fh) if len(r.get("body") or "") > 400]
    with gzip.open(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt") as fh:
        leads = [r["content"] for r in csv.DictReader(fh) if len(r["content"]) > 150]
    texts += rng.sample(leads, min(len(leads), n))
    with (CORPUS / "putin-sentences" / "data" / "sentences" / "sentences_China.csv").open() as fh:
        sentences = [r["sentence"] for r in csv.DictReader(fh)]
    texts += [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences) - 4, 4)]
    unique = list({normalise_text(t)[:200]: t for t in texts}.values())  # the sources hold real duplicates
    unique = [t for t in unique if normalise_text(t)[:200] not in exclude]
    return rng.sample(unique, min(n, len(unique)))


def templated(rng: random.Random, n: int = 300, exclude: set[str] = frozenset()) -> list[str]:
    """Real templated headlines that differ only in their numbers ("Chinese mainland reports 64 new ... cases"):
    distinct stories that a near-duplicate detector must keep apart."""
    with gzip.open(CORPUS / "cn-state-media-2022" / "headlines.csv.gz", "rt") as fh:
        rows = [r["headline"] for r in csv.DictReader(fh) if "COVID-19 cases" in r["headline"]]
    unique = [h for key, h in {normalise_text(h): h for h in rows}.items() if key[:200] not in exclude]
    return rng.sample(unique, min(n, len(unique)))


def exact_copy(text: str, rng: random.Random) -> str:
    text = text.replace(" ", "  ") if rng.random() < 0.5 else text.upper()
    return text.replace(",", " ,").strip() + " "


def reprint(text: str, rng: random.Random) -> str:
    """Drop one sentence (when there are more than four) and change two tokens, then add a credit line."""
    chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in text) > len(text) / 3
    sentences = [s for s in re.split(r"(?<=[。！？.!?])\s*", text) if s.strip()]
    if len(sentences) > 4:
        sentences.pop(rng.randrange(1, len(sentences)))
    tokens = list("".join(sentences)) if chinese else " ".join(sentences).split(" ")
    editable = [i for i, t in enumerate(tokens) if not any(ch.isdigit() for ch in t)]  # reprints keep numbers
    for i in rng.sample(editable, min(2, len(editable))):
        tokens[i] = "据报道" if chinese else rng.choice(["reportedly", "также"])
    body = "".join(tokens) if chinese else " ".join(tokens)
    return body + "\n\nThis article was first published by Xinhua."


def build(n: int, seed: int = 7, exclude: set[str] = frozenset()) -> tuple[list[dict], dict[str, str]]:
    """The planted rows and the truth (copy -> original); `exclude` holds the normalised openings of texts
    another draw used, so that a test draw shares no original with the tuning draw."""
    rng = random.Random(seed)
    rows, truth = [], {}
    templates = templated(rng, exclude=exclude) if exclude else None
    for i, text in enumerate(originals(n, rng, exclude)):
        rows.append({"id": f"o{i}", "title": f"original {i}", "text": text, "date": "2022-03-01"})
        kind = ("exact", "reprint", None)[i % 3]
        if kind:
            copy = exact_copy(text, rng) if kind == "exact" else reprint(text, rng)
            rows.append({"id": f"c{i}", "title": f"copy {i}", "text": copy, "date": "2022-03-02"})
            truth[f"c{i}"] = f"o{i}"
    for j, text in enumerate(templates if templates is not None else templated(rng)):  # distinct stories only
        rows.append({"id": f"t{j}", "title": f"template {j}", "text": text, "date": "2022-03-01"})
    rng.shuffle(rows)
    return rows, truth


def lockstep_clusters(rows: list[dict]) -> dict[str, str]:
    """Key (o12, c12, t3) -> cluster id, from ingesting the rows through the real pipeline."""
    import lockstep
    from lockstep.engines.local import IngestOptions

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "planted.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
        with lockstep.open(Path(tmp) / "c.duckdb") as corpus:
            corpus.ingest([path], IngestOptions(batch_size=256, detect_language=False))
            frame = corpus.con.execute("SELECT title, cluster_id FROM documents").df()
    return {title.split(" ")[0][0] + title.split(" ")[1]: c for title, c in zip(frame.title, frame.cluster_id)}


def key_of(row: dict) -> str:
    return row["title"].split(" ")[0][0] + row["title"].split(" ")[1]


def trivial_clusters(rows: list[dict]) -> dict[str, dict[str, str]]:
    """The trivial clusterings of the same rows: every document alone, and identical normalised text."""
    return {"nothing": {key_of(r): key_of(r) for r in rows},
            "exact_hash": {key_of(r): normalise_text(r["text"]) for r in rows}}


def score(cluster: dict[str, str], truth: dict[str, str]) -> dict:
    found = {k: cluster[k] == cluster[v] for k, v in truth.items()}
    by_kind = {"exact": [], "reprint": []}
    for key, ok in found.items():
        by_kind["exact" if int(key[1:]) % 3 == 0 else "reprint"].append(ok)
    sizes: dict[str, int] = {}
    for c in cluster.values():
        sizes[c] = sizes.get(c, 0) + 1
    expected_size = {k: (2 if k in truth or (k[0] == "o" and f"c{k[1:]}" in truth) else 1) for k in cluster}
    wrong = sum(1 for k, c in cluster.items() if sizes[c] > expected_size[k])
    recall, precision = sum(found.values()) / len(found), 1 - wrong / len(cluster)
    return {
        "recall": round(recall, 4),
        "recall_exact": round(sum(by_kind["exact"]) / len(by_kind["exact"]), 4),
        "recall_reprint": round(sum(by_kind["reprint"]) / len(by_kind["reprint"]), 4),
        "precision": round(precision, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
    }


def evaluate_draw(rows: list[dict], truth: dict[str, str]) -> dict:
    """Figures of lockstep and the trivial clusterings on one draw, as `<system>.<measure>`."""
    out = {"documents": len(rows), "planted_copies": len(truth)}
    systems = {"lockstep": lockstep_clusters(rows), **trivial_clusters(rows)}
    for system, cluster in systems.items():
        out.update({f"{system}.{k}": v for k, v in score(cluster, truth).items()})
    return out


def evaluate(n: int) -> dict:
    tune_rows, tune_truth = build(n, seed=7)
    used = {normalise_text(r["text"])[:200] for r in tune_rows}
    test_rows, test_truth = build(n, seed=11, exclude=used)
    assert not used & {normalise_text(r["text"])[:200] for r in test_rows}, "the test draw shares texts with tune"
    results = {f"tune.{k}": v for k, v in evaluate_draw(tune_rows, tune_truth).items()}
    results.update({f"test.{k}": v for k, v in evaluate_draw(test_rows, test_truth).items()})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--originals", type=int, default=1500)
    args = parser.parse_args()
    results = evaluate(args.originals)
    return finish("dedup", results, RESULTS, below_floors("dedup", results) if args.check else [])


if __name__ == "__main__":
    sys.exit(main())
