"""Prevalence corrected for detector error, against known answers.

    python eval/prevalence.py [--check] [--draws 200] [--fraction 0.3] [--propose-floors | --write-floors]

Labelled documents go into a store and are tagged by the shipped zero-shot detector exactly as a user's corpus
would be (packaged codebook and thresholds, `lockstep.narratives.tagging.tag`). Then, many times over, a random
part of every group (`--fraction`, a stratified simple random sample) is "reviewed" — its labels revealed — and
the prevalence of every top-level narrative in every group is estimated for the documents *not* reviewed:

* raw: the detector's share (what `narratives prevalence` reports without reviews);
* adjusted classify-and-count: (raw - fpr) / (tpr - fpr), sensitivity and false-positive rate from the reviews;
* reviews only: the reviewed share, ignoring the detector — the strong baseline: what a researcher gets from the
  same reviews without any detector;
* difference (PPI): the detector's share plus the mean of (review - detector) on the reviewed documents;
* tuned (PPI++): the same with the detector weighted by the regression slope of review on detector
  (`lockstep.narratives.estimators`);
each interval estimator with its 95 % interval, the variance computed the Agresti-Min way and the plain way; and
"nothing": the interval [0, 1], which covers every truth and says nothing.

Every data set has a tuning part and a test part (the narrative evaluation's, eval/narratives_data.py). On the
tuning parts the script *chooses*: the estimator (lowest mean absolute error averaged over the three tuning
parts), the variance (the narrower of those whose intervals cover the truth at least COVERAGE_NEEDED of the time on
every tuning part) and the minimum of reviews per stratum (a second run reviews a fixed number of documents per
group, 3 ... 40: the fewest from which the chosen estimator is closer to the truth than the raw share on every
tuning part where it helps at all). --check fails when these are not the library's defaults
(`lockstep.narratives.corrected.CorrectedQuery`, `MIN_REVIEWS`). Figures are reported on the test parts:

* mean absolute error against the true share of the unreviewed documents, over every (draw, group, narrative) where
  the narrative occurs in the part (in truth or by the detector), as closeness = 1 - error;
* the coverage of the 95 % intervals and their mean width, as sharpness = 1 - width ([0, 1] scores 0): a coverage
  floor alone would be met by [0, 1], so every coverage floor has a sharpness floor beside it;
* by language where the data has several; each with a 90 % bootstrap interval over the (group, narrative) pairs.

One draw also goes through the whole library path (sample in the store, reviews imported from a CSV,
`corrected_prevalence`) and must give the same figures as the estimator on the same documents.

Data (the detector's thresholds were fitted on the hand set's tuning part only; nothing else here informed the
detector):
* hand: the hand-labelled paragraphs of eval/data/narratives without the 32 seed-page rows; tuning part the first
  sample (320), test part the fresh batch (650); groups = their source (Russian state-media headlines, Chinese
  state-media headlines, Kremlin sentences: en; Channel One: ru; People's Daily: zh). The packaged thresholds were
  fitted on the tuning part, which flatters the raw share there;
* euvsdisinfo: EUvsDisinfo case summaries (en) with weak labels from their keywords, deduplicated, groups = year;
* planted: real multi-paragraph articles (en/ru/zh, bench/_corpus.py) of 13 outlets, two in three with an
  EUvsDisinfo summary planted at a random position, labels = the summary's; groups = article language (the test
  part's 300 documents give an outlet 15-35 documents, too few reviews at 30 % for the library to correct).
Writes eval/results/prevalence.json; --check compares with eval/floors.json ("prevalence").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import lockstep
from lockstep.enrich.embeddings import EmbeddingOptions
from lockstep.narratives import corrected, estimators, review, sampling, tables
from lockstep.narratives.prevalence import HitQuery, document_narratives
from lockstep.narratives.tagging import TagOptions, tag
from lockstep.store.corpus import DocumentFilter
from lockstep.store.writer import insert_documents

from floor_setting import propose, round_down, write_section
from floors import below_floors, finish
from narratives_data import euvsdisinfo_set, hand_set, planted_set

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results" / "prevalence.json"
STORE = ROOT / "eval" / "results" / "prevalence.duckdb"
SIZES = (3, 5, 10, 20, 40)
ESTIMATORS = ("raw", "adjusted", "reviews_only", "difference", "tuned")
INTERVALS = ("reviews_only", "difference", "tuned")
LIBRARY_NAMES = {"reviews_only": "reviews", "difference": "difference", "tuned": "tuned"}
COVERAGE_NEEDED = 0.93      # 95 % intervals, less what 200 draws of a few dozen groups can miss by chance
COVERAGE_FLOOR = 0.9        # the most a coverage floor asks (a validity check, not a contest)
WIDTH_SLACK = 0.01          # validity: the chosen interval may be at most this much wider than the reviews-only one
RESAMPLES = 1000
HAND_GROUPS = {"ru-state-media-headlines": "ru-state-headlines", "cn-state-media-headlines": "cn-state-headlines",
               "kremlin-sentences": "kremlin-sentences", "1tv-leads": "channel-one", "peoples-daily": "peoples-daily"}
DATASETS = (("hand", "actor", "all"), ("euvsdisinfo", "year", "year"), ("planted", "language", "all"))
PARTS = ("tune", "test")


# ---- data: documents with gold labels, into a tagged store ---------------------------------------------------


def document(dataset: str, key: str, text: str, actor: str, language: str, published: str, gold: set[str],
             part: str, title: str | None = None) -> dict:
    doc_id = f"{dataset}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"
    return {"id": doc_id, "title": title or "", "text": text, "outlet": actor, "actor": actor, "published": published,
            "language": language, "duplicate_of": None, "cluster_id": doc_id, "source": f"eval:{dataset}",
            "source_position": key, "text_hash": hashlib.sha1(text.encode()).hexdigest(), "gold": sorted(gold),
            "dataset": dataset, "part": part}


def hand_documents(hand: pd.DataFrame) -> list[dict]:
    rows = hand[hand["part"].isin(PARTS)]
    return [document("hand", row.id, row.text, HAND_GROUPS[row.source], row.language, str(row.date), row.gold,
                     row.part) for row in rows.itertuples()]


def euvs_documents(euvs: pd.DataFrame) -> list[dict]:
    return [document("euvsdisinfo", row.id, row.text, "EUvsDisinfo", "en", row.date, row.gold, row.part)
            for row in euvs.itertuples()]


def planted_documents(planted: pd.DataFrame) -> list[dict]:
    docs = []
    for row in planted.itertuples():
        text = "\n\n".join(row.paragraphs)
        docs.append(document("planted", f"{row.key}|{hashlib.sha1(text.encode()).hexdigest()}", text, row.outlet,
                             row.language, row.date, row.gold, row.part, title=row.title))
    return docs


def tagged_store(path: Path, docs: list[dict], workers: int) -> lockstep.Corpus:
    """The store holding exactly `docs`, tagged by the zero-shot detector (embeddings are cached in the store; a
    store holding other documents is rebuilt)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        corpus = lockstep.open(path)
        held = {row[0] for row in corpus.con.execute("SELECT id FROM documents").fetchall()}
        corpus.close()
        if held != {d["id"] for d in docs}:
            path.unlink()
            Path(f"{path}.wal").unlink(missing_ok=True)
    corpus = lockstep.open(path)
    insert_documents(corpus.con, [{k: v for k, v in d.items() if k not in ("gold", "dataset", "part")} for d in docs])
    tag(corpus, TagOptions(detector="zero-shot", embedding=EmbeddingOptions(workers=workers, progress=True)))
    return corpus


# ---- the labelled frame of one data set ------------------------------------------------------------------------


@dataclass(slots=True)
class Labelled:
    """Documents of one data set: group, language, part, detector flags and gold labels (documents x narratives)."""

    name: str
    doc_ids: list[str]
    groups: np.ndarray
    languages: np.ndarray
    parts: np.ndarray
    narratives: list[str]
    flags: np.ndarray
    gold: np.ndarray

    def rows(self, mask: np.ndarray, name: str) -> "Labelled":
        return Labelled(name, [d for d, m in zip(self.doc_ids, mask) if m], self.groups[mask], self.languages[mask],
                        self.parts[mask], self.narratives, self.flags[mask], self.gold[mask])


def group_of(doc: dict, group_by: str) -> str:
    if group_by == "actor":
        return f"{doc['actor']}|{doc['language']}"
    return doc["published"][:4] if group_by == "year" else doc["language"]


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
    return Labelled(dataset, [d["id"] for d in mine], np.array([group_of(d, group_by) for d in mine]),
                    np.array([d["language"] for d in mine]), np.array([d["part"] for d in mine]), narratives, flags,
                    gold)


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


# ---- figures -----------------------------------------------------------------------------------------------------


def pair_table(frame: pd.DataFrame, variance: str) -> pd.DataFrame:
    """Per (group, narrative), averaged over draws: each estimator's absolute error, and each interval's coverage
    and width (the chosen variance)."""
    cols = {}
    for name in ESTIMATORS:
        cols[f"{name}.error"] = (frame[name] - frame["truth"]).abs()
    for name in INTERVALS:
        low, high = frame[f"{name}.low.{variance}"], frame[f"{name}.high.{variance}"]
        cols[f"{name}.inside"] = ((low <= frame["truth"] + 1e-12) & (frame["truth"] <= high + 1e-12)).astype(float)
        cols[f"{name}.width"] = high - low
    table = pd.DataFrame(cols)
    table["group"], table["narrative"] = frame["group"], frame["narrative"]
    return table.groupby(["group", "narrative"]).mean()


def pair_intervals(pairs: pd.DataFrame, key: str) -> dict[str, dict]:
    """90 % bootstrap intervals over (group, narrative) pairs, the same resamples for every estimator, of
    closeness, coverage and sharpness; and of how much closer than the reviews alone each estimator is."""
    rng = np.random.default_rng(zlib.crc32(key.encode("utf-8")))
    n = len(pairs)
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=RESAMPLES) / n
    draws = {f"{name}.closeness": 1 - weights @ pairs[f"{name}.error"].to_numpy() for name in ESTIMATORS}
    for name in INTERVALS:
        draws[f"{name}.coverage"] = weights @ pairs[f"{name}.inside"].to_numpy()
        draws[f"{name}.sharpness"] = 1 - weights @ pairs[f"{name}.width"].to_numpy()
    for name in ("difference", "tuned"):
        draws[f"{name}.gain_over_reviews"] = draws[f"{name}.closeness"] - draws["reviews_only.closeness"]
    return {k: {"low": round(float(np.percentile(d, 5)), 4), "high": round(float(np.percentile(d, 95)), 4)}
            for k, d in draws.items()}


def figures(frame: pd.DataFrame, variance: str, key: str) -> dict:
    """Mean absolute error (and closeness) of each estimator; coverage, mean width and sharpness of the 95 %
    intervals (both variances); the [0, 1] interval as `nothing`; 90 % bootstrap intervals over the pairs."""
    out: dict = {"n": int(len(frame)), "pairs": int(frame.groupby(["group", "narrative"]).ngroups),
                 "true_share": round(float(frame["truth"].mean()), 4),
                 "reviews_per_group": round(float(frame.groupby(["draw", "group"])["reviewed"].first().mean()), 1)}
    for name in ESTIMATORS:
        mae = float((frame[name] - frame["truth"]).abs().mean())
        out[name] = {"mae": round(mae, 4), "closeness": round(1 - mae, 4)}
    raw_mae = out["raw"]["mae"]
    for name in ESTIMATORS:
        out[name]["mae_reduction"] = round(1 - out[name]["mae"] / raw_mae, 4) if raw_mae else 0.0
    for name in INTERVALS:
        for v in estimators.VARIANCES:
            low, high = frame[f"{name}.low.{v}"], frame[f"{name}.high.{v}"]
            inside = (low <= frame["truth"] + 1e-12) & (frame["truth"] <= high + 1e-12)
            out[name][f"coverage.{v}"] = round(float(inside.mean()), 4)
            out[name][f"width.{v}"] = round(float((high - low).mean()), 4)
        out[name]["coverage"] = out[name][f"coverage.{variance}"]
        out[name]["width"] = out[name][f"width.{variance}"]
        out[name]["sharpness"] = round(1 - out[name]["width"], 4)
    out["nothing"] = {"coverage": 1.0, "width": 1.0, "sharpness": 0.0}
    out["intervals"] = pair_intervals(pair_table(frame, variance), key)
    return out


def by_language(frame: pd.DataFrame, variance: str, key: str) -> dict:
    return {str(lang): figures(part, variance, f"{key}|{lang}") for lang, part in frame.groupby("language")}


# ---- choices made on the tuning parts ----------------------------------------------------------------------------


def choose_estimator(tuning: dict[str, dict]) -> str:
    """The interval estimator with the lowest mean absolute error averaged over the tuning parts."""
    return min(INTERVALS, key=lambda name: np.mean([block[name]["mae"] for block in tuning.values()]))


def choose_variance(tuning: dict[str, dict], estimator: str) -> str:
    """The narrower (mean width over the tuning parts) of the variances whose intervals cover at least
    COVERAGE_NEEDED on every tuning part; the best-covering one when none does."""
    valid = [v for v in estimators.VARIANCES
             if all(block[estimator][f"coverage.{v}"] >= COVERAGE_NEEDED for block in tuning.values())]
    if not valid:
        return max(estimators.VARIANCES,
                   key=lambda v: min(block[estimator][f"coverage.{v}"] for block in tuning.values()))
    return min(valid, key=lambda v: np.mean([block[estimator][f"width.{v}"] for block in tuning.values()]))


def smallest_useful(sizes: dict[str, dict[int, dict]], helped: list[str], estimator: str) -> int | None:
    """The fewest reviews per group from which the estimator is closer to the truth than the raw share on every
    tuning part where it helps at all."""
    for size in SIZES:
        if helped and all(sizes[name][size][estimator]["mae"] < sizes[name][size]["raw"]["mae"] for name in helped):
            return size
    return None


def choices(results: dict) -> dict:
    tuning = results["tuning"]
    estimator = choose_estimator(tuning)
    variance = choose_variance(tuning, estimator)
    helped = [n for n, block in tuning.items() if block[estimator]["mae"] < block["raw"]["mae"]]
    query = corrected.CorrectedQuery()
    return {"estimator": estimator, "variance": variance,
            "min_reviews": smallest_useful(results["sizes"], helped, estimator), "helped_on": helped,
            "library": {"estimator": query.estimator, "variance": query.variance,
                        "min_reviews": corrected.MIN_REVIEWS},
            "rules": {"estimator": "lowest mean absolute error averaged over the tuning parts",
                      "variance": f"narrower of those covering >= {COVERAGE_NEEDED} on every tuning part",
                      "min_reviews": "fewest reviews per group closer than raw on every tuning part it helps"}}


# ---- the library path, once: sample in the store, reviews from a CSV, corrected_prevalence -------------------


def end_to_end(corpus: lockstep.Corpus, data: Labelled, docs: list[dict], period: str, fraction: float) -> float:
    """Draw a stratified sample with the library, fill the reviewer file with the gold labels, import it, and
    compare `corrected_prevalence` with the estimator on the same documents: the largest difference in share,
    ci_low or ci_high (0 when the store path and the arithmetic agree). Groups are the library's (actor x language,
    or year)."""
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
    library_groups = Labelled(data.name, data.doc_ids, np.array(
        [group_of(d, "year" if period != "all" else "actor") for d in docs if d["dataset"] == data.name]),
        data.languages, data.parts, data.narratives, data.flags, data.gold)
    mask = np.isin(data.doc_ids, sample.members["doc_id"].to_numpy())
    cells = group_cells(library_groups, mask)
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


def run(draws: int, fraction: float, workers: int) -> dict:
    started = time.perf_counter()
    hand, euvs = hand_set(), euvsdisinfo_set()
    docs = hand_documents(hand) + euvs_documents(euvs) + planted_documents(planted_set(euvs))
    corpus = tagged_store(STORE, docs, workers)
    results: dict = {"draws": draws, "fraction": fraction, "tuning": {}, "data": {}, "sizes": {}, "end_to_end": {}}
    frames = {}
    for name, group_by, period in DATASETS:
        data = labelled(corpus, docs, name, group_by)
        for part in PARTS:
            frames[name, part] = simulate(data.rows(data.parts == part, f"{name}.{part}"), draws, seed=1,
                                          fraction=fraction)
        tune = data.rows(data.parts == "tune", f"{name}.tune")
        results["sizes"][name] = {size: figures(simulate(tune, max(20, draws // 5), seed=2, size=size),
                                                "agresti-min", f"{name}|size{size}") for size in SIZES}
        results["end_to_end"][name] = end_to_end(corpus, data, docs, period, fraction)
        results["documents"] = {**results.get("documents", {}), name: {p: int((data.parts == p).sum()) for p in PARTS}}
    corpus.close()
    for name, _g, _p in DATASETS:
        results["tuning"][name] = figures(frames[name, "tune"], "agresti-min", f"{name}|tune")
    results["choice"] = choices(results)
    variance = results["choice"]["variance"]
    for name, _g, _p in DATASETS:
        frame = frames[name, "test"]
        results["data"][name] = {**figures(frame, variance, f"{name}|test"),
                                 "groups": int(frame["group"].nunique()),
                                 "by_language": by_language(frame, variance, f"{name}|test")}
    results["min_reviews"] = corrected.MIN_REVIEWS
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def headline(results: dict) -> dict[str, float]:
    """The test-part figures printed and pinned by floors (closeness = 1 - mean absolute error, sharpness = 1 - mean
    interval width: higher is better); `nothing` is the interval [0, 1]."""
    out: dict[str, float] = {}
    for name, block in results["data"].items():
        parts = [("", block)] + ([(f"{lang}.", part) for lang, part in block["by_language"].items()]
                                 if len(block["by_language"]) > 1 else [])
        for prefix, part in parts:
            for estimator in ESTIMATORS:
                out[f"{name}.{prefix}{estimator}.closeness"] = part[estimator]["closeness"]
            for estimator in (*INTERVALS, "nothing"):
                out[f"{name}.{prefix}{estimator}.coverage"] = part[estimator]["coverage"]
                out[f"{name}.{prefix}{estimator}.sharpness"] = part[estimator]["sharpness"]
    return out


def flat_intervals(results: dict) -> dict[str, dict]:
    out = {}
    for name, block in results["data"].items():
        parts = [("", block)] + [(f"{lang}.", part) for lang, part in block["by_language"].items()]
        for prefix, part in parts:
            for key, span in part["intervals"].items():
                out[f"{name}.{prefix}{key}"] = span
    return out


def floor_proposal(results: dict) -> dict:
    """Floors on the chosen estimator's closeness and sharpness (above raw, the reviews alone and [0, 1]: see
    eval/floor_setting.py), and a coverage floor (min(COVERAGE_FLOOR, the interval's lower end)) beside every
    sharpness floor."""
    figures_now, intervals = results["headline"], results["intervals"]
    chosen = results["choice"]["estimator"]
    candidates = [k for k in figures_now if k.endswith((f".{chosen}.closeness", f".{chosen}.sharpness"))]
    floors, skipped, basis = propose(figures_now, intervals, candidates)
    for key in [k for k in floors if k.endswith(".sharpness")]:
        coverage = key.replace(".sharpness", ".coverage")
        floors[coverage] = min(COVERAGE_FLOOR, round_down(intervals[coverage]["low"]))
        basis[coverage] = "validity: the interval holds the truth (with its sharpness floor beside it)"
    return {"floors": dict(sorted(floors.items())), "skipped": skipped, "basis": basis}


def span(interval: dict) -> str:
    return f"[{interval['low']:.3f}–{interval['high']:.3f}]"


def print_tables(results: dict) -> None:
    rows = []
    for part_name, blocks in (("tune", results["tuning"]), ("test", results["data"])):
        for name, block in blocks.items():
            langs = block.get("by_language", {})
            for lang, part in [("all", block), *langs.items()] if len(langs) > 1 else [("all", block)]:
                rows.append({"part": part_name, "data": name, "lang": lang, "pairs": part["pairs"],
                             "reviews/group": part["reviews_per_group"], "true share": part["true_share"],
                             **{f"MAE {e}": part[e]["mae"] for e in ESTIMATORS},
                             **{f"cover {e}": part[e]["coverage"] for e in INTERVALS},
                             **{f"width {e}": part[e]["width"] for e in INTERVALS}})
    with pd.option_context("display.width", 300, "display.max_columns", 40):
        print(f"estimates on the unreviewed {1 - results['fraction']:.0%}, {results['draws']} review draws "
              f"(variance: tune both shown by choice below, test {results['choice']['variance']}):")
        print(pd.DataFrame(rows).to_string(index=False))
        sizes = [{"data": name, "reviews per group": size, **{f"MAE {e}": b[e]["mae"] for e in ESTIMATORS},
                  "cover tuned": b["tuned"]["coverage"], "cover tuned plain": b["tuned"]["coverage.plain"],
                  "width tuned": b["tuned"]["width.agresti-min"]}
                 for name, by_size in results["sizes"].items() for size, b in by_size.items()]
        print("\nfixed reviews per group (tuning parts):")
        print(pd.DataFrame(sizes).to_string(index=False))
    print("\nchosen on the tuning parts:", {k: results["choice"][k] for k in ("estimator", "variance", "min_reviews",
                                                                            "helped_on")},
          "library:", results["choice"]["library"])
    print("test parts, 90 % bootstrap intervals over (group, narrative) pairs:")
    for key, value in results["headline"].items():
        if key in results["intervals"]:
            print(f"  {key:44s} {value:.4f} {span(results['intervals'][key])}")
    print("library path vs estimator (largest difference):", results["end_to_end"])


def print_floors(proposal: dict, results: dict) -> None:
    print(f"\nfloors from this run: {len(proposal['floors'])} set, {len(proposal['skipped'])} candidates without one")
    for key, floor in proposal["floors"].items():
        print(f"  {key:44s} {results['headline'][key]:.4f} floor {floor:.2f} ({proposal['basis'][key]})")
    for key, why in proposal["skipped"].items():
        print(f"  {key:44s} no floor: {why}")


def validity(results: dict) -> list[str]:
    """The chosen estimator's 95 % intervals on every test part and language: coverage at least COVERAGE_FLOOR, and
    (so that [0, 1], which covers everything, fails) a width ceiling: no wider than the reviews-only interval of the
    same run plus WIDTH_SLACK. A validity check, not a quality floor: nothing here is claimed to beat a baseline."""
    chosen, out = results["choice"]["estimator"], []
    for name, block in results["data"].items():
        for label, part in [(name, block), *((f"{name}.{lang}", b) for lang, b in block["by_language"].items())]:
            coverage, width = part[chosen]["coverage"], part[chosen]["width"]
            ceiling = round(part["reviews_only"]["width"] + WIDTH_SLACK, 4)
            if coverage < COVERAGE_FLOOR:
                out.append(f"prevalence {label}.{chosen}.coverage {coverage} < {COVERAGE_FLOOR}")
            if width > ceiling:
                out.append(f"prevalence {label}.{chosen}.width {width} > ceiling {ceiling} (reviews-only width + "
                           f"{WIDTH_SLACK})")
    return out


def checks(results: dict) -> list[str]:
    """Failures beyond the floors: the library path must agree with the arithmetic, the library's defaults must
    be what the tuning parts chose, and the intervals must be valid (`validity`)."""
    out = [f"prevalence end_to_end.{name} {value} != 0" for name, value in results["end_to_end"].items() if value > 1e-4]
    out += validity(results)
    choice, library = results["choice"], results["choice"]["library"]
    if LIBRARY_NAMES[choice["estimator"]] != library["estimator"]:
        out.append(f"prevalence: the tuning parts chose the estimator {choice['estimator']}, the library's default is "
                   f"{library['estimator']} (lockstep.narratives.corrected.CorrectedQuery.estimator)")
    if choice["variance"] != library["variance"]:
        out.append(f"prevalence: the tuning parts chose the {choice['variance']} variance, the library's default is "
                   f"{library['variance']} (CorrectedQuery.variance)")
    if choice["min_reviews"] != library["min_reviews"]:
        out.append(f"prevalence min_reviews: measured {choice['min_reviews']} on the tuning parts, the library uses "
                   f"{library['min_reviews']} (lockstep.narratives.corrected.MIN_REVIEWS)")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a figure drops below its floor")
    parser.add_argument("--draws", type=int, default=200, help="random review draws per data set and part")
    parser.add_argument("--fraction", type=float, default=0.3, help="share of each group reviewed")
    parser.add_argument("--workers", type=int, default=2, help="embedding processes (first run only)")
    parser.add_argument("--propose-floors", action="store_true", help="print the floors this run supports")
    parser.add_argument("--write-floors", action="store_true", help="write them to eval/floors.json (prevalence)")
    args = parser.parse_args()
    results = run(args.draws, args.fraction, args.workers)
    results["headline"] = headline(results)
    results["intervals"] = flat_intervals(results)
    results["floor_proposal"] = floor_proposal(results)
    print_tables(results)
    if args.propose_floors or args.write_floors:
        print_floors(results["floor_proposal"], results)
    if args.write_floors:
        write_section("prevalence", results["floor_proposal"]["floors"])
        print(f"wrote {len(results['floor_proposal']['floors'])} floors to eval/floors.json (prevalence)")
    failures = below_floors("prevalence", results["headline"]) + checks(results) if args.check else []
    code = finish("prevalence", results["headline"], RESULTS, failures)
    RESULTS.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
