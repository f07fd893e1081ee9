"""Lemmas that keep the identity of names: a proper noun is never lemmatised into a common word.

The tokenizer (:mod:`lockstep.enrich.tokens`) gives each token its normalised form, its language and how it was
written: ``lower``, ``capital`` (first letter upper), ``name`` (one of a run of capitalised words inside a sentence
that has lower-case words: "United Nations", "Solomon Islands") or ``acronym`` (all capitals, in a line that is not
in capitals). The rules, in order:

* **Acronyms** (``US``, ``WHO``, ``NATO``, ``ВСУ``) and dotted Latin abbreviations (``U.S.``, ``U.K.``) keep their
  letters: ``U.S.`` and ``US`` are one lemma. An acronym that is spelled like a stop word is written in capitals
  (``US``, ``WHO``), so it is not dropped with the pronoun *us* or *who*.
* **Registered names** (single-word names of the packaged places, officials and actors registries:
  ``data/places.yaml``, ``officials.yaml``, ``actors.yaml``) keep their form: ``Wales`` is not ``wale``.
* **English**, in a name run: the form as written (``United Nations`` is not *unite nation*). Capitalised alone:
  simplemma's case-sensitive dictionary decides whether a word is a proper noun
  (``Wales``, ``Maria``, ``Times``, ``United``, ``States`` stay) or a common word (``Ministers`` -> ``minister``).
  Any case: a lemma that undoes a Latin or Greek plural (*media -> medium*, *maria -> mare*, *data -> datum*,
  *alumni -> alumnus*) is refused, because in news English the plural is its own word; the possessive ``'s`` is
  dropped (``Leyen's`` -> ``leyen``).
* **Russian** with pymorphy3: a capitalised word takes a parse tagged as a name (Name, Surn, Patr, Geox, Orgn,
  Trad) when it has one (``Песков`` -> ``песков``, not ``песок``); a woman's surname keeps its feminine form
  (``Захаровой`` -> ``захарова``). A word the dictionary does not know is lemmatised only when the guess just
  removes a case ending (``Байдена`` -> ``байден``, ``Зеленского`` -> ``зеленский``); otherwise it keeps its form
  (``Пелоси`` stays, not ``пелось``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml

LOWER, CAPITAL, ACRONYM, NAME = "lower", "capital", "acronym", "name"
CASES = (LOWER, CAPITAL, ACRONYM, NAME)
PERSON_TAGS = frozenset({"Name", "Surn", "Patr"})
PROPER_TAGS = PERSON_TAGS | {"Geox", "Orgn", "Trad"}
RU_CASE_ENDINGS = ("а", "я", "у", "ю", "ом", "ем", "ём", "е", "и", "ы", "ой", "ей", "ою", "ею")  # singular only:
# "Шкаплеров" is a surname in the nominative, not the genitive plural of "Шкаплер"
RU_ADJ_ENDINGS = ("ий", "ый", "ой", "ая", "яя", "ого", "его", "ому", "ему", "им", "ым", "ом", "ем", "ую", "юю", "ей",
                  "ых", "их", "ыми", "ими", "ые", "ие")
DOTTED_LATIN = re.compile(r"^(?:[a-z]\.)+[a-z]\.?$")
CLASSICAL = re.compile(r"(?:a|ae|i|ices|eaux)$")


def fold(text: str) -> str:
    """The normalisation registry names get before they are compared with token forms."""
    return unicodedata.normalize("NFKC", text).replace("’", "'").casefold().replace("ё", "е")


# ---- the registries' names ----------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def registered_names(lang: str) -> frozenset[str]:
    """Single-word names (places, officials, actors' outlets) of one language, normalised."""
    words: set[str] = set()
    for forms in registry_forms(lang):
        for form in forms:
            if " " not in form.strip() and form[:1].isupper():
                words.add(fold(form.strip()))
    return frozenset(words)


def registry_forms(lang: str) -> list[list[str]]:
    out: list[list[str]] = []
    for file, key in (("places.yaml", "places"), ("officials.yaml", "officials")):
        for entry in packaged(file, key):
            names = entry.get("names") or {}
            out.append([str(f) for f in names.get(lang) or []] + ([str(entry["name"])] if lang == "en" else []))
    for entry in packaged("actors.yaml", "actors"):
        forms = [str(entry.get("name", "")), *[str(o) for o in entry.get("outlets") or []]]
        out.append([f for f in forms if bool(re.search("[а-яё]", f, re.I)) == (lang == "ru")])
    return out


def packaged(file: str, key: str) -> list[dict]:
    text = resources.files("lockstep.data").joinpath(file).read_text(encoding="utf-8")
    return [e for e in (yaml.safe_load(text) or {}).get(key) or [] if isinstance(e, dict)]


# ---- acronyms and abbreviations -----------------------------------------------------------------------------------


def acronym_lemma(form: str, stop: frozenset[str]) -> str:
    """An acronym's letters; in capitals when they spell a stop word (US, WHO, IT)."""
    form = form[:-2] if form.endswith("'s") else form
    letters = form.replace(".", "") if DOTTED_LATIN.match(form) else form
    return letters.upper() if letters in stop else letters


# ---- English ------------------------------------------------------------------------------------------------------


def english_lemma(form: str, case: str) -> str:
    """Lemma of an English form written in `case` (see the module's rules)."""
    base = form[:-2] if form.endswith("'s") and len(form) > 3 else form
    if case == NAME or base in registered_names("en"):
        return base
    if case == CAPITAL:
        cased = simplemma_lemma(base[:1].upper() + base[1:], "en").casefold()
        return cased if accepted(base, cased) else base
    lemma = simplemma_lemma(base, "en").casefold()
    if lemma == base:  # "ukrainians": the lower-case entry is missing, the capitalised one is not
        cased = simplemma_lemma(base[:1].upper() + base[1:], "en").casefold()
        return cased if cased != base and regular_inflection(base, cased) else base
    return lemma if accepted(base, lemma) else base


def accepted(form: str, lemma: str) -> bool:
    """False for a lemma that undoes a Latin or Greek plural (media -> medium, maria -> mare)."""
    return lemma == form or not (CLASSICAL.search(form) and not regular_inflection(form, lemma))


def regular_inflection(form: str, lemma: str) -> bool:
    """True when `form` is `lemma` with a regular English ending (-s, -es, -ies, -ed, -ing, -er, -est)."""
    if not lemma or not form.startswith(lemma[: max(1, len(lemma) - 2)]):
        return False
    stems = {lemma, lemma[:-1] if lemma.endswith(("e", "y")) else lemma, lemma + lemma[-1]}
    endings = ("s", "es", "ies", "ed", "d", "ied", "ing", "er", "est", "ier", "iest", "r", "st")
    return any(form == stem + ending for stem in stems for ending in endings)


def simplemma_lemma(form: str, lang: str) -> str:
    import simplemma

    try:
        return simplemma.lemmatize(form, lang=lang)
    except ValueError:  # a language simplemma does not know
        return form


# ---- Russian ------------------------------------------------------------------------------------------------------


def russian_lemma(form: str, case: str, analyzer) -> str:
    """Lemma of a Russian form with pymorphy3 (see the module's rules)."""
    if case == ACRONYM or (case != LOWER and form in registered_names("ru")):
        return form  # lower case: "того" is "тот", not Togo
    parses = analyzer.parse(form)
    if not parses:
        return form
    if case in (CAPITAL, NAME):  # people first, then other names, then the rest, each in pymorphy's order
        parses = sorted(parses, key=lambda p: (not PERSON_TAGS & p.tag.grammemes, not PROPER_TAGS & p.tag.grammemes))
    if parses[0].is_known:
        return normal_form(parses[0], name=case != LOWER)
    guesses = [normal_form(p) for p in parses]
    return next((g for g in guesses if g != form and strips_case_ending(form, g)), form)


def normal_form(parse, name: bool = False) -> str:
    """The dictionary form; a woman's surname stays feminine (Захаровой -> захарова, not захаров), and a capitalised
    participle stays a participle (Соединенных Штатов -> соединенный, not the verb соединить)."""
    wanted = None
    if "Surn" in parse.tag.grammemes and "femn" in parse.tag.grammemes:
        wanted = {"nomn", "sing"}
    elif name and parse.tag.POS == "PRTF":
        wanted = {"nomn", "sing", "masc"}
    inflected = parse.inflect(wanted) if wanted else None
    return inflected.word if inflected is not None else parse.normal_form


def strips_case_ending(form: str, lemma: str) -> bool:
    """True when a guessed lemma differs from the form only by a noun or adjective case ending."""
    if form.startswith(lemma) and len(form) > len(lemma) and form[len(lemma):] in RU_CASE_ENDINGS:
        return True
    for end in RU_ADJ_ENDINGS:
        if lemma.endswith(end) and len(lemma) > len(end) + 2:
            stem = lemma[: -len(end)]
            return form.startswith(stem) and form[len(stem):] in RU_ADJ_ENDINGS
    return False
