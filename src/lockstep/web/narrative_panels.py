"""Narrative explorer panels: codebook, prevalence by actor over time, evidence with accept/reject review."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from lockstep.narratives import codebook
from lockstep.narratives import evidence_list
from lockstep.narratives import review
from lockstep.narratives import sampling
from lockstep.narratives import tables as narrative_tables
from lockstep.narratives.prevalence import HitQuery, hit_where, prevalence
from lockstep.narratives.tables import latest_version_read
from lockstep.output import records
from lockstep.report import charts
from lockstep.report.frames import table
from lockstep.report.model import Chart, Evidence, Section
from lockstep.report.narratives_section import (actor_periods, corrected_prevalence_block, evidence_lines, not_tagged,
                                                with_zeros)
from lockstep.store.corpus import Corpus
from lockstep.store.tables import top_actors
from lockstep.web.panels import ExplorerQuery
from lockstep.web.term_panels import OFFSETS


def codebook_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    book = codebook.load_codebook().subset(q.narrative)
    rows = [{"narrative": n.id, "title": n.title, "level": book.level(n.id) if n.id in book.narratives else None,
             "parent": n.parent, "description": n.description,
             "claims": "; ".join(f"{lang}: {c}" for lang, cs in n.claims.items() for c in cs[:1]),
             "languages": ", ".join(sorted(set(n.claims) | set(n.phrases))), "semeval": n.semeval}
            for n in book.narratives.values()]
    versions = ", ".join(f"{name} {version}" for name, version in book.versions)
    section = Section(key="narratives-codebook", title="", note=f"The codebook in use ({versions}): "
                      f"{len(rows)} narratives. Example claims are shown in their first language.")
    section.tables.append(table(_frame(rows), id="codebook", title="Codebook"))
    return section


def prevalence_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    version = latest_version_read(corpus.con)
    if version is None:
        return not_tagged("narratives-prevalence")
    actors = q.actors or top_actors(corpus.con, q.filters(), 8)
    query = HitQuery(filters=replace(q.filters(), actor=actors), narrative=q.narrative,
                          level=None if q.narrative else 1, version=version, period=q.period)
    rows = records(prevalence(corpus, query))
    section = Section(key="narratives-prevalence", title="", note=(
        f"Share of each actor's documents per {q.period} carrying "
        f"{'“' + q.narrative + '”' if q.narrative else 'each top-level narrative'} (a story counts once per actor). "
        "Click a point to review that actor's evidence for that period."))
    if q.narrative:
        rows = [r for r in rows if r["narrative"] == q.narrative] or rows
        points = with_zeros([r for r in rows if r.get("period")],
                            actor_periods(corpus.con, replace(q.filters(), actor=actors), q.period))
        section.charts.append(Chart(id="prevalence", title="Prevalence", figure=charts.line_chart(
            points, x="period", y="share", group="actor", title=f"{q.narrative}: share of documents",
            y_title="share of documents", anchor_of=lambda r: evidence_link(q, r["actor"], r["period"]) if r["documents"] else None)))
    else:
        overall = records(prevalence(corpus, replace(query, period="all")))
        section.charts.append(Chart(id="prevalence", title="Prevalence", figure=overview_heatmap(overall, actors, q)))
    section.tables.append(table(_frame(rows), id="prevalence", title="Prevalence", limit=300,
                                columns=["narrative", "title", "actor", "period", "documents", "actor_documents",
                                         "share"]))
    return section


def overview_heatmap(overall: list[dict[str, Any]], actors: list[str], q: ExplorerQuery) -> dict[str, Any]:
    narratives = sorted({r["narrative"] for r in overall})
    share = {(r["narrative"], r["actor"]): r["share"] for r in overall}
    z = [[share.get((n, a), 0.0) for a in actors] for n in narratives]
    links = [[narrative_link(q, n) for _ in actors] for n in narratives]
    top = max((v for row in z for v in row), default=1.0) or 1.0
    return charts.heatmap(actors, narratives, z, links, title="Top-level narratives: share of each actor's documents",
                          z_range=(0.0, top))


def narrative_link(q: ExplorerQuery, narrative: str) -> str:
    params = {k: v for k, v in {"narrative": narrative, "since": q.since, "until": q.until, "period": q.period}.items()
              if v}
    return "/narratives?" + urlencode(params) + "#panel-prevalence"


def evidence_link(q: ExplorerQuery, actor: str, start: str) -> str:
    import pandas as pd

    end = (pd.Timestamp(start) + pd.DateOffset(**OFFSETS[q.period])).strftime("%Y-%m-%d")
    params = {"narrative": q.narrative, "actors": actor, "since": start, "until": end, "period": q.period}
    return "/narratives?" + urlencode(params) + "#panel-evidence"


ONCE_FETCH = 3     # rows fetched per row shown: a parent hit implied by its sub-narrative's is not shown


def evidence_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    version = latest_version_read(corpus.con)
    if version is None:
        return not_tagged("narratives-evidence")
    where, params = hit_where(corpus, HitQuery(filters=q.filters(), narrative=q.narrative,
                                                                     version=version))
    frame = narrative_tables.hits_for_review(corpus.con, where, params, q.status, q.limit * ONCE_FETCH)
    parents = narrative_tables.parents(corpus.con, version)
    hits = records(evidence_list.with_precision(evidence_list.once(frame, parents).head(q.limit)))
    lines = evidence_lines(corpus.con, hits)
    scope = f"“{q.narrative}”" if q.narrative else "all narratives"
    section = Section(key="narratives-evidence", title="", note=(
        f"The strongest paragraphs for {scope} ({len(lines)} shown, candidates just below threshold included), "
        "the evidence span marked; each hit once, a sub-narrative naming its parent, with how often hits at its "
        "score were right on labelled test data. Accept or reject each tag; decisions are stored with the coder "
        "name and time and recalibrate the thresholds (`lockstep narratives calibrate`)."))
    section.evidence.append(Evidence(anchor="narrative-evidence", title=f"Evidence: {scope}", lines=lines,
                                     layout="paragraphs"))
    return section


def _frame(rows):
    import pandas as pd

    return pd.DataFrame(rows)


# ---- prevalence corrected for detector error, and the document review form on sampled documents ---------------


def corrected_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    """The whole window's prevalence corrected from the reviews of a random sample, with intervals and the number
    of reviews; the detector's shares labelled uncorrected when there are none."""
    version = latest_version_read(corpus.con)
    if version is None:
        return not_tagged("narratives-corrected")
    actors = q.actors or top_actors(corpus.con, q.filters(), 8)
    query = HitQuery(filters=replace(q.filters(), actor=actors), narrative=q.narrative,
                          level=None if q.narrative else 1, version=version)
    corrected_table, chart = corrected_prevalence_block(corpus, query)
    section = Section(key="narratives-corrected", title="", note=corrected_table.note)
    corrected_table.note = ""
    if chart is not None:
        section.charts.append(chart)
    section.tables.append(corrected_table)
    return section


def document_review_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    """The sampled documents in review order, each with a form: which narratives it carries (or none)."""
    if narrative_tables.sample_record(corpus.con, None) is None:
        return Section(key="narratives-documents", title="", available=False, missing=(
            "No review sample in this store: draw one with `lockstep narratives sample --db STORE` "
            "(stratified by actor and language), then review its documents here."))
    status = "pending" if q.status == "pending" else None
    docs = records(sampling.sample_documents(corpus.con, status=status, level=1, limit=q.limit, actors=q.actors))
    labels = review.review_labels(corpus.con)
    sample = sampling.find_sample(corpus.con, None)
    section = Section(key="narratives-documents", title="", note=(
        f"Sample {sample['sample_id']}: {sample['sampled']} documents drawn at random from {sample['strata']} strata "
        "(actor x language"
        f"{' x ' + sample['period'] if sample['period'] else ''}), listed in review order. Tick every narrative the "
        "document carries, or “carries none”, then save; review in this order so that the reviewed part stays a "
        "random sample. Decide before opening “what the detector found”."))
    section.data = {"document_review": {
        "sample_id": sample["sample_id"],
        "documents": [review_item(d, labels) for d in docs],
        "narratives": narrative_tree(labels),
    }}
    return section


def review_item(doc: dict[str, Any], labels: Any) -> dict[str, Any]:
    import json

    reviewed = json.loads(doc["labels"]) if doc.get("labels") is not None else None
    detector = [n for n in (doc.get("detector") or "").split(";") if n]
    return {"doc_id": doc["doc_id"], "position": doc["position"], "actor": doc.get("actor"),
            "language": doc.get("language"), "published": str(doc.get("published") or "")[:10],
            "title": doc.get("title") or "", "excerpt": doc["excerpt"],
            "detector": [labels.titles.get(n, n) for n in detector],
            "reviewed": reviewed, "coder": doc.get("coder"),
            "reviewed_titles": [labels.titles.get(n, n) for n in reviewed or []]}


def narrative_tree(labels: Any) -> list[dict[str, Any]]:
    """Top-level narratives with their sub-narratives, for the review form's checkboxes."""
    tops = sorted(n for n, parent in labels.parents.items() if parent is None)
    return [{"id": top, "title": labels.titles.get(top, top),
             "children": [{"id": n, "title": labels.titles.get(n, n)} for n in sorted(labels.parents)
                          if labels.parents[n] == top]} for top in tops]
