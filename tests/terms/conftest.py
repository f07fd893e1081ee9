"""A small store for the term tests, built once per session from files the tests write and real rows of
../shared/corpus (1TV Russian titles, People's Daily diplomacy articles, Chinese state-media headlines, the seeds)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd
import pytest

import lockstep
SHARED = Path(__file__).resolve().parents[1] / "data"  # slices of ../shared, same layout
CORPUS = SHARED / "corpus"
SEEDS = SHARED.parents[1] / "sample" / "seeds"

# Hand-made rows: (outlet, date, text). Kremlin and Global Times appear only here (the keyness case).
CRAFTED = [
    # Russian inflection: one lemma, three forms
    ("tass", "2022-01-10", "Россия защищает свой суверенитет и не отступит от этого курса."),
    ("tass", "2022-01-11", "Москва выступает за уважение суверенитета всех стран региона без исключения."),
    ("tass", "2022-01-12", "Государство с настоящим суверенитетом решает свои вопросы само, заявил министр."),
    # one family in three languages
    ("rt", "2022-02-01", "Western powers sponsor a colour revolution in the region, the commentator argued."),
    ("rt", "2022-02-02", "Officials in Minsk warned of color revolutions engineered from abroad."),
    ("tass", "2022-02-03", "Запад готовит цветную революцию в Белоруссии, считают в Москве."),
    ("people.cn", "2022-02-04", "美国企图在香港策动颜色革命，中国人民坚决反对。"),
    # a story reprinted twice by RT and once by Sputnik
    ("rt", "2022-03-01", "Beijing and Moscow pledged a strategic partnership against hegemony on Tuesday."),
    ("rt", "2022-03-02", "Beijing and Moscow pledged a strategic partnership against hegemony on Tuesday."),
    ("sputnik", "2022-03-03", "Beijing and Moscow pledged a strategic partnership against hegemony on Tuesday."),
]

# The keyness case: plain words, no punctuation, so tokens are exactly text.split().
KEYNESS_TARGET = [
    "sovereignty matters most when partners respect sovereignty and borders",
    "our delegation discussed sovereignty energy pipelines and grain exports",
    "leaders praised sovereignty again while markets rallied across Asia",
    "sovereignty sovereignty echoed through every speech during the summit",
]
KEYNESS_REFERENCE = [
    "editors reviewed tariffs shipping costs and sovereignty disputes in detail",
    "analysts expect exports to climb after factories reopen next spring",
    "students celebrated graduation with fireworks music and dumplings tonight",
]


def write_crafted(path: Path) -> None:
    rows = list(CRAFTED)
    rows += [("kremlin", f"2021-05-{i + 1:02d}", t) for i, t in enumerate(KEYNESS_TARGET)]
    rows += [("globaltimes", f"2021-06-{i + 1:02d}", t) for i, t in enumerate(KEYNESS_REFERENCE)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["outlet", "date", "text"])
        writer.writerows(rows)


def write_real(path: Path) -> None:
    leads = pd.read_csv(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz", nrows=150)
    frames = [pd.DataFrame({"outlet": "1tv", "date": leads["date"], "text": leads["title"]})]
    daily = pd.read_csv(CORPUS / "peoples-daily-zh" / "data" / "cpcnews_gjwj.csv.gz").dropna().head(12)
    frames.append(pd.DataFrame({"outlet": "people.cn", "date": daily["date"],
                                "text": daily["title"] + "\n\n" + daily["body"].str.slice(0, 1500)}))
    with gzip.open(CORPUS / "cn-state-media-2022" / "headlines.csv.gz", "rt", encoding="utf-8") as fh:
        heads = pd.read_csv(fh)
    heads = pd.concat([heads[heads.outlet == o].head(60) for o in ("cgtn", "xinhuanet", "chinadaily")])
    frames.append(pd.DataFrame({"outlet": heads["outlet"], "date": heads["published_iso"], "text": heads["headline"]}))
    pd.concat(frames).to_csv(path, index=False)


@pytest.fixture(scope="session")
def store_path(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("terms")
    write_crafted(root / "crafted.csv")
    write_real(root / "real.csv")
    path = root / "terms.duckdb"
    with lockstep.open(path) as corpus:
        corpus.ingest([root / "crafted.csv", root / "real.csv", *sorted(SEEDS.glob("*.txt"))])
        from lockstep.terms import update_index

        update_index(corpus)
    return path


@pytest.fixture()
def corpus(store_path):
    with lockstep.open(store_path) as opened:
        yield opened


def documents_text(corpus) -> dict[str, str]:
    return dict(corpus.con.execute("SELECT id, text FROM documents").fetchall())
