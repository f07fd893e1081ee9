"""Build a report: query the store, run each analysis, collect sections as data (no HTML here)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Callable

from lockstep.errors import InputError, LockstepError
import lockstep.report.align_section as align_section
import lockstep.report.charts as charts
import lockstep.report.narratives_section as narratives_section
import lockstep.report.terms_section as terms_section
from lockstep.report.analyses import AnalysisMissing
from lockstep.report.corpus_section import corpus_section
from lockstep.report.model import Report, Section, missing_section
from lockstep.report.options import ReportOptions
from lockstep.report.overview import corpus_summary, filter_options

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

SectionBuilder = Callable[["Corpus", ReportOptions], Section]


def section_builders() -> list[tuple[str, str, SectionBuilder]]:
    """(key, title, builder) for every section, in report order."""
    return [
        ("overview", "Corpus overview", lambda corpus, options: corpus_section(corpus.con, options.filters())),
        ("terms", "Key terms and keyness per actor", terms_section.keyness_section),
        ("term-plot", "Two-actor term plot", terms_section.term_plot_section),
        ("families", "Term families across languages", terms_section.families_section),
        ("narratives", "Narrative prevalence over time", narratives_section.prevalence_section),
        ("alignment", "Alignment matrix and time series", align_section.alignment_section),
        ("lead-lag", "Lead–lag", align_section.lead_lag_section),
        ("echoes", "Top echo chains", align_section.echoes_section),
    ]


def build_report(corpus: "Corpus", options: ReportOptions | None = None,
                 progress: Callable[[str], None] | None = None) -> Report:
    """Every section in order; `progress` is told the title of each section as it starts."""
    options = options or ReportOptions()
    builders = section_builders()
    unknown = set(options.sections) - {key for key, _, _ in builders}
    if unknown:
        raise InputError(f"unknown report section(s) {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(key for key, _, _ in builders)}")
    sections = []
    with charts.actor_colours(filter_options(corpus.con)["actors"]):  # one colour per actor in every chart
        for key, title, builder in builders:
            if options.sections and key not in options.sections:
                sections.append(left_out(key, title))
                continue
            if progress:
                progress(title)
            sections.append(run_section(key, title, builder, corpus, options))
    return Report(title=options.title, generated_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                  filters=options.describe(), summary=corpus_summary(corpus.con, options.filters()), sections=sections)


def left_out(key: str, title: str) -> Section:
    """A section the --sections option did not ask for: said in the report, not counted as lacking data."""
    section = missing_section(key, title, "Left out of this report (--sections).")
    section.requested = False
    return section


def run_section(key: str, title: str, builder: SectionBuilder, corpus: "Corpus", options: ReportOptions) -> Section:
    """Run one section; an absent analysis or a user-facing error becomes a visible note, never fake data."""
    try:
        section = builder(corpus, options)
    except AnalysisMissing as exc:
        return missing_section(key, title, f"Not available: {exc}.")
    except LockstepError as exc:
        return missing_section(key, title, f"Could not be computed: {exc}")
    except Exception as exc:  # an analysis failed: the rest of the report is still worth having
        print(f"report: section {key!r} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return missing_section(key, title, f"Could not be computed: {type(exc).__name__}: {exc}")
    section.key, section.title = key, title
    return section
