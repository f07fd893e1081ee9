"""The data behind each page (the page renders it; its /api twin returns it as JSON)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from lockstep.report import overview
from lockstep.report.charts import actor_colours
from lockstep.report.corpus_section import corpus_section
from lockstep.report.model import Section
from lockstep.report.safe import clean_json
from lockstep.store.corpus import DocumentFilter
from lockstep.web.analyses import narrative_choices
from lockstep.web.explorers import registry, run_panel
from lockstep.web.panels import ExplorerQuery
from lockstep.web.connection import Store


def overview_data(store: Store) -> dict[str, Any]:
    filters = DocumentFilter()
    with store.cursor() as cur, actor_colours(store.actors()):
        return {"summary": overview.corpus_summary(cur, filters), "section": corpus_section(cur, filters)}


def filter_choices(store: Store) -> dict[str, list[str]]:
    with store.cursor() as cur:
        choices = overview.filter_options(cur)

    choices["narratives"] = narrative_choices(store)
    return choices


def explorer_data(store: Store, page: str, query: ExplorerQuery) -> dict[str, Any]:
    """Every panel of an explorer page (the JSON twin of the page)."""
    panels = {name: run_panel(store, page, name, query) for name in registry()[page]}
    return {"page": page, "query": query.params(), "panels": {k: section_json(v) for k, v in panels.items()}}


def section_json(section: Section) -> dict[str, Any]:
    return clean_json(asdict(section))
