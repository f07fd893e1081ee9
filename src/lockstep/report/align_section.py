"""Alignment matrix and series, lead–lag and echo chains (from lockstep.align)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lockstep.report.analyses import analysis
from lockstep.report.model import Section
from lockstep.report.options import ReportOptions

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus


def alignment_section(corpus: "Corpus", options: ReportOptions) -> Section:
    analysis("align", "alignment")
    raise NotImplementedError


def lead_lag_section(corpus: "Corpus", options: ReportOptions) -> Section:
    analysis("align", "lead_lag")
    raise NotImplementedError


def echoes_section(corpus: "Corpus", options: ReportOptions) -> Section:
    analysis("align", "echoes")
    raise NotImplementedError


def matrix_panel(corpus: "Corpus", q) -> Section:
    analysis("align", "alignment")
    raise NotImplementedError


def cell_panel(corpus: "Corpus", q) -> Section:
    analysis("align", "alignment")
    raise NotImplementedError


def leads_panel(corpus: "Corpus", q) -> Section:
    analysis("align", "lead_lag")
    raise NotImplementedError
