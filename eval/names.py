"""Names and abbreviations keep their identity through the tokenizer; ordinary words are still lemmatised.

    python eval/names.py [--check]

Lists in eval/data/names/ (built from the shared headline sets by eval/data/names/build.py, which says how each is
labelled; every row carries the real line it came from):

* names: words the outlets write with a capital in >= 95 % of their occurrences inside a sentence, and acronyms. A
  name keeps its identity when every occurrence in its line gets as lemma the word itself (possessive dropped) or
  another name of the list ("Ukrainians" -> "ukrainian", "Пескова" -> "песков"); "Wales" -> "wale", "Пелоси" ->
  "пелось", "Maria" -> "mare", "US" -> "we" are identity changes. Figure: share kept (floor 1.0 on the test part:
  zero identity changes), and the number changed.
* inflected: ordinary lower-case words whose dictionary lemma differs from the form; the share still given that
  lemma (so the fix cannot pass by not lemmatising).
* abbreviations: dotted abbreviations as written ("S.China", "E.China", "U.S.", "с.в.лаврова"); the share of lines
  where no token starts or ends inside a word.

`old` is the tokenizer before issue 19, computed in the same run: lemmas of the lower-case form (simplemma,
pymorphy3's first parse) and the former abbreviation pattern. Figures are given for the `tune` part (rows the rules
were looked at against) and the `test` part (held out), English and Russian apart.
Writes eval/results/names.json; --check compares with the "names" section of eval/floors.json.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from floors import below_floors, finish

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / "eval" / "data" / "names"
RESULTS = ROOT / "eval" / "results" / "names.json"
LETTER = r"[^\W\d_\u3400-\u4dbf\u4e00-\u9fff]"
OLD_ABBREVIATION = re.compile(rf"{LETTER}(?:\.{LETTER})+\.?|[^\W_]+(?:[-'’][^\W_]+)*")


def rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def fold(word: str) -> str:
    from lockstep.enrich.tokens import normalize_form

    form = normalize_form(word)
    return form[:-2] if form.endswith("'s") and len(form) > 3 else form


def occurrences(line: str, word: str, lang: str) -> list[tuple[str, str, str]]:
    """(form, new lemma, old lemma) of every token of `line` written as `word`."""
    from lockstep.enrich.tokens import lemmatize, normalize_form, tokenize

    tokens = tokenize(line, lang)
    wanted = normalize_form(word)
    return [(f, lemmatize(f, tl, None, case), old_lemma(f, tl))
            for f, tl, case in zip(tokens.form, tokens.lang, tokens.case) if f == wanted]


def old_lemma(form: str, lang: str) -> str:
    """The lemma before issue 19: the lower-case form through simplemma or pymorphy3's first parse."""
    from lockstep.enrich.lemmas import simplemma_lemma
    from lockstep.enrich.tokens import morph_analyzer

    if lang == "ru":
        return morph_analyzer().parse(form)[0].normal_form.replace("ё", "е")
    return simplemma_lemma(form, lang).casefold()


def name_words(lang: str) -> set[str]:
    """Words the outlets write with a capital in at least half of their occurrences (see build.py)."""
    return set((DATA / f"name_words_{lang}.txt").read_text(encoding="utf-8").split())


def same_name(form: str, lemma: str, word: str, lang: str, known: set[str]) -> bool:
    """The lemma keeps the name's identity: the word itself, another name, or (Russian) the dictionary form of a
    parse tagged as a name (Пескова -> песков) or of an adjective in a name (Иркутской области -> иркутский); not a
    common noun (Песков -> песок), a verb (Соединенные -> соединить) or a guess (Шкаплеров -> шкаплер)."""
    from lockstep.enrich.lemmas import PROPER_TAGS, normal_form
    from lockstep.enrich.tokens import morph_analyzer

    lemma = lemma.casefold().replace("ё", "е")
    if lemma in (fold(word), form) or lemma in known:
        return True
    return lang == "ru" and any(normal_form(p, name=True).replace("ё", "е") == lemma for p in morph_analyzer().parse(form)
                                if PROPER_TAGS & p.tag.grammemes or p.tag.POS in ("ADJF", "PRTF"))


def names_figures(table: list[dict]) -> tuple[dict, list[str]]:
    out, changed = {}, []
    known = {lang: name_words(lang) for lang in ("en", "ru")}
    for lang in ("en", "ru"):
        for part in ("tune", "test"):
            subset = [r for r in table if r["lang"] == lang and r["part"] == part]
            new_ok = old_ok = 0
            for row in subset:
                found = occurrences(row["line"], row["word"], lang)
                kept = [same_name(f, new, row["word"], lang, known[lang]) for f, new, _ in found]
                new_ok += all(kept)
                old_ok += all(same_name(f, old, row["word"], lang, known[lang]) for f, _, old in found)
                changed += [f"{lang} {part} {row['word']} -> {new}   ({row['origin']}: {row['line'][:90]})"
                            for (_, new, _), ok in zip(found, kept) if not ok][:1]
            out[f"{lang}.{part}.kept"] = round(new_ok / len(subset), 4)
            out[f"{lang}.{part}.changed"] = len(subset) - new_ok
            out[f"{lang}.{part}.old.kept"] = round(old_ok / len(subset), 4)
            out[f"{lang}.{part}.n"] = len(subset)
    return {f"names.{k}": v for k, v in out.items()}, changed


def inflected_figures(table: list[dict]) -> tuple[dict, list[str]]:
    out, missed = {}, []
    for lang in ("en", "ru"):
        for part in ("tune", "test"):
            subset = [r for r in table if r["lang"] == lang and r["part"] == part]
            found_in = [(r, occurrences(r["line"], r["word"], lang)) for r in subset]
            subset = [r for r, found in found_in if found]  # "based" of "Beijing-based" is not a token here
            ok = 0
            for row, found in ((r, f) for r, f in found_in if f):
                good = all(new == row["lemma"] for _, new, _ in found)
                ok += good
                if not good:
                    missed.append(f"{lang} {part} {row['word']} -> {[n for _, n, _ in found]} (dictionary: "
                                  f"{row['lemma']})")
            out[f"inflected.{lang}.{part}.lemmatised"] = round(ok / len(subset), 4)
            out[f"inflected.{lang}.{part}.n"] = len(subset)
    return out, missed


def cut_inside(line: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """True when a token starts or ends between two letters of line[start:end]."""
    bounds = {b for span in spans for b in span if start < b < end}
    return any(line[b - 1].isalpha() and line[b].isalpha() for b in bounds)


def abbreviation_figures(table: list[dict]) -> tuple[dict, list[str]]:
    from lockstep.enrich.tokens import tokenize

    out, broken = {}, []
    for lang in ("en", "ru"):
        subset = [r for r in table if r["lang"] == lang]
        new_ok = old_ok = 0
        for row in subset:
            line, word = row["line"], row["word"]
            start = line.find(word)
            end = start + len(word)
            tokens = tokenize(line, lang)
            new_spans = list(zip(tokens.start, tokens.end))
            old_spans = [m.span() for m in OLD_ABBREVIATION.finditer(line)]
            new_ok += not cut_inside(line, start, end, new_spans)
            old_ok += not cut_inside(line, start, end, old_spans)
            if cut_inside(line, start, end, new_spans):
                broken.append(f"{lang} {word}: {[line[s:e] for s, e in new_spans if s < end and e > start]}")
        out[f"abbreviations.{lang}.intact"] = round(new_ok / len(subset), 4)
        out[f"abbreviations.{lang}.old.intact"] = round(old_ok / len(subset), 4)
        out[f"abbreviations.{lang}.n"] = len(subset)
    return out, broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    results: dict = {}
    for figures, problems, what in (names_figures(rows("names.csv")) + ("identity changes",),
                                    inflected_figures(rows("inflected.csv")) + ("not lemmatised",),
                                    abbreviation_figures(rows("abbreviations.csv")) + ("cut inside a word",)):
        results.update(figures)
        print(f"  {what}: {len(problems)}")
        for line in problems[:40]:
            print("   ", line)
    return finish("names", results, RESULTS, below_floors("names", results) if args.check else [])


if __name__ == "__main__":
    sys.exit(main())
