"""The labelled data of the narrative evaluation, each with a tuning part and a test part.

* hand: paragraphs from ../shared/corpus labelled by hand (eval/data/narratives/GUIDE.md), parts in
  eval/data/narratives/parts.csv: `tune` (fitted on: the 320 first-sample rows, every one of which was looked at
  while the detector and the codebook were configured), `test` (scored: the fresh batch of 650 rows in
  eval/data/narratives/fresh/, labelled and committed before any detector ran on it), `codebook-source` (the 32
  seed-page paragraphs the default codebook's claims were written from: neither);
* euvsdisinfo: EUvsDisinfo case summaries (English) with weak labels from their keywords
  (eval/data/narratives/euvsdisinfo_map.yaml). Titles that are the same once normalised (lockstep's dedup text
  hash) are one case; of a fixed random sample, the first EUVS_TUNE cases tune and the rest test, except that
  near copies (word-set Jaccard >= NEAR) are kept on one side: a group of near copies goes where its first
  member is;
* planted: documents of real news paragraphs with one EUvsDisinfo summary planted in two of three (see
  `planted_set`); the first PLANTED_TUNE documents tune, the rest test, tuning documents drawing their case from
  the tuning cases and test documents from the test cases.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import sparse

from lockstep.dedup.fingerprint import normalise_text, text_hash
from lockstep.narratives.detect import Detector

from embedding_cache import embed
from narratives_fit import Labelled
from narratives_metrics import gold_matrix

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "eval" / "data" / "narratives"
CORPUS = ROOT.parent / "shared" / "corpus"
MODEL = "use-multilingual-v3"
MAX_EUVS = 3000
EUVS_TUNE = 2000
PLANTED_DOCS = 900
PLANTED_TUNE = 600
NEAR = 0.7             # word-set Jaccard from which two case titles are near copies (kept on one side)


def hand_set() -> pd.DataFrame:
    """Every hand-labelled paragraph (first sample and fresh batch) with its gold label set and its part."""
    paragraphs = pd.concat([pd.read_csv(DATA / "paragraphs.csv").assign(batch="first"),
                            pd.read_csv(DATA / "fresh" / "paragraphs.csv").assign(batch="fresh")], ignore_index=True)
    labels = pd.concat([pd.read_csv(DATA / "labels.csv", keep_default_na=False),
                        pd.read_csv(DATA / "fresh" / "labels.csv", keep_default_na=False)], ignore_index=True)
    parts = pd.read_csv(DATA / "parts.csv")
    frame = paragraphs.merge(labels, on="id", validate="one_to_one").merge(parts, on="id", validate="one_to_one")
    frame["gold"] = [set(filter(None, s.split(";"))) for s in frame["labels"]]
    return frame


def euvs_candidates() -> pd.DataFrame:
    """EUvsDisinfo cases whose keywords map to the codebook, one per normalised title (the earliest record)."""
    mapping = yaml.safe_load((DATA / "euvsdisinfo_map.yaml").read_text(encoding="utf-8"))
    posts = pd.read_csv(CORPUS / "euvsdisinfo-cases" / "posts.csv", keep_default_na=False)
    rows = []
    for case_id, date, title, keywords in zip(posts["id"], posts["date"], posts["title"], posts["keywords"]):
        keys = {k.strip() for k in keywords.split("+") if k.strip()}
        gold = set()
        for rule in mapping["rules"]:
            if keys & set(rule["keywords"]) and (not rule.get("requires_any") or keys & set(rule["requires_any"])):
                gold.update(rule["narratives"])
        if gold and len(title) >= 15:
            rows.append({"id": str(case_id), "date": str(date), "text": title, "language": "en", "gold": gold,
                         "title_hash": text_hash(title)})
    frame = pd.DataFrame(rows)
    frame.attrs["records"] = len(frame)
    return frame.drop_duplicates("title_hash").reset_index(drop=True)


def near_copy_groups(texts: list[str], threshold: float = NEAR) -> np.ndarray:
    """A group number per text: texts whose normalised word sets have Jaccard >= threshold, joined transitively
    (exact word-set overlaps computed as a sparse product; union-find over the pairs)."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for word in set(normalise_text(text).split()):
            rows.append(i)
            cols.append(vocab.setdefault(word, len(vocab)))
    x = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), max(len(vocab), 1)))
    both = (x @ x.T).tocoo()
    size = np.asarray(x.sum(axis=1)).ravel()
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, shared in zip(both.row, both.col, both.data):
        if i < j and shared / (size[i] + size[j] - shared) >= threshold:
            parent[root(j)] = root(i)
    return np.array([root(i) for i in range(len(texts))])


def euvsdisinfo_set() -> pd.DataFrame:
    """MAX_EUVS distinct cases in a fixed random order; the first EUVS_TUNE tune, the rest test, a group of near
    copies on the side of its first member. `frame.attrs` says how many records and copies were dropped or moved."""
    candidates = euvs_candidates()
    frame = candidates.sample(min(MAX_EUVS, len(candidates)), random_state=7).reset_index(drop=True)
    groups = near_copy_groups(frame["text"].tolist())
    first = pd.Series(np.arange(len(frame))).groupby(groups).transform("min").to_numpy()
    frame["near_group"] = groups
    frame["part"] = np.where(first < EUVS_TUNE, "tune", "test")
    by_position = np.where(np.arange(len(frame)) < EUVS_TUNE, "tune", "test")
    frame.attrs = {"records": candidates.attrs["records"], "distinct_titles": len(candidates),
                   "near_copy_groups": int(pd.Series(groups).value_counts().gt(1).sum()),
                   "in_near_copy_groups": int(pd.Series(groups).map(pd.Series(groups).value_counts()).gt(1).sum()),
                   "moved_to_their_group": int((frame["part"] != by_position).sum())}
    return frame


def planted_set(euvs: pd.DataFrame) -> pd.DataFrame:
    """Documents of real news paragraphs (bench/_corpus.py: Kremlin transcripts en, Channel One leads ru, People's
    Daily zh), two in three with one EUvsDisinfo case summary planted at a random position and the case's labels
    as the document's: document labels whose evidence is one paragraph among several. Tuning documents draw
    cases from the tuning cases and test documents from the test cases, so no summary nor near copy of one is
    on both sides."""
    sys.path.insert(0, str(ROOT / "bench"))
    from _corpus import articles

    cases = {part: euvs[euvs["part"] == part].to_dict(orient="records") for part in ("tune", "test")}
    rng, rows = random.Random(13), []
    for k, article in zip(range(PLANTED_DOCS), articles(seed=13, dup_rate=0.0, near_rate=0.0)):
        paragraphs, gold, part = list(article.paragraphs), set(), "tune" if k < PLANTED_TUNE else "test"
        if rng.random() < 2 / 3:
            case = rng.choice(cases[part])
            paragraphs.insert(rng.randint(0, len(paragraphs)), case["text"])
            gold = set(case["gold"])
        rows.append({"key": str(k), "paragraphs": paragraphs, "language": article.language, "gold": gold,
                     "part": part, "outlet": article.outlet, "date": article.date, "title": article.title})
    return pd.DataFrame(rows)


def scores_for(detector: Detector, texts: list[str], languages: list[str], vectors: np.ndarray | None) -> np.ndarray:
    return detector.score(texts, vectors, languages).combined


def paragraphs(frame: pd.DataFrame, semantic: Detector, keyword: Detector, workers: int) -> tuple[Labelled, float]:
    """One-paragraph rows (hand, EUvsDisinfo) as Labelled, with the seconds spent embedding."""
    texts, languages = frame["text"].tolist(), frame["language"].tolist()
    vectors, seconds = embed(texts, MODEL, workers)
    data = Labelled(np.hstack([vectors, vectors]), scores_for(semantic, texts, languages, vectors),
                    gold_matrix(semantic, frame["gold"].tolist()), frame["language"].to_numpy(),
                    scores_for(keyword, texts, languages, None) >= 0.5)
    return data, seconds


def documents(docs: pd.DataFrame, semantic: Detector, keyword: Detector, workers: int) -> tuple[Labelled, float]:
    """Multi-paragraph documents as Labelled: pooled features ([mean, max] of the paragraph vectors), the best
    paragraph's zero-shot score per narrative, keyword decisions anywhere in the document."""
    texts = [p for ps in docs["paragraphs"] for p in ps]
    languages = [lang for ps, lang in zip(docs["paragraphs"], docs["language"]) for _ in ps]
    vectors, seconds = embed(texts, MODEL, workers)
    scores = scores_for(semantic, texts, languages, vectors)
    words = scores_for(keyword, texts, languages, None) >= 0.5
    bounds = np.cumsum([0, *map(len, docs["paragraphs"])])
    parts = list(zip(bounds[:-1], bounds[1:]))
    pooled = np.vstack([np.concatenate([vectors[a:b].mean(axis=0), vectors[a:b].max(axis=0)]) for a, b in parts])
    best = np.vstack([scores[a:b].max(axis=0) for a, b in parts])
    hits = np.vstack([words[a:b].any(axis=0) for a, b in parts])
    y = gold_matrix(semantic, docs["gold"].tolist())
    return Labelled(pooled, best, y, docs["language"].to_numpy(), hits), seconds
