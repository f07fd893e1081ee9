"""Table rows (CSV/JSONL/Parquet) to documents: the columns already say what is what."""

from __future__ import annotations

import re
from datetime import datetime

from lockstep.model import Document

DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_ONLY = re.compile(r"^\d{4}-\d{2}$")
YEAR_ONLY = re.compile(r"^\d{4}$")
SPACES = " \t\u00a0"
SPACE_RUN = re.compile(r"[ \t\u00a0]{2,}|[\t\u00a0]")  # a run that is not one plain space
PIECE_CHARS = 1 << 16


def row_document(fields: dict[str, str]) -> Document:
    title = (fields.get("title") or "").strip()
    text = normalise_paragraphs(fields.get("text") or "") or title
    published, precision = parse_cell_date(fields.get("published"))
    return Document(
        title=title or first_line(text),
        text=text,
        outlet=(fields.get("outlet") or None),
        author=(fields.get("author") or None),
        published=published,
        published_precision=precision,
        published_source="metadata" if published else "none",
        language=(fields.get("language") or None),
        url=(fields.get("url") or None),
    )


def normalise_paragraphs(text: str) -> str:
    """One paragraph per non-empty line, separated by blank lines; runs of spaces, tabs and no-break spaces as
    one space."""
    lines = [collapse_spaces(line).strip() for line in text.replace("\r", "\n").split("\n")]
    return "\n\n".join(line for line in lines if line)


def collapse_spaces(line: str, chars: int = PIECE_CHARS) -> str:
    """Every run of spaces, tabs and no-break spaces as one space. Only runs that change are matched (not each
    single space between words), and a long line is done in pieces cut after a character outside any run, so
    the substitution's list of pieces stays small whatever the line's length (one 36 MB cell of prose built a
    list of every word: ~12x the text)."""
    if len(line) <= chars:
        return SPACE_RUN.sub(" ", line)
    pieces, start = [], 0
    while start < len(line):
        end = min(start + chars, len(line))
        while end < len(line) and line[end - 1] in SPACES:
            end += 1
        pieces.append(SPACE_RUN.sub(" ", line[start:end]))
        start = end
    return "".join(pieces)


def first_line(text: str, width: int = 120) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= width else line[: width - 1] + "…"


def parse_cell_date(value: str | None) -> tuple[str | None, str]:
    """ISO string and precision for a date cell; unparseable gives (None, 'unknown')."""
    if not value:
        return None, "unknown"
    value = str(value).strip()
    if YEAR_ONLY.match(value):
        return value, "year"
    if MONTH_ONLY.match(value):
        return value, "month"
    if DATE_ONLY.match(value):
        return value, "day"
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = parse_loose(value)
        if parsed is None:
            return None, "unknown"
    if parsed.hour == parsed.minute == parsed.second == 0 and ":" not in value:
        return parsed.date().isoformat(), "day"
    precision = "second" if parsed.second else "minute"
    return parsed.replace(tzinfo=None).isoformat(timespec=precision + "s" if precision == "second" else "minutes"), precision


def parse_loose(value: str) -> datetime | None:
    from dateutil import parser

    try:
        return parser.parse(value, fuzzy=False)
    except (ValueError, OverflowError):
        return None
