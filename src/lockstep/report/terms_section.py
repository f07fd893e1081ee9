"""Key terms, keyness per actor, the two-actor term plot and term families (from lockstep.terms).

Each chart point links to an evidence block with the concordance (KWIC) lines behind it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lockstep import terms
from lockstep.output import records
import lockstep.report.charts as charts
from lockstep.report.frames import kwic_lines, table
from lockstep.report.model import Chart, Evidence, Section, Table
from lockstep.report.options import ReportOptions
from lockstep.report.overview import contrasting_pair
from lockstep.report.safe import anchor
from lockstep.store.corpus import DocumentFilter
from lockstep.store.tables import top_actors

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

KEYNESS_COLUMNS = ["actor", "rank", "term", "lang", "freq_target", "per_10k_target", "per_10k_reference",
                   "log_ratio", "ll", "p_adjusted"]
PLOT_POINTS = 600  # most frequent terms drawn in the two-actor plot
PLOT_LABELS = 12  # most distinctive terms labelled (and given concordance lines) on each side


def actor_filters(corpus: "Corpus", options: ReportOptions, limit: int = 8) -> tuple[list[str], DocumentFilter]:
    """The actors a section compares (the given ones, or the largest) and a filter naming them."""
    base = options.filters()
    actors = list(options.actors) or top_actors(corpus.con, base, limit)
    return actors, replace(base, actor=actors)


def kwic_evidence(terms: Any, corpus: "Corpus", term: str, filters: DocumentFilter, *, key: str, title: str,
                  limit: int, by: tuple[str, ...] = ()) -> Evidence:
    frame = terms.kwic(corpus, terms.KwicOptions(term=term, filters=filters, limit=limit, by=by))
    return Evidence(anchor=key, title=title, lines=kwic_lines(frame, limit=limit * max(1, len(by) * 4)))


def keyness_section(corpus: "Corpus", options: ReportOptions) -> Section:
    actors, filters = actor_filters(corpus, options)
    if not options.actors:
        filters = options.filters()  # the reference is every other document of the selection
    section = Section(key="terms", title="", note=(
        "Keywords of each actor against all the other documents selected: log-likelihood G² ranks them; log-ratio is the "
        "effect size (binary log of the ratio of relative frequencies); p adjusted by Benjamini–Hochberg; "
        "a reprint counts once per actor. Click a bar to read the concordance lines."))
    rows: list[dict[str, Any]] = []
    for actor in actors:
        frame = terms.keyness(corpus, terms.KeynessOptions(target=actor, reference="rest", filters=filters,
                                                           limit=options.top_terms, negative=False))
        picked = [r for r in records(frame) if r.get("direction", "+") == "+"][: options.top_terms]
        if not picked:
            continue
        for row in picked:
            row.update(actor=actor, evidence=anchor("kw", actor, row["term"], row.get("lang")))
            rows.append(row)
        section.charts.append(Chart(
            id=f"chart-keyness-{len(section.charts)}", title=f"Key terms: {actor}",
            figure=charts.horizontal_bars([r["term"] for r in picked], [r["ll"] for r in picked],
                                          [r["evidence"] for r in picked], title=f"{actor}: key terms (G²)",
                                          x_title="log-likelihood G²",
                                          color=charts.colour_of(actor, len(section.charts)))))
        own = replace(filters, actor=[actor])
        for row in picked:
            section.evidence.append(kwic_evidence(
                terms, corpus, f"lemma:{row['term']}", own, key=row["evidence"],
                title=f"{actor} · “{row['term']}”: concordance", limit=options.evidence_lines))
    import pandas as pd

    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=[*KEYNESS_COLUMNS, "evidence"])
    section.tables.append(table(frame, id="keyness", title="Key terms per actor", columns=KEYNESS_COLUMNS,
                                anchor_column="evidence"))
    section.data = {"actors": actors, "measure": "ll", "reference": "rest"}
    if not rows:
        section.available, section.missing = False, "No key terms: the selection has too little text."
    return section


def term_plot_section(corpus: "Corpus", options: ReportOptions) -> Section:
    pair = options.pair or contrasting_pair(corpus.con, options.filters())
    if pair is None:
        return Section(key="term-plot", title="", available=False, missing="Needs at least two actors.")
    a, b = pair
    filters = replace(options.filters(), actor=[a, b])
    frame = terms.keyness(corpus, terms.KeynessOptions(target=a, reference=b, filters=replace(filters, actor=None),
                                                       limit=None,
                                                       negative=True, min_freq=3))
    rows = records(frame)
    rows.sort(key=lambda r: -(r["freq_target"] + r["freq_reference"]))
    rows = rows[:PLOT_POINTS]
    labelled = distinctive(rows, PLOT_LABELS)
    points = plot_points(rows, labelled, a, b)
    section = Section(key="term-plot", title="", note=(
        f"Each point is a term: x = uses per 10,000 tokens by {a}, y = by {b} (log scales; a term one actor never "
        "uses sits on the floor line at half the smallest observed rate). Colour = log-ratio (red: more "
        f"{a}, blue: more {b}). Labelled terms link to their concordance lines; hover shows any term."))
    section.charts.append(Chart(id="chart-term-plot", title=f"{a} vs {b}",
                                figure=charts.term_scatter(points, actor_a=a, actor_b=b,
                                                           title=f"Term use: {a} vs {b}")))
    for row in labelled:
        section.evidence.append(kwic_evidence(
            terms, corpus, f"lemma:{row['term']}", filters, key=anchor("pair", a, b, row["term"], row.get("lang")),
            title=f"“{row['term']}” in {a} and {b}", limit=max(2, options.evidence_lines // 2), by=("actor",)))
    import pandas as pd

    shown = pd.DataFrame([{**r, "evidence": anchor("pair", a, b, r["term"], r.get("lang"))} for r in labelled])
    section.tables.append(table(shown, id="term-plot-terms", title=f"Most distinctive terms, {a} vs {b}",
                                columns=["term", "lang", "direction", "freq_target", "freq_reference",
                                         "per_10k_target", "per_10k_reference", "log_ratio", "ll", "p_adjusted"],
                                anchor_column="evidence",
                                note=f"freq_target = {a}, freq_reference = {b}; direction + = more {a}."))
    section.data = {"pair": [a, b], "points": len(points)}
    return section


def distinctive(rows: list[dict[str, Any]], per_side: int) -> list[dict[str, Any]]:
    ranked = sorted(rows, key=lambda r: -(r.get("ll") or 0))
    plus = [r for r in ranked if r.get("direction") == "+"][:per_side]
    minus = [r for r in ranked if r.get("direction") == "-"][:per_side]
    return plus + minus


def plot_points(rows: list[dict[str, Any]], labelled: list[dict[str, Any]], a: str, b: str) -> list[dict[str, Any]]:
    rates = [v for r in rows for v in (r["per_10k_target"], r["per_10k_reference"]) if v]
    floor = min(rates) / 2 if rates else 0.01
    names = {(r["term"], r.get("lang")) for r in labelled}
    return [{"term": r["term"], "x": r["per_10k_target"] or floor, "y": r["per_10k_reference"] or floor,
             "log_ratio": r["log_ratio"], "label": (r["term"], r.get("lang")) in names,
             "anchor": anchor("pair", a, b, r["term"], r.get("lang")) if (r["term"], r.get("lang")) in names else None}
            for r in rows]


def families_section(corpus: "Corpus", options: ReportOptions) -> Section:
    actors, filters = actor_filters(corpus, options, limit=12)
    families = terms.load_families()
    frame = terms.trend(corpus, terms.TrendOptions(terms=tuple(f"@{f}" for f in families), filters=filters,
                                                   period="none", members=True))
    rows = records(frame)
    totals = [r for r in rows if not r.get("member")]
    members = [r for r in rows if r.get("member")]
    used = [f for f in families if any(r["term"] in (f, families[f].label) and r["freq"] for r in totals)]
    section = Section(key="families", title="", note=(
        "A term family is one concept written in several languages (e.g. colour revolution / цветная революция / "
        "颜色革命), counted as one. Rates are per 10,000 tokens of each actor; click a cell for the lines, "
        "with the member and language of each match."))
    if not used:
        section.available, section.missing = False, "No term family occurs in the selection."
        return section
    label_of = {f: families[f].label for f in used}
    total = {f: sum(r["freq"] for r in totals if r["term"] in (f, label_of[f])) for f in used}
    options.shared["families_ranked"] = [(f, label_of[f], tuple(m[1] for m in families[f].members))
                                         for f in sorted(used, key=lambda f: -total[f])]
    rate = {(r["term"], r["actor"]): r["per_10k"] for r in totals}
    z = [[round(rate.get((label_of[f], a), rate.get((f, a), 0.0)) or 0.0, 2) for a in actors] for f in used]
    cells = [[anchor("family", f, a) for a in actors] for f in used]
    section.charts.append(Chart(id="chart-families", title="Term families by actor", figure=charts.heatmap(
        actors, [label_of[f] for f in used], z, cells, title="Term families by actor (per 10,000 tokens)",
        z_range=(0.0, max(max(row) for row in z) or 1.0))))
    section.tables.append(family_table(totals, used, label_of))
    section.tables.append(member_table(members))
    for f in used:
        block = kwic_evidence(terms, corpus, f"@{f}", filters, key="", title="", limit=3, by=("actor",))
        for actor in actors:
            lines = [line for line in block.lines if line.actor == actor]
            section.evidence.append(Evidence(anchor=anchor("family", f, actor), title=f"{label_of[f]} · {actor}",
                                             lines=lines))
    section.data = {"families": used, "actors": actors}
    return section


def family_table(totals: list[dict[str, Any]], used: list[str], label_of: dict[str, str]) -> Table:
    import pandas as pd

    keep = {label_of[f] for f in used} | set(used)
    frame = pd.DataFrame([r for r in totals if r["term"] in keep and r["freq"]])
    return table(frame, id="family-counts", title="Term families by actor",
                 columns=["term", "actor", "freq", "per_10k", "docs", "members"])


def member_table(members: list[dict[str, Any]]) -> Table:
    import pandas as pd

    frame = pd.DataFrame(members)
    if frame.empty:
        return table(frame, id="family-members", title="Family members by language")
    grouped = (frame[frame["freq"] > 0].groupby(["term", "member_lang", "member"], as_index=False)
               .agg(freq=("freq", "sum"), actors=("actor", lambda s: ", ".join(sorted(set(map(str, s)))))))
    grouped = grouped.sort_values(["term", "freq"], ascending=[True, False])
    return table(grouped, id="family-members", title="Family members by language (which words carry each concept)",
                 columns=["term", "member_lang", "member", "freq", "actors"])
