"""The corpus overview section: documents by actor, language and month; duplicates; skipped inputs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lockstep.output import records
import lockstep.report.charts as charts
import lockstep.report.overview as overview
from lockstep.report.frames import table
from lockstep.report.model import Chart, Evidence, EvidenceLine, Section
from lockstep.report.safe import anchor
from lockstep.store import tables
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import duckdb


def corpus_section(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter) -> Section:
    by_month = records(tables.documents_by_month(con, filters))
    month_anchor = lambda r: anchor("month", r["actor"], r["month"])  # noqa: E731
    section = Section(key="overview", title="Corpus overview",
                      note="Counts include duplicates; 'unique' counts each duplicate cluster once.")
    section.tables = [
        table(tables.documents_by_actor(con, filters), id="by-actor", title="Documents by actor"),
        table(tables.documents_by_language(con, filters), id="by-language", title="Documents by language"),
        table(tables.duplicate_clusters(con, filters), id="duplicates", title="Largest duplicate clusters",
              doc_column="cluster_id", note="cluster_id is the id of the earliest member; later members are "
              "duplicates removed from corpus-wide counts."),
        table(tables.skipped_reasons(con), id="skipped-reasons", title="Skipped inputs by reason"),
        table(tables.skipped_inputs(con), id="skipped", title="Skipped inputs (first 200)"),
    ]
    if by_month:
        section.charts.append(Chart(
            id="chart-documents-by-month", title="Documents per month by actor",
            figure=charts.bar_chart(by_month, x="month", y="documents", group="actor", anchor_of=month_anchor,
                                    title="Documents per month by actor", y_title="documents"),
            caption="Click a bar to list the first documents of that actor and month."))
    section.evidence = month_evidence(con, filters, month_anchor)
    section.data = {"by_month": by_month}
    return section


def month_evidence(con: "duckdb.DuckDBPyConnection", filters: DocumentFilter, month_anchor) -> list[Evidence]:
    blocks: dict[str, Evidence] = {}
    for row in records(overview.month_samples(con, filters)):
        key = month_anchor(row)
        block = blocks.setdefault(key, Evidence(anchor=key, title=f"{row['actor']} · {row['month']}: first documents"))
        block.lines.append(EvidenceLine(doc_id=row["id"], left="", match=row["title"] or "(no title)", right="",
                                        actor=row["actor"], outlet=row["outlet"], language=row["language"],
                                        published=row["published"], title=row["title"]))
    return list(blocks.values())
