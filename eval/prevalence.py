"""Prevalence corrected for detector error, against known answers.

    python eval/prevalence.py [--check] [--draws 200] [--fraction 0.3]

Labelled documents go into a store and are tagged by the shipped zero-shot detector exactly as a user's corpus
would be (packaged codebook and thresholds, `lockstep.narratives.tagging.tag`). Then, many times over, a random
part of every group (`--fraction`, a stratified simple random sample) is "reviewed" — its labels revealed — and
the prevalence of every top-level narrative in every group is estimated for the documents *not* reviewed:

* raw: the detector's share (what `narratives prevalence` reports without reviews);
* adjusted classify-and-count: (raw - fpr) / (tpr - fpr), sensitivity and false-positive rate from the reviews;
* reviews only: the reviewed share, ignoring the detector;
* difference (PPI): the detector's share plus the mean of (review - detector) on the reviewed documents;
* tuned (PPI++, what `narratives prevalence --corrected` reports): the same with the detector weighted by the
  regression slope of review on detector (`lockstep.narratives.estimators`);
each interval estimator with its 95 % interval, the variance computed the Agresti-Min way (the library's) and the
plain way.

Figures: mean absolute error against the true share of the unreviewed documents, over every (draw, group,
narrative) where the narrative occurs in the data set (in truth or by the detector); the coverage of the 95 %
intervals; by language where the data has several. A second run reviews a fixed number of documents per group
(3 ... 40) to find how many reviews an interval needs to hold its coverage: the minimum `corrected.MIN_REVIEWS`.
One draw also goes through the whole library path (sample in the store, reviews imported from a CSV,
`corrected_prevalence`) and must give the same figures as the estimator on the same documents.

Data (none of it tuned anything the detector uses, except as said):
* hand: the hand-labelled paragraphs of eval/data/narratives without the 32 seed-page rows (the codebook's
  example claims were written from the seed pages); groups = their source (Russian state-media headlines,
  Chinese state-media headlines, Kremlin sentences: en; Channel One: ru; People's Daily: zh). The packaged
  thresholds were fitted on these labels, which flatters the raw share here (the comparison is conservative);
* euvsdisinfo: EUvsDisinfo case summaries (en) with weak labels from their keywords, groups = year;
* planted: real multi-paragraph articles (en/ru/zh, bench/_corpus.py) of 13 outlets, two in three with an
  EUvsDisinfo summary planted at a random position, labels = the summary's; groups = outlet.
Writes eval/results/prevalence.json; --check compares with eval/floors.json ("prevalence").
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from floors import below_floors, finish, section_floors

import lockstep
from lockstep.enrich.embeddings import EmbeddingOptions
from lockstep.narratives import corrected, estimators, review, sampling, tables
from lockstep.narratives.prevalence import HitQuery, document_narratives
from lockstep.narratives.tagging import TagOptions, tag
from lockstep.store.corpus import DocumentFilter
from lockstep.store.writer import insert_documents

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "eval" / "data" / "narratives"
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "eval" / "results" / "prevalence.json"
STORE = ROOT / "eval" / "results" / "prevalence.duckdb"
MAX_EUVS = 3000
PLANTED_DOCS = 900
SIZES = (3, 5, 10, 20, 40)
ESTIMATORS = ("raw", "adjusted", "reviews_only", "difference", "tuned")
INTERVALS = ("reviews_only", "difference", "tuned")
HAND_GROUPS = {"ru-state-media-headlines": "ru-state-headlines", "cn-state-media-headlines": "cn-state-headlines",
               "kremlin-sentences": "kremlin-sentences", "1tv-leads": "channel-one", "peoples-daily": "peoples-daily"}


# ---- data: documents with gold labels, into a tagged store ---------------------------------------------------


def document(dataset: str, key: str, text: str, actor: str, language: str, published: str, gold: set[str],
             title: str | None = None) -> dict:
    doc_id = f"{dataset}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"
    return {"id": doc_id, "title": title or "", "text": text, "outlet": actor, "actor": actor, "published": published,
            "language": language, "duplicate_of": None, "cluster_id": doc_id, "source": f"eval:{dataset}",
            "source_position": key, "text_hash": hashlib.sha1(text.encode()).hexdigest(), "gold": sorted(gold),
            "dataset": dataset}


def hand_documents() -> list[dict]:
    paragraphs = pd.read_csv(DATA / "paragraphs.csv")
    labels = pd.read_csv(DATA / "labels.csv", keep_default_na=False)
    frame = paragraphs.merge(labels, on="id", validate="one_to_one")
    frame = frame[frame["source"].isin(HAND_GROUPS)]
    return [document("hand", row.id, row.text, HAND_GROUPS[row.source], row.language, str(row.date),
                     set(filter(None, row.labels.split(";")))) for row in frame.itertuples()]


def euvs_cases() -> list[dict]:
    """EUvsDisinfo case summaries with at least one keyword mapped to the codebook (as in eval/narratives.py)."""
    mapping = yaml.safe_load((DATA / "euvsdisinfo_map.yaml").read_text(encoding="utf-8"))
    with (CORPUS / "euvsdisinfo-cases" / "posts.csv").open(encoding="utf-8") as fh:
        posts = list(csv.DictReader(fh))
    cases = []
    for post in posts:
        keys = {k.strip() for k in post["keywords"].split("+") if k.strip()}
        gold: set[str] = set()
        for rule in mapping["rules"]:
            if keys & set(rule["keywords"]) and (not rule.get("requires_any") or keys & set(rule["requires_any"])):
                gold.update(rule["narratives"])
        if gold and len(post["title"]) >= 15:
            cases.append({"id": post["id"], "text": post["title"], "date": post["date"], "gold": gold})
    return random.Random(7).sample(cases, min(MAX_EUVS, len(cases)))


def euvs_documents(cases: list[dict]) -> list[dict]:
    return [document("euvsdisinfo", c["id"], c["text"], "EUvsDisinfo", "en", c["date"], c["gold"]) for c in cases]


def planted_documents(cases: list[dict]) -> list[dict]:
    sys.path.insert(0, str(ROOT / "bench"))
    from _corpus import articles

    rng, docs = random.Random(13), []
    for k, article in zip(range(PLANTED_DOCS), articles(seed=13, dup_rate=0.0, near_rate=0.0)):
        paragraphs, gold = list(article.paragraphs), set()
        if rng.random() < 2 / 3:
            case = rng.choice(cases)
            paragraphs.insert(rng.randint(0, len(paragraphs)), case["text"])
            gold = set(case["gold"])
        docs.append(document("planted", f"{k}", "\n\n".join(paragraphs), article.outlet, article.language,
                             article.date, gold, title=article.title))
    return docs


def tagged_store(path: Path, docs: list[dict], workers: int) -> lockstep.Corpus:
    """The store holding `docs`, tagged by the zero-shot detector (embeddings are cached in the store)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    corpus = lockstep.open(path)
    insert_documents(corpus.con, [{k: v for k, v in d.items() if k not in ("gold", "dataset")} for d in docs])
    tag(corpus, TagOptions(detector="zero-shot", embedding=EmbeddingOptions(workers=workers, progress=True)))
    return corpus


# ---- the labelled frame of one data set ------------------------------------------------------------------------


@dataclass(slots=True)
class Labelled:
    """Documents of one data set: group, language, detector flags and gold labels (documents x narratives)."""

    name: str
    doc_ids: list[str]
    groups: np.ndarray
    languages: np.ndarray
    narratives: list[str]
    flags: np.ndarray
    gold: np.ndarray

    def rows(self, mask: np.ndarray, name: str) -> "Labelled":
        return Labelled(name, [d for d, m in zip(self.doc_ids, mask) if m], self.groups[mask], self.languages[mask],
                        self.narratives, self.flags[mask], self.gold[mask])


def labelled(corpus: lockstep.Corpus, docs: list[dict], dataset: str, group_by: str) -> Labelled:
    """Top-level narratives: a document's gold label counts for its top-level narrative; the detector's flags are
    its document-level tags (a paragraph above threshold)."""
    version = tables.latest_version_read(corpus.con)
    rows = tables.codebook_rows(corpus.con, version)
    parents = {nid: parent for nid, _t, parent, _l, _s in rows}
    narratives = sorted(nid for nid, _t, parent, _l, _s in rows if parent is None)
    column = {n: i for i, n in enumerate(narratives)}
    mine = [d for d in docs if d["dataset"] == dataset]
    gold = np.zeros((len(mine), len(narratives)), dtype=bool)
    for row, d in enumerate(mine):
        for label in d["gold"]:
            gold[row, column[([label, *corrected.ancestors(parents, label)])[-1]]] = True
    flags = np.zeros_like(gold)
    position = {d["id"]: i for i, d in enumerate(mine)}
    tags = document_narratives(corpus, HitQuery(level=1, reprints="all"))
    for doc_id, narrative in zip(tags["doc_id"], tags["narrative"]):
        if doc_id in position and narrative in column:
            flags[position[doc_id], column[narrative]] = True
    groups = np.array([f"{d['actor']}|{d['language']}" if group_by == "actor" else d["published"][:4] for d in mine])
    return Labelled(dataset, [d["id"] for d in mine], groups, np.array([d["language"] for d in mine]), narratives,
                    flags, gold)


# ---- simulated reviews ---------------------------------------------------------------------------------------


def review_mask(data: Labelled, rng: np.random.Generator, *, fraction: float | None = None,
                size: int | None = None) -> np.ndarray:
    """A stratified simple random sample: in each group `size` documents, or round(fraction x group size) (at
    least 2), never the whole group (the rest is what is scored)."""
    mask = np.zeros(len(data.groups), dtype=bool)
    for group in np.unique(data.groups):
        members = np.flatnonzero(data.groups == group)
        k = size if size is not None else max(2, round(fraction * len(members)))
        k = min(k, len(members) - 1)
        mask[rng.choice(members, size=k, replace=False)] = True
    return mask


def group_cells(data: Labelled, mask: np.ndarray) -> dict[str, list[estimators.Cell]]:
    """Per group, one Cell per narrative (column order)."""
    out = {}
    for group in np.unique(data.groups):
        g = data.groups == group
        s = g & mask
        f, y = data.flags, data.gold
        flagged, rf = f[g].sum(0), f[s].sum(0)
        carrying, both = y[s].sum(0), (f[s] & y[s]).sum(0)
        out[group] = [estimators.Cell(units=int(g.sum()), flagged=int(flagged[j]), reviewed=int(s.sum()),
                                      reviewed_flagged=int(rf[j]), reviewed_carrying=int(carrying[j]),
                                      reviewed_both=int(both[j])) for j in range(len(data.narratives))]
    return out


def to_rest(value: float, cell: estimators.Cell) -> float:
    """A whole-group share turned into the share of its unreviewed documents (reviewed ones are known)."""
    return estimators.clip((cell.units * value - cell.reviewed_carrying) / (cell.units - cell.reviewed))


def one_draw(data: Labelled, mask: np.ndarray, present: np.ndarray) -> list[dict]:
    """Every (group, present narrative) of one draw: the truth on the unreviewed documents and each estimate."""
    cells = group_cells(data, mask)
    by_narrative = [[cells[g][j] for g in cells] for j in range(len(data.narratives))]
    rates = [estimators.detector_rates(c) for c in by_narrative]
    powers = [estimators.tuned_power(c) for c in by_narrative]
    out = []
    for group, row in cells.items():
        g = data.groups == group
        rest = g & ~mask
        truth, raw = data.gold[rest].mean(0), data.flags[rest].mean(0)
        language = data.languages[g][0]
        for j in np.flatnonzero(present):
            cell = row[j]
            record = {"group": group, "language": language, "narrative": data.narratives[j], "truth": truth[j],
                      "raw": raw[j], "adjusted": estimators.adjusted_count(raw[j], rates[j]), "power": powers[j],
                      "reviewed": cell.reviewed}
            for name, power in (("reviews_only", 0.0), ("difference", 1.0), ("tuned", powers[j])):
                for variance in estimators.VARIANCES:
                    est = estimators.difference_estimate([cell], power=power, variance=variance)
                    record[name] = to_rest(est.share, cell)
                    record[f"{name}.low.{variance}"] = to_rest(est.low, cell)
                    record[f"{name}.high.{variance}"] = to_rest(est.high, cell)
            out.append(record)
    return out


def simulate(data: Labelled, draws: int, seed: int, **size) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    present = data.gold.any(0) | data.flags.any(0)
    rows = []
    for draw in range(draws):
        rows += [{**r, "draw": draw} for r in one_draw(data, review_mask(data, rng, **size), present)]
    return pd.DataFrame(rows)


def figures(frame: pd.DataFrame) -> dict:
    """Mean absolute error of each estimator, and the coverage and mean width of the 95 % intervals."""
    out: dict = {"n": int(len(frame)), "pairs": int(frame.groupby(["group", "narrative"]).ngroups),
                 "true_share": round(float(frame["truth"].mean()), 4)}
    for name in ESTIMATORS:
        mae = float((frame[name] - frame["truth"]).abs().mean())
        out[name] = {"mae": round(mae, 4), "closeness": round(1 - mae, 4)}
    raw_mae = out["raw"]["mae"]
    for name in ESTIMATORS:
        out[name]["mae_reduction"] = round(1 - out[name]["mae"] / raw_mae, 4) if raw_mae else 0.0
    out["raw"]["coverage"] = round(float((frame["raw"] - frame["truth"]).abs().lt(1e-12).mean()), 4)
    for name in INTERVALS:
        for variance in estimators.VARIANCES:
            low, high = frame[f"{name}.low.{variance}"], frame[f"{name}.high.{variance}"]
            inside = (low <= frame["truth"] + 1e-12) & (frame["truth"] <= high + 1e-12)
            out[name][f"coverage.{variance}"] = round(float(inside.mean()), 4)
            out[name][f"width.{variance}"] = round(float((high - low).mean()), 4)
        out[name]["coverage"] = out[name]["coverage.agresti-min"]
    return out


def by_language(frame: pd.DataFrame) -> dict:
    return {str(lang): figures(part) for lang, part in frame.groupby("language")}


def smallest_useful(sizes: dict[str, dict[int, dict]], helped: list[str]) -> int | None:
    """The fewest reviews per group from which the tuned estimate is closer to the truth than the raw share on
    every data set where the correction helps at all."""
    for size in SIZES:
        if helped and all(sizes[name][size]["tuned"]["mae"] < sizes[name][size]["raw"]["mae"] for name in helped):
            return size
    return None


# ---- the library path, once: sample in the store, reviews from a CSV, corrected_prevalence -------------------


def end_to_end(corpus: lockstep.Corpus, data: Labelled, docs: list[dict], period: str, fraction: float) -> float:
    """Draw a stratified sample with the library, fill the reviewer file with the gold labels, import it, and
    compare `corrected_prevalence` with the estimator on the same documents: the largest difference in share,
    ci_low or ci_high (0 when the store path and the arithmetic agree)."""
    actors = sorted({d["actor"] for d in docs if d["dataset"] == data.name})
    filters = DocumentFilter(actor=actors)
    sample = sampling.draw_sample(corpus, sampling.SampleOptions(filters=filters, per_stratum=2, fraction=fraction,
                                                                 seed=11, period=None if period == "all" else period))
    gold = {d["id"]: ";".join(d["gold"]) for d in docs}
    frame = sampling.review_file_frame(sampling.sample_documents(corpus.con, sample.sample_id))
    frame["labels"], frame["reviewed"] = [gold[d] for d in frame["doc_id"]], "x"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reviews.csv"
        frame.to_csv(path, index=False)
        review.import_reviews(corpus, path, coder="eval")
    table = corrected.corrected_prevalence(corpus, corrected.CorrectedQuery(
        hits=HitQuery(filters=filters, level=1, period=period), sample_id=sample.sample_id, min_reviews=1,
        by_language=True))
    mask = np.isin(data.doc_ids, sample.members["doc_id"].to_numpy())
    cells = group_cells(data, mask)
    column = {n: j for j, n in enumerate(data.narratives)}
    powers = {n: estimators.tuned_power([cells[g][j] for g in cells]) for n, j in column.items()}
    worst = 0.0
    for row in table.itertuples():
        group = row.period[:4] if period != "all" else f"{row.actor}|{row.language}"
        est = estimators.difference_estimate([cells[group][column[row.narrative]]], power=powers[row.narrative])
        for mine, theirs in ((est.share, row.share), (est.low, row.ci_low), (est.high, row.ci_high)):
            worst = max(worst, abs(round(mine, 4) - theirs))
    return worst


# ---- run ------------------------------------------------------------------------------------------------------

DATASETS = (("hand", "actor", "all"), ("euvsdisinfo", "year", "year"), ("planted", "actor", "all"))


def run(draws: int, fraction: float, workers: int) -> dict:
    started = time.perf_counter()
    cases = euvs_cases()
    docs = hand_documents() + euvs_documents(cases) + planted_documents(cases)
    corpus = tagged_store(STORE, docs, workers)
    results: dict = {"draws": draws, "fraction": fraction, "min_reviews": corrected.MIN_REVIEWS, "data": {},
                     "sizes": {}, "end_to_end": {}}
    for name, group_by, period in DATASETS:
        data = labelled(corpus, docs, name, group_by)
        frame = simulate(data, draws, seed=1, fraction=fraction)
        results["data"][name] = {**figures(frame), "documents": len(data.doc_ids),
                                 "groups": int(len(np.unique(data.groups))), "by_language": by_language(frame)}
        results["sizes"][name] = {size: figures(simulate(data, max(20, draws // 5), seed=2, size=size))
                                  for size in SIZES}
        results["end_to_end"][name] = end_to_end(corpus, data, docs, period, fraction)
    corpus.close()
    helped = [n for n in results["data"] if results["data"][n]["tuned"]["mae"] < results["data"][n]["raw"]["mae"]]
    results["min_reviews_measured"] = smallest_useful(results["sizes"], helped)
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def headline(results: dict) -> dict[str, float]:
    """The figures printed and pinned by floors (closeness = 1 - mean absolute error: higher is better)."""
    out: dict[str, float] = {}
    for name, block in results["data"].items():
        for estimator in ESTIMATORS:
            out[f"{name}.{estimator}.closeness"] = block[estimator]["closeness"]
        for estimator in ("raw", *INTERVALS):
            out[f"{name}.{estimator}.coverage"] = block[estimator]["coverage"]
        if len(block["by_language"]) > 1:
            for lang, part in block["by_language"].items():
                for estimator in ("raw", "tuned"):
                    out[f"{name}.{lang}.{estimator}.closeness"] = part[estimator]["closeness"]
                    out[f"{name}.{lang}.{estimator}.coverage"] = part[estimator]["coverage"]
    return out


def print_tables(results: dict) -> None:
    rows = []
    for name, block in results["data"].items():
        for lang, part in [("all", block), *block["by_language"].items()] if len(block["by_language"]) > 1 \
                else [("all", block)]:
            rows.append({"data": name, "lang": lang, "pairs": part["pairs"], "true share": part["true_share"],
                         **{f"MAE {e}": part[e]["mae"] for e in ESTIMATORS},
                         **{f"cover {e}": part[e]["coverage"] for e in INTERVALS},
                         "cover tuned plain": part["tuned"]["coverage.plain"],
                         "width tuned": part["tuned"]["width.agresti-min"]})
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(f"estimates on the unreviewed {1 - results['fraction']:.0%}, {results['draws']} review draws:")
        print(pd.DataFrame(rows).to_string(index=False))
        sizes = [{"data": name, "reviews per group": size, **{f"MAE {e}": b[e]["mae"] for e in ESTIMATORS},
                  "cover tuned": b["tuned"]["coverage"], "cover tuned plain": b["tuned"]["coverage.plain"],
                  "width tuned": b["tuned"]["width.agresti-min"]}
                 for name, by_size in results["sizes"].items() for size, b in by_size.items()]
        print("\nfixed reviews per group:")
        print(pd.DataFrame(sizes).to_string(index=False))
    print(f"\nminimum reviews per stratum: measured {results['min_reviews_measured']}, "
          f"used by the library {results['min_reviews']}")
    print("library path vs estimator (largest difference):", results["end_to_end"])


def checks(results: dict) -> list[str]:
    """Failures beyond the floors: every floor must sit above the raw share's figure (the trivial predictor) in
    this run, the library path must agree with the arithmetic, and the library's minimum must be the measured one."""
    figures_now = results["headline"]
    out = [f"prevalence floor {key} {floor} is not above the raw share's {figures_now.get(trivial)}"
           for key, floor in section_floors("prevalence").items()
           for trivial in [".".join("raw" if part in ESTIMATORS else part for part in key.split("."))]
           if floor <= figures_now.get(trivial, 1.0)]
    out += [f"prevalence end_to_end.{name} {value} != 0" for name, value in results["end_to_end"].items() if value > 1e-4]
    if results["min_reviews_measured"] != results["min_reviews"]:
        out.append(f"prevalence min_reviews: measured {results['min_reviews_measured']}, the library uses "
                   f"{results['min_reviews']} (lockstep.narratives.corrected.MIN_REVIEWS)")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a figure drops below its floor")
    parser.add_argument("--draws", type=int, default=200, help="random review draws per data set")
    parser.add_argument("--fraction", type=float, default=0.3, help="share of each group reviewed")
    parser.add_argument("--workers", type=int, default=2, help="embedding processes (first run only)")
    args = parser.parse_args()
    results = run(args.draws, args.fraction, args.workers)
    results["headline"] = headline(results)
    print_tables(results)
    failures = below_floors("prevalence", results["headline"]) + checks(results) if args.check else []
    code = finish("prevalence", results["headline"], RESULTS, failures)
    RESULTS.write_text(json.dumps(results, indent=1, default=str))
    return code


if __name__ == "__main__":
    sys.exit(main())
