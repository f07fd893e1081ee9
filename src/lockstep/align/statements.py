"""Statements: quotations and reported speech with their speaker, in English, Russian and Chinese.

Speakers are found first (registered officials by any of their name forms), then the words around the name decide
whether the paragraph reports what they said:

    en  Foreign Minister Wang Yi insisted that ...      "...," said Wang Yi      Lavrov: West is ...
    ru  Песков заявил, что ...     «...», — заявила Мария Захарова     по словам Захаровой, ...     Захарова: ...
    zh  毛宁表示，...     外交部发言人汪文斌在例行记者会上说     “……”，王毅说

A second pass finds statements by people (or institutions) not in the registry in English and Russian
("Olaf Scholz said that ...", "The Kremlin said ..."): they come out with `official` empty. Offsets are characters
in the paragraph; :func:`statements_of` turns them into document offsets so every statement traces to its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lockstep.align.officials import Mention, OfficialsRegistry, load_officials

EN_VERBS = (
    r"said|says|say|stated|states|insisted|insists|stressed|stresses|noted|notes|told|tells|added|adds|warned|warns|"
    r"claimed|claims|declared|declares|urged|urges|emphasi[sz]ed|emphasi[sz]es|pointed out|points out|announced|"
    r"announces|argued|argues|accused|accuses|called on|calls on|called for|calls for|slammed|slams|blasted|blasts|"
    r"reiterated|reiterates|explained|explains|believes|believed|dismissed|dismisses|denied|denies|vowed|vows|"
    r"confirmed|confirms|revealed|reveals|asserted|asserts|remarked|remarks|responded|responds|replied|replies|"
    r"condemned|condemns|criticized|criticised|criticizes|criticises|rejected|rejects|hailed|hails|praised|praises"
)
RU_VERBS = (
    r"заявил[аи]?|заявляет|сказал[аи]?|говорит|отметил[аи]?|подчеркнул[аи]?|сообщил[аи]?|добавил[аи]?|"
    r"указал[аи]?|считает|назвал[аи]?|пояснил[аи]?|предупредил[аи]?|призвал[аи]?|напомнил[аи]?|ответил[аи]?|"
    r"обвинил[аи]?|прокомментировал[аи]?|выразил[аи]?|уверен[аы]?|констатировал[аи]?|признал[аи]?|"
    r"высказал[аи]?ся|высказалась|рассказал[аи]?|убежден[аы]?|раскритиковал[аи]?|опроверг(?:ла|ли)?"
)
ZH_VERBS = r"表示|说|指出|强调|称|介绍|回应|认为|宣布|重申|表态|呼吁|答问时表示|答记者问时表示|答记者问时说|透露|谴责|批评"
EN_TITLE_WORD = (
    r"(?:Russian|Chinese|Russia's|China's|Kremlin|Foreign|Defen[cs]e|Deputy|Vice|Prime|State|Ministry|MFA|"
    r"Minister|Spokes(?:person|woman|man)|President|Premier|Councilor|Councillor|Ambassador|Envoy|Chief|Secretary|"
    r"General|Security|Council|Permanent|Representative|to|the|UN|Press|Executive|Assistant|Chairman|Head|Speaker)"
)
EN_NAME = r"(?:[A-Z][a-z'\-]+|[A-Z]{2,5})(?:\s+(?:[A-Z][a-z'\-]+|[A-Z]{2,5})){0,2}"
RU_NAME = r"[А-ЯЁ][а-яё\-]+(?:\s+[А-ЯЁ][а-яё\-]+){0,2}"

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
COLON_AFTER = re.compile(r"^\s*[:：]\s*(?P<content>.{8,})$", re.DOTALL)
GENERIC = {
    "en": re.compile(rf"(?P<title>(?:{EN_TITLE_WORD}\s+)*)(?P<speaker>{EN_NAME})\s+(?P<verb>{EN_VERBS})\b"
                     rf"(?:\s+that\b|\s*[,:])?\s*(?P<content>.{{12,}})$", re.DOTALL),
    "ru": re.compile(rf"(?P<speaker>{RU_NAME})\s+(?P<verb>{RU_VERBS})\b(?:,\s*что\s+|:\s*|,\s*|\s+что\s+|\s+)"
                     rf"(?P<content>.{{12,}})$", re.DOTALL),
}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“«A-ZА-ЯЁ])|(?<=[。！？])")
GENERIC_STOP = {"The", "This", "That", "It", "He", "She", "They", "We", "I", "You", "There", "Here", "What",
                "Who", "Why", "How", "When", "Он", "Она", "Они", "Мы", "Это", "Как", "Что", "Кто"}


@dataclass(slots=True, frozen=True)
class Statement:
    speaker: str          # as written in the text
    official: str | None  # canonical name in the officials registry
    verb: str | None
    form: str             # reported | quote | colon | according
    content: str
    start: int            # content offsets in the paragraph
    end: int


def extract_statements(text: str, language: str | None = None,
                       registry: OfficialsRegistry | None = None) -> list[Statement]:
    """Statements in one paragraph: registered speakers first, then other named speakers (en, ru)."""
    registry = registry or load_officials()
    lang = language if language in ("en", "ru", "zh") else guess_script(text)
    found: list[Statement] = []
    for s_start, sentence in sentences(text):
        taken = [s for s in registered(sentence, lang, registry)]
        if not taken and lang in GENERIC:
            taken = generic(sentence, lang)
        found.extend(shift(s, s_start) for s in taken)
    return found


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
    if ACCORDING[lang].search(before):
        rest = re.match(r"^[^,，]*[,，]\s*(?P<content>.{8,})$", after, re.DOTALL)
        if rest:
            base = mention.end
            return make("according", None, base + rest.start("content"), base + rest.end("content"))
    return None


def headline_speaker(before: str, lang: str, *, loose: bool = False) -> bool:
    """The name starts the sentence (after a title, a country's possessive, a dateline), as in "Lavrov: ..."."""
    words = re.sub(r"^[^\w'’]+|[^\w'’]+$", "", before)  # hashtags, emoji, datelines' dashes
    if not words:
        return True
    if lang == "zh":
        return len(words) <= (40 if loose else 20)
    if lang == "en" and re.fullmatch(rf"(?:{EN_TITLE_WORD}\s*)+|[A-Z][\w'’]+(?:\s+[A-Z][\w'’]+){{0,2}}'s",
                                     words, re.IGNORECASE):
        return True
    return loose and len(words.split()) <= 8 and not re.search(r"[.!?;]$", words)


def generic(sentence: str, lang: str) -> list[Statement]:
    match = GENERIC[lang].search(sentence)
    if not match:
        return []
    speaker = match.group("speaker").removeprefix("The ")
    if speaker.split()[0] in GENERIC_STOP:
        return []
    if match.start("speaker") > 0 and not headline_speaker(sentence[: match.start("speaker")], lang, loose=True):
        if not match.groupdict().get("title"):
            return []
    start, end = trim(sentence, match.start("content"), match.end("content"))
    return [Statement(speaker, None, match.group("verb"), "reported", sentence[start:end], start, end)]


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without surrounding punctuation, quotes and spaces."""
    strip = " ,.:;—–-\"“”«»。，：\n"
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    return start, end


def sentences(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for match in SENTENCE_END.finditer(text):
        out.append((start, text[start : match.start()]))
        start = match.end()
    out.append((start, text[start:]))
    return [(s, t) for s, t in out if t.strip()]


def shift(statement: Statement, offset: int) -> Statement:
    return replace(statement, start=statement.start + offset, end=statement.end + offset)


def guess_script(text: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    if re.search(r"[а-яё]", text, re.IGNORECASE):
        return "ru"
    return "en"
