"""Language identification per document, offline, with lingua, using what is known about the outlet.

The script decides first: Han -> zh, kana -> ja, Hangul -> ko, and scripts used by one language here (Greek,
Hebrew, Georgian, Armenian, Devanagari) directly. Lingua then separates the languages that share a script
(Cyrillic, Latin, Arabic) on the first 300 characters (1.7x faster than 500; 2 of 875 real ru/en texts
differed, both es/fr calls on navigation debris).

**With the outlet's languages** (``languages`` in the actor registry, the outlet's main language first; a document's
own language metadata is used as it is and never re-detected), a text is given one of them:

* lingua's low-accuracy mode (trigram models of every language of the script; ~40 MB, loads in under 2 s) scores
  the text; a language the outlet never publishes in is taken only on strong evidence: confidence >= STRONG on at
  least STRONG_CHARS characters. Chosen on the tuning half of the shared English headline sets (eval/language.py):
  on headlines the low-accuracy confidence is no evidence (3,073 of 57,409 English tuning headlines had an
  outsider on top, 273 of them at >= 0.99, among them 95 of the 120-character MFA posts), so a headline is never
  given a language its outlet does not publish in;
* otherwise the outlet's main language of that script is taken, unless the low-accuracy mode ranks one of its other
  languages first among them and the high-accuracy models of just that pair (main, other; loaded once per pair
  met) give the other confidence >= SECONDARY;
* an outlet with no language of the text's script (a Cyrillic text from an outlet that publishes in English and
  Chinese) gets the detection below, so Russian and Chinese texts of any outlet are still found.

**Without** (an outlet the registry does not know), as before: the low-accuracy mode for every text, and for
short texts (under 120 characters: headlines, captions), where that mode errs (959 of 1,000 BBC headlines right),
high-accuracy models restricted to the languages that dominate this domain (en/de/fr/es/it/pt/pl/cs for Latin,
ru/uk/bg for Cyrillic; loaded once, ~8 s, ~250 MB, only when such a text first appears) decide, unless the fast
guess is another language with confidence >= 0.9.
"""

from __future__ import annotations

import re
from functools import lru_cache

SAMPLE_CHARS = 300
SHORT_TEXT = 120
OUTSIDER_CONFIDENCE = 0.9
STRONG = 0.99      # an outsider's lingua confidence (low-accuracy mode) needed to overrule the outlet's languages,
STRONG_CHARS = 150  # on a text at least this long (tuning half: headlines of 120 characters at 0.99 were English)
SECONDARY = 0.95   # a secondary language's confidence against the main one (high-accuracy models of the pair): English
# MFA Telegram posts with Turkish names reached 0.83 for German, German headlines 0.99-1.0
LETTER = re.compile(r"[^\W\d_]")
SCRIPTS = {
    "han": re.compile(r"[\u4e00-\u9fff]"),
    "kana": re.compile(r"[\u3040-\u30ff]"),
    "hangul": re.compile(r"[\uac00-\ud7af]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "greek": re.compile(r"[\u0370-\u03ff]"),
    "hebrew": re.compile(r"[\u0590-\u05ff]"),
    "georgian": re.compile(r"[\u10a0-\u10ff]"),
    "armenian": re.compile(r"[\u0530-\u058f]"),
    "devanagari": re.compile(r"[\u0900-\u097f]"),
}
SINGLE_LANGUAGE_SCRIPTS = {"han": "zh", "kana": "ja", "hangul": "ko", "greek": "el", "hebrew": "he",
                           "georgian": "ka", "armenian": "hy", "devanagari": "hi"}
SHARED_SCRIPTS = {
    "cyrillic": ("RUSSIAN", "UKRAINIAN", "BELARUSIAN", "BULGARIAN", "SERBIAN", "MACEDONIAN", "KAZAKH"),
    "arabic": ("ARABIC", "PERSIAN", "URDU"),
    "latin": ("ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "POLISH", "CZECH", "SLOVAK",
              "HUNGARIAN", "ROMANIAN", "DUTCH", "SWEDISH", "FINNISH", "ESTONIAN", "LATVIAN", "LITHUANIAN",
              "TURKISH", "AZERBAIJANI", "INDONESIAN", "VIETNAMESE", "CROATIAN", "BOSNIAN", "SLOVENE", "DANISH",
              "BOKMAL", "ALBANIAN"),
}
SHORT_TEXT_LANGUAGES = {
    "cyrillic": ("RUSSIAN", "UKRAINIAN", "BULGARIAN"),
    "latin": ("ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "POLISH", "CZECH"),
}


@lru_cache(maxsize=None)
def detector(script: str, precise: bool = False):
    """The script's detector: every language of the script (low accuracy), or the short-text core (precise)."""
    return build_detector(SHORT_TEXT_LANGUAGES[script] if precise else SHARED_SCRIPTS[script], precise)


@lru_cache(maxsize=16)
def build_detector(names: tuple[str, ...], precise: bool):
    from lingua import Language, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(*[getattr(Language, n) for n in names])
    if not precise:
        builder = builder.with_low_accuracy_mode()
    return builder.with_preloaded_language_models().build()


def dominant_script(sample: str, n_letters: int) -> str:
    counts = {name: len(pattern.findall(sample)) for name, pattern in SCRIPTS.items()}
    if counts["kana"] > n_letters * 0.1:
        return "kana"
    if counts["han"] > n_letters * 0.3:
        return "han"
    best = max(counts, key=counts.get)
    return best if counts[best] > n_letters * 0.3 else "latin"


def detect_language(text: str, languages: tuple[str, ...] = ()) -> str | None:
    """ISO 639-1 code, or None for text with too few letters to tell. `languages`: the ISO 639-1 codes the
    outlet publishes in, its main language first (a prior: see the module's text)."""
    sample = text[:SAMPLE_CHARS]
    n_letters = len(LETTER.findall(sample))
    if n_letters < 3:
        return None
    script = dominant_script(sample, n_letters)
    if script in SINGLE_LANGUAGE_SCRIPTS:
        return SINGLE_LANGUAGE_SCRIPTS[script]
    known = outlet_languages(script, languages)
    if known:
        return with_outlet_languages(sample, script, known)
    found = detector(script).detect_language_of(sample)
    if found is not None and len(sample) < SHORT_TEXT and script in SHORT_TEXT_LANGUAGES:
        found = refine_short(sample, script, found)
    return found.iso_code_639_1.name.lower() if found else None


def outlet_languages(script: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    """The lingua names of the outlet's languages that are written in `script`, in the outlet's order."""
    names = (iso_name(code) for code in languages)
    return tuple(dict.fromkeys(n for n in names if n in SHARED_SCRIPTS.get(script, ())))


@lru_cache(maxsize=64)
def iso_name(code: str) -> str | None:
    from lingua import IsoCode639_1, Language

    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name
    except (AttributeError, ValueError):
        return None


def with_outlet_languages(sample: str, script: str, known: tuple[str, ...]) -> str:
    """One of the outlet's languages, unless a language it never publishes in is strongly indicated."""
    scores = detector(script).compute_language_confidence_values(sample)
    strong = scores and scores[0].value >= STRONG and len(sample) >= STRONG_CHARS
    if strong and scores[0].language.name not in known:
        return code_of(scores[0].language)
    main = known[0]
    rival = next((v.language.name for v in scores if v.language.name in known), main)
    if rival == main:
        return code_of_name(main)
    pair = build_detector(tuple(sorted((main, rival))), True)  # high-accuracy models of these two languages only
    if pair.compute_language_confidence(sample, getattr(type(scores[0].language), rival)) >= SECONDARY:
        return code_of_name(rival)
    return code_of_name(main)


def code_of(language) -> str:
    return language.iso_code_639_1.name.lower()


def code_of_name(name: str) -> str:
    from lingua import Language

    return code_of(getattr(Language, name))


def refine_short(sample: str, script: str, found):
    """Short texts: trust the precise core-language models unless the fast guess is a confident outsider."""
    if found.name not in SHORT_TEXT_LANGUAGES[script]:
        confidence = detector(script).compute_language_confidence(sample, found)
        if confidence >= OUTSIDER_CONFIDENCE:
            return found
    return detector(script, precise=True).detect_language_of(sample) or found
