"""The byline zone around an article title: publication date, outlet, author.

Only the few lines between (just before) the title and the first body paragraph are read, so a date that
the story mentions is never taken for the publication date. Outlets come only from clear markers: a name
glued to the byline date ("Russia Today12-05-2025") or a source bullet ("• Russia Today").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lockstep.clean.dates import find_byline_date, is_relative_time
from lockstep.clean.lines import Block

BEFORE_TITLE = 3  # lines above the title that may hold its dateline
AFTER_TITLE = 8  # lines below the title searched before the body starts
MAX_BYLINE = 120  # characters: longer lines are prose, not bylines
NAME = re.compile(r"^[A-ZА-ЯЁ\u4e00-\u9fff][\w.&'’ -]{1,48}$")
DATE_WORDS = re.compile(r"^(?:published|updated|posted|date|last updated|опубликовано|обновлено|发布时间|更新时间)\b", re.I)
AUTHOR = re.compile(r"^(?:by|written by|автор:?|作者[:：]?)\s+(?P<name>[^|•,\d]{3,60})", re.I)
BULLET_SOURCE = re.compile(r"^[•·▪●]\s*(?P<name>.+)$")
SEPARATORS = " |•·—–-,:"
SOURCE_CREDIT = re.compile(r"(?:来源|來源|источник|source)\s*[:：]\s*(?P<name>[^\s|•,，:：]{2,40}(?: [^\s|•,，:：]+){0,3})", re.I)


@dataclass(slots=True, kw_only=True)
class Byline:
    published: str | None = None
    precision: str = "unknown"
    source: str = "none"
    outlet: str | None = None
    author: str | None = None
    original_source: str | None = None  # "来源：新华社", "Source: Reuters"


def read_byline(blocks: list[Block], title_at: int | None, body_start: int, reasons: dict[int, str]) -> Byline:
    """Read the byline zone; byline lines are added to ``reasons`` so they leave the body."""
    byline = Byline()
    anchor = title_at if title_at is not None else body_start
    stop = min(len(blocks), anchor + AFTER_TITLE) if title_at is not None else body_start
    for i in range(max(0, anchor - BEFORE_TITLE), stop):
        if len(blocks[i].text) > MAX_BYLINE and i > anchor:
            break
        if i == title_at or i in reasons or blocks[i].cue is not None or len(blocks[i].text) > MAX_BYLINE:
            continue
        reason = _read_line(blocks[i].text, byline, after_title=i > anchor)
        if reason:
            reasons[i] = reason
    return byline


def _read_line(text: str, byline: Byline, *, after_title: bool) -> str | None:
    credit = SOURCE_CREDIT.search(text)
    if credit:
        byline.original_source = byline.original_source or credit.group("name").strip()
    found = find_byline_date(text)
    if found is not None:
        if byline.published is None:
            byline.published, byline.precision, byline.source = found.iso, found.precision, "byline"
        _read_prefix(text[: found.start], byline)
        return "byline"
    if credit:
        return "byline"
    if is_relative_time(text):
        if byline.published is None:
            byline.source = "relative"
        return "relative time (no crawl time)"
    author = AUTHOR.match(text)
    if author:
        byline.author = byline.author or author.group("name").strip()
        return "byline"
    bullet = BULLET_SOURCE.match(text)
    if bullet and NAME.match(bullet.group("name").strip()):
        byline.outlet = byline.outlet or bullet.group("name").strip()
        return "byline"
    if after_title and NAME.match(text) and len(text.split()) <= 5 and not text.endswith((".", "!", "?")):
        return "byline"
    return None


def _read_prefix(prefix: str, byline: Byline) -> None:
    """A name glued to the date, or set off by a separator, is the outlet (or author after "By")."""
    name = prefix.strip(SEPARATORS + " ")
    if not name or DATE_WORDS.match(name):
        return
    author = AUTHOR.match(name)
    if author:
        byline.author = byline.author or author.group("name").strip(SEPARATORS)
        return
    glued = not prefix[-1:].isspace() or prefix.rstrip()[-1:] in SEPARATORS
    if glued and NAME.match(name) and len(name.split()) <= 6:
        byline.outlet = byline.outlet or name
