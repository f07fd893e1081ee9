"""Build the lists of eval/names.py from the shared headline sets (run once; the CSVs are committed).

    python eval/data/names/build.py

Labels come from how the outlets write, not from the tokenizer under test:

* names.csv: a word written with a capital in at least 95 % of its (at least 5) occurrences inside a sentence (not
  first, not after a colon or a quote) is a name ("Wales", "Maria", "Пелоси", "Пескова"); acronyms (all capitals,
  two letters or more, at least 5 times) too. One real line per name: the first where it stands inside a sentence.
* inflected.csv: ordinary words, written in lower case in at least 95 % of at least 20 occurrences, whose dictionary
  lemma (simplemma for English, pymorphy3's first parse for Russian, on the lower-case form) differs from the form:
  these must still be lemmatised ("sanctions" -> "sanction", "заявила" -> "заявить").
* name_words_<lang>.txt: every word written with a capital in at least half of its occurrences inside a sentence:
  a lemma among them is still a name ("Ukrainians" -> "ukrainian", "Италии" -> "италия").
* abbreviations.csv: every distinct dotted abbreviation written against a word ("S.China", "E.China", "U.S.",
  "с.в.лаврова"), with one line.

English: the headlines of cn-state-media-2022 (CGTN, Global Times, Xinhua, China Daily, BBC) and the English outlets
of ru-state-media (RT, TASS, Kremlin, Sputnik, MoD); Russian: the Channel One (1TV) titles and leads of ru-state-media,
and for abbreviations the Russian MFA Telegram posts. Each row has a `part`: `tune` (rows the tokenizer's rules were
looked at against) or `test` (scored as held out), split by a hash of the word.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2].parent / "shared" / "corpus"
WORD = re.compile(r"[^\W\d_]+(?:['’][sS])?")
DOTTED = re.compile(r"(?<![\w.])(?:[^\W\d_]\.){1,3}[^\W\d_]+\.?")
AFTER_START = re.compile(r"(?:^|[:;.!?\"'«“‘(—–]\s*)$")
ENGLISH_OUTLETS = {"rt", "tass", "kremlin", "sputnik", "mod"}


def english_lines() -> list[tuple[str, str]]:
    out = []
    with gzip.open(CORPUS / "cn-state-media-2022" / "headlines.csv.gz", "rt", encoding="utf-8") as fh:
        out += [(r["headline"], f"cn-state-media-2022 {r['outlet']} {r['published_iso'][:10]}")
                for r in csv.DictReader(fh)]
    with gzip.open(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt",
                   encoding="utf-8") as fh:
        out += [(r["title"], f"ru-state-media {r['outlet']} {r['date']}") for r in csv.DictReader(fh)
                if r["outlet"] in ENGLISH_OUTLETS]
    return out


def russian_lines() -> list[tuple[str, str]]:
    with gzip.open(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [(text, f"ru-state-media 1tv {r['date']}") for r in rows for text in (r["title"], r["content"]) if text]


def mfa_lines() -> list[tuple[str, str]]:
    with gzip.open(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt",
                   encoding="utf-8") as fh:
        return [(r["title"], f"ru-state-media mfa {r['date']}") for r in csv.DictReader(fh) if r["outlet"] == "mfa"]


def inside(line: str, start: int) -> bool:
    """The word at `start` stands inside a sentence (not first, not after a colon, quote or full stop)."""
    return not AFTER_START.search(line[:start])


def split_part(word: str) -> str:
    return "tune" if int(hashlib.sha1(word.encode()).hexdigest(), 16) % 2 == 0 else "test"


def survey(lines: list[tuple[str, str]]):
    """How often each word is written with a capital and in lower case inside a sentence, and a line of each."""
    upper, lower, example = Counter(), Counter(), {}
    for line, origin in ((part, origin) for text, origin in lines for part in text.split("\n")):
        for m in WORD.finditer(line):
            word = m.group()
            if not inside(line, m.start()) or len(word) < 2:
                continue
            key = word.casefold().replace("’", "'")
            counts, kind = (upper, "up") if word[0].isupper() else (lower, "low")
            counts[key] += 1
            example.setdefault((kind, key), (word, line, origin))
    return upper, lower, example


def names(lang: str, lines, limit: int) -> list[dict]:
    upper, lower, example = survey(lines)
    keys = [k for k in upper if upper[k] >= 5 and upper[k] >= 0.95 * (upper[k] + lower[k])]
    keys.sort(key=lambda k: (-upper[k], k))
    rows = []
    for key in keys[:limit]:
        word, line, origin = example[("up", key)]
        rows.append({"lang": lang, "word": word, "count": upper[key], "line": line, "origin": origin,
                     "part": split_part(key)})
    return rows


def inflected(lang: str, lines, limit: int, lemma) -> list[dict]:
    upper, lower, example = survey(lines)
    keys = [k for k in lower if lower[k] >= 20 and lower[k] >= 0.95 * (upper[k] + lower[k]) and "'" not in k]
    keys.sort(key=lambda k: (-lower[k], k))
    rows = []
    for key in keys:
        expected = lemma(key)
        if expected == key:
            continue
        word, line, origin = example[("low", key)]
        rows.append({"lang": lang, "word": word, "lemma": expected, "count": lower[key], "line": line,
                     "origin": origin, "part": split_part(key)})
        if len(rows) >= limit:
            break
    return rows


def name_words(lang: str, lines) -> None:
    upper, lower, _ = survey(lines)
    words = sorted(k for k in upper if upper[k] >= 0.5 * (upper[k] + lower[k]))
    (HERE / f"name_words_{lang}.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"name_words_{lang}.txt: {len(words)} words")


def abbreviations(lines) -> list[dict]:
    seen: dict[str, dict] = {}
    for line, origin in lines:
        for m in DOTTED.finditer(line):
            word = m.group()
            if word not in seen:
                lang = "ru" if re.search("[а-яё]", word, re.I) else "en"
                seen[word] = {"lang": lang, "word": word, "line": line, "origin": origin, "part": split_part(word)}
    return sorted(seen.values(), key=lambda r: (r["lang"], r["word"]))


def write(name: str, rows: list[dict]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    import pymorphy3
    import simplemma

    morph = pymorphy3.MorphAnalyzer()
    en, ru = english_lines(), russian_lines()
    write("names.csv", names("en", en, 800) + names("ru", ru, 800))
    name_words("en", en)
    name_words("ru", ru)
    write("inflected.csv", inflected("en", en, 300, lambda w: simplemma.lemmatize(w, lang="en").casefold())
          + inflected("ru", ru, 300, lambda w: morph.parse(w)[0].normal_form.replace("ё", "е")))
    write("abbreviations.csv", abbreviations(en + mfa_lines() + ru))


if __name__ == "__main__":
    main()
