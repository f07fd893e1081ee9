"""Build the lists of eval/names.py from the shared headline sets (run once; the CSVs are committed).

    python eval/data/names/build.py              names.csv, name_words_<lang>.txt, abbreviations.csv
    python eval/data/names/build.py --ordinary   inflected_candidates.csv (to be checked by hand into inflected.csv)
    python eval/data/names/build.py --initial    initial_candidates.csv (to be labelled by hand into initial.csv)

Labels of names and abbreviations come from how the outlets write, not from the tokenizer under test; the lemmas of
ordinary and sentence-initial words are checked or written by hand:

* names.csv: a word written with a capital in at least 95 % of its (at least 5) occurrences inside a sentence (not
  first, not after a colon or a quote) is a name ("Wales", "Maria", "Пелоси", "Пескова"); acronyms (all capitals,
  two letters or more, at least 5 times) too. One real line per name: the first where it stands inside a sentence.
* inflected.csv: ordinary words, written in lower case in at least 95 % of at least 20 occurrences, whose lemma
  as suggested by simplemma (English) or pymorphy3's first parse (Russian) on the lower-case form differs from the
  form ("sanctions" -> "sanction", "заявила" -> "заявить"). `suggested` keeps that suggestion; `lemma` is the
  dictionary lemma of the word in its line, checked by hand row by row (29 of 600 corrected: "defence" is not
  "defense", "growing" is "grow" not "growe", "этом году" is "этот", "данные" are not "дать", "политики" here are
  politicians). Convention: English by part of speech in the line (a participle or gerund that dictionaries list as
  an adjective or noun and that is used so keeps its form: "armed guards", "Kentucky shooting", "rising prices";
  a passive or verbal one is the verb); Russian as in Russian dictionaries (participles under the infinitive, a
  superlative under the positive, plural-only nouns as they are: "деньги", "переговоры").
* initial.csv: words written with a capital because of where they stand: the first word of a headline or lead
  (English and Russian) and a later word of an English Title Case headline (seeded sample, distinct words of 3
  letters or more), each labelled by hand with its kind (name, or common word) and lemma (alternatives with "|"
  where dictionaries differ: "лучший|хороший"). A rule keyed on capitals alone fails here: "Sanctions", "Власти"
  must be lemmatised, "Песков", "Russians" must keep their identity.
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
# the worked examples of lockstep.enrich.lemmas/tokens and of tests/terms (tests/data/names/headlines.csv): the rules
# were written on them, so they are tuning rows wherever they fall
RULE_EXAMPLES = frozenset(
    "wales maria times united states ministers leyen us who nato solomon islands media china ukrainians officers "
    "hospitals passes u.s. u.k. s.china e.china песков захаровой байдена зеленского пелоси соединенных лаврова "
    "с.в.лаврова всу учения совпали шкаплеров".split())


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
    """`tune` for the words the rules were written on (RULE_EXAMPLES), else by a hash of the word."""
    if word.casefold().replace("’", "'").removesuffix("'s") in RULE_EXAMPLES:
        return "tune"
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


def title_case(line: str) -> bool:
    """A headline in Title Case: at least 5 words of 4 letters or more, 80 % of them capitalised."""
    long = [w for w in WORD.findall(line) if len(w) >= 4]
    return len(long) >= 5 and sum(w[0].isupper() for w in long) >= 0.8 * len(long)


def initial(lines, lang: str, n: int, rng, title: bool) -> list[dict]:
    """Distinct words of at least 3 letters written with a capital because of where they stand, not what they are:
    the first word of a line (sentence-initial), or (`title`) a later word of a Title Case headline. The lemma and
    kind (name or common word) of each are labelled by hand; this writes them empty."""
    rows, seen = [], set()
    pool = [(line, origin) for line, origin in lines if title_case(line) == title]
    for line, origin in rng.sample(pool, len(pool)):
        words = [m for m in WORD.finditer(line) if len(m.group()) >= 3 and m.group()[0].isupper()]
        words = words[1:] if title else words[:1]
        if title and words:
            words = [rng.choice(words)]
        if not words or (title and not inside(line, words[0].start())) or (not title and words[0].start() > 0):
            continue
        word = words[0].group()
        key = word.casefold()
        if key in seen or "'" in key or "’" in key:
            continue
        seen.add(key)
        rows.append({"lang": lang, "word": word, "position": "title" if title else "initial", "kind": "",
                     "lemma": "", "line": line, "origin": origin, "part": split_part(key)})
        if len(rows) >= n:
            break
    return rows


def write(name: str, rows: list[dict]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    import random
    import sys

    if sys.argv[1:] == ["--ordinary"]:
        ordinary()
        return
    if sys.argv[1:] == ["--initial"]:
        rng = random.Random(19)
        en, ru = english_lines(), [(t, o) for t, o in russian_lines() if "\n" not in t]
        write("initial_candidates.csv", initial(en, "en", 80, rng, False) + initial(en, "en", 80, rng, True)
              + initial(ru, "ru", 160, rng, False))
        return
    en, ru = english_lines(), russian_lines()
    write("names.csv", names("en", en, 800) + names("ru", ru, 800))
    name_words("en", en)
    name_words("ru", ru)
    write("abbreviations.csv", abbreviations(en + mfa_lines() + ru))


def ordinary() -> None:
    import pymorphy3
    import simplemma

    morph = pymorphy3.MorphAnalyzer()
    en, ru = english_lines(), russian_lines()
    write("inflected_candidates.csv", inflected("en", en, 300, lambda w: simplemma.lemmatize(w, lang="en").casefold())
          + inflected("ru", ru, 300, lambda w: morph.parse(w)[0].normal_form.replace("ё", "е")))


if __name__ == "__main__":
    main()
