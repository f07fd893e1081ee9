"""Draw the fresh test batch of the hand set from ../shared/corpus (deterministic: fixed seeds, other than the
first sample's).

Issue 18's review found that the first sample's test part had been looked at while the detector and the codebook
were configured (GUIDE.md: the multilateralism phrases, the lexical weight). This batch was drawn, then labelled by
hand following ../GUIDE.md (labels.csv, committed) before any detector ran on it; only then was it scored. Every
row of the first sample is tuning data since.

Same sources, filters and design as ../sample.py (per source, half of the items among texts mentioning broad topic
words, half at random), with these differences:

* other seeds, and 150 items per language: English 60 Russian state-media headlines, 45 Chinese state-media
  headlines, 45 Kremlin transcript sentences; Russian 150 Channel One leads; Chinese 150 People's Daily paragraphs;
* nothing already in the first sample: no text of it, no near copy of one (normalised text, or word / character
  bigram Jaccard >= 0.7), no People's Daily paragraph from an article the first sample drew from and no Kremlin
  sentence from a transcript it drew from (paragraphs of one article share their wording and context);
* near copies inside the batch are dropped the same way (the first one drawn stays).

    python eval/data/narratives/fresh/sample.py
"""

from __future__ import annotations

import glob
import hashlib
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
FIRST = HERE.parent
sys.path.insert(0, str(FIRST))
from sample import CORPUS, TOPIC_EN, TOPIC_RU, TOPIC_ZH  # noqa: E402  (the first sample's topic words)

NEAR = 0.7
SIZES = {"ru-state-media-headlines": 60, "cn-state-media-headlines": 45, "kremlin-sentences": 45, "1tv-leads": 250,
         "peoples-daily": 250}
SEEDS = {"ru-state-media-headlines": 31, "cn-state-media-headlines": 34, "kremlin-sentences": 35, "1tv-leads": 32,
         "peoples-daily": 33}
TOPICS = {"ru-state-media-headlines": TOPIC_EN, "cn-state-media-headlines": TOPIC_EN, "kremlin-sentences": TOPIC_EN,
          "1tv-leads": TOPIC_RU, "peoples-daily": TOPIC_ZH}


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def shingles(text: str) -> set[str]:
    """Words for alphabetic text, character bigrams for Chinese (no spaces between words)."""
    norm = normalised(text)
    if re.search(r"[\u4e00-\u9fff]", norm):
        chars = norm.replace(" ", "")
        return {chars[i:i + 2] for i in range(len(chars) - 1)}
    return set(norm.split())


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# ---- candidate rows per source (the filters of ../sample.py, with the article each row comes from) -------------


def headlines() -> pd.DataFrame:
    h = pd.read_csv(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz")
    h = h[h["date"] >= "2014-01-01"].copy()
    h["text"] = h["title"].fillna("").str.replace(r"\s*\n\s*", " ", regex=True).str.strip()
    h = h[h["text"].str.len() >= 25]
    return h.assign(source="ru-state-media-headlines", language="en", actor=h["outlet"], article=h["url"])


def first_channel() -> pd.DataFrame:
    t = pd.read_csv(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz")
    t = t[t["date"] >= "2014-01-01"].copy()
    t["text"] = t["title"].fillna("").str.strip()
    t = t[t["text"].str.len() >= 25].drop_duplicates("text")
    return t.assign(source="1tv-leads", language="ru", actor="1tv", article=t["url"])


def peoples_daily() -> pd.DataFrame:
    rows = []
    for name in ("cpcnews_gjwj.csv.gz", "cpcnews_zypl.csv.gz", "cpcnews_plgd.csv.gz"):
        frame = pd.read_csv(CORPUS / "peoples-daily-zh" / "data" / name)
        for k, (body, date) in enumerate(zip(frame["body"].fillna(""), frame["date"])):
            for part in re.split(r"\n\t?", body):
                part = part.strip()
                if 40 <= len(part) <= 260:
                    rows.append({"text": part, "date": date, "article": f"{name}:{k}"})
    p = pd.DataFrame(rows).drop_duplicates("text")
    return p.assign(source="peoples-daily", language="zh", actor="peoples-daily")


def cn_headlines() -> pd.DataFrame:
    c = pd.read_csv(CORPUS / "cn-state-media-2022" / "headlines.csv.gz")
    c = c[c["outlet"] != "bbc"].copy()
    c["text"] = c["headline"].fillna("").str.strip()
    c = c[c["text"].str.len() >= 25].drop_duplicates("text")
    return c.assign(source="cn-state-media-headlines", language="en", actor=c["outlet"],
                    date=c["published_iso"].str[:10], article=c["headline"])


def kremlin() -> pd.DataFrame:
    files = sorted(glob.glob(str(CORPUS / "putin-sentences" / "data" / "sentences" / "sentences_*.csv")))
    files = [f for f in files if re.search(r"sentences_[A-Za-z ]+\.csv$", f)]
    k = pd.concat([pd.read_csv(f) for f in files]).drop_duplicates("sentence")
    k = k.assign(text=k["sentence"].str.strip(), source="kremlin-sentences", language="en", actor="kremlin",
                 date=k["date"].str[:10], article=k["source_doc_id"].astype(str))
    return k[k["text"].str.len().between(40, 400)]


CANDIDATES = {"ru-state-media-headlines": headlines, "1tv-leads": first_channel, "peoples-daily": peoples_daily,
              "cn-state-media-headlines": cn_headlines, "kremlin-sentences": kremlin}


# ---- the draw ---------------------------------------------------------------------------------------------------


class Seen:
    """Texts already taken (the first sample, then this batch as it grows): exact and near copies."""

    def __init__(self, texts: list[str]):
        self.norms = {normalised(t) for t in texts}
        self.sets = [shingles(t) for t in texts]

    def near(self, text: str) -> bool:
        if normalised(text) in self.norms:
            return True
        mine = shingles(text)
        return any(jaccard(mine, other) >= NEAR for other in self.sets)

    def add(self, text: str) -> None:
        self.norms.add(normalised(text))
        self.sets.append(shingles(text))


def draw(frame: pd.DataFrame, n: int, seed: int, topic: re.Pattern, seen: Seen) -> pd.DataFrame:
    """n rows: half among topic rows, half among the rest, each in a seeded random order, skipping near copies."""
    on_topic = frame["text"].str.contains(topic)
    taken = []
    for pool, want in ((frame[on_topic], n // 2), (frame[~on_topic], n - n // 2)):
        got = 0
        for row in pool.sample(frac=1.0, random_state=seed).itertuples():
            if got == want:
                break
            if seen.near(row.text):
                continue
            seen.add(row.text)
            taken.append(row.Index)
            got += 1
    return frame.loc[taken]


def first_sample_articles(first: pd.DataFrame, frame: pd.DataFrame) -> set[str]:
    """Articles (People's Daily) or transcripts (Kremlin) that a first-sample row came from."""
    texts = set(first["text"])
    return set(frame.loc[frame["text"].isin(texts), "article"])


def main() -> None:
    first = pd.read_csv(FIRST / "paragraphs.csv")
    seen = Seen(first["text"].tolist())
    parts = []
    for source, load in CANDIDATES.items():
        frame = load().reset_index(drop=True)
        if source in ("peoples-daily", "kremlin-sentences"):
            frame = frame[~frame["article"].isin(first_sample_articles(first, frame))]
        parts.append(draw(frame, SIZES[source], SEEDS[source], TOPICS[source], seen))
    out = pd.concat([p[["source", "language", "actor", "date", "text"]] for p in parts], ignore_index=True)
    out.insert(0, "id", [hashlib.sha1(t.encode()).hexdigest()[:10] for t in out["text"]])
    assert not set(out["id"]) & set(first["id"]), "an id of the first sample"
    out.to_csv(HERE / "paragraphs.csv", index=False)
    print(out.groupby(["source", "language"]).size())


if __name__ == "__main__":
    main()
