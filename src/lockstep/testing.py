"""Documents and stores with known answers, shared by the tests and the evaluation (eval/), which must not import
`tests`; standard library and lockstep only.

`document` is a document row as the pipeline stores it (paragraphs split on blank lines); `store_of` writes such
rows to a new store. `planted_corpus` builds a corpus from real Channel One leads (ru-state-media
1tv_news_leads_ru.csv.gz, the shared file or the tests' slice of it):

* outlet A publishes real leads;
* outlet B reprints each of A's leads five days later with one framing sentence added;
* outlet C publishes other real leads, about other things (no lead that A prints), and carries no narrative;
* outlets D and E publish further real leads (the rest of the window, so every pair has a reference).

Narrative hits follow a rule on the text (a lead that names Ukraine carries `ukraine`, one that names the West or
sanctions carries `west`), so a reprint carries its original's narratives and C, tagged with none, is an actor
with no narrative; `tag` stores them.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import random
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa

import lockstep
from lockstep.narratives.tables import ensure_tables, insert_hits
from lockstep.store.writer import insert_documents

FRAMING = "Западные СМИ предпочитают об этом молчать."
RULES = {"ukraine": ("Украин", "Киев"), "west": ("Запад", "санкци", "США", "НАТО")}


def document(text: str, outlet: str, when: str, language: str, actor: str | None = None) -> dict:
    """A document row as the pipeline stores it (paragraphs split on blank lines); its id from outlet, time, text."""
    ident = hashlib.sha1(f"{outlet}|{when}|{text}".encode()).hexdigest()[:16]
    return {"id": ident, "title": text.split("\n")[0][:80], "text": text, "outlet": outlet,
            "actor": actor or outlet, "actor_country": None, "actor_type": None, "author": None,
            "published": when, "published_precision": "second", "published_source": "metadata",
            "language": language, "paywalled": False, "source": "eval", "source_position": None, "url": None,
            "original_source": None, "duplicate_of": None, "cluster_id": ident, "text_hash": ident,
            "raw_sha": ident, "removed": None}


def store_of(path: Path, docs: list[dict]) -> lockstep.Corpus:
    """A new store at `path` holding `docs`."""
    corpus = lockstep.open(path)
    for start in range(0, len(docs), 20_000):
        insert_documents(corpus.con, docs[start : start + 20_000])
    return corpus


def real_leads(path: Path, n: int, seed: int = 5) -> list[str]:
    """`n` distinct real leads of 2022 (title and lead text), drawn at random."""
    csv.field_size_limit(10**8)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["date"].startswith("2022") and len(r["content"]) > 200]
    texts = list(dict.fromkeys(f"{r['title']}. {lead_text(r['content'])}" for r in rows))
    return random.Random(seed).sample(texts, n)


def lead_text(content: str) -> str:
    """The lead without the page's broadcast line ("Выпуск новостей в 15:00 ...") and time stamp."""
    lines = [line.strip() for line in content.split("\n") if line.strip()]
    lines = [line for line in lines if not line.startswith("Выпуск новостей") and not line.startswith("Сегодня,")]
    return " ".join(lines).replace("\xa0", " ")


def narratives_of(text: str) -> list[str]:
    return [name for name, cues in RULES.items() if any(cue in text for cue in cues)]


def planted_corpus(leads: Path, per_outlet: int = 80, seed: int = 5) -> tuple[list[dict], list[tuple[str, str]]]:
    """(documents, narrative hits) of the planted corpus from the Channel One leads at `leads`; dates spread over
    March–April 2022."""
    texts = real_leads(leads, 4 * per_outlet, seed)
    own = {"a": texts[:per_outlet], "c": texts[per_outlet : 2 * per_outlet],
           "d": texts[2 * per_outlet : 3 * per_outlet], "e": texts[3 * per_outlet :]}
    start = datetime(2022, 3, 1, 8)
    docs, hits = [], []
    for outlet, items in own.items():
        for k, text in enumerate(items):
            when = start + timedelta(hours=12 * k + ord(outlet))
            docs.append(document(text, outlet, when.isoformat(), "ru", actor=outlet.upper()))
            if outlet != "c":
                hits += [(docs[-1]["id"], n) for n in narratives_of(text)]
            if outlet == "a":
                copy = document(f"{text} {FRAMING}", "b", (when + timedelta(days=5)).isoformat(), "ru", actor="B")
                docs.append(copy)
                hits += [(copy["id"], n) for n in narratives_of(text)]
    return docs, hits


def tag(corpus: lockstep.Corpus, hits: list[tuple[str, str]]) -> None:
    """Store narrative hits in the narratives module's table layout (above threshold, level 1)."""
    ensure_tables(corpus)
    columns = {"hit_id": [f"{d}-{n}" for d, n in hits], "doc_id": [d for d, _ in hits], "idx": [0] * len(hits),
               "narrative": [n for _, n in hits], "level": [1] * len(hits), "score": [0.9] * len(hits),
               "semantic": [0.9] * len(hits), "threshold": [0.5] * len(hits), "above": [True] * len(hits),
               "claim": [None] * len(hits), "evidence": [None] * len(hits),
               "codebook_version": ["planted-1"] * len(hits), "model": ["rule"] * len(hits),
               "detector": [None] * len(hits)}
    insert_hits(corpus.con, pa.table(columns))
