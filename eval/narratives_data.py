"""The labelled data of the narrative evaluation, each with a tuning part and a test part.

* hand: 352 paragraphs from ../shared/corpus labelled by hand (eval/data/narratives/GUIDE.md), split by
  eval/data/narratives/parts.csv: `tune` (fitted on), `test` (scored), `codebook-source` (the 32 seed-page
  paragraphs the default codebook's claims were written from: neither);
* euvsdisinfo: EUvsDisinfo case summaries (English) with weak labels from their keywords
  (eval/data/narratives/euvsdisinfo_map.yaml); the first EUVS_TUNE cases of a fixed random sample tune, the rest
  test;
* planted: documents of real news paragraphs with one EUvsDisinfo summary planted in two of three (see
  `planted_set`); the first PLANTED_TUNE documents tune, the rest test, their cases drawn from disjoint halves.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

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


def hand_set() -> pd.DataFrame:
    """Every hand-labelled paragraph with its gold label set and its part (tune, test, codebook-source)."""
    paragraphs = pd.read_csv(DATA / "paragraphs.csv")
    labels = pd.read_csv(DATA / "labels.csv", keep_default_na=False)
    parts = pd.read_csv(DATA / "parts.csv")
    frame = paragraphs.merge(labels, on="id", validate="one_to_one").merge(parts, on="id", validate="one_to_one")
    frame["gold"] = [set(filter(None, s.split(";"))) for s in frame["labels"]]
    return frame


def euvsdisinfo_set() -> pd.DataFrame:
    mapping = yaml.safe_load((DATA / "euvsdisinfo_map.yaml").read_text(encoding="utf-8"))
    posts = pd.read_csv(CORPUS / "euvsdisinfo-cases" / "posts.csv", keep_default_na=False)
    rows = []
    for title, keywords in zip(posts["title"], posts["keywords"]):
        keys = {k.strip() for k in keywords.split("+") if k.strip()}
        gold = set()
        for rule in mapping["rules"]:
            if keys & set(rule["keywords"]) and (not rule.get("requires_any") or keys & set(rule["requires_any"])):
                gold.update(rule["narratives"])
        if gold and len(title) >= 15:
            rows.append({"text": title, "language": "en", "gold": gold})
    frame = pd.DataFrame(rows)
    if len(frame) > MAX_EUVS:
        frame = frame.sample(MAX_EUVS, random_state=7).reset_index(drop=True)
    frame["part"] = np.where(np.arange(len(frame)) < EUVS_TUNE, "tune", "test")
    return frame


def planted_set(euvs: pd.DataFrame) -> pd.DataFrame:
    """Documents of real news paragraphs (bench/_corpus.py: Kremlin transcripts en, Channel One leads ru, People's
    Daily zh), two in three with one EUvsDisinfo case summary planted at a random position and the case's labels
    as the document's: document labels whose evidence is one paragraph among several. Tuning documents draw
    cases from the first half of the cases, test documents from the second, so no summary is on both sides."""
    sys.path.insert(0, str(ROOT / "bench"))
    from _corpus import articles

    cases = euvs.to_dict(orient="records")
    half, rng, rows = len(cases) // 2, random.Random(13), []
    for k, article in zip(range(PLANTED_DOCS), articles(seed=13, dup_rate=0.0, near_rate=0.0)):
        paragraphs, gold = list(article.paragraphs), set()
        if rng.random() < 2 / 3:
            case = rng.choice(cases[:half] if k < PLANTED_TUNE else cases[half:])
            paragraphs.insert(rng.randint(0, len(paragraphs)), case["text"])
            gold = set(case["gold"])
        rows.append({"paragraphs": paragraphs, "language": article.language, "gold": gold,
                     "part": "tune" if k < PLANTED_TUNE else "test"})
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
