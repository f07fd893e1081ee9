"""Tokens, sentences and lemmas per language, offline, with character offsets into the original text.

* Latin and Cyrillic text: a regex tokenizer (words with inner hyphens and apostrophes, dotted abbreviations
  such as ``U.S.``, numbers). Chinese (Han runs, wherever they occur): jieba, with a phrase dictionary so that a
  family member such as 颜色革命 stays one token.
* Offsets always index the text as stored (``documents.text``); normalisation only touches the *form* of a token:
  NFKC (full-width letters and digits become ASCII), case folding, typographic quotes and apostrophes made plain,
  and by default ``ё`` folded to ``е`` (Russian print uses both for the same word).
* Web addresses are not words (a Telegram post's ``https://www.mid.ru/en/...`` gives no tokens).
* Dotted abbreviations stay whole (``U.S.``, ``с.в.``) and are never cut inside a word: ``S.China`` and
  ``S. China`` are the initial ``s.`` and ``china``.
* Each token records how it was written (``case``: lower, capital, acronym), because names keep their identity:
  Russian with pymorphy3 (simplemma when pymorphy3 is missing or asked for), English and other Latin/Cyrillic
  languages with simplemma, under the rules of :mod:`lockstep.enrich.lemmas` (``Wales`` stays ``wales``,
  ``Пелоси`` stays ``пелоси``, ``media`` stays ``media``); Chinese tokens are their own lemma. Each distinct
  (form, language, case) is lemmatised once (cached).
* Stop words per language from ``lockstep/data/stopwords/<lang>.txt``; numbers and single characters of Latin
  or Cyrillic script count as stop words too.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from lockstep.enrich.lemmas import (ACRONYM, CAPITAL, LOWER, NAME, acronym_lemma, english_lemma, russian_lemma,
                                    simplemma_lemma)

HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = f"[{HAN_CLASS}]+"
LETTER = rf"[^\W\d_{HAN_CLASS}]"
WORD_CHAR = rf"[^\W_{HAN_CLASS}]"
UPPER = "[A-ZА-ЯЁ]"
ABBREVIATION = rf"{LETTER}(?:\.{LETTER})+(?:\.|(?!{WORD_CHAR}))"  # U.S., U.K., т.е., с.в. (of с.в.лавров)
INITIAL = rf"{UPPER}\.(?=\s?{UPPER})"  # the S. of S.China or S. China, the В. of В. Путин
WORD = rf"{WORD_CHAR}+(?:[-'’‐‑]{WORD_CHAR}+)*"
TOKEN_RE = re.compile(rf"(?P<han>{HAN_RUN})|(?P<word>{ABBREVIATION}|{INITIAL}|{WORD})")
TOKENIZER_VERSION = "2"  # token boundaries or lemmas changed: an index built with another version is rebuilt
NAME_GAP = re.compile(r"[ \t\u00a0]{1,2}|-")
SHOUTING_SHARE = 0.5  # a sentence with no lower-case word and this share of acronyms is in capitals: case tells nothing
HAN_RE = re.compile(f"[{HAN_CLASS}]")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"«»“”]+", re.IGNORECASE)
ABBREVIATION_RE = re.compile(rf"{ABBREVIATION}$")
HAN_RUN_RE = re.compile(HAN_RUN)
HAN_ONLY = re.compile(HAN_RUN)
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
HAS_LETTER_RE = re.compile(rf"[^\W\d_]")

SENTENCE_END_LATIN = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s+[\"'«“„(\[—–-]?[\w])")
SENTENCE_END_HAN = re.compile(r"[。！？!?；;]+[”’」』）)]*")
LINE_BREAK = re.compile(r"\n+")
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr vs prof gen col lt sgt gov sen rep rev no nos fig inc ltd co corp jan feb mar apr "
    "jun jul aug sep sept oct nov dec т г гг им см ул д стр тыс млн млрд руб проф акад ген".split()
)
QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "‐": "-", "‑": "-", "“": '"', "”": '"'})
CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk"})
LATIN_LANGS = frozenset({"en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "ro", "sv", "fi", "da",
                         "hu", "tr", "id", "ca", "hr", "sl", "lt", "lv", "et"})


@dataclass(slots=True, kw_only=True, frozen=True)
class TokenOptions:
    """How text becomes tokens. Stored with the index: changing it means re-indexing."""

    fold_yo: bool = True                  # ё -> е in forms and lemmas
    russian_lemmatizer: str = "pymorphy3"  # or "simplemma" (3x faster, less accurate on ambiguous forms)
    phrases: tuple[str, ...] = ()         # extra Chinese dictionary words (family members), kept as one token
    version: str = TOKENIZER_VERSION      # of the token boundaries and lemma rules

    def signature(self) -> str:
        import hashlib

        digest = hashlib.sha1("\n".join(sorted(self.phrases)).encode()).hexdigest()[:12]
        return f"v={self.version};yo={int(self.fold_yo)};ru={self.russian_lemmatizer};phrases={digest}"


@dataclass(slots=True)
class DocTokens:
    """Tokens of one document, column-wise: offsets into the text, paragraph and sentence numbers, forms."""

    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    paragraph: list[int] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    form: list[str] = field(default_factory=list)
    lang: list[str] = field(default_factory=list)
    case: list[str] = field(default_factory=list)  # lower | capital | acronym | name, see `token_cases`

    def __len__(self) -> int:
        return len(self.start)


# ---- normalisation -------------------------------------------------------------------------------------------


def normalize_form(surface: str, fold_yo: bool = True) -> str:
    """The form a token is counted under: NFKC, case-folded, plain quotes, optionally ё -> е."""
    form = unicodedata.normalize("NFKC", surface).translate(QUOTES).casefold()
    return form.replace("ё", "е") if fold_yo else form


def token_lang(form: str, doc_lang: str | None) -> str:
    """Language used to lemmatise one token: its script decides, the document's language refines it."""
    if HAN_RE.match(form):
        return "zh"
    if CYRILLIC_RE.search(form):
        return doc_lang if doc_lang in CYRILLIC_LANGS else "ru"
    return doc_lang if doc_lang in LATIN_LANGS else "en"


# ---- paragraphs and sentences --------------------------------------------------------------------------------


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of non-blank paragraphs; the same split as the store's `paragraphs` table."""
    spans, start = [], 0
    for part in text.split("\n\n"):
        end = start + len(part)
        if part.strip():
            spans.append((start, end))
        start = end + 2
    return spans


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the sentences in text[start:end]: ., !, ?, … before a capital, 。！？, or a line break."""
    end = len(text) if end is None else end
    cuts = {end}
    chunk = text[start:end]
    for match in SENTENCE_END_LATIN.finditer(chunk):
        if not is_abbreviation(chunk, match.start()):
            cuts.add(start + match.end())
    for pattern in (SENTENCE_END_HAN, LINE_BREAK):
        for match in pattern.finditer(chunk):
            cuts.add(start + match.end())
    spans, begin = [], start
    for cut in sorted(cuts):
        if text[begin:cut].strip():
            spans.append((begin, cut))
        begin = cut
    return spans


def is_abbreviation(chunk: str, dot: int) -> bool:
    """True when the full stop at `dot` ends an abbreviation (Mr., U.S., г.) rather than a sentence."""
    if chunk[dot] != ".":
        return False
    word = re.search(r"(\w+)$", chunk[:dot])
    if not word:
        return False
    token = word.group(1)
    return token.lower() in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


# ---- tokens --------------------------------------------------------------------------------------------------


def tokenize(text: str, lang: str | None = None, options: TokenOptions | None = None) -> DocTokens:
    """All word tokens of a document with offsets, paragraph and sentence numbers and normalised forms."""
    options = options or TokenOptions()
    out = DocTokens()
    sentence_no = 0
    for p_idx, (p_start, p_end) in enumerate(paragraph_spans(text)):
        sentences = sentence_spans(text, p_start, p_end)
        spans = token_spans(text, p_start, p_end, options)
        if spans:
            starts = [s for s, _ in spans]
            forms = [_form(text[s:e], options.fold_yo) for s, e in spans]
            out.start.extend(starts)
            out.end.extend(e for _, e in spans)
            out.paragraph.extend([p_idx] * len(spans))
            if len(sentences) == 1:
                out.sentence.extend([sentence_no] * len(spans))
            else:
                bounds = [s for s, _ in sentences]
                out.sentence.extend(sentence_no + max(0, bisect_right(bounds, s) - 1) for s in starts)
            out.form.extend(forms)
            out.lang.extend(_lang(f, lang) for f in forms)
            out.case.extend(token_cases(text, spans, out.sentence[-len(spans):]))
        sentence_no += len(sentences)
    return out


def written_case(surface: str) -> str:
    """lower, capital (first letter upper) or acronym (at least two letters, all capitals: US, U.S., NATO's)."""
    core = surface[:-2] if surface[-2:] in ("'s", "’s") else surface
    if sum(ch.isalpha() for ch in core) >= 2 and core.isupper():
        return ACRONYM
    return CAPITAL if surface[:1].isupper() else LOWER


def token_cases(text: str, spans: list[tuple[int, int]], sentences: list[int]) -> list[str]:
    """How each token was written, read in its sentence:

    * a run of two or more capitalised words ("United Nations", "Solomon Islands", "Boris Johnson") is a name:
      ``name``, kept as written;
    * in a sentence with no lower-case word of four letters or more, case tells less: a title-case headline
      ("Ukraine First Former Soviet State In World Cup Qualifier") has no name runs, only capitals, and a headline
      in capitals ("UKRAINE WAR LATEST") is read as lower case."""
    surfaces = [text[s:e] for s, e in spans]
    cases = [written_case(s) for s in surfaces]
    lowered = {sn for sn, case, s in zip(sentences, cases, surfaces) if case == LOWER and len(s) >= 4}
    for sentence in set(sentences) - lowered:
        members = [i for i, sn in enumerate(sentences) if sn == sentence and surfaces[i][:1].isalpha()
                   and not HAN_RE.match(surfaces[i])]
        n_acronyms = sum(cases[i] == ACRONYM for i in members)
        if len(members) >= 3 and n_acronyms >= SHOUTING_SHARE * len(members):
            for i in members:
                cases[i] = LOWER
    return name_runs(text, spans, sentences, cases, lowered)


def name_runs(text: str, spans: list[tuple[int, int]], sentences: list[int], cases: list[str],
              lowered: set[int]) -> list[str]:
    """Capitalised tokens next to each other (only spaces or a hyphen between) in a sentence with lower-case words
    become ``name``."""
    out = list(cases)
    for i in range(len(spans) - 1):
        if sentences[i] != sentences[i + 1] or sentences[i] not in lowered:
            continue
        if cases[i] == CAPITAL and cases[i + 1] == CAPITAL and NAME_GAP.fullmatch(text[spans[i][1]:spans[i + 1][0]]):
            out[i] = out[i + 1] = NAME
    return out


@lru_cache(maxsize=200_000)
def _form(surface: str, fold_yo: bool) -> str:
    return normalize_form(surface, fold_yo)


@lru_cache(maxsize=200_000)
def _lang(form: str, doc_lang: str | None) -> str:
    return token_lang(form, doc_lang)


def token_spans(text: str, start: int, end: int, options: TokenOptions) -> list[tuple[int, int]]:
    """Word spans from the regex; Han spans from one jieba pass over the paragraph (far fewer calls than per run)."""
    spans, has_han = [], False
    urls = [m.span() for m in URL_RE.finditer(text, start, end)]  # "https://www.mid.ru/en/..." is no words
    for match in TOKEN_RE.finditer(text, start, end):
        if urls and any(s <= match.start() < e for s, e in urls):
            continue
        if match.lastgroup == "word":
            spans.append(match.span())
        else:
            has_han = True
    if not has_han:
        return spans
    for word, s, e in chinese_segmenter(options.phrases).tokenize(text[start:end]):
        if HAN_ONLY.fullmatch(word):
            spans.append((start + s, start + e))
        elif HAN_RE.search(word):  # a mixed token such as "A股": keep its Han runs
            spans.extend((start + s + m.start(), start + s + m.end()) for m in HAN_RUN_RE.finditer(word))
    spans.sort()
    return spans


def tokenize_query(term: str, options: TokenOptions | None = None) -> list[tuple[str, str, str]]:
    """(form, lang, case) of each token of a search term, tokenised exactly as documents are ("Wales" finds the
    place, "wales" the lemma *wale*)."""
    tokens = tokenize(term, None, options)
    return list(zip(tokens.form, tokens.lang, tokens.case))


@lru_cache(maxsize=4)
def chinese_segmenter(phrases: tuple[str, ...] = ()):
    """A jieba tokenizer with the phrase dictionary added (each phrase becomes one token)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    for phrase in phrases:
        if HAN_RE.search(phrase):
            segmenter.add_word(phrase, freq=max(segmenter.suggest_freq(phrase, tune=False), 1000))
    return segmenter


# ---- lemmas --------------------------------------------------------------------------------------------------


def lemmatize(form: str, lang: str, options: TokenOptions | None = None, case: str = LOWER) -> str:
    """Lemma of a normalised form (see `normalize_form`) written in `case` (see `written_case`)."""
    options = options or TokenOptions()
    return _lemma(form, lang, options.russian_lemmatizer, options.fold_yo, case)


def lemmas_of(tokens: DocTokens, options: TokenOptions | None = None) -> list[str]:
    """The lemma of every token of a document."""
    return [lemmatize(f, lang, options, case) for f, lang, case in zip(tokens.form, tokens.lang, tokens.case)]


@lru_cache(maxsize=500_000)
def _lemma(form: str, lang: str, russian: str, fold_yo: bool, case: str = LOWER) -> str:
    if lang == "zh" or not HAS_LETTER_RE.search(form):
        return form
    if ABBREVIATION_RE.match(form) and lang in CYRILLIC_LANGS:
        return form  # т.е., с.в.
    if case == ACRONYM or ABBREVIATION_RE.match(form):
        return acronym_lemma(form, stopwords(lang))
    if lang == "ru" and russian == "pymorphy3":
        analyzer = morph_analyzer()
        lemma = russian_lemma(form, case, analyzer) if analyzer else simplemma_lemma(form, lang)
    elif lang == "en":
        lemma = english_lemma(form, case)
    else:
        lemma = simplemma_lemma(form, lang)
    lemma = lemma.casefold()
    return lemma.replace("ё", "е") if fold_yo else lemma


@lru_cache(maxsize=1)
def morph_analyzer():
    try:
        import pymorphy3
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return pymorphy3.MorphAnalyzer()


# ---- stop words ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def stopwords(lang: str) -> frozenset[str]:
    """The shipped stop-word list of a language (normalised forms and lemmas); empty when none ships."""
    try:
        text = resources.files("lockstep.data").joinpath(f"stopwords/{lang}.txt").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return frozenset()
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(normalize_form(w) for w in words if w)


def is_stopword(lemma: str, lang: str) -> bool:
    """Stop word, number, or a single Latin/Cyrillic character."""
    if not HAS_LETTER_RE.search(lemma):
        return True
    if len(lemma) == 1 and lang != "zh":
        return True
    return lemma in stopwords(lang)
