"""Lexical evidence: codebook phrases and patterns found in a paragraph, with character offsets.

Phrases are matched on word tokens, not with one big regular expression (an alternation of a few hundred
phrases with word boundaries runs at ~100 paragraphs/s in Python's `re`; token lookup runs at tens of
thousands). A phrase is a sequence of words; `*` inside a word matches any letters (`цветн* революц*` finds
"цветной революции", `colo*r` finds "color" and "colour"). Matching ignores case and treats ё as е. Chinese
phrases (and any phrase without word characters between spaces) are found as substrings.

A phrase `@family-id` stands for the members of a term family (lockstep.terms, `data/term_families.yaml`) in the
phrase's language: Russian members match their inflected forms (the last two letters of each word of five or
more letters become `*`), English members their plurals (`*` after the last word), Chinese members as substrings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from lockstep.errors import ConfigError
from lockstep.narratives.codebook import Codebook
from lockstep.terms.families import load_families

TOKEN = re.compile(r"\w+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(slots=True, frozen=True)
class Match:
    """A phrase or pattern of `narrative` found at text[start:end]."""

    narrative: str
    start: int
    end: int
    phrase: str
    kind: str = "phrase"   # phrase | pattern


@dataclass(slots=True, frozen=True)
class WordSpec:
    prefix: str                 # literal text before the first `*` (the whole word when there is no `*`)
    regex: re.Pattern | None    # full-word regex when the word has a `*`
    exact: bool

    def accepts(self, token: str) -> bool:
        if self.exact:
            return token == self.prefix
        return token.startswith(self.prefix) and (self.regex is None or bool(self.regex.fullmatch(token)))


@dataclass(slots=True, frozen=True)
class PhraseRule:
    narrative: str
    phrase: str
    words: tuple[WordSpec, ...]


def fold(text: str) -> str:
    """Lower-case and ё -> е, keeping the length (offsets stay valid)."""
    low = text.lower()
    return (low if len(low) == len(text) else text).replace("ё", "е")


def word_spec(word: str) -> WordSpec:
    word = fold(word)
    if "*" not in word:
        return WordSpec(word, None, True)
    prefix = word.split("*", 1)[0]
    if word.endswith("*") and word.count("*") == 1:
        return WordSpec(prefix, None, False)
    regex = re.compile("".join(r"\w*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", word)))
    return WordSpec(prefix, regex, False)


class Lexicon:
    """All phrases and patterns of a codebook, indexed per language for fast lookup."""

    def __init__(self, codebook: Codebook):
        self.by_language: dict[str, LanguageIndex] = {}
        for narrative in codebook.narratives.values():
            for lang, phrases in narrative.phrases.items():
                for phrase in phrases:
                    for expanded in expand_family(phrase, lang):
                        self.index(lang).add_phrase(narrative.id, expanded)
            for lang, patterns in narrative.patterns.items():
                for pattern in patterns:
                    self.index(lang).patterns.append((narrative.id, pattern, re.compile(pattern, re.IGNORECASE)))
        self.any_language = LanguageIndex.merged(self.by_language.values())

    def index(self, lang: str) -> "LanguageIndex":
        return self.by_language.setdefault(lang, LanguageIndex())

    def find(self, text: str, language: str | None = None) -> list[Match]:
        """Matches in `text`: the phrases of its language (all languages when it is unknown)."""
        index = self.by_language.get(language or "") or (self.any_language if not language else None)
        if index is None:
            return []
        return index.find(text)


class LanguageIndex:
    def __init__(self) -> None:
        self.first: dict[str, list[PhraseRule]] = {}      # exact first word -> rules
        self.stems: dict[str, list[PhraseRule]] = {}      # first-word prefix -> rules
        self.stem_lengths: list[int] = []
        self.substrings: list[tuple[str, str, str]] = []  # (folded needle, narrative, phrase)
        self.patterns: list[tuple[str, str, re.Pattern]] = []

    @classmethod
    def merged(cls, indexes: Iterable["LanguageIndex"]) -> "LanguageIndex":
        out = cls()
        for index in indexes:
            for key, rules in index.first.items():
                out.first.setdefault(key, []).extend(rules)
            for key, rules in index.stems.items():
                out.stems.setdefault(key, []).extend(rules)
            out.substrings.extend(index.substrings)
            out.patterns.extend(index.patterns)
        out.stem_lengths = sorted({len(k) for k in out.stems})
        return out

    def add_phrase(self, narrative: str, phrase: str) -> None:
        words = TOKEN.findall(phrase.replace("*", "\u2217"))
        if CJK.search(phrase) or not words:
            self.substrings.append((fold(phrase.replace("*", "")), narrative, phrase))
            return
        specs = tuple(word_spec(w.replace("\u2217", "*")) for w in re.findall(r"[\w*]+", phrase))
        rule = PhraseRule(narrative, phrase, specs)
        head = specs[0]
        if head.exact:
            self.first.setdefault(head.prefix, []).append(rule)
        else:
            self.stems.setdefault(head.prefix, []).append(rule)
            self.stem_lengths = sorted({*self.stem_lengths, len(head.prefix)})

    def find(self, text: str) -> list[Match]:
        folded = fold(text)
        matches = self.find_phrases(folded)
        for needle, narrative, phrase in self.substrings:
            start = folded.find(needle)
            while start >= 0 and needle:
                matches.append(Match(narrative, start, start + len(needle), phrase))
                start = folded.find(needle, start + len(needle))
        for narrative, source, regex in self.patterns:
            matches.extend(Match(narrative, m.start(), m.end(), source, "pattern") for m in regex.finditer(text))
        return matches

    def find_phrases(self, folded: str) -> list[Match]:
        if not self.first and not self.stems:
            return []
        tokens = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(folded)]
        words = [t[0] for t in tokens]
        matches = []
        for i, word in enumerate(words):
            for rule in self.candidates(word):
                n = len(rule.words)
                if i + n <= len(words) and all(spec.accepts(words[i + k]) for k, spec in enumerate(rule.words)):
                    matches.append(Match(rule.narrative, tokens[i][1], tokens[i + n - 1][2], rule.phrase))
        return matches

    def candidates(self, word: str) -> list[PhraseRule]:
        found = list(self.first.get(word, ()))
        for length in self.stem_lengths:
            if length > len(word):
                break
            found.extend(self.stems.get(word[:length], ()))
        return found


def expand_family(phrase: str, lang: str) -> list[str]:
    """A phrase, or for `@family-id` the family's members in `lang` written as lexicon phrases."""
    if not phrase.startswith("@"):
        return [phrase]
    family = term_families().get(phrase[1:])
    if family is None:
        raise ConfigError(f"phrase {phrase!r}: no term family {phrase[1:]!r} (see lockstep terms families)")
    return [member_phrase(word, lang) for member_lang, word in family.members if member_lang == lang]


def member_phrase(word: str, lang: str) -> str:
    if lang == "ru":
        return " ".join(w[:-2] + "*" if len(w) >= 5 and w.isalpha() else w for w in word.split())
    if lang == "en":
        return word + "*" if word[-1:].isalpha() else word
    return word


def term_families() -> dict:
    """The term families of lockstep.terms."""
    return load_families()
