"""The panels of the term, narrative and alignment explorers, built on the report's section functions."""

from __future__ import annotations

from lockstep.web import align_panels, narrative_panels, term_panels
from lockstep.report.model import Section
from lockstep.web.panels import ExplorerQuery
from lockstep.web.store import Store


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
