"""Republication credits: who a reprint says first published it ("first published by X", "translated and
edited by", "Источник:", "来源：")."""

from __future__ import annotations

import re

CREDIT_PATTERNS = [
    re.compile(r"(?:was |is )?(?:first|originally) (?:published|appeared) (?:by|in|on|at) (?:the )?"
               r"(?P<src>[A-Z][\w.&'’-]*(?: [A-Z&][\w.&'’-]*){0,5})", re.U),
    re.compile(r"(?:republished|reprinted|adapted) (?:with permission )?from (?:the )?"
               r"(?P<src>[A-Z][\w.&'’-]*(?: [A-Z&][\w.&'’-]*){0,5})", re.U),
    re.compile(r"(?:Впервые опубликовано|Первоначально опубликовано|Источник)\s*(?:в|на|:)?\s*"
               r"[«\"]?(?P<src>[А-ЯЁA-Z][\w.-]*(?: [\w.-]+){0,4}?)[»\"]?(?=[.,;\n]|$)", re.U),
    re.compile(r"(?:来源|来源于|转载自|原载)[:：]?\s*(?P<src>[\u4e00-\u9fffA-Za-z]{2,20})", re.U),
]


def find_original_source(text: str) -> str | None:
    """The outlet a reprint credits, from the last credit line in the text; None if none."""
    tail = text[-1500:]
    for pattern in CREDIT_PATTERNS:
        matches = list(pattern.finditer(tail))
        if matches:
            return matches[-1].group("src").strip(" .,;'’")
    return None
