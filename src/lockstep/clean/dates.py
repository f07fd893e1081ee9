"""Publication dates from bylines and datelines, with their precision.

Only the byline zone near a title is ever passed here: a date that appears in the story ("On 4 February
2022, ...") is not a publication date, so callers must not feed body paragraphs to these functions.

``parse_byline_date`` returns ``(iso, precision)``: ``("2021-03-09T11:05", "minute")``, ``("2025-05-12",
"day")``, ``(None, "unknown")`` when no date is found. Formats understood: "9 Mar, 2021 11:05",
"March 9, 2021", "9 March 2021", "12-05-2025" (DD-MM-YYYY, also glued to an outlet name), "12.05.2025",
ISO 8601 ("2021-03-09", "2021-03-09T11:05:00+03:00"), Russian "9 марта 2021 г., 11:05" and Chinese
"2021年3月9日 11:05".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # Russian stems ("март"/"мая" are told apart in _month_number)
    "янв": 1, "фев": 2, "апр": 4, "июн": 6,
    "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip

_EN_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_RU_MONTH = r"(?P<mon>январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?|сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь])"
_TIME = r"(?:,?\s*(?:at\s+|в\s+|-\s*|\|\s*)?(?P<hh>[01]?\d|2[0-3])[:.h](?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
_NOT_DIGIT_BEFORE = r"(?<!\d)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "iso",
        re.compile(
            r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
            r"(?:[T ](?P<hh>[0-2]\d):(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d)(?:\.\d+)?)?(?P<tz>Z|[+-][0-2]\d:?[0-5]\d)?)?"
            r"(?!\d)"
        ),
    ),
    (
        "zh",
        re.compile(
            r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?:(?P<d>[0-3]?\d)\s*日)?"
            r"(?:\s*(?P<hh>[01]?\d|2[0-3])\s*[:：时]\s*(?P<mi>[0-5]\d))?"
        ),
    ),
    (
        "day-month-year",
        re.compile(
            _NOT_DIGIT_BEFORE + r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _EN_MONTH + r",?\s+(?P<y>(?:19|20)\d\d)" + _TIME,
            re.I,
        ),
    ),
    (
        "month-day-year",
        re.compile(
            r"\b" + _EN_MONTH + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)" + _TIME, re.I
        ),
    ),
    (
        "ru",
        re.compile(
            _NOT_DIGIT_BEFORE + r"(?P<d>[0-3]?\d)\s+" + _RU_MONTH + r"\s+(?P<y>(?:19|20)\d\d)(?:\s*(?:г\.|года))?" + _TIME,
            re.I,
        ),
    ),
    (
        "numeric",
        re.compile(
            r"(?<![\d.\-/])(?P<a>[0-3]?\d)(?P<sep>[-./])(?P<b>[01]?\d)(?P=sep)(?P<y>(?:19|20)\d\d)(?![\d])" + _TIME
        ),
    ),
    ("month-year", re.compile(r"\b" + _EN_MONTH + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.I)),
]

RELATIVE = re.compile(
    r"(?:(?:\d+|an?|one)\s*(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?)\s+ago\b"
    r"|\bjust now\b|\byesterday\b"
    r"|\d+\s*(?:секунд\w*|минут\w*|час\w*|дн\w*|дней|недел\w*)\s+назад|\bвчера\b"
    r"|\d+\s*(?:秒|分钟|小时|天|周)前|刚刚|昨天)",
    re.I,
)


@dataclass(slots=True, kw_only=True)
class DateMatch:
    """A date found in a byline, where it sits in the text, and how precise it is."""

    iso: str
    precision: str
    start: int
    end: int


def parse_byline_date(text: str) -> tuple[str | None, str]:
    """The first publication date in a byline/dateline string: (ISO string or None, precision)."""
    found = find_byline_date(text)
    if found is None:
        return None, "unknown"
    return found.iso, found.precision


def find_byline_date(text: str) -> DateMatch | None:
    """The earliest well-formed date in ``text`` (a byline, never a story body), with its span."""
    best: DateMatch | None = None
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            found = _to_match(kind, m)
            if found is not None:
                if best is None or found.start < best.start:
                    best = found
                break
    return best


def is_relative_time(text: str) -> bool:
    """True for "42 minutes ago", "timean hour ago", "2 часа назад", "3小时前", "yesterday"."""
    return RELATIVE.search(text) is not None


def _to_match(kind: str, m: re.Match[str]) -> DateMatch | None:
    g = m.groupdict()
    try:
        if kind == "numeric":
            year, month, day = _numeric_ymd(int(g["a"]), int(g["b"]), int(g["y"]), g["sep"])
        elif kind in ("iso", "zh"):
            year, month, day = int(g["y"]), int(g["m"]), int(g["d"]) if g.get("d") else 0
        else:
            year, month, day = int(g["y"]), _month_number(g["mon"]), int(g["d"]) if g.get("d") else 0
        if day == 0:
            date(year, month, 1)
            return DateMatch(iso=f"{year:04d}-{month:02d}", precision="month", start=m.start(), end=m.end())
        day_iso = date(year, month, day).isoformat()
    except (ValueError, TypeError):
        return None
    iso, precision = _with_time(day_iso, g)
    return DateMatch(iso=iso, precision=precision, start=m.start(), end=m.end())


def _numeric_ymd(a: int, b: int, year: int, sep: str) -> tuple[int, int, int]:
    """DD-MM-YYYY and DD.MM.YYYY are day first; MM/DD/YYYY only when the day-first reading is impossible."""
    if sep == "/" and a <= 12 < b:
        return year, a, b
    return year, b, a


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    if key.startswith("ма"):  # март/марта vs май/мая
        return 3 if key.startswith("мар") else 5
    for stem_len in (4, 3):
        number = MONTHS.get(key[:stem_len])
        if number is not None:
            return number
    raise ValueError(f"unknown month {name!r}")


def _with_time(day_iso: str, g: dict[str, str | None]) -> tuple[str, str]:
    if not g.get("hh") or not g.get("mi"):
        return day_iso, "day"
    hour, minute = int(g["hh"] or 0), int(g["mi"] or 0)
    ampm = (g.get("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23:
        return day_iso, "day"
    stamp = datetime.fromisoformat(day_iso).replace(hour=hour, minute=minute)
    if g.get("ss"):
        stamp = stamp.replace(second=int(g["ss"] or 0))
        iso, precision = stamp.isoformat(timespec="seconds"), "second"
    else:
        iso, precision = stamp.isoformat(timespec="minutes"), "minute"
    tz = g.get("tz")
    if tz:
        iso += "+00:00" if tz == "Z" else (tz if ":" in tz else f"{tz[:3]}:{tz[3:]}")
    return iso, precision
