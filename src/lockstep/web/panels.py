"""Explorer panels: each is a function (store, ExplorerQuery) -> Section, served as JSON under /api and as an
HTML fragment that the page loads with a spinner (long queries show progress, first paint stays fast)."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from typing import Any, Callable

from lockstep.errors import LockstepError
from lockstep.report.charts import actor_colours
from lockstep.report.analyses import AnalysisMissing
from lockstep.report.model import Section, missing_section
from lockstep.store.corpus import DocumentFilter
from lockstep.web.store import Store

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


def registry() -> dict[str, dict[str, tuple[str, Panel]]]:
    """page -> panel -> (title, function)."""
    from lockstep.web import explorers

    return explorers.PANELS


def run_panel(store: Store, page: str, name: str, query: ExplorerQuery) -> Section:
    title, function = registry()[page][name]
    try:
        with actor_colours(store.actors()):
            section = function(store, query)
    except AnalysisMissing as exc:
        return missing_section(f"{page}-{name}", title, f"Not available: {exc}.")
    except LockstepError as exc:
        return missing_section(f"{page}-{name}", title, str(exc))
    except Exception as exc:  # an analysis failed: say so on the panel, keep the page alive
        print(f"dashboard: panel {page}/{name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return missing_section(f"{page}-{name}", title, f"Could not be computed: {type(exc).__name__}: {exc}")
    section.key, section.title = f"{page}-{name}", section.title or title
    return section
