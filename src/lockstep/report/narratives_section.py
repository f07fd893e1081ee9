"""Narrative prevalence over time by actor, first appearances, and the evidence paragraphs (lockstep.narratives)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lockstep.narratives import corrected
from lockstep.narratives import evidence_list
from lockstep.narratives import tables as narrative_tables
from lockstep.narratives.prevalence import HitQuery, first_appearance, hits, prevalence
from lockstep.narratives.tables import latest_version_read
from lockstep.output import records
import lockstep.report.charts as charts
from lockstep.report.frames import clip, table
from lockstep.report.model import Chart, Evidence, EvidenceLine, Section, Table
from lockstep.report.options import ReportOptions
from lockstep.report.safe import anchor, plot_text
from lockstep.store.tables import paragraphs_at, top_actors, unique_stories_by_period

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

TOP_NARRATIVES = 6
LINES_PER_POINT = 3


def not_tagged(key: str) -> Section:
    return Section(key=key, title="", available=False, missing=(
        "No narratives are tagged in this store yet: run `lockstep narratives tag --db STORE` first."))


def prevalence_section(corpus: "Corpus", options: ReportOptions) -> Section:
    version = latest_version_read(corpus.con)
    if version is None:
        return not_tagged("narratives")
    actors = list(options.actors) or top_actors(corpus.con, options.filters(), 8)
    filters = replace(options.filters(), actor=actors)
    query = HitQuery(filters=filters, level=1, version=version, period=options.period)
    rows = [r for r in records(prevalence(corpus, query)) if r.get("period")]
    overall = records(prevalence(corpus, replace(query, period="all")))
    if not rows:
        return Section(key="narratives", title="", available=False,
                       missing="No narrative hits above threshold for these actors and dates.")
    ranked = top_narratives(overall)
    section = Section(key="narratives", title="", note=(
        f"Share of each actor's documents per {options.period} that carry a narrative (at least one paragraph "
        f"above its threshold; a story counts once per actor), codebook version {version}. The "
        f"{len(ranked)} most frequent top-level narratives are drawn; click a point for the evidence paragraphs."))
    totals = actor_periods(corpus.con, filters, options.period)
    for narrative in ranked:
        points = with_zeros([r for r in rows if r["narrative"] == narrative], totals)
        title = next((r.get("title") for r in points if r.get("title")), None) or narrative
        section.charts.append(Chart(id=f"chart-narrative-{len(section.charts)}", title=title, figure=charts.line_chart(
            points, x="period", y="share", group="actor", title=f"{title} ({narrative})", y_title="share of documents",
            anchor_of=lambda r, n=narrative: anchor("narr", n, r["actor"], r["period"]) if r["documents"] else None)))
        section.evidence.extend(narrative_evidence(corpus, replace(query, narrative=narrative), options))
    section.tables.append(table(_frame(overall), id="prevalence", title="Prevalence over the whole window",
                                columns=["narrative", "title", "actor", "documents", "actor_documents", "share"]))
    corrected_table, corrected_chart = corrected_prevalence_block(corpus, query)
    section.tables.append(corrected_table)
    if corrected_chart is not None:
        section.charts.append(corrected_chart)
    first = first_appearance(corpus, replace(query, narrative=None))
    section.tables.append(table(first, id="first-appearance", title="First appearance per actor",
                                columns=["narrative", "actor", "first_published", "outlet", "score", "doc_id"],
                                doc_column="doc_id", limit=80))
    section.data = {"version": version, "narratives": ranked}
    return section


CORRECTED_COLUMNS = ["narrative", "title", "actor", "raw_share", "share", "ci_low", "ci_high", "reviewed", "note"]


def corrected_prevalence_block(corpus: "Corpus", query: Any) -> tuple[Table, Chart | None]:
    """The whole window's prevalence corrected for detector error from the reviews of a random sample (table and
    chart with intervals); without reviews the detector's shares, labelled uncorrected, and no chart."""
    frame = corrected.corrected_prevalence(corpus, corrected.CorrectedQuery(hits=replace(query, period="all")))
    if frame.attrs.get("sample_id") is None:
        frame = frame.rename(columns={"share": "share (uncorrected)"})
        return table(frame, id="prevalence-corrected", title="Prevalence, uncorrected (no reviews)", note=(
            "No review sample: these are the detector's shares, uncorrected. Draw a random sample with "
            "`lockstep narratives sample`, review it (`narratives review-docs` or the dashboard with --review), "
            "and this table shows shares corrected for the detector's errors, with intervals."),
            columns=["narrative", "title", "actor", "documents", "actor_documents", "share (uncorrected)"]), None
    done = frame[frame["corrected"]]
    short = len(frame) - len(done)
    note = (f"From the reviews of sample {frame.attrs['sample_id']}: share = the detector's share (raw_share) "
            "corrected by what review found it missed or wrongly flagged, with its 95 % interval (sampling of "
            "documents and detector error); `reviewed` counts the reviewed documents behind it. "
            + (f"{short} of {len(frame)} rows had too few reviews in their group: they show the raw share, "
               "uncorrected, and say so." if short else "Every group had enough reviews."))
    chart = Chart(id="chart-narrative-corrected", title="Corrected prevalence", figure=interval_chart(
        records(done), title="Prevalence corrected for detector error (95 % intervals); open marks: detector")) \
        if len(done) else None
    return table(frame, id="prevalence-corrected", title="Prevalence corrected for detector error", note=note,
                 columns=CORRECTED_COLUMNS, limit=400), chart


def interval_chart(rows: list[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """Per actor: the corrected share of each narrative with its interval, and the raw share as an open mark."""
    traces = []
    for i, actor in enumerate(sorted({str(r["actor"]) for r in rows})):
        mine = sorted((r for r in rows if str(r["actor"]) == actor), key=lambda r: str(r["narrative"]))
        colour = charts.PALETTE[i % len(charts.PALETTE)]
        x = [plot_text(r["narrative"]) for r in mine]
        traces.append({"type": "scatter", "mode": "markers", "name": plot_text(actor), "x": x, "offsetgroup": str(i),
                       "y": [r["share"] for r in mine], "marker": {"color": colour, "size": 9},
                       "error_y": {"type": "data", "symmetric": False, "color": colour,
                                   "array": [r["ci_high"] - r["share"] for r in mine],
                                   "arrayminus": [r["share"] - r["ci_low"] for r in mine]},
                       "customdata": [None] * len(mine),
                       "text": [plot_text(f"{r['reviewed']} reviews; detector {r['raw_share']:.3f}") for r in mine],
                       "hovertemplate": f"{plot_text(actor)}<br>%{{x}}: %{{y:.3f}} (%{{text}})<extra></extra>"})
        traces.append({"type": "scatter", "mode": "markers", "name": plot_text(f"{actor} (detector)"), "x": x,
                       "offsetgroup": str(i),
                       "y": [r["raw_share"] for r in mine], "showlegend": False, "customdata": [None] * len(mine),
                       "marker": {"color": colour, "symbol": "circle-open", "size": 9},
                       "hovertemplate": f"{plot_text(actor)} detector<br>%{{x}}: %{{y:.3f}}<extra></extra>"})
    return {"data": traces, "layout": charts.layout(
        title, yaxis={"title": {"text": "share of documents"}, "rangemode": "tozero"}, scattermode="group",
        xaxis={"type": "category", "tickangle": -35, "automargin": True}, height=460,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}, margin={"l": 60, "r": 20, "t": 70, "b": 40})}


def actor_periods(con, filters, period: str) -> dict[tuple[str, str], int]:
    """Documents per (actor, period start) in the selection: the denominators, so that months without a hit
    show as 0 rather than as a gap the line jumps over."""
    if period not in ("day", "week", "month", "quarter", "year"):
        return {}
    return unique_stories_by_period(con, filters, period)


def with_zeros(points: list[dict[str, Any]], totals: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    seen = {(r["actor"], r["period"]) for r in points}
    actors = {r["actor"] for r in points}
    zeros = [{"actor": a, "period": p, "documents": 0, "actor_documents": n, "share": 0.0}
             for (a, p), n in totals.items() if a in actors and (a, p) not in seen]
    return sorted(points + zeros, key=lambda r: (r["actor"], r["period"]))


def top_narratives(overall: list[dict[str, Any]]) -> list[str]:
    totals: dict[str, int] = {}
    for r in overall:
        totals[r["narrative"]] = totals.get(r["narrative"], 0) + int(r["documents"])
    return sorted(totals, key=lambda n: (-totals[n], n))[:TOP_NARRATIVES]


def narrative_evidence(corpus: "Corpus", query: Any, options: ReportOptions) -> list[Evidence]:
    """The strongest paragraphs behind each (narrative, actor, period) point, with the evidence span marked."""
    frame = hits(corpus, replace(query, level=None))
    if frame.empty:
        return []
    import pandas as pd

    published = pd.to_datetime(frame["published"], errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
    frame["period"] = published.dt.to_period(
        {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}.get(options.period, "M")
    ).dt.start_time.dt.strftime("%Y-%m-%d")
    parents = narrative_tables.parents(corpus.con, query.version)
    frame = evidence_list.with_precision(evidence_list.once(frame.sort_values("score", ascending=False, kind="stable"),
                                                            parents))
    frame = frame.groupby(["actor", "period"], sort=False).head(LINES_PER_POINT)
    lines = evidence_lines(corpus.con, records(frame))
    blocks: dict[str, Evidence] = {}
    for row, line in zip(records(frame), lines):
        key = anchor("narr", query.narrative, row["actor"], row["period"])
        blocks.setdefault(key, Evidence(anchor=key, title=f"{query.narrative} · {row['actor']} · {row['period']}",
                                        layout="paragraphs")).lines.append(line)
    return list(blocks.values())


def evidence_lines(con, hits: list[dict[str, Any]]) -> list[EvidenceLine]:
    """Paragraph text with the first evidence span marked, for hit rows (doc_id, idx, evidence JSON, ...); the note
    names the narrative (and its parent), the evidence kinds and, when known, how often such hits are right."""
    keys = sorted({(h["doc_id"], int(h["idx"])) for h in hits})
    paragraphs = paragraphs_at(con, keys)
    out = []
    for h in hits:
        _, idx, offset, text = paragraphs.get((h["doc_id"], int(h["idx"])), (None, h["idx"], 0, ""))
        a, b = first_span(h.get("evidence"), offset, len(text))
        left, match, right = clip(text[:a], text[a:b], text[b:])
        out.append(EvidenceLine(doc_id=str(h["doc_id"]), paragraph=int(idx), left=left, match=match,
                                right=right, actor=h.get("actor"), outlet=h.get("outlet"),
                                language=h.get("language"), published=_text(h.get("published")),
                                score=_float(h.get("score")), hit_id=h.get("hit_id"), status=h.get("status"),
                                note=hit_note(h)))
    return out


def hit_note(hit: dict[str, Any]) -> str:
    """`narrative (under parent): evidence kinds · candidate · measured precision of hits like it`."""
    parent = f" (under {hit['parent']})" if isinstance(hit.get("parent"), str) else ""
    note = f"{hit.get('narrative')}{parent}: {evidence_kinds(hit.get('evidence'))}"
    if hit.get("above") is False:
        note += " · candidate below threshold"
    if isinstance(hit.get("precision_note"), str):
        note += f" · {hit['precision_note']}"
    return note


def first_span(evidence_json: str | None, offset: int, length: int) -> tuple[int, int]:
    """The first evidence span as offsets inside the paragraph (evidence offsets index the document text)."""
    try:
        spans = json.loads(evidence_json or "[]")
    except ValueError:
        spans = []
    for span in sorted(spans, key=lambda s: (s.get("kind") != "phrase", s.get("start", 0))):
        a, b = int(span.get("start", 0)) - offset, int(span.get("end", 0)) - offset
        if 0 <= a < b <= length:
            return a, b
    return 0, 0


def evidence_kinds(evidence_json: str | None) -> str:
    try:
        spans = json.loads(evidence_json or "[]")
    except ValueError:
        return ""
    return ", ".join(sorted({str(s.get("kind")) for s in spans})) or "score only"


def _frame(rows):
    import pandas as pd

    return pd.DataFrame(rows)


def _text(value: Any) -> str | None:
    if value is None or value != value:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _float(value: Any) -> float | None:
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return None
