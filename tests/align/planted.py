"""A planted corpus with known alignment, built from real Channel One leads (../shared/corpus/ru-state-media):

* outlet A publishes real leads;
* outlet B reprints each of A's leads five days later with one framing sentence added;
* outlet C publishes other real leads, about other things (no lead that A prints), and carries no narrative;
* outlets D and E publish further real leads (the rest of the window, so every pair has a reference).

Narrative hits follow a rule on the text (a lead that names Ukraine carries `ukraine`, one that names the West or
sanctions carries `west`), so a reprint carries its original's narratives and C, tagged with none, is an actor
with no narrative. Used by tests/align/test_planted.py and eval/alignment.py.
"""

from __future__ import annotations

import csv
import gzip
import random
from datetime import datetime, timedelta
from pathlib import Path

LEADS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "ru-state-media" / "1tv_news_leads_ru.csv.gz"
FRAMING = "Западные СМИ предпочитают об этом молчать."
RULES = {"ukraine": ("Украин", "Киев"), "west": ("Запад", "санкци", "США", "НАТО")}


def real_leads(n: int, seed: int = 5, path: Path = LEADS) -> list[str]:
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


def planted_corpus(per_outlet: int = 80, seed: int = 5) -> tuple[list[dict], list[tuple[str, str]]]:
    """(documents, narrative hits) of the planted corpus; dates spread over March–April 2022."""
    from tests.align.builders import doc

    texts = real_leads(4 * per_outlet, seed)
    own = {"a": texts[:per_outlet], "c": [t for t in texts[per_outlet : 2 * per_outlet]],
           "d": texts[2 * per_outlet : 3 * per_outlet], "e": texts[3 * per_outlet :]}
    start = datetime(2022, 3, 1, 8)
    docs, hits = [], []
    for outlet, items in own.items():
        for k, text in enumerate(items):
            when = start + timedelta(hours=12 * k + ord(outlet))
            docs.append(doc(text, outlet, when, language="ru", actor=outlet.upper()))
            if outlet != "c":
                hits += [(docs[-1]["id"], n) for n in narratives_of(text)]
            if outlet == "a":
                copy = doc(f"{text} {FRAMING}", "b", when + timedelta(days=5), language="ru", actor="B")
                docs.append(copy)
                hits += [(copy["id"], n) for n in narratives_of(text)]
    return docs, hits


def tag(corpus, hits: list[tuple[str, str]]) -> None:
    """Store narrative hits in the narratives module's table layout (above threshold, level 1)."""
    from lockstep.narratives.tables import ensure_tables

    ensure_tables(corpus)
    rows = [(f"{d}-{n}", d, 0, n, 1, 0.9, 0.9, 0.5, True, None, None, "planted-1", "rule") for d, n in hits]
    corpus.con.executemany("INSERT INTO narrative_hits (hit_id, doc_id, idx, narrative, level, score, semantic, "
                           "threshold, above, claim, evidence, codebook_version, model) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
