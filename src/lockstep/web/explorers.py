"""The panels of the term, narrative and alignment explorers, built on the report's section functions."""

from __future__ import annotations

import sys

from lockstep.errors import LockstepError
from lockstep.report.analyses import AnalysisMissing
from lockstep.report.charts import actor_colours
from lockstep.report.model import Section, missing_section
import lockstep.web.align_panels as align_panels
import lockstep.web.narrative_panels as narrative_panels
from lockstep.web.panels import ExplorerQuery, Panel
from lockstep.web.connection import Store
import lockstep.web.term_panels as term_panels


def terms_trend(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return term_panels.trend_panel(corpus, q)


def terms_keyness(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return term_panels.keyness_panel(corpus, q)


def terms_kwic(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return term_panels.kwic_panel(corpus, q)


def terms_collocates(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return term_panels.collocates_panel(corpus, q)


def terms_usage(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return term_panels.usage_panel(corpus, q)


def narratives_codebook(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return narrative_panels.codebook_panel(corpus, q)


def narratives_prevalence(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return narrative_panels.prevalence_panel(corpus, q)


def narratives_evidence(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return narrative_panels.evidence_panel(corpus, q)


def narratives_corrected(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return narrative_panels.corrected_panel(corpus, q)


def narratives_documents(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return narrative_panels.document_review_panel(corpus, q)


def alignment_matrix(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return align_panels.matrix_panel(corpus, q)


def alignment_cell(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return align_panels.cell_panel(corpus, q)


def alignment_leads(store: Store, q: ExplorerQuery) -> Section:
    with store.corpus() as corpus:
        return align_panels.leads_panel(corpus, q)


PANELS = {
    "terms": {"trend": ("Trend", terms_trend), "keyness": ("Keyness", terms_keyness),
              "kwic": ("Concordance (KWIC)", terms_kwic), "collocates": ("Collocates", terms_collocates),
              "usage": ("Usage comparison", terms_usage)},
    "narratives": {"codebook": ("Codebook", narratives_codebook), "prevalence": ("Prevalence", narratives_prevalence),
                   "evidence": ("Evidence and review", narratives_evidence),
                   "corrected": ("Prevalence corrected for detector error", narratives_corrected),
                   "documents": ("Document review (random sample)", narratives_documents)},
    "alignment": {"matrix": ("Alignment matrix", alignment_matrix), "cell": ("Drill-down", alignment_cell),
                  "leads": ("Lead–lag", alignment_leads)},
}


def registry() -> dict[str, dict[str, tuple[str, Panel]]]:
    """page -> panel -> (title, function)."""
    return PANELS


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
