"""Alignment explorer panels: matrix and series, drill-down into one pair and period, lead–lag of an item."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from lockstep.align import drilldown
from lockstep.align import alignment_index as align_index
from lockstep.align import leadlag
from lockstep.output import records
from lockstep.report import charts
from lockstep.report.align_section import (ALIGN_COLUMNS, MEASURE_NAMES, SHOWN_NAMES, drivers_note, first_use_evidence,
                                           first_view, matrix_chart, missing_table, narratives_tagged, paragraph_line,
                                           series_chart, series_view)
from lockstep.report.frames import table
from lockstep.report.model import Chart, Evidence, Section
from lockstep.store.corpus import Corpus
from lockstep.store.tables import top_actors
from lockstep.web.panels import ExplorerQuery


def pair_link(q: ExplorerQuery, a: str, b: str, cell: str | None = None) -> str:
    params = {"actor_a": a, "actor_b": b, "since": q.since, "until": q.until, "period": q.period, "cell": cell,
              "actors": ",".join(q.actors or []), "measure": q.measure, "shown": q.shown}
    return "/alignment?" + urlencode({k: v for k, v in params.items() if v}) + "#panel-cell"


def matrix_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    actors = q.actors or top_actors(corpus.con, q.filters(), 8)
    if len(actors) < 2:
        return Section(key="alignment-matrix", title="", available=False, missing="Choose at least two actors.")
    window = align_index.AlignOptions(actors=actors, period="all", since=q.since, until=q.until, n_boot=50, n_perm=50,
                                min_units=5)
    overall = align_index.alignment(corpus, window)
    if overall.empty or overall["value"].isna().all():
        return Section(key="alignment-matrix", title="", available=False,
                       missing="Too few documents per actor in this window (at least 5 each).")
    measure, shown = chosen_view(overall, q)
    chart = matrix_chart(overall, measure, actors, shown)
    heat = chart.figure["data"][0]
    labels = [a for a in actors if any(a in (x, y) for x, y in zip(overall["actor_a"], overall["actor_b"]))]
    heat["customdata"] = [[pair_link(q, a, b) if a != b else None for b in labels] for a in labels]
    others = [m for m in MEASURE_NAMES if m in set(overall["measure"]) and m != measure]
    section = Section(key="alignment-matrix", title="", note=(
        f"Alignment by {MEASURE_NAMES[measure]}, shown {SHOWN_NAMES[shown]}, over the window, then per {q.period} "
        f"(choose the measure and value or relative above; also computed: {', '.join(others) or 'none'}). "
        "Bootstrap intervals, baselines and narrative coverage are in the table; an empty cell says why on hover. "
        "Click a cell or a point to drill down into that pair."))
    section.charts.append(chart)
    series = align_index.alignment(corpus, align_index.AlignOptions(actors=actors, period=q.period, since=q.since, until=q.until,
                                                        n_boot=30, n_perm=30, min_units=5))
    if not series.empty:
        view = (measure, shown, "") if q.measure else series_view(series, measure, shown)  # a choice is kept
        line = series_chart(series, *view, anchor_of=lambda r: pair_link(q, r["a"], r["b"], r["period"]))
        chosen = [f"{q.actor_a} ~ {q.actor_b}", f"{q.actor_b} ~ {q.actor_a}"] if q.actor_a and q.actor_b else []
        charts.focus_traces(line.figure, 6, chosen)
        section.charts.append(Chart(id="series", title="Over time", figure=line.figure, caption=line.caption))
    section.tables.append(table(overall, id="alignment", title="Pairs over the whole window", columns=ALIGN_COLUMNS,
                                floors={"p_distinct": 1 / (window.n_perm + 1)}))
    section.tables.append(missing_table(series, window.min_units))
    section.data = {"measure": measure, "shown": shown, "measures": [measure, *others]}
    return section


def chosen_view(result, q: ExplorerQuery) -> tuple[str, str]:
    """The measure and presentation asked for (`measure`, `shown`), else what the matrix shows first."""
    default_measure, default_shown = first_view(result)
    present = set(result.loc[result["value"].notna(), "measure"])
    measure = q.measure if q.measure in MEASURE_NAMES and q.measure in present else default_measure
    shown = q.shown if q.shown in SHOWN_NAMES else (default_shown if measure == default_measure else "relative")
    return measure, shown


def cell_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    if not (q.actor_a and q.actor_b) or q.actor_a == q.actor_b:
        return Section(key="alignment-cell", title="", available=False,
                       missing="Click a cell of the matrix, or choose two different actors as the pair above.")
    period, kind = (q.cell, q.period) if q.cell else ("all", "all")
    cell = drilldown.drill(corpus, drilldown.DrillOptions(actors=(q.actor_a, q.actor_b), period=period, period_kind=kind,
                                                  since=q.since, until=q.until, paragraphs_per_actor=8))
    section = Section(key="alignment-cell", title="", note=(
        f"What {q.actor_a} and {q.actor_b} share in {period if q.cell else 'the whole window'}: the narratives, key "
        "terms and distinctive phrases that drive their alignment, and the paragraphs that carry them."))
    for name, frame in (("narratives", cell.narratives), ("terms", cell.terms), ("phrases", cell.phrases)):
        if len(frame):
            section.tables.append(table(frame, id=f"drivers-{name}", title=f"Driving {name}"))
    section.evidence.append(Evidence(anchor="cell-paragraphs", title="Paragraphs behind this cell",
                                     layout="paragraphs", note=drivers_note(cell),
                                     lines=[paragraph_line(r) for r in records(cell.paragraphs)]))
    section.data = {"sizes": cell.sizes}
    return section


def leads_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    item: dict[str, Any]
    if q.narrative and narratives_tagged(corpus):
        item, label = {"narrative": q.narrative}, q.narrative
    elif q.term:
        item, label = {"terms": [t.strip() for t in q.term.split(",") if t.strip()]}, q.term
    else:
        return Section(key="alignment-leads", title="", available=False, missing=(
            "Choose a narrative or type a term (its forms in several languages separated by commas, * as a "
            "wildcard, e.g. sanction*, санкци*, 制裁) to see who used it first and who follows."))
    options = leadlag.LeadOptions(**item, actors=q.actors, since=q.since, until=q.until,
                                  freq="day" if q.period == "day" else "week")
    result = leadlag.leads(corpus, options)
    firsts = [{"item": label, **r, "evidence": f"first-{i}"} for i, r in enumerate(records(result.first_use))]
    mentions = {r["actor"]: r["mentions"] for r in firsts}
    drawn = [a for a, n in mentions.items() if n >= options.min_mentions]
    too_few = [f"{a} ({n})" for a, n in mentions.items() if n < options.min_mentions]
    section = Section(key="alignment-leads", title="", note=(
        f"Who used “{label}” first and how many days the others took; {options.freq}ly series of the share of each "
        f"actor's documents that carry it, cross-correlated (best_lag > 0: actor_a moves first; p from "
        f"{options.n_surrogates} block-shuffled surrogates, corrected over the pairs; a leader only where "
        f"significant). A {options.freq} with fewer than {options.min_step_documents} documents of an actor has no "
        "share (a gap, not 0 or 100 %). "
        + (f"Fewer than {options.min_mentions} documents, so not drawn and not tested: {', '.join(too_few)}. "
           if too_few else "") + "Click a point for the first paragraph."))
    series = [{**r, "step": str(r["step"])[:10]} for r in records(result.series) if r["actor"] in drawn]
    if series:
        section.charts.append(Chart(id="leads", title="Series", figure=charts.line_chart(
            series, x="step", y="share", group="actor", title=f"“{label}”: share of each actor's documents",
            y_title="share", anchor_of=lambda r: next((f["evidence"] for f in firsts if f["actor"] == r["actor"]),
                                                      None))))
    pairs = result.pairs.assign(_tested=result.pairs["p_value"].notna()).sort_values(
        ["significant", "_tested", "p_adjusted", "p_value"], ascending=[False, False, True, True])
    section.tables.append(table(pairs, id="pairs", title="Lead–lag pairs (tested first)", columns=[
        "leader", "follower", "actor_a", "actor_b", "best_lag", "lag_days", "correlation", "correlation_lag0",
        "p_value", "p_adjusted", "significant", "mentions_a", "mentions_b", "note"],
        floors={"p_value": 1 / (options.n_surrogates + 1)}))
    section.tables.append(table(_frame(firsts), id="first-use", title="First use", anchor_column="evidence",
                                doc_column="first_doc_id", columns=["actor", "first_published", "days_after_first",
                                                                    "mentions", "documents", "first_doc_id"]))
    section.evidence = first_use_evidence(corpus, firsts)
    return section


def _frame(rows):
    import pandas as pd

    return pd.DataFrame(rows)
