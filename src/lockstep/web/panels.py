"""Explorer panels: each is a function (store, ExplorerQuery) -> Section, served as JSON under /api and as an
HTML fragment that the page loads with a spinner (long queries show progress, first paint stays fast). The query
is here; the panels, their registry and the runner are in :mod:`lockstep.web.explorers`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable

from lockstep.report.model import Section
from lockstep.store.corpus import DocumentFilter
from lockstep.web.connection import Store

PERIODS = ("day", "week", "month", "quarter", "year")


@dataclass(slots=True, kw_only=True)
class ExplorerQuery:
    term: str = ""
    actors: list[str] | None = None
    target: str | None = None
    reference: str | None = None
    measure: str | None = None
    shown: str | None = None  # alignment: "relative" (to the baseline) or "value"
    narrative: str | None = None
    period: str = "month"
    since: str | None = None
    until: str | None = None
    language: str | None = None
    status: str | None = None
    actor_a: str | None = None
    actor_b: str | None = None
    cell: str | None = None  # the period label of an alignment cell to drill into (e.g. 2022-03)
    limit: int = 25

    def filters(self) -> DocumentFilter:
        return DocumentFilter(actor=self.actors or None, since=self.since, until=self.until,
                              language=self.language or None)

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [], "")}


Panel = Callable[[Store, ExplorerQuery], Section]
