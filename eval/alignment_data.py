"""The shared real data the alignment evaluation reads (../shared/corpus): the 2022 headline sets of Russian and
Chinese state media with the BBC control, People's Daily titles, and the actors and sides of their outlets."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd

from lockstep.testing import document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DATA = ROOT / "eval" / "data" / "alignment"
LEADS = CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz"
OUTLET_ACTOR = {"rt": "RT", "tass": "TASS", "kremlin": "Kremlin", "mfa": "MFA Russia", "sputnik": "Sputnik",
                "mod": "MoD Russia", "1tv": "Channel One", "cgtn": "CGTN", "globaltimes": "Global Times",
                "xinhuanet": "Xinhua", "chinadaily": "China Daily", "bbc": "BBC", "peoples-daily": "People's Daily"}
SIDE = {"RT": "ru", "TASS": "ru", "Kremlin": "ru", "MFA Russia": "ru", "Sputnik": "ru", "MoD Russia": "ru",
        "Channel One": "ru", "CGTN": "cn", "Global Times": "cn", "Xinhua": "cn", "China Daily": "cn",
        "People's Daily": "cn"}


def headline_rows(since: str, until: str) -> list[tuple[str, str, str, str]]:
    """(text, outlet, language, published) of the shared headline sets dated in [since, until)."""
    csv.field_size_limit(10**8)
    out = []
    with gzip.open(CORPUS / "cn-state-media-2022" / "headlines.csv.gz", "rt", encoding="utf-8") as fh:
        out += [(r["headline"], r["outlet"], "en", r["published_iso"][:19]) for r in csv.DictReader(fh)]
    with gzip.open(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt",
                   encoding="utf-8") as fh:
        out += [(r["title"] + (f" {r['snippet']}" if r.get("snippet") else ""), r["outlet"], "en", r["date"][:19])
                for r in csv.DictReader(fh)]
    with gzip.open(LEADS, "rt", encoding="utf-8") as fh:
        out += [(r["title"].replace("\xa0", " "), "1tv", "ru", r["date"][:19]) for r in csv.DictReader(fh)]
    return [r for r in dict.fromkeys(out) if r[0] and since <= r[3][:10] < until]


def chinese_titles() -> list[str]:
    """The distinct titles of the People's Daily set (2017–2020)."""
    titles = []
    for path in sorted((CORPUS / "peoples-daily-zh" / "data").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            titles += [r["title"] for r in csv.DictReader(fh) if r.get("title")]
    return list(dict.fromkeys(titles))


def as_doc(text: str, outlet: str, when: str, language: str) -> dict:
    """A document row of an outlet of the headline sets, its actor from the outlet."""
    return document(text, outlet, when, language, actor=OUTLET_ACTOR.get(outlet, outlet))


def headline_frame(since: str, until: str) -> pd.DataFrame:
    """doc_id, actor, published_at, text of the shared headline sets, one row per distinct text of an actor."""
    frame = pd.DataFrame(headline_rows(since, until), columns=["text", "outlet", "language", "published"])
    frame["actor"] = frame["outlet"].map(OUTLET_ACTOR)
    frame["published_at"] = pd.to_datetime(frame["published"].str[:10], errors="coerce")
    frame = frame.dropna(subset=["actor", "published_at"]).drop_duplicates(["actor", "text"]).reset_index(drop=True)
    return frame.assign(doc_id=frame.index.astype(str))


def read_rows(name: str) -> list[dict]:
    """The rows of eval/data/alignment/<name> (a CSV file)."""
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
