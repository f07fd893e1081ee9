"""Key terms, keyness per actor, the two-actor term plot and term families (from lockstep.terms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lockstep.report.analyses import analysis
from lockstep.report.model import Section
from lockstep.report.options import ReportOptions

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus


def keyness_section(corpus: "Corpus", options: ReportOptions) -> Section:
    analysis("terms", "keyness", "kwic")
    raise NotImplementedError


def term_plot_section(corpus: "Corpus", options: ReportOptions) -> Section:
    analysis("terms", "keyness", "kwic")
    raise NotImplementedError


def families_section(corpus: "Corpus", options: ReportOptions) -> Section:
    analysis("terms", "families")
    raise NotImplementedError


def trend_panel(corpus: "Corpus", q) -> Section:
    analysis("terms", "trend")
    raise NotImplementedError


def keyness_panel(corpus: "Corpus", q) -> Section:
    analysis("terms", "keyness")
    raise NotImplementedError


def kwic_panel(corpus: "Corpus", q) -> Section:
    analysis("terms", "kwic")
    raise NotImplementedError


def collocates_panel(corpus: "Corpus", q) -> Section:
    analysis("terms", "collocates")
    raise NotImplementedError


def usage_panel(corpus: "Corpus", q) -> Section:
    analysis("terms", "usage")
    raise NotImplementedError
