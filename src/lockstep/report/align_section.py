"""Alignment matrix and series, lead–lag and echo chains (from lockstep.align), each with the text behind it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lockstep.align import chains as echo_chains
from lockstep.align import drilldown
from lockstep.align import alignment_index as align_index
from lockstep.align import leadlag
from lockstep.align.inputs import has_narratives
from lockstep.align.inputs import narrative_hits
from lockstep.output import records
import lockstep.report.charts as charts
from lockstep.report.frames import clip, table
from lockstep.report.model import Chart, Evidence, EvidenceLine, Section, Table
from lockstep.report.numbers import display
from lockstep.report.options import ReportOptions
from lockstep.report.safe import anchor
from lockstep.store.tables import paragraphs_at, top_actors

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

MEASURE_NAMES = {"narratives_mix": "narrative mix (1 − Jensen–Shannon divergence over the documents that carry a "
                                   "narrative)",
                 "narratives_jsd": "narratives with silence (1 − Jensen–Shannon divergence, '(no narrative)' counted)",
                 "terms_cosine": "key terms (cosine)", "phrases_shared": "shared distinctive phrases"}
SHOWN_NAMES = {"relative": "relative to the baseline (1 = as alike as one source split in two)",
               "value": "value (1 = identical profiles)"}
ALIGN_COLUMNS = ["actor_a", "actor_b", "measure", "value", "ci_low", "ci_high", "baseline", "relative", "p_distinct",
                 "n_a", "n_b", "coverage_a", "coverage_b", "note"]


def align_actors(corpus: "Corpus", options: ReportOptions) -> list[str]:
    return list(options.actors) or top_actors(corpus.con, options.filters(), 8)


def first_view(result, min_share: float = 0.0) -> tuple[str, str]:
    """(measure, value or relative) a matrix shows first (`align.index.first_view`)."""
    return align_index.first_view(result, min_share)


def alignment_section(corpus: "Corpus", options: ReportOptions) -> Section:
    actors = align_actors(corpus, options)
    window = align_index.AlignOptions(actors=actors, period="all", since=options.since, until=options.until,
                                n_boot=100, n_perm=100, min_units=options.min_documents)
    profiles = align_index.build_profiles(corpus, window, window.measures(narratives_tagged(corpus)))
    overall = align_index.alignment(corpus, window, profiles=profiles)
    if overall.empty or overall["value"].isna().all():
        return Section(key="alignment", title="", available=False,
                       missing=f"Too few documents per actor to compare (at least {options.min_documents} each).")
    measure, shown = first_view(overall)
    section = Section(key="alignment", title="", note=view_note(measure, shown, options))
    section.charts.append(matrix_chart(overall, measure, actors, shown))
    series = align_index.alignment(corpus, align_index.AlignOptions(
        actors=actors, period=options.period, since=options.since, until=options.until, n_boot=50, n_perm=50,
        min_units=options.min_documents))
    if not series.empty:
        section.charts.append(series_chart(series, *series_view(series, measure, shown)))
    floors = {"p_distinct": 1 / (window.n_perm + 1)}
    section.tables.append(table(overall.assign(evidence=[anchor("cell", a, b) for a, b in
                                                         zip(overall["actor_a"], overall["actor_b"])]),
                                id="alignment", title="Alignment over the whole window", anchor_column="evidence",
                                columns=ALIGN_COLUMNS, floors=floors))
    section.tables.append(missing_table(series, options.min_documents))
    section.evidence = drill_evidence(corpus, drilldown, overall, measure, profiles, options, shown)
    section.data = {"measure": measure, "shown": shown, "actors": actors,
                    "periods": sorted(map(str, set(series.get("period", []))))}
    return section


def view_note(measure: str, shown: str, options: ReportOptions) -> str:
    coverage = (" Most headlines carry no codebook narrative: the mix is read over those that do, and each actor's "
                "coverage (the share of its documents that carry one) is in the hover and the table."
                if measure == "narratives_mix" else "")
    return (f"Pairwise alignment over the whole window by {MEASURE_NAMES[measure]}, shown {SHOWN_NAMES[shown]}; "
            "95% bootstrap intervals and the permutation baseline (the value two indistinguishable sources of the "
            "same sizes reach) are in the table, with the other measures. An empty cell says why in its hover and "
            f"in the table (an actor under {options.min_documents} documents in a period, or none)."
            f"{coverage} Click a cell for the terms, phrases and paragraphs that drive it (computed for the "
            f"{options.drill_pairs} most aligned pairs).")


def narratives_tagged(corpus: "Corpus") -> bool:
    return has_narratives(corpus)


def matrix_chart(result, measure: str, actors: list[str], shown: str = "value") -> Chart:
    """The actors × actors matrix of one measure shown as value or relative; an empty cell says why on hover."""
    frame = result[result["measure"] == measure]
    rows = {tuple(sorted((a, b))): r for a, b, r in zip(frame["actor_a"], frame["actor_b"], records(frame))}
    present = [a for a in actors if any(a in pair for pair in rows)]
    z = [[None if a == b else _num(rows.get(tuple(sorted((a, b))), {}).get(shown)) for b in present] for a in present]
    hover = [[cell_hover(a, b, rows.get(tuple(sorted((a, b)))), shown) for b in present] for a in present]
    cells = [[anchor("cell", *sorted((a, b))) if a != b else None for b in present] for a in present]
    top = max([v for row in z for v in row if v is not None] + [1.0 if shown == "relative" else 0.0]) or 1.0
    return Chart(id="chart-alignment-matrix", title="Alignment matrix", figure=charts.heatmap(
        present, present, z, cells, title=f"Alignment: {MEASURE_NAMES[measure].split(' (')[0]}, {shown}",
        z_range=(0.0, top), hover=hover, blank_diagonal=True),
        caption=f"{measure}, {SHOWN_NAMES[shown]}. Colours run from 0 to the highest pair; the diagonal is left "
                "blank; – marks a pair not computed (hover says why).")


def cell_hover(a: str, b: str, row: dict[str, Any] | None, shown: str) -> str:
    if a == b:
        return a
    if row is None:
        return f"{a} – {b}: not compared"
    if row.get("value") is None:
        return f"{a} – {b}: not computed: {row.get('note') or 'no value'}"
    text = (f"{a} – {b}: {shown} {display(row.get(shown))} (value {display(row.get('value'))}, 95% CI "
            f"{display(row.get('ci_low'))}–{display(row.get('ci_high'))}, baseline {display(row.get('baseline'))})")
    if row.get("coverage_a") is not None:
        text += (f"; documents carrying a narrative: {row['actor_a']} {row['coverage_a']:.0%}, "
                 f"{row['actor_b']} {row['coverage_b']:.0%}")
    return text


def series_view(series, measure: str, shown: str) -> tuple[str, str, str]:
    """The measure the time series shows: the matrix's where it has a value in most pair-periods, else the first
    of the first-view measures that does; and a caption line saying so."""
    part = series.loc[series["measure"] == measure, shown]
    if len(part) and part.notna().mean() >= 0.5:
        return measure, shown, ""
    other, other_shown = first_view(series, min_share=0.5)
    return other, other_shown, (f"The matrix's {measure} has a value in only {int(part.notna().sum())} of "
                                f"{len(part)} pair-periods here, so the series shows {other}, {other_shown}. ")


def series_chart(series, measure: str, shown: str = "value", why: str = "", anchor_of=None) -> Chart:
    """Each pair's line over the periods (a date axis); a period without a value is a gap."""
    frame = series[series["measure"] == measure].copy()
    frame["pair"] = frame["actor_a"] + " ~ " + frame["actor_b"]
    rows = [{"pair": p, "period": str(per), "value": _num(v), "a": a, "b": b}
            for p, per, v, a, b in zip(frame["pair"], frame["period"], frame[shown], frame["actor_a"],
                                       frame["actor_b"])]
    figure = charts.line_chart(rows, x="period", y="value", group="pair", title=f"Alignment over time: "
                               f"{MEASURE_NAMES[measure].split(' (')[0]}, {shown}",
                               anchor_of=anchor_of or (lambda r: anchor("cell", *sorted((r["a"], r["b"])))),
                               y_title=shown)
    charts.focus_traces(figure, keep=6)  # every pair is there; the six most aligned are drawn
    gaps = int(frame[shown].isna().sum())
    return Chart(id="chart-alignment-series", title="Alignment over time", figure=figure,
                 caption=why + "The six most aligned pairs are drawn; click a name in the legend to add another pair. "
                         + (f"{gaps} pair-periods are not computed (gaps in the lines; the table 'Cells not "
                            "computed' says why)." if gaps else ""))


def missing_table(series, min_documents: int | None = None) -> Table:
    """Why the time series has gaps: per period, the actors with too few documents (every pair with one of them is
    empty), then each other cell without a value with its own reason."""
    import pandas as pd

    rows = []
    frame = series[series["value"].isna()] if len(series) else series
    thin = frame["note"].fillna("").str.contains("fewer than --min-docs") if len(frame) else pd.Series(dtype=bool)
    for period, group in frame[thin].groupby("period", sort=True) if len(frame) else []:
        sizes = {**dict(zip(group["actor_a"], group["n_a"])), **dict(zip(group["actor_b"], group["n_b"]))}
        floor = min_documents if min_documents is not None else int(group["note"].str.extract(r"--min-docs (\d+)")
                                                                       [0].astype(int).iloc[0])
        few = {a: int(n) for a, n in sizes.items() if n < floor}
        rows.append({"period": period, "pairs": f"every pair with {', '.join(sorted(few))}",
                     "measures": "all", "note": "documents: " + ", ".join(f"{a} {n}" for a, n in sorted(few.items()))
                     + f" (fewer than --min-docs {floor})"})
    rest = frame[~thin] if len(frame) else frame
    if len(rest):
        grouped = rest.groupby(["period", "actor_a", "actor_b", "note"], as_index=False, sort=True) \
            .agg(measures=("measure", lambda m: ", ".join(dict.fromkeys(m))))
        rows += [{"period": r["period"], "pairs": f"{r['actor_a']} ~ {r['actor_b']}", "measures": r["measures"],
                  "note": r["note"]} for r in records(grouped)]
    out = pd.DataFrame(rows, columns=["period", "pairs", "measures", "note"])
    return table(out, id="alignment-missing", title="Cells not computed, and why", limit=300,
                 note="The pairs and periods of the time series without a value, each with its reason.")


def drill_evidence(corpus: "Corpus", drill: Any, overall, measure: str, profiles, options: ReportOptions,
                   shown: str = "value") -> list[Evidence]:
    frame = overall[overall["measure"] == measure].sort_values(shown, ascending=False)
    blocks = []
    for rank, (a, b, value) in enumerate(zip(frame["actor_a"], frame["actor_b"], frame[shown])):
        key, title = anchor("cell", *sorted((a, b))), f"{a} ~ {b}: {shown} {display(_num(value)) or 'not computed'}"
        if rank >= options.drill_pairs:
            blocks.append(Evidence(anchor=key, title=title, note=(
                f"Not drilled in this report; run `lockstep align drill --actor \"{a}\" \"{b}\"` or open the pair "
                "in the dashboard's alignment explorer.")))
            continue
        cell = drill.drill(corpus, drill.DrillOptions(actors=(a, b), period="all", period_kind="all",
                                                      since=options.since, until=options.until,
                                                      paragraphs_per_actor=4), profiles=profiles)
        blocks.append(Evidence(anchor=key, title=title, layout="paragraphs", note=drivers_note(cell),
                               lines=[paragraph_line(r) for r in records(cell.paragraphs)]))
    return blocks


def drivers_note(cell) -> str:
    parts = []
    for name, frame, column in (("narratives", cell.narratives, "narrative"), ("terms", cell.terms, "term"),
                                ("phrases", cell.phrases, "phrase")):
        if len(frame) and column in frame:
            shared = frame[frame["shared"].astype(float) > 0] if "shared" in frame else frame
            if len(shared):
                parts.append(f"shared {name}: " + ", ".join(map(str, shared[column].head(8))))
    return "; ".join(parts) or "no shared drivers"


def paragraph_line(row: dict[str, Any]) -> EvidenceLine:
    return EvidenceLine(doc_id=str(row["doc_id"]), paragraph=row.get("idx"),
                        left=clip("", "", str(row.get("text") or ""))[2], match="", right="", actor=row.get("actor"), outlet=row.get("outlet"),
                        published=_date(row.get("published_at")), note=f"drivers: {row.get('drivers') or ''}")


LEAD_COLUMNS = ["item", "leader", "follower", "actor_a", "actor_b", "best_lag", "lag_days", "correlation",
                "correlation_lag0", "p_value", "p_adjusted", "significant", "mentions_a", "mentions_b", "note"]


def lead_lag_section(corpus: "Corpus", options: ReportOptions) -> Section:
    items = lead_items(corpus, options)
    if not items:
        return Section(key="lead-lag", title="", available=False,
                       missing="No narrative hits and no term family in the selection to time.")
    firsts, pairs = [], []
    actors = list(options.actors) or None
    lead_options = leadlag.LeadOptions(actors=actors, since=options.since, until=options.until, freq="week")
    for label, item in items:
        result = leadlag.leads(corpus, replace(lead_options, **item))
        for row in records(result.first_use):
            firsts.append({"item": label, **row, "evidence": anchor("first", label, row["actor"])})
        for row in records(result.pairs):
            pairs.append({"item": label, **row})
    import pandas as pd

    section = Section(key="lead-lag", title="", note=lead_note(lead_options))
    section.charts.append(Chart(id="chart-first-use", title="First use", figure=first_use_chart(firsts)))
    pair_frame = pd.DataFrame(pairs, columns=LEAD_COLUMNS)
    tested = pair_frame[pair_frame["p_value"].notna()].sort_values(
        ["significant", "p_adjusted", "p_value", "item"], ascending=[False, True, True, True]).reset_index(drop=True)
    found = int(tested["significant"].astype(bool).sum())
    section.tables.append(table(tested, id="lead-lag", title="Lead–lag between actors (weekly series)",
                                columns=[c for c in LEAD_COLUMNS if c != "note"], limit=60,
                                floors={"p_value": 1 / (lead_options.n_surrogates + 1)},
                                note=f"{found} of {len(tested)} tested pairs move together significantly "
                                     f"(p_adjusted < {lead_options.alpha}); {len(pair_frame) - len(tested)} pairs "
                                     "were not tested (next table)."))
    section.tables.append(untested_table(pd.DataFrame(firsts), pair_frame, lead_options))
    section.tables.append(table(pd.DataFrame(firsts), id="first-use", title="First use per actor",
                                columns=["item", "actor", "first_published", "days_after_first", "mentions",
                                         "first_doc_id"], anchor_column="evidence", doc_column="first_doc_id"))
    section.evidence = first_use_evidence(corpus, firsts)
    section.data = {"items": [label for label, _ in items], "significant": found}
    return section


def untested_table(firsts, pairs, options) -> Table:
    """Per item, the actors with too few documents carrying it (no pair with them is tested), and any other pair
    that could not be tested, with its reason."""
    import pandas as pd

    rows = []
    for item, group in firsts.groupby("item", sort=False) if len(firsts) else []:
        few = group[group["mentions"] < options.min_mentions]
        if len(few):
            rows.append({"item": item, "actors": ", ".join(f"{a} ({n})" for a, n in zip(few["actor"], few["mentions"])),
                         "note": f"fewer than {options.min_mentions} documents carrying it: no lead tested with "
                                 "these actors"})
    other = pairs[pairs["p_value"].isna() & ~pairs["note"].fillna("").str.startswith("too few mentions")]
    rows += [{"item": r["item"], "actors": f"{r['actor_a']} ~ {r['actor_b']}", "note": r["note"]}
             for r in records(other)]
    return table(pd.DataFrame(rows, columns=["item", "actors", "note"]), id="lead-lag-untested",
                 title="Not tested, and why")


def lead_note(options) -> str:
    return ("Who used each narrative or term family first, and how many days the others took (a reprint counts once "
            f"per actor). Weekly series of the share of each actor's documents that carry it (a week with fewer "
            f"than {options.min_step_documents} documents has no share) are cross-correlated at lags up to "
            f"{options.lag_steps()} weeks: best_lag > 0 means actor_a moves first. p_value comes from "
            f"{options.n_surrogates} surrogates that shuffle blocks of actor_b's series (keeping its bursts), "
            "p_adjusted corrects over the item's pairs (Benjamini–Hochberg), and a leader is named only where it is "
            f"significant; an actor with fewer than {options.min_mentions} documents carrying the item is not tested "
            "(the note says so). Click a point for the first paragraph that used it.")


def lead_items(corpus: "Corpus", options: ReportOptions, limit: int = 6) -> list[tuple[str, dict[str, Any]]]:
    """Narratives with most hits and the most used term families (their forms in every language)."""
    items: list[tuple[str, dict[str, Any]]] = []
    if narratives_tagged(corpus):
        hits = narrative_hits(corpus)
        for narrative in hits["narrative"].value_counts().head(limit // 2).index:
            items.append((f"narrative: {narrative}", {"narrative": narrative}))
    for family, label, forms in options.shared.get("families_ranked", [])[: limit - len(items)]:
        items.append((f"term: {label}", {"terms": list(forms)}))
    return items


def first_use_chart(firsts: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [{**r, "first": str(r["first_published"])[:10]} for r in firsts]
    figure = {"data": [], "layout": charts.layout("First use by actor", height=max(300, 60 * len({r['item'] for r in rows}) + 120),
                                                 yaxis={"automargin": True, "type": "category"},
                                                 xaxis={"type": "date", "title": {"text": "first published"}})}
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_actor.setdefault(str(r["actor"]), []).append(r)
    for i, (actor, items) in enumerate(by_actor.items()):
        figure["data"].append({
            "type": "scatter", "mode": "markers", "name": charts.plot_text(actor),
            "x": [r["first"] for r in items], "y": [charts.plot_text(r["item"]) for r in items],
            "customdata": [r["evidence"] for r in items], "marker": {"size": 11, "color": charts.colour_of(actor, i)},
            "hovertemplate": f"{charts.plot_text(actor)}<br>%{{y}}<br>first: %{{x}}<extra></extra>"})
    return figure


def first_use_evidence(corpus: "Corpus", firsts: list[dict[str, Any]]) -> list[Evidence]:
    keys = [(r["first_doc_id"], int(r["first_idx"])) for r in firsts if r.get("first_doc_id")]
    found = paragraphs_at(corpus.con, keys)
    blocks = []
    for r in firsts:
        para = found.get((r.get("first_doc_id"), int(r["first_idx"]) if r.get("first_idx") is not None else -1))
        line = EvidenceLine(doc_id=str(r.get("first_doc_id") or ""), paragraph=r.get("first_idx"),
                            left=clip("", "", para[3])[2],
                            match="", right="", actor=r["actor"], outlet=r.get("first_outlet"),
                            published=_date(r.get("first_published")),
                            note=f"{_num(r.get('days_after_first'))} days after the first actor") if para else None
        blocks.append(Evidence(anchor=r["evidence"], title=f"{r['item']}: first use by {r['actor']}",
                               layout="paragraphs", lines=[line] if line else []))
    return blocks


def echoes_section(corpus: "Corpus", options: ReportOptions) -> Section:
    found = echo_chains.find_echoes(corpus, echo_chains.EchoOptions(
        since=options.since, until=options.until, actors=list(options.actors) or None, store=False))
    chains = found.chains
    if chains.empty:
        return Section(key="echoes", title="", available=False,
                       missing="No echo chains: no paragraph was reprinted or translated across outlets.")
    top = chains.sort_values(["n_actors", "n_members", "first_published"], ascending=[False, False, True])
    top = top.head(options.echo_chains).reset_index(drop=True)
    top["evidence"] = [anchor("chain", c) for c in top["chain_id"]]
    members = found.members[found.members["chain_id"].isin(set(top["chain_id"]))]
    section = Section(key="echoes", title="", note=(
        "The same paragraph published by different outlets within 7 days: verbatim reprints, near-duplicates and "
        "translations, as chains ordered by time (the first member is the source). Chains reaching most actors "
        "first. Click a chain for its paragraphs."))
    section.charts.append(Chart(id="chart-echoes", title="Echo chains", figure=echo_chart(top, members)))
    section.tables.append(table(top, id="echo-chains", title="Top echo chains", anchor_column="evidence",
                                columns=["first_actor", "first_published", "path", "n_members", "n_actors",
                                         "languages", "kinds", "median_lag_hours", "text", "first_doc_id"],
                                doc_column="first_doc_id"))
    for chain_id, key, text in zip(top["chain_id"], top["evidence"], top["text"]):
        rows = records(members[members["chain_id"] == chain_id].sort_values("position"))
        section.evidence.append(Evidence(anchor=key, title=f"Chain: {str(text)[:90]}", layout="paragraphs", lines=[
            EvidenceLine(doc_id=str(m["doc_id"]), paragraph=m.get("idx"), left=clip("", "", str(m.get("text") or ""))[2], match="",
                         right="", actor=m.get("actor"), outlet=m.get("outlet"), language=m.get("language"),
                         published=_date(m.get("published_at")),
                         note="source" if not m.get("position") else
                         f"{m.get('kind')}, +{_num(m.get('lag_hours'))} h, similarity {_num(m.get('similarity'))}")
            for m in rows]))
    section.data = {"chains": int(len(chains)), "shown": int(len(top))}
    return section


def echo_chart(top, members) -> dict[str, Any]:
    labels = {c: f"{i + 1}. {str(t)[:40]}" for i, (c, t) in enumerate(zip(top["chain_id"], top["text"]))}
    keys = dict(zip(top["chain_id"], top["evidence"]))
    order = [charts.plot_text(label) for label in labels.values()]
    figure = {"data": [], "layout": charts.layout("Echo chains over time", height=max(320, 34 * len(labels) + 140),
                                                 yaxis={"autorange": "reversed", "automargin": True,
                                                        "type": "category", "categoryorder": "array",
                                                        "categoryarray": order}, xaxis={"type": "date"})}
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for m in records(members):
        by_actor.setdefault(str(m["actor"]), []).append(m)
    for i, (actor, rows) in enumerate(sorted(by_actor.items())):
        figure["data"].append({
            "type": "scatter", "mode": "markers", "name": charts.plot_text(actor),
            "x": [str(m["published_at"])[:19] for m in rows], "y": [charts.plot_text(labels[m["chain_id"]]) for m in rows],
            "customdata": [keys[m["chain_id"]] for m in rows], "marker": {"size": 10, "color": charts.colour_of(actor, i)},
            "hovertemplate": f"{charts.plot_text(actor)} · %{{x}}<extra></extra>"})
    return figure


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else round(number, 3)


def _date(value: Any) -> str | None:
    if value is None or value != value:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
