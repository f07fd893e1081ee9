"""Narrative prevalence over time by actor, with the evidence paragraphs (from lockstep.narratives)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lockstep.report.analyses import analysis
from lockstep.report.model import Section
from lockstep.report.options import ReportOptions

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus


def prevalence_section(corpus: "Corpus", options: ReportOptions) -> Section:
    analysis("narratives", "prevalence")
    raise NotImplementedError


def codebook_panel(corpus: "Corpus", q) -> Section:
    analysis("narratives", "load_codebook")
    raise NotImplementedError


def prevalence_panel(corpus: "Corpus", q) -> Section:
    analysis("narratives", "prevalence")
    raise NotImplementedError


def evidence_panel(corpus: "Corpus", q) -> Section:
    analysis("narratives", "review_tag")
    raise NotImplementedError
