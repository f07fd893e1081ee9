"""The words of reported speech in English, Russian and Chinese, and the statement record every rule returns.

Speech verbs are verbs only: a noun that is spelled like one ("remarks", "claims" after a possessive: "Von der
Leyen's remarks were ...") does not make its possessor a speaker (see `lockstep.align.speakers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

EN_VERBS = (
    r"said|says|say|stated|states|insisted|insists|stressed|stresses|noted|notes|told|tells|added|adds|warned|warns|"
    r"claimed|claims|declared|declares|urged|urges|emphasi[sz]ed|emphasi[sz]es|pointed out|points out|announced|"
    r"announces|argued|argues|accused|accuses|called on|calls on|called for|calls for|slammed|slams|blasted|blasts|"
    r"reiterated|reiterates|explained|explains|believes|believed|dismissed|dismisses|denied|denies|vowed|vows|"
    r"confirmed|confirms|revealed|reveals|asserted|asserts|remarked|responded|responds|replied|replies|"
    r"condemned|condemns|criticized|criticised|criticizes|criticises|rejected|rejects|hailed|hails|praised|praises"
)
RU_VERBS = (
    r"заявил[аи]?|заявляет|сказал[аи]?|говорит|отметил[аи]?|подчеркнул[аи]?|сообщил[аи]?|добавил[аи]?|"
    r"указал[аи]?|считает|назвал[аи]?|пояснил[аи]?|предупредил[аи]?|призвал[аи]?|напомнил[аи]?|ответил[аи]?|"
    r"обвинил[аи]?|прокомментировал[аи]?|выразил[аи]?|уверен[аы]?|констатировал[аи]?|признал[аи]?|"
    r"высказал[аи]?ся|высказалась|рассказал[аи]?|убежден[аы]?|раскритиковал[аи]?|опроверг(?:ла|ли)?|"
    r"напомнил[аи]?|восхитил(?:ся|ась|ись)|признал(?:ся|ась|ись)|объяснил[аи]?|уточнил[аи]?|добавила?"
)
ZH_VERBS = r"表示|说|指出|强调|称|介绍|回应|认为|宣布|重申|表态|呼吁|答问时表示|答记者问时表示|答记者问时说|透露|谴责|批评"
EN_TITLE_WORD = (
    r"(?:Russian|Chinese|Russia's|China's|Kremlin|Foreign|Defen[cs]e|Deputy|Vice|Prime|State|Ministry|MFA|"
    r"Minister|Spokes(?:person|woman|man)|President|Premier|Councilor|Councillor|Ambassador|Envoy|Chief|Secretary|"
    r"General|Security|Council|Permanent|Representative|to|the|UN|Press|Executive|Assistant|Chairman|Head|Speaker)"
)
EN_NAME = r"(?:[A-Z][a-z'\-]+|[A-Z]{2,5})(?:\s+(?:[A-Z][a-z'\-]+|[A-Z]{2,5})){0,2}"
RU_NAME = r"[А-ЯЁ][а-яё\-]+(?:\s+[А-ЯЁ][а-яё\-]+){0,2}"
# what a speaker is called when the text gives no name: "Kremlin spokesman", "Austrian FM", "ex-IMF official"
EN_ROLE = (r"(?:spokes(?:man|woman|person)|official|minister|premier|president|chief|aide|envoy|ambassador|MP|"
           r"lawmaker|senator|diplomat|FM|PM|head|leader|governor|mayor|general|commander|adviser|advisor|"
           r"secretary|chairman|chairwoman|director|negotiator|representative)")
SPEAKER_STOP = {"The", "This", "That", "It", "He", "She", "They", "We", "I", "You", "There", "Here", "What",
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


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without surrounding punctuation, quotes and spaces."""
    strip = " ,.:;—–-\"“”«»。，：\n"
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    for opening, closing in (("«", "»"), ("“", "”")):  # keep the closing quote of a quotation inside the content
        inside = text[start:end]
        if inside.count(opening) > inside.count(closing) and text[end : end + 1] == closing:
            end += 1
    return start, end


def shift(statement: Statement, offset: int) -> Statement:
    return replace(statement, start=statement.start + offset, end=statement.end + offset)
