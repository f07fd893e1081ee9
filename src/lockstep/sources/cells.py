"""What a table cell may hold to become a document field.

Text fields (`text`, `title`, `html`) take strings only: a number, a boolean or an object is not a document
("1", "-inf"), so such a cell is left out, and a row left with no text is skipped with that reason. Metadata
fields take strings and finite numbers (an id, a timestamp) as text; NaN is a missing value; an infinite number,
a nested object, or a string longer than MAX_METADATA_CHARS is left out with its reason. Strings are made
valid text (a lone surrogate such as JSON's "\\ud800" becomes U+FFFD), and a URL that does not parse is left out.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from lockstep.sources.encoding import valid_text

TEXT_FIELDS = ("text", "title", "html")
MAX_METADATA_CHARS = 2_000  # a date, outlet or URL longer than this is not one
DEFAULT_MAX_FIELD_CHARS = 1_000_000  # about 150,000 words: far above any article, below a 36 MB cell
CUT_FIELD = "cut"  # a record field saying that its text cell was cut, and by how much
JSON_INT_DIGITS = 4_000  # Python refuses to convert integers of more than 4,300 digits


def parse_json_int(digits: str) -> int | float:
    """A JSON integer; one of more than JSON_INT_DIGITS digits becomes +-inf, a non-finite number like 1e999."""
    return int(digits) if len(digits) <= JSON_INT_DIGITS else float(digits)


def row_fields(row: dict, columns: dict[str, str]) -> tuple[dict[str, str], str, list[str]]:
    """(fields, why the row is skipped or "", fields left out with their reasons) for one table row."""
    fields: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, column in columns.items():
        value, why = cell_text(row.get(column), name)
        if why:
            problems[name] = f"{name} is {why}"
        elif value:
            fields[name] = value
    if not any(fields.get(name) for name in TEXT_FIELDS):
        first = next((problems[name] for name in TEXT_FIELDS if name in problems), "")
        if first:
            return {}, first, []
    return fields, "", list(problems.values())


def cell_text(value: Any, name: str) -> tuple[str | None, str]:
    """(text, "") for a usable cell, (None, "") for a missing one, (None, why) for one that cannot be used."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, ""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None, "bytes that are not UTF-8 text"
    if isinstance(value, str):
        return string_cell(valid_text(value), name)
    if isinstance(value, (list, tuple)):
        return list_cell(value, name)
    if name in TEXT_FIELDS:
        return None, f"{describe(value)}, not text"
    return scalar_cell(value)


def string_cell(text: str, name: str) -> tuple[str | None, str]:
    if name in TEXT_FIELDS:
        return text, ""
    if len(text) > MAX_METADATA_CHARS:
        return None, f"{len(text):,} characters long, too long for a {name}"
    if name == "url" and text.strip():
        try:
            urlsplit(text.strip()).port  # noqa: B018 - parsing is the check
        except ValueError as exc:
            return None, f"not a valid URL ({exc})"
    return text, ""


def list_cell(values: list | tuple, name: str) -> tuple[str | None, str]:
    """A list of paragraphs (text fields: strings only, one paragraph each) or of scalars (authors, tags: joined
    with commas); anything nested is left out."""
    parts = []
    for item in values:
        text, why = (None, "nested") if isinstance(item, (list, tuple, dict)) else cell_text(item, name)
        if why:
            return None, f"a list holding {describe(item)}"
        if text:
            parts.append(text)
    return string_cell(("\n\n" if name in TEXT_FIELDS else ", ").join(parts), name)


def scalar_cell(value: Any) -> tuple[str | None, str]:
    if isinstance(value, bool):
        return str(value).lower(), ""
    if isinstance(value, (int, float, Decimal)):
        finite = value.is_finite() if isinstance(value, Decimal) else not isinstance(value, float) or math.isfinite(value)
        return (str(value), "") if finite else (None, f"a non-finite number ({value})")
    if isinstance(value, (datetime, date)):
        return value.isoformat(), ""
    return None, f"{describe(value)}, not a value"


def describe(value: Any) -> str:
    """A short, safe description of a cell value for a reason."""
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float, Decimal)):
        text = str(value) if not isinstance(value, int) or abs(value) < 10**30 else f"{str(value)[:12]}..."
        return f"a number ({text})"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


def cap_text(text: str, limit: int) -> tuple[str, int]:
    """(text kept, characters cut): at most `limit` characters, ending at a paragraph or word boundary."""
    if len(text) <= limit:
        return text, 0
    end = text.rfind("\n", limit // 2, limit)
    end = end if end > 0 else text.rfind(" ", limit // 2, limit)
    end = end if end > 0 else limit
    return text[:end].rstrip(), len(text) - end


def cap_fields(fields: dict[str, str], limit: int) -> None:
    """Cut a row's text cell to `limit` characters as it is read (so no later copy holds more), noting the cut in
    fields[CUT_FIELD]. An html cell is bounded like an HTML file (--max-mb); its extracted text is cut later."""
    text = fields.get("text")
    if text and len(text) > limit:
        fields["text"], cut = cap_text(text, limit)
        fields[CUT_FIELD] = f"text: {cut:,} characters after the first {limit:,}"


def size_text(size: int) -> str:
    """A byte count as people say it: 100 MB, 1.5 MB, 800 bytes."""
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size:,} bytes"
