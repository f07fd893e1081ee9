"""Query parameters shared by pages and their JSON twins: typed, bounded, validated before any SQL runs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import HTTPException, Query

from lockstep.web.panels import PERIODS, ExplorerQuery
from lockstep.web.search import SearchQuery

Text = Annotated[str, Query(max_length=200)]
Name = Annotated[str | None, Query(max_length=100)]
Names = Annotated[list[str] | None, Query()]
Date = Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD or YYYY-MM")]
Language = Annotated[str | None, Query(max_length=3, pattern=r"^([a-z]{2,3})?$", description="ISO 639-1 code")]
Period = Annotated[Literal["day", "week", "month", "quarter", "year"], Query()]


def clean_date(value: str | None, name: str) -> str | None:
    if not value:
        return None
    text = value if len(value) == 10 else f"{value}-01"
    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        raise HTTPException(422, f"{name}: not a date (YYYY-MM-DD or YYYY-MM): {value!r}") from exc
    return text


def clean_names(values: list[str] | None, name: str) -> list[str] | None:
    items = [v.strip() for value in values or [] for v in value.split(",") if v.strip()]
    if len(items) > 30 or any(len(v) > 100 for v in items):
        raise HTTPException(422, f"{name}: at most 30 values of at most 100 characters")
    return items or None


def search_query(q: Text = "", actor: Names = None, language: Language = None, since: Date = None,
                 until: Date = None, narrative: Name = None,
                 page: Annotated[int, Query(ge=1, le=1000)] = 1,
                 per_page: Annotated[int, Query(ge=5, le=100)] = 25,
                 no_duplicates: bool = False) -> SearchQuery:
    return SearchQuery(q=q.strip(), actor=clean_names(actor, "actor"), language=language or None,
                       since=clean_date(since, "since"), until=clean_date(until, "until"),
                       narrative=narrative or None, page=page, per_page=per_page, no_duplicates=no_duplicates)


def explorer_query(term: Text = "", actors: Names = None, target: Name = None, reference: Name = None,
                   measure: Annotated[str | None, Query(max_length=20, pattern=r"^[a-z0-9_-]*$")] = None,
                   shown: Annotated[Literal["", "relative", "value"] | None, Query()] = None,
                   narrative: Name = None, period: Period = "month", since: Date = None, until: Date = None,
                   language: Language = None,
                   status: Annotated[Literal["", "pending", "accepted", "rejected"] | None, Query()] = None,
                   actor_a: Name = None, actor_b: Name = None,
                   cell: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9A-Za-z-]*$")] = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 25) -> ExplorerQuery:
    assert period in PERIODS
    return ExplorerQuery(term=term.strip(), actors=clean_names(actors, "actors"), target=target or None,
                         reference=reference or None, measure=measure or None, shown=shown or None,
                         narrative=narrative or None,
                         period=period, since=clean_date(since, "since"), until=clean_date(until, "until"),
                         language=language or None, status=status or None, actor_a=actor_a or None,
                         actor_b=actor_b or None, cell=cell or None, limit=limit)


def check_doc_id(doc_id: str) -> str:
    if not 1 <= len(doc_id) <= 64 or any(ch.isspace() for ch in doc_id):
        raise HTTPException(422, "doc_id: expected a document id (or a unique prefix of at least 6 characters)")
    return doc_id
