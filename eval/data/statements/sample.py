"""Draw the `fresh` batch of eval/data/statements/speakers.csv from the shared corpus (run once; labels are by hand).

    python eval/data/statements/sample.py > /tmp/fresh.csv

Seeded and reproducible. Per source, some texts are drawn uniformly and some among texts with a cue of reported
speech, so that both precision on ordinary text and recall on statements rest on enough rows. The cues are this
script's own broad lists (English: quotation marks, a colon, a closing dash, reporting words; Russian: reporting
words, since dashes, colons and «» mark programme titles there), wider than the speech verbs of
lockstep.align.speech, so the batch is not limited to what the rules know. Texts already in speakers.csv or in
tests/data/statements/ are excluded.

    English: 30 RT/TASS/Kremlin/Sputnik/MoD titles (ru-state-media), 30 cn-state-media-2022 headlines,
             20 putin-sentences transcript sentences (half with a cue each)
    Russian: 70 Channel One leads (one paragraph; multi-story digests left out; 45 with a cue), 30 Channel One titles
             (15 with a cue)

The rows are written without labels; they were labelled by hand (part `fresh` of speakers.csv, `drawn` says how
each was drawn) and committed before lockstep ran on any of them (see eval/statements.py). Labelling policy of the
batch, the file's policy made precise where it was silent:

* a statement attributes content to someone: a claim, an opinion, a call, a demand, a denial, a proposal, figures
  ("Taiwan reports 15,033 new cases"), a quotation. A speech act named with its topic only is not one ("UK PM
  comments on sending refugees to Africa", "говорил о мерах поддержки", "сделал новое заявление по Ираку"), nor
  a decision, a meeting, a signature or a congratulation without words.
* the speaker is written as the text names them, in the nominative: a name, an institution, a country, a named
  outlet ("Бильд"), or a role with what qualifies it ("Mexican FM", "senior diplomat", "MP", "Директор ФСБ"); the
  content-bearing mention when the text names one person twice ("Патриарх", not "глава Русской православной
  церкви" who "выразил соболезнования"); one person once.
* not a speaker: I, we, you or he/she with nothing before it in the text to resolve it (the transcript sentences);
  unnamed groups and anonymous sources (residents, relatives, doctors, analysts, witnesses, "our partners in
  Europe", "правоохранительные органы", "official"); a rubric ("Xinhua Commentary:") or the outlet's own programme.
  A document type keeps the body it belongs to ("UK report" is UK, "сводка Минобороны" is Минобороны).
"""

from __future__ import annotations

import csv
import gzip
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = 20260319
CUE = {
    "en": re.compile(r"[\"“”«»]|['‘’]\w|:\s|\s[—–-]\s*[A-Z][^—–-]{0,40}$|\b(?:said|says|say|saying|told|tells|"
                     r"claim\w*|warn\w*|urg\w*|accus\w*|calls?\s+(?:for|on)|called\s+(?:for|on)|insist\w*|vow\w*|"
                     r"den(?:y|ies|ied)|admit\w*|reveal\w*|announc\w*|according\s+to|believ\w*|think\w*|"
                     r"suggest\w*|predict\w*|hop(?:e|es|ed)|ask\w*|promis\w*|threat\w*|blam\w*|prais\w*|slam\w*|"
                     r"reject\w*|dismiss\w*|stress\w*|not(?:e|es|ed)|add(?:s|ed)|argu\w*|confirm\w*|describ\w*|"
                     r"explain\w*|expect\w*|fear\w*|tweet\w*|wr(?:ote|ites)|quot\w*|statement|remark\w*|"
                     r"comment\w*|recall\w*|assur\w*|pledg\w*|hail\w*|condemn\w*|criticis\w*|criticiz\w*)\b"),
    "ru": re.compile(r"(?:заяв|сказа|сообщ|отмет|подчеркн|счита|увер|по\s+словам|призв|"
                     r"предупред|рассказ|говор|назва|добав|поясн|уточн|напомн|призна|обеща|пригроз|потребова|"
                     r"предлож|опроверг|ответ|выраз|обвин|критик|высказ|убежд|полага|думает|констатир|объясн|"
                     r"сетует|жалу|верит|надеет|называ|убежда|цитир|пишет|пишут|передает|передают)", re.I),
}
ENGLISH_OUTLETS = {"rt", "tass", "kremlin", "sputnik", "mod"}
PUTIN_FILES = ("China", "Ukraine", "United States", "Syria", "Poland")


def known_texts() -> set[str]:
    """Texts labelled before this batch (speakers.csv, parts dev and test) or used by the tests
    (tests/data/statements/)."""
    seen = set()
    with (HERE / "speakers.csv").open(encoding="utf-8") as fh:
        seen |= {r["text"] for r in csv.DictReader(fh) if r["part"] != "fresh"}
    for path in (ROOT / "tests" / "data" / "statements").glob("*.csv"):
        with path.open(encoding="utf-8") as fh:
            seen |= {r["text"] for r in csv.DictReader(fh)}
    return seen


def ru_state_titles() -> list[tuple[str, str]]:
    with gzip.open(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt",
                   encoding="utf-8") as fh:
        return [(r["title"].strip(), f"ru-state-media {r['outlet']} {r['date']}") for r in csv.DictReader(fh)
                if r["outlet"] in ENGLISH_OUTLETS and r["title"].strip()]


def cn_headlines() -> list[tuple[str, str]]:
    with gzip.open(CORPUS / "cn-state-media-2022" / "headlines.csv.gz", "rt", encoding="utf-8") as fh:
        return [(r["headline"].strip(), f"cn-state-media-2022 {r['outlet']} {r['published_iso'][:10]}")
                for r in csv.DictReader(fh) if r["headline"].strip()]


def putin_sentences() -> list[tuple[str, str]]:
    out = {}
    for name in PUTIN_FILES:
        with (CORPUS / "putin-sentences" / "data" / "sentences" / f"sentences_{name}.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                out.setdefault(r["sentence"].strip(), f"putin-sentences doc {r['source_doc_id']} {r['date'][:10]}")
    return sorted(out.items())


def first_channel() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(leads of one paragraph, titles) of Channel One."""
    with gzip.open(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    leads = [(r["content"].strip(), f"ru-state-media 1tv {r['date']}") for r in rows
             if r["content"].strip() and "\n" not in r["content"].strip()]
    titles = [(r["title"].strip(), f"ru-state-media 1tv {r['date']} (title)") for r in rows if r["title"].strip()]
    return leads, titles


def draw(rng: random.Random, pool: list[tuple[str, str]], n: int, lang: str, seen: set[str],
         n_cue: int | None = None) -> list[tuple]:
    """n texts: n_cue (n // 2 by default) among those with a cue, the rest uniformly; no text twice."""
    n_cue = n // 2 if n_cue is None else n_cue
    pool = sorted({t: o for t, o in pool if t not in seen}.items())
    cued = [p for p in pool if CUE[lang].search(p[0])]
    out = []
    for text, origin in rng.sample(cued, n_cue):
        seen.add(text)
        out.append((text, origin, "cue"))
    rest = [p for p in pool if p[0] not in seen]
    for text, origin in rng.sample(rest, n - n_cue):
        seen.add(text)
        out.append((text, origin, "uniform"))
    return out


def main() -> None:
    rng = random.Random(SEED)
    seen = known_texts()
    leads, titles = first_channel()
    batch = [("en", *row) for row in draw(rng, ru_state_titles(), 30, "en", seen)]
    batch += [("en", *row) for row in draw(rng, cn_headlines(), 30, "en", seen)]
    batch += [("en", *row) for row in draw(rng, putin_sentences(), 20, "en", seen)]
    batch += [("ru", *row) for row in draw(rng, leads, 70, "ru", seen, 45)]
    batch += [("ru", *row) for row in draw(rng, titles, 30, "ru", seen)]
    writer = csv.writer(sys.stdout)
    writer.writerow(["lang", "text", "origin", "drawn"])
    writer.writerows(batch)


if __name__ == "__main__":
    main()
