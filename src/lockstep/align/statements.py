"""Statements: quotations and reported speech with their speaker, in English, Russian and Chinese.

Speakers are found first (registered officials by any of their name forms), then the words around the name decide
whether the paragraph reports what they said:

    en  Foreign Minister Wang Yi insisted that ...      "...," said Wang Yi      Lavrov: West is ...
    ru  Песков заявил, что ...     «...», — заявила Мария Захарова     по словам Захаровой, ...     Захарова: ...
    zh  毛宁表示，...     外交部发言人汪文斌在例行记者会上说     “……”，王毅说

A headline's closing attribution names a speaker too ("... — Wang Yi", "..., Wang Yi says in phone talks"). A second
pass (:mod:`lockstep.align.speakers`) finds statements by people, roles and institutions not in the registry in
English and Russian ("Olaf Scholz said that ...", "Kremlin spokesman says", "... – Austrian FM", "в Кремле заявили"):
they come out with `official` empty unless a registered official fits the role in the same paragraph. A sentence
may take its speaker or its content from the sentence before ("..., he added.", "Об этом заявил Владимир Путин.").
Offsets are characters in the paragraph; `find_statements` turns them into document offsets so every statement
traces to its text.
"""

from __future__ import annotations

import re

from lockstep.align.officials import Mention, OfficialsRegistry, load_officials
from lockstep.align.speakers import Context, back_reference, pronoun_statement, resolve_roles, unregistered
from lockstep.align.speech import (EN_TITLE_WORD, EN_VERBS, RU_VERBS, ZH_VERBS, Statement, headline_speaker, shift,
                                   trim)

# around a registered name: `a` = text after the mention, `b` = text before it
AFTER = {
    "en": re.compile(rf"^(?:\s*,[^,.;:]{{1,80}},)?\s+(?P<verb>{EN_VERBS})\b(?P<gap>[^.;:\"“”]{{0,40}}?)"
                     rf"(?:\s+that\b|\s*[,:])\s*(?P<content>.+)$|"
                     rf"^(?:\s*,[^,.;:]{{1,80}},)?\s+(?P<verb2>{EN_VERBS})\b\s*(?:that\b\s*)?(?P<content2>.+)$",
                     re.IGNORECASE | re.DOTALL),
    "ru": re.compile(rf"^(?:\s*,[^,.;:]{{1,80}},)?\s+(?P<verb>{RU_VERBS})\b[^,.:;«»]{{0,60}}?"
                     rf"(?:,\s*что\s+|:\s*|,\s*|\s+что\s+|\s+)(?P<content>.+)$", re.IGNORECASE | re.DOTALL),
    "zh": re.compile(rf"^(?:在[^，。：:]{{0,40}}?(?:上|时|中|后))?(?:[^，。：:]{{0,12}}?)?(?P<verb>{ZH_VERBS})"
                     rf"[，,：:\s]*(?P<content>.+)$", re.DOTALL),
}
QUOTE_BEFORE = {
    "en": re.compile(rf"[\"“](?P<content>[^\"“”]{{8,}})[,.]?[\"”],?\s*(?:(?P<verb>{EN_VERBS})\s+)?"
                     rf"(?:{EN_TITLE_WORD}\s+)*$", re.IGNORECASE),
    "ru": re.compile(rf"«(?P<content>[^«»]{{8,}})»,?\s*[—–-]+\s*(?P<verb>{RU_VERBS})?[^«»]{{0,80}}?$",
                     re.IGNORECASE),
    "zh": re.compile(r"“(?P<content>[^“”]{4,})”[，,。]?\s*(?:[^“”。]{0,20})?$"),
}
QUOTE_VERB_AFTER = {
    "en": re.compile(rf"^\s+(?P<verb>{EN_VERBS})\b", re.IGNORECASE),
    "ru": re.compile(rf"^\s*,?\s*(?P<verb>{RU_VERBS})?", re.IGNORECASE),
    "zh": re.compile(rf"^(?P<verb>{ZH_VERBS})?"),
}
ACCORDING = {
    "en": re.compile(r"according to\s+(?:[\w'’\-]+\s+){0,5}$", re.IGNORECASE),
    "ru": re.compile(r"по\s+словам\s+(?:[\w\-]+\s+){0,5}$|как\s+(?:заявил[аи]?|сообщил[аи]?|отметил[аи]?)\s+"
                     r"(?:[\w\-]+\s+){0,5}$", re.IGNORECASE),
    "zh": re.compile(r"据[^，。]{0,20}$"),
}
TRAILING = {
    "en": re.compile(rf"^(?P<content>.{{12,}}?)[,;:]?\s+[—–-]?\s*(?P<verb>{EN_VERBS})\s+(?:[\w'’\-]+\s+){{0,5}}$",
                     re.IGNORECASE | re.DOTALL),
    "ru": re.compile(rf"^(?P<content>.{{12,}}?),?\s*[—–-]*\s*(?P<verb>{RU_VERBS})\s+(?:[\w\-]+\s+){{0,5}}$",
                     re.IGNORECASE | re.DOTALL),
}
DASH_BEFORE = re.compile(r"^(?P<content>.{8,}?)\s*(?:[—–‒]|\s-)\s*(?:[A-Z][\w'’]*\s+){0,3}$", re.DOTALL)
TAIL_AFTER = re.compile(rf"^\s+(?P<verb>{EN_VERBS})\b(?:,?\s+(?:in|on|at|during|after|while|amid|as|when|ahead of|"
                        rf"before)\b[^.;]{{0,80}})?[\s.!]*$")
COMMA_BEFORE = re.compile(rf"^(?P<content>.{{12,}}?)[,;]\s*(?:{EN_TITLE_WORD}\s+)*$", re.DOTALL)
COLON_AFTER = re.compile(r"^\s*[:：]\s*(?P<content>.{8,})$", re.DOTALL)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“«A-ZА-ЯЁ])|(?<=[。！？])")


def extract_statements(text: str, language: str | None = None,
                       registry: OfficialsRegistry | None = None) -> list[Statement]:
    """Statements in one paragraph: registered speakers first, then other speakers (en, ru), then speakers and
    contents that stand in the sentence before."""
    registry = registry or load_officials()
    lang = language if language in ("en", "ru", "zh") else guess_script(text)
    found: list[Statement] = []
    context = Context()
    for s_start, sentence in sentences(text):
        linked = back_reference(sentence, lang, registry, context)
        taken = [linked] if linked else [shift(s, s_start) for s in registered(sentence, lang, registry)
                                         or unregistered(sentence, lang, registry)]
        if not taken and (linked := pronoun_statement(sentence, s_start, lang, registry, context)):
            taken = [linked]
        found.extend(taken)
        context.previous = (s_start, sentence)
        context.last = taken[-1] if taken else context.last
    return resolve_roles(found, text, registry)


def registered(sentence: str, lang: str, registry: OfficialsRegistry) -> list[Statement]:
    out = []
    for mention in registry.find(sentence):
        statement = around(sentence, mention, lang)
        if statement:
            out.append(statement)
            break  # one statement per sentence: the first speaker who says something
    return out


def around(sentence: str, mention: Mention, lang: str) -> Statement | None:
    """Whether the words around a registered name make the sentence a statement by them."""
    before, after = sentence[: mention.start], sentence[mention.end :]
    official = mention.official.name

    def make(form: str, verb: str | None, start: int, end: int) -> Statement:
        start, end = trim(sentence, start, end)
        return Statement(mention.text, official, verb, form, sentence[start:end], start, end)

    quoted = QUOTE_BEFORE[lang].search(before)
    if quoted:
        verb_after = QUOTE_VERB_AFTER[lang].match(after)
        verb = quoted.groupdict().get("verb") or (verb_after.group("verb") if verb_after else None)
        if verb or lang != "en":
            return make("quote", verb, quoted.start("content"), quoted.end("content"))
    colon = COLON_AFTER.match(after)
    if colon and headline_speaker(before, lang):
        base = mention.end
        return make("colon", None, base + colon.start("content"), base + colon.end("content"))
    reported = AFTER[lang].match(after)
    if reported and headline_speaker(before, lang, loose=True):
        group = "content" if reported.group("content") is not None else "content2"
        verb = reported.group("verb") or reported.groupdict().get("verb2")
        base = mention.end
        return make("reported", verb, base + reported.start(group), base + reported.end(group))
    trailing = TRAILING.get(lang)
    ends_here = not after.strip(" .!?。\"”»")
    if trailing and ends_here and (match := trailing.match(before)):
        return make("reported", match.group("verb"), match.start("content"), match.end("content"))
    if lang == "en" and ends_here and (match := DASH_BEFORE.match(before)):  # "... — Wang Yi", "... - China's Wang Yi"
        return make("attributed", None, match.start("content"), match.end("content"))
    if lang == "en" and (tail := TAIL_AFTER.match(after)) and (match := COMMA_BEFORE.match(before)):
        return make("reported", tail.group("verb"), match.start("content"), match.end("content"))
    if ACCORDING[lang].search(before):
        rest = re.match(r"^[^,，]*[,，]\s*(?P<content>.{8,})$", after, re.DOTALL)
        if rest:
            base = mention.end
            return make("according", None, base + rest.start("content"), base + rest.end("content"))
    return None


def sentences(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for match in SENTENCE_END.finditer(text):
        out.append((start, text[start : match.start()]))
        start = match.end()
    out.append((start, text[start:]))
    return [(s, t) for s, t in out if t.strip()]


def guess_script(text: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    if re.search(r"[а-яё]", text, re.IGNORECASE):
        return "ru"
    return "en"
