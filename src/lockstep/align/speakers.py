"""Speakers outside the officials registry, and statements whose speaker stands in another sentence.

    named           Olaf Scholz said that ...            Олаф Шольц заявил, что ...
    role            Kremlin spokesman says ...           ex-IMF official warns ...     (roles keep their words)
    headline end    ... — Tusk     ... – Austrian FM     ...: UN     ..., Wang Yi says in phone talks with Blinken
    quote and dash  «Размеры поразили» — космонавт Шкаплеров об ...
    institution     Как сказали в Кремле, ...            В Минэкономразвития отметили, что ...     СВР: ...
    sentence before Об этом заявил Владимир Путин.       Так сегодня Владимир Путин сказал ...  (content: the sentence
                    before)
    pronoun         ..., he added.    Она заявила, что ...   (the speaker of the previous statement, else the last
                    person named in the sentence before)

A possessive is not a speaker ("Von der Leyen's remarks were ..."); a country's possessive before a name is a title
("China's Wang Yi" is Wang Yi). A role with no name is resolved to a registered official named in the same paragraph
whose role and country fit ("Chinese FM says ..." + "Chinese Foreign Minister Wang Yi urged ..." is Wang Yi).
A generic source ("report", "study", "TV", "media", "sources") is not a speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lockstep.align.officials import Official, OfficialsRegistry
from lockstep.align.speech import (EN_NAME, EN_ROLE, EN_TITLE_WORD, EN_VERBS, RU_NAME, RU_VERBS, SPEAKER_STOP,
                                   Statement, headline_speaker, trim)

RU_PLURAL_VERBS = (r"заявили|сообщили|отметили|сказали|подчеркнули|пояснили|уточнили|добавили|напомнили|считают|"
                   r"уверены|предупредили|призвали|ответили|рассказали")
GENERIC_SOURCES = {"tv", "media", "report", "reports", "study", "survey", "poll", "sources", "source", "data",
                   "experts", "analysts", "officials", "official", "statement", "document", "paper", "newspaper",
                   "outlet", "outlets", "insiders", "witnesses", "residents", "video", "footage", "photos", "research",
                   "province", "county", "city", "region", "district", "ep", "episode"}
CONNECTORS = {"of", "the", "for", "on", "to", "and", "von", "der", "de", "al", "bin", "van", "da", "du", "la", "le"}
MODIFIERS = r"(?:ex-\S+|former|senior|top|deputy|vice|chief|prime|health|foreign|defen[cs]e|finance|trade|economy|" \
            r"interior|state|security|military|party)"
ROLE_SPEAKER = re.compile(rf"(?P<speaker>(?:(?:[A-Z][\w'’\-]*|{MODIFIERS})\s+){{0,3}}{EN_ROLE})\s+"
                          rf"(?P<verb>{EN_VERBS})\b(?:\s+that\b|\s*[,:])?\s*(?P<content>.{{12,}})$", re.DOTALL)
GENERIC = {
    "en": re.compile(rf"(?P<title>(?:{EN_TITLE_WORD}\s+)*)(?P<speaker>{EN_NAME})\s+(?P<verb>{EN_VERBS})\b"
                     rf"(?:\s+that\b|\s*[,:])?\s*(?P<content>.{{12,}})$", re.DOTALL),
    "ru": re.compile(rf"(?P<speaker>{RU_NAME})\s+(?P<verb>{RU_VERBS})\b(?:,\s*что\s+|:\s*|,\s*|\s+что\s+|\s+)"
                     rf"(?P<content>.{{12,}})$", re.DOTALL),
}
DASH_END = re.compile(r"^(?P<content>.{12,}?)\s*(?:[—–‒]|\s-)\s*(?P<speaker>[^—–‒:]{2,60}?)[\s.]*$", re.DOTALL)
COLON_END = re.compile(r"^(?P<content>.{12,}?):\s+(?P<speaker>[^:]{2,40}?)[\s.]*$", re.DOTALL)
VERB_END = re.compile(rf"^(?P<content>.{{12,}}?),\s+(?P<speaker>[^,]{{2,60}}?)\s+(?P<verb>{EN_VERBS})\b"
                      r"(?P<tail>(?:,?\s+(?:in|on|at|during|after|while|amid|as|when|ahead of|before)\b[^.;]{0,80})?)"
                      r"[\s.!]*$", re.DOTALL)
QUOTE_DASH_RU = re.compile(r"«(?P<content>[^«»]{4,})»\s*,?\s*[—–-]\s*(?P<speaker>(?:[а-яё]+\s+)?[А-ЯЁ][\w\-]+"
                           r"(?:\s+[А-ЯЁ][\w\-]+){0,2})")
ACRONYM_COLON_RU = re.compile(r"^(?P<speaker>[А-ЯЁ]{2,6}|Минобороны|Кремль|МИД\s+[А-ЯЁ]\w+)\s*:\s*(?P<content>.{8,})$",
                              re.DOTALL)
INSTITUTION_RU = [
    re.compile(rf"[Кк]ак\s+(?P<verb>{RU_PLURAL_VERBS})\s+(?:в|во|на)\s+(?P<speaker>[А-ЯЁ][^,]{{1,60}}?),\s*"
               r"(?P<content>.{8,})$", re.DOTALL),
    re.compile(rf"(?:^|[.;:]\s+)(?:[Вв]о?|[Нн]а)\s+(?P<speaker>[А-ЯЁ][^,.:;]{{1,60}}?)\s+(?P<verb>{RU_PLURAL_VERBS})"
               r"(?:,\s*что\s+|:\s*|\s*[—–-]\s*|,\s*|\s+)(?P<content>.{8,})$", re.DOTALL),
]
BACK_REFERENCE_RU = re.compile(rf"^(?:Об\s+этом|Так|Это|Такое\s+заявление)\s+(?:[а-яё]+\s+){{0,3}}?"
                               rf"(?:(?P<verb>{RU_VERBS})\b\s+(?P<speaker>{RU_NAME})|(?P<speaker2>{RU_NAME})\s+"
                               rf"(?:[а-яё]+\s+)?(?P<verb2>{RU_VERBS})\b)")
PRONOUN = {
    "en": [re.compile(rf"^(?P<content>.{{12,}}?),?\s+(?P<pronoun>he|she)\s+(?P<verb>{EN_VERBS})\b[^.;]*[.!]?\s*$",
                      re.DOTALL),
           re.compile(rf"^(?P<pronoun>He|She)\s+(?P<verb>{EN_VERBS})\b(?:\s+that\b)?\s*[,:]?\s*(?P<content>.{{12,}})$",
                      re.DOTALL)],
    "ru": [re.compile(rf"^(?P<pronoun>Он|Она)\s+(?P<verb>{RU_VERBS})\b(?:,\s*что\s+|:\s*|\s*[—–-]\s*|,\s*|\s+)"
                      r"(?P<content>.{8,})$", re.DOTALL)],
}
PERSON_RU = re.compile(r"[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё\-]+")
PERSON_EN = re.compile(r"[A-Z][a-z]+(?:\s+[A-Z][a-z'\-]+)+")
ROLE_KEYS = {"fm": "foreign minister", "foreign minister": "foreign minister", "spokes": "spokes",
             "president": "president", "premier": "premier", "pm": "prime minister", "prime minister": "prime minister",
             "defen": "defence minister", "ambassador": "ambassador", "envoy": "envoy"}
NATIONALITY = {"chinese": "CN", "china's": "CN", "china": "CN", "russian": "RU", "russia's": "RU", "russia": "RU",
               "kremlin": "RU", "us": "US", "american": "US"}


@dataclass(slots=True)
class Context:
    """What the sentences before in the same paragraph say: the sentence just before and the last statement."""

    previous: tuple[int, str] | None = None   # (start in the paragraph, text)
    last: Statement | None = None


def unregistered(sentence: str, lang: str, registry: OfficialsRegistry) -> list[Statement]:
    """A statement of one sentence by a speaker the registry does not name (or names inside a phrase)."""
    if lang == "ru":
        for finder in (acronym_colon_ru, quote_dash_ru, institution_ru):
            found = finder(sentence)
            if found:
                return [found]
    elif lang == "en":
        for finder in (headline_end, role_speaker):
            found = finder(sentence, registry)
            if found:
                return [found]
    return generic(sentence, lang) if lang in GENERIC else []


def generic(sentence: str, lang: str) -> list[Statement]:
    """A capitalised name before a speech verb: "Olaf Scholz said that ...", not "Leyen's remarks were ..."."""
    match = GENERIC[lang].search(sentence)
    if not match:
        return []
    speaker = strip_possessive_title(match.group("speaker").removeprefix("The "))
    if not speaker or speaker.split()[0] in SPEAKER_STOP or re.search(r"['’]s$", match.group("speaker")):
        return []
    if passive(match.group("verb"), match.group("content")):
        return []
    if match.start("speaker") > 0 and not headline_speaker(sentence[: match.start("speaker")], lang, loose=True):
        if not match.groupdict().get("title"):
            return []
    return [make(sentence, speaker, None, match.group("verb"), "reported", match.start("content"),
                 match.end("content"))]


def passive(verb: str, content: str) -> bool:
    """"Olympic official accused of taking bribes" reports what was said about them, not by them."""
    return verb.lower().startswith("accuse") and content.lstrip().lower().startswith("of ")


def strip_possessive_title(speaker: str) -> str:
    """"Ukraine's Zelensky" -> "Zelensky"; a possessive alone ("Leyen's") -> ""."""
    parts = re.split(r"['’]s\s+", speaker)
    return parts[-1].strip()


def make(sentence: str, speaker: str, official: str | None, verb: str | None, form: str, start: int,
         end: int) -> Statement:
    start, end = trim(sentence, start, end)
    return Statement(speaker, official, verb, form, sentence[start:end], start, end)


def speaker_phrase(text: str, registry: OfficialsRegistry) -> tuple[str, str | None] | None:
    """(speaker, official) when `text` is a name, an institution or a role, not a generic source or a clause."""
    words = text.strip(" ,.").split()
    if not words or len(words) > 6:
        return None
    mentions = registry.find(text)
    if mentions:
        return mentions[-1].text, mentions[-1].official.name
    is_role = len(words) > 1 and re.fullmatch(EN_ROLE, words[-1], re.IGNORECASE)  # "ex-IMF official", "Austrian FM"
    while not is_role and len(words) > 1 and words[-1].lower().strip("'’") in GENERIC_SOURCES:
        words.pop()  # "UN report" -> "UN"
    named = [w for w in words if w[:1].isupper() or re.fullmatch(EN_ROLE, w, re.IGNORECASE)]
    if not named or (words[-1].lower() in GENERIC_SOURCES and not is_role) or words[0] in SPEAKER_STOP:
        return None
    if any(not (w[:1].isupper() or w.lower() in CONNECTORS or re.fullmatch(rf"{MODIFIERS}|{EN_ROLE}", w, re.I))
           for w in words):
        return None
    return strip_possessive_title(" ".join(words)), None


def headline_end(sentence: str, registry: OfficialsRegistry) -> Statement | None:
    """"... — Tusk", "... – Austrian FM", "...: UN", "..., Kremlin spokesman says (in ...)"."""
    for pattern, form in ((DASH_END, "attributed"), (COLON_END, "attributed"), (VERB_END, "reported")):
        match = pattern.match(sentence)
        if not match:
            continue
        who = speaker_phrase(match.group("speaker"), registry)
        if who:
            verb = match.groupdict().get("verb")
            return make(sentence, who[0], who[1], verb, form, match.start("content"), match.end("content"))
    return None


def role_speaker(sentence: str, registry: OfficialsRegistry) -> Statement | None:
    """"Kremlin spokesman says ...", "UN chief urges ...", "Former Trump aide calls for ..." at the start."""
    match = ROLE_SPEAKER.search(sentence)
    if not match or not headline_speaker(sentence[: match.start("speaker")], "en", loose=True):
        return None
    speaker = match.group("speaker").strip()
    if speaker.split()[0] in SPEAKER_STOP or passive(match.group("verb"), match.group("content")):
        return None
    return make(sentence, speaker, None, match.group("verb"), "reported", match.start("content"), match.end("content"))


def quote_dash_ru(sentence: str) -> Statement | None:
    match = QUOTE_DASH_RU.search(sentence)
    if not match:
        return None
    return make(sentence, match.group("speaker"), None, None, "quote", match.start("content"), match.end("content"))


def acronym_colon_ru(sentence: str) -> Statement | None:
    match = ACRONYM_COLON_RU.match(sentence)
    if not match:
        return None
    return make(sentence, match.group("speaker"), None, None, "colon", match.start("content"), match.end("content"))


def institution_ru(sentence: str) -> Statement | None:
    for pattern in INSTITUTION_RU:
        match = pattern.search(sentence)
        if match:
            return make(sentence, match.group("speaker").strip(), None, match.group("verb"), "reported",
                        match.start("content"), match.end("content"))
    return None


# ---- across sentences ---------------------------------------------------------------------------------------------


def back_reference(sentence: str, lang: str, registry: OfficialsRegistry, context: Context) -> Statement | None:
    """"Об этом заявил Владимир Путин.": the content is the sentence before (offsets in the paragraph)."""
    if lang != "ru" or not context.previous or not (match := BACK_REFERENCE_RU.match(sentence)):
        return None
    name = match.group("speaker") or match.group("speaker2")
    mentions = registry.find(sentence)
    official = mentions[0].official.name if mentions else None
    p_start, previous = context.previous
    s, e = trim(previous, 0, len(previous))
    return Statement(mentions[0].text if mentions else name, official, match.group("verb") or match.group("verb2"),
                     "reported", previous[s:e], p_start + s, p_start + e)


def pronoun_statement(sentence: str, start: int, lang: str, registry: OfficialsRegistry,
                      context: Context) -> Statement | None:
    """"..., he added." / "Она заявила, что ...": the speaker stands before (offsets in the paragraph)."""
    for pattern in PRONOUN.get(lang, ()):
        match = pattern.match(sentence)
        if match:
            speaker, official = resolve_pronoun(lang, registry, context)
            if speaker:
                s, e = trim(sentence, match.start("content"), match.end("content"))
                return Statement(speaker, official, match.group("verb"), "reported", sentence[s:e], start + s,
                                 start + e)
    return None


def resolve_pronoun(lang: str, registry: OfficialsRegistry, context: Context) -> tuple[str | None, str | None]:
    """The speaker of the previous statement, else the last person named in the sentence before."""
    if context.last is not None:
        return context.last.speaker, context.last.official
    if context.previous is None:
        return None, None
    previous = context.previous[1]
    mentions = registry.find(previous)
    if mentions:
        return mentions[-1].text, mentions[-1].official.name
    people = (PERSON_RU if lang == "ru" else PERSON_EN).findall(previous)
    return (people[-1], None) if people else (None, None)


def resolve_roles(statements: list[Statement], text: str, registry: OfficialsRegistry) -> list[Statement]:
    """A role without a name ("Chinese FM") becomes the registered official the paragraph names with that role."""
    mentioned = {m.official.name: m.official for m in registry.find(text)}
    out = []
    for st in statements:
        if st.official is None and mentioned:
            official = fitting_official(st.speaker, list(mentioned.values()))
            if official is not None:
                st = replace(st, official=official.name)
        out.append(st)
    return out


def fitting_official(role: str, officials: list[Official]) -> Official | None:
    low = role.casefold()
    keys = [v for k, v in ROLE_KEYS.items() if re.search(rf"\b{re.escape(k)}", low)]
    if not keys:
        return None
    countries = {c for word, c in NATIONALITY.items() if re.search(rf"\b{re.escape(word)}\b", low)}
    fits = [o for o in officials if any(k in o.role.casefold() for k in keys)
            and (not countries or o.country in countries)]
    return fits[0] if len(fits) == 1 else None
