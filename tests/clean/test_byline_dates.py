"""Publication dates from bylines in the formats scraped pages use, with their precision."""

from __future__ import annotations

import pytest

from lockstep.clean.dates import find_byline_date, is_relative_time, parse_byline_date


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("9 Mar, 2021 11:05", ("2021-03-09T11:05", "minute")),
        ("Russia Today12-05-2025", ("2025-05-12", "day")),
        ("12.05.2025", ("2025-05-12", "day")),
        ("2021-03-09", ("2021-03-09", "day")),
        ("2021-03-09T11:05:30Z", ("2021-03-09T11:05:30+00:00", "second")),
        ("Published 2021-03-09 11:05+0300", ("2021-03-09T11:05+03:00", "minute")),
        ("9 марта 2021", ("2021-03-09", "day")),
        ("9 мая 2021 г., 14:30", ("2021-05-09T14:30", "minute")),
        ("1 сентября 2022 года", ("2022-09-01", "day")),
        ("2021年3月9日", ("2021-03-09", "day")),
        ("2021年3月9日 11:05", ("2021-03-09T11:05", "minute")),
        ("March 9, 2021", ("2021-03-09", "day")),
        ("Updated: Nov. 19, 2019 at 6:21 PM EST", ("2019-11-19T18:21", "minute")),
        ("9th March 2021", ("2021-03-09", "day")),
        ("05/13/2020", ("2020-05-13", "day")),
        ("June 2020", ("2020-06", "month")),
    ],
)
def test_byline_formats(byline: str, expected: tuple[str, str]) -> None:
    assert parse_byline_date(byline) == expected


@pytest.mark.parametrize("text", ["", "Russia Today", "31-02-2021", "2021-13-01", "page 12 of 2021 items", "14:40"])
def test_no_date_gives_unknown(text: str) -> None:
    assert parse_byline_date(text) == (None, "unknown")


def test_outlet_prefix_span_is_reported() -> None:
    found = find_byline_date("Russia Today12-05-2025")
    assert found is not None and "Russia Today12-05-2025"[: found.start] == "Russia Today"


@pytest.mark.parametrize("text", ["time42 minutes ago", "timean hour ago", "3 hours ago", "2 часа назад", "3小时前", "yesterday"])
def test_relative_times(text: str) -> None:
    assert is_relative_time(text)


@pytest.mark.parametrize("text", ["Russia Today", "9 Mar, 2021 11:05", "Today, Western countries manipulate ideology"])
def test_not_relative_times(text: str) -> None:
    assert not is_relative_time(text)
