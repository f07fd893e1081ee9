"""Well-known page-furniture cues (English, Russian, Chinese), used as one feature among several.

Each cue names the kind of debris it signals; that name becomes the ``reason`` of a removed line. A cue only
applies to a short line (a sentence in a story may well say "subscribe"), except the few that are
unambiguous wherever they appear. ``ENDS_ARTICLE`` cues close the article they follow: what comes after them is
the page's tail (bio, comments, related links) until a new article header starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHORT_LINE = 160  # characters: cues that are ambiguous in prose only apply to lines shorter than this


@dataclass(frozen=True, slots=True)
class Cue:
    reason: str
    pattern: re.Pattern[str]
    any_length: bool = False
    ends_article: bool = False


def _cue(reason: str, pattern: str, *, any_length: bool = False, ends_article: bool = False) -> Cue:
    return Cue(reason, re.compile(pattern, re.I), any_length, ends_article)


CUES: tuple[Cue, ...] = (
    _cue(
        "paywall notice",
        r"(?:for (?:paid )?(?:members|subscribers) only|members[- ]only content|subscribe (?:now )?to (?:continue|read|unlock)"
        r"|to continue reading|already a (?:subscriber|member)\?|this (?:content|article) is (?:only )?(?:available )?for (?:members|subscribers)"
        r"|только для подписчиков|доступно (?:только )?подписчикам|会员专享|付费阅读|订阅后阅读)",
        ends_article=True,
    ),
    _cue(
        "author bio",
        r"^(?:about the authors?|the authors?|author bio(?:graphy)?|об авторе|об авторах|作者简介|关于作者)\s*:?$",
        ends_article=True,
    ),
    _cue(
        "comment prompt",
        r"(?:^comments?\s*(?:\(\d+\))?$|\b\d+\s+(?:comments?|responses?|replies)\b|(?:top rated|view all|show|reader|latest|hide) comments"
        r"|^[\w .@-]{1,40} (?:says|said|wrote|пишет):$|(?:please )?(?:log ?in|sign ?in|register) to (?:post a )?comment"
        r"|no comments yet|be the first to comment|leave a (?:comment|reply)|join the (?:conversation|discussion)"
        r"|^комментари[ийя]\w*$|оставьте комментарий|^评论$|发表评论|暂无评论)",
        ends_article=True,
    ),
    _cue(
        "related links",
        r"^(?:related(?: articles| stories| news| posts| content| coverage)?|more (?:from|on|stories|news)\b.*|recommended(?: for you)?"
        r"|you (?:may|might) also like|read (?:more|next)|most (?:read|popular|viewed)|trending(?: now)?|editor'?s picks?"
        r"|читайте также|похожие (?:материалы|статьи|новости)|по теме|相关(?:文章|新闻|阅读|报道)|推荐阅读|热门文章)\s*:?$",
        ends_article=True,
    ),
    _cue(
        "cross-link",
        r"^(?:also on [\w.-]+\.\w+|also read|read (?:more|also)|see also|related|more|читайте (?:также|подробнее)|смотрите также"
        r"|подробнее|相关阅读|延伸阅读)\s*[:|»>-]?\s+\S",
    ),
    _cue(
        "share/subscribe prompt",
        r"(?:\bshare (?:it|this|on)\b|share (?:this )?(?:story|article)|like this story|follow us\b|subscribe\b|sign up\b|newsletter"
        r"|\bwhatsapp\b|\btelegram channel|поделиться|подписывайтесь|подпишитесь|分享到|关注我们|扫码关注)",
    ),
    _cue(
        "app banner",
        r"(?:download (?:the|our) app|\bapp[- ]?store\b|google play|play[- ]store|get it on|скачать приложение|下载(?:客户端|APP))",
    ),
    _cue(
        "image credit",
        r"^(?:featured image|(?:image|photo|picture|illustration) (?:credit|courtesy|source)\b.*|(?:photo|image)s?\s*[:©].*"
        r"|.*\b(?:getty images|shutterstock|afp via getty)\b.*|фото\s*:.*|图片来源.*|图\s*[:：].*)$",
    ),
    _cue(
        "disclaimer",
        r"(?:views (?:and opinions )?expressed (?:are|in this|by)|do(?:es)? not necessarily reflect|\bdisclaimer\b"
        r"|all rights reserved|©|\(c\) \d{4}|copyright \d{4}|мнение редакции может не совпадать|版权所有|未经授权)",
        any_length=True,
    ),
    _cue(
        "advertisement",
        r"^(?:advertisement|sponsored(?: content)?|ad|ads by \w+|реклама|广告|scroll to continue.*)\s*$",
    ),
    _cue("media player", r"^(?:podcasts?|video|audio|listen(?: to (?:this|the) article)?|play|pause)\s*$|^\d{1,2}:\d{1,2}(?::\d\d)?$"),
    _cue("page furniture", r"^(?:logo|menu|search|skip to (?:main )?content|close|back to top|top|home|print|email)\s*$"),
)

ICON_WORD = re.compile(r"icon", re.I)


def cue_for(text: str) -> Cue | None:
    """The debris cue a line matches, if any (icon-font strings included)."""
    if _is_icon_font(text):
        return ICON_FONT
    short = len(text) < SHORT_LINE
    for cue in CUES:
        if (short or cue.any_length) and cue.pattern.search(text):
            return cue
    return None


def _is_icon_font(text: str) -> bool:
    words = text.split()
    return len(words) >= 4 and len(ICON_WORD.findall(text)) >= max(3, len(words) // 4)


ICON_FONT = Cue("icon-font names", ICON_WORD)
