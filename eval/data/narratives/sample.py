"""Draw the hand-labelling sample from ../shared/corpus (deterministic: fixed seeds).

Writes paragraphs.csv (id, source, language, actor, date, text). Per source, half of the items are drawn from
items that mention broad topic words (Ukraine, the West, the US, NATO, sanctions, China/Russia, history) so the
sample holds enough narrative-bearing text to measure recall, and half are drawn at random so it holds ordinary
news too (to measure precision). The topic words are deliberately broad and are not codebook phrases.

    python eval/data/narratives/sample.py
"""

from __future__ import annotations

import glob
import hashlib
import re
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2].parent / "shared" / "corpus"
TOPIC_EN = re.compile(r"\b(?:Ukrain\w*|Kiev|Kyiv|West\w*|NATO|US|U\.S\.|America\w*|Washington|sanction\w*|Europe\w*|EU|"
                      r"China|Chinese|Russia\w*|Moscow|Beijing|war|history|Nazi\w*|Zelensky|Biden|Trump)\b")
TOPIC_RU = re.compile(r"(?:Украин|Киев|Запад|НАТО|США|Америк|Вашингтон|санкц|Европ|ЕС\b|Китай|КНР|Зеленск|нацист|истори)")
TOPIC_ZH = re.compile(r"(?:美国|西方|北约|制裁|欧洲|俄罗斯|中俄|霸权|冷战|历史|乌克兰|多边|国际秩序|国际关系)")


def split(frame: pd.DataFrame, topic: re.Pattern, n: int, seed: int) -> pd.DataFrame:
    on_topic = frame[frame["text"].str.contains(topic)]
    first = on_topic.sample(min(n // 2, len(on_topic)), random_state=seed)
    rest = frame.drop(first.index).sample(n - len(first), random_state=seed + 1)
    return pd.concat([first, rest])


def headlines(n: int) -> pd.DataFrame:
    h = pd.read_csv(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz")
    h = h[h["date"] >= "2014-01-01"].copy()
    h["text"] = h["title"].fillna("").str.replace(r"\s*\n\s*", " ", regex=True).str.strip()
    h = h[h["text"].str.len() >= 25]
    h = h.assign(source="ru-state-media-headlines", language="en", actor=h["outlet"])
    return split(h, TOPIC_EN, n, 11)


def first_channel(n: int) -> pd.DataFrame:
    t = pd.read_csv(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz")
    t = t[t["date"] >= "2014-01-01"].copy()
    t["text"] = t["title"].fillna("").str.strip()
    t = t[t["text"].str.len() >= 25].drop_duplicates("text")
    t = t.assign(source="1tv-leads", language="ru", actor="1tv")
    return split(t, TOPIC_RU, n, 12)


def peoples_daily(n: int) -> pd.DataFrame:
    files = ["cpcnews_gjwj.csv.gz", "cpcnews_zypl.csv.gz", "cpcnews_plgd.csv.gz"]
    frames = [pd.read_csv(CORPUS / "peoples-daily-zh" / "data" / f) for f in files]
    rows = []
    for frame in frames:
        for body, date in zip(frame["body"].fillna(""), frame["date"]):
            for part in re.split(r"\n\t?", body):
                part = part.strip()
                if 40 <= len(part) <= 260:
                    rows.append({"text": part, "date": date})
    p = pd.DataFrame(rows).drop_duplicates("text")
    p = p.assign(source="peoples-daily", language="zh", actor="peoples-daily")
    return split(p, TOPIC_ZH, n, 13)


def cn_headlines(n: int) -> pd.DataFrame:
    c = pd.read_csv(CORPUS / "cn-state-media-2022" / "headlines.csv.gz")
    c = c[c["outlet"] != "bbc"].copy()
    c["text"] = c["headline"].fillna("").str.strip()
    c = c[c["text"].str.len() >= 25].drop_duplicates("text")
    c = c.assign(source="cn-state-media-headlines", language="en", actor=c["outlet"], date=c["published_iso"].str[:10])
    return split(c, TOPIC_EN, n, 14)


def kremlin(n: int) -> pd.DataFrame:
    files = sorted(glob.glob(str(CORPUS / "putin-sentences" / "data" / "sentences" / "sentences_*.csv")))
    files = [f for f in files if re.search(r"sentences_[A-Za-z ]+\.csv$", f)]
    k = pd.concat([pd.read_csv(f) for f in files]).drop_duplicates("sentence")
    k = k.assign(text=k["sentence"].str.strip(), source="kremlin-sentences", language="en", actor="kremlin",
                 date=k["date"].str[:10])
    k = k[k["text"].str.len().between(40, 400)]
    return split(k, TOPIC_EN, n, 15)


def seeds() -> pd.DataFrame:
    rows = []
    for path in sorted((CORPUS / "seeds").glob("*.txt")):
        for part in path.read_text(encoding="utf-8").split("\n"):
            part = part.strip()
            if len(part) >= 120:
                rows.append({"text": part, "source": f"seed:{path.name}", "language": "en", "actor": "seed",
                             "date": ""})
    return pd.DataFrame(rows).drop_duplicates("text")


def main() -> None:
    parts = [headlines(90), first_channel(80), peoples_daily(70), cn_headlines(40), kremlin(40), seeds()]
    frame = pd.concat([p[["source", "language", "actor", "date", "text"]] for p in parts], ignore_index=True)
    frame = frame.drop_duplicates("text")
    frame.insert(0, "id", [hashlib.sha1(t.encode()).hexdigest()[:10] for t in frame["text"]])
    frame.to_csv(HERE / "paragraphs.csv", index=False)
    print(frame.groupby(["source", "language"]).size())


if __name__ == "__main__":
    main()
