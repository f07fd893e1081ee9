"""Term explorer panels: trend, keyness, concordance, collocates and usage comparison (lockstep.terms)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from lockstep import terms
from lockstep.output import records
from lockstep.report import charts
from lockstep.report.frames import example_lines, kwic_lines, table
from lockstep.report.model import Chart, Evidence, Section
from lockstep.report.numbers import UNBOUNDED, display
from lockstep.report.overview import contrasting_pair
from lockstep.report.safe import anchor
from lockstep.store.corpus import Corpus, DocumentFilter
from lockstep.store.tables import top_actors
from lockstep.web.panels import ExplorerQuery

NEED_TERM = "Type a term above: a word, a phrase, @family (e.g. @colour-revolution), lemma:…, a glob or re:…"
OFFSETS = {"day": {"days": 1}, "week": {"weeks": 1}, "month": {"months": 1}, "quarter": {"months": 3},
           "year": {"years": 1}}


def no_term(key: str) -> Section:
    return Section(key=key, title="", available=False, missing=NEED_TERM)


def scope(corpus: Corpus, q: ExplorerQuery, limit: int = 8) -> tuple[list[str], DocumentFilter]:
    actors = q.actors or top_actors(corpus.con, q.filters(), limit)
    return actors, replace(q.filters(), actor=actors)


def trend_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    if not q.term:
        return no_term("terms-trend")
    actors, filters = scope(corpus, q)
    rows = [r for r in records(terms.trend(corpus, terms.TrendOptions(terms=(q.term,), filters=filters,
                                                                        period=q.period, by=("actor",))))
            if r.get("period") and not r.get("member")]
    for r in rows:
        r["period"] = str(r["period"])[:10]
    section = Section(key="terms-trend", title="", note=(
        f"Uses of “{q.term}” per 10,000 tokens, by actor and {q.period}; a reprint counts once per actor. "
        "Click a point to read that actor's lines in that period."))
    link = lambda r: period_link(q, r["actor"], r["period"])  # noqa: E731
    section.charts.append(Chart(id="trend", title="Trend", figure=charts.line_chart(
        rows, x="period", y="per_10k", group="actor", anchor_of=link, title=f"“{q.term}” per 10,000 tokens",
        y_title="per 10,000 tokens")))
    section.tables.append(table(_frame(rows), id="trend", title="Counts", columns=[
        "actor", "period", "freq", "per_10k", "docs", "group_tokens"]))
    return section


def period_link(q: ExplorerQuery, actor: str, start: str) -> str:
    import pandas as pd

    end = (pd.Timestamp(start) + pd.DateOffset(**OFFSETS[q.period])).strftime("%Y-%m-%d")
    params = {"term": q.term, "actors": actor, "since": start, "until": end, "period": q.period}
    return "/terms?" + urlencode(params) + "#panel-kwic"


def keyness_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    actors, filters = scope(corpus, q, limit=50)
    target = q.target or (actors[0] if actors else None)
    if target is None:
        return Section(key="terms-keyness", title="", available=False, missing="No actors in the selection.")
    reference = q.reference or "rest"
    others = [a for a in actors if a != target] if reference == "rest" else [reference]
    filters = replace(filters, actor=sorted({target, *others}))
    # an explicit reference, or "rest" without a chosen set of actors, needs no actor filter
    key_filters = filters if (reference == "rest" and q.actors) else replace(filters, actor=None)
    frame = terms.keyness(corpus, terms.KeynessOptions(target=target, reference=reference, filters=key_filters,
                                                       measure=q.measure or "ll", limit=min(q.limit, 15)))
    rows = records(frame)
    for r in rows:
        r["evidence"] = anchor("kp", target, reference, r["term"], r.get("lang"), r.get("direction"))
    measure = q.measure if q.measure in KEYNESS_BARS else "ll"
    column, label = KEYNESS_BARS[measure]
    values, hover = bar_values(rows, column)
    section = Section(key="terms-keyness", title="", note=(
        f"Key terms of {target} against {reference if reference != 'rest' else 'the other actors'}, ranked and drawn "
        f"by {label} (right, in {target}'s colour: used more by {target}; left, grey: negative keywords, used "
        "less). "
        "Click a bar for its concordance lines."))
    section.charts.append(Chart(id="keyness", title="Keyness", figure=charts.horizontal_bars(
        [f"{r['term']} ({r.get('lang')})" for r in rows], values, [r["evidence"] for r in rows],
        title=f"{target}: keywords (+) and negative keywords (−) by {label}", x_title=label, hover=hover,
        color=[charts.colour_of(target) if r.get("direction") == "+" else NEGATIVE for r in rows])))
    section.tables.append(table(_frame(rows), id="keyness", title="Keyness", anchor_column="evidence", columns=list(
        dict.fromkeys(["term", "lang", "direction", "freq_target", "freq_reference", "per_10k_target",
                       "per_10k_reference", column, "ll", "log_ratio", "pdiff", "p_adjusted", "significant"]))))
    for r in rows:
        side = [target] if r.get("direction") == "+" else others
        lines = terms.kwic(corpus, terms.KwicOptions(term=f"lemma:{r['term']}", filters=replace(filters, actor=side),
                                                     limit=8))
        section.evidence.append(Evidence(anchor=r["evidence"], lines=kwic_lines(lines, limit=8),
                                         title=f"“{r['term']}” in {', '.join(side)}"))
    section.data = {"target": target, "reference": reference}
    return section


NEGATIVE = "#9e9e9e"  # bars of negative keywords (an actor's colour marks what it uses more)
KEYNESS_BARS = {"ll": ("ll", "log-likelihood G²"), "chi2": ("chi2", "chi-squared"),
                "chi2-yates": ("chi2_yates", "chi-squared (Yates)"), "log-ratio": ("log_ratio", "log-ratio"),
                "pdiff": ("pdiff", "%DIFF"), "bic": ("bic", "BIC")}


def bar_values(rows: list[dict[str, Any]], column: str) -> tuple[list[float], list[str]]:
    """Each row's bar in the ranking measure, negative for a negative keyword (G², chi², BIC carry no sign), and
    its hover text; an unbounded %DIFF (the reference never uses the term) is drawn a tenth past the longest
    finite bar and reads ∞."""
    signed = column in ("log_ratio", "pdiff")
    raw = [float(r.get(column) or 0.0) for r in rows]
    values = [v if signed or r.get("direction") != "-" else -v for v, r in zip(raw, rows)]
    finite = [abs(v) for v in values if abs(v) < UNBOUNDED]
    reach = 1.1 * max(finite, default=100.0)
    drawn = [v if abs(v) < UNBOUNDED else (reach if v > 0 else -reach) for v in values]
    hover = [display(v, column) for v in values]
    return drawn, hover


def kwic_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    if not q.term:
        return no_term("terms-kwic")
    frame = terms.kwic(corpus, terms.KwicOptions(term=q.term, filters=q.filters(), limit=q.limit))
    lines = kwic_lines(frame, limit=q.limit)
    scope_text = ", ".join(q.actors) if q.actors else "all actors"
    dates = f" from {q.since or '…'} to {q.until or '…'}" if q.since or q.until else ""
    section = Section(key="terms-kwic", title="", note=f"{len(lines)} lines for “{q.term}” in {scope_text}{dates} "
                      f"(earliest first, at most {q.limit}). Click a document id to open it.")
    section.evidence.append(Evidence(anchor="kwic-lines", title=f"Concordance: {q.term}", lines=lines))
    return section


def collocates_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    if not q.term:
        return no_term("terms-collocates")
    measure = q.measure if q.measure in ("logdice", "pmi", "ll") else "logdice"
    rows = records(terms.collocates(corpus, terms.CollocateOptions(term=q.term, filters=q.filters(), measure=measure,
                                                                   limit=min(q.limit, 30))))
    examples = example_lines(corpus.con, rows)
    for r in rows:
        r["evidence"] = anchor("col", q.term, r["collocate"], r.get("lang"))
    section = Section(key="terms-collocates", title="", note=(
        f"Words near “{q.term}” (±5 tokens in the paragraph), ranked by {measure}; logDice is comparable across "
        "corpus sizes, PMI favours rare words (frequency floor applied). Click a bar for an example line."))
    section.charts.append(Chart(id="collocates", title="Collocates", figure=charts.horizontal_bars(
        [r["collocate"] for r in rows], [r[measure] for r in rows], [r["evidence"] for r in rows],
        title=f"Collocates of “{q.term}” ({measure})", x_title=measure)))
    section.tables.append(table(_frame(rows), id="collocates", title="Collocates", anchor_column="evidence",
                                columns=["collocate", "lang", "f_xy", "f_x", "f_y", "logdice", "pmi", "ll"]))
    for r in rows:
        line = examples.get((r.get("example_doc"), r.get("example_paragraph")))
        section.evidence.append(Evidence(anchor=r["evidence"], title=f"“{r['collocate']}” near “{q.term}”: example",
                                         lines=[line] if line else []))
    return section


def usage_panel(corpus: Corpus, q: ExplorerQuery) -> Section:
    if not q.term:
        return no_term("terms-usage")
    actors = [a for a in (q.actor_a, q.actor_b) if a] or list(q.actors or [])
    if len(actors) < 2:
        pair = contrasting_pair(corpus.con, q.filters())
        actors = list(pair) if pair else actors
    result = terms.usage(corpus, terms.UsageOptions(term=q.term, actors=tuple(actors), bootstrap=100,
                                                     filters=replace(q.filters(), actor=actors)))
    section = Section(key="terms-usage", title="", note=(
        f"Does each actor use “{q.term}” in the same contexts? Over the actors' logDice collocate profiles: js = "
        "Jensen–Shannon divergence (0 = the same contexts, 1 = none shared) and cosine similarity (1 = the same), "
        "with bootstrap intervals; then the collocates that separate them and the lines that carry them. "
        + " ".join(result.notes)))
    section.tables.append(table(result.scores, id="usage-scores", title="Pairs of actors"))
    section.tables.append(table(result.collocates, id="usage-collocates", title="Separating collocates", limit=40))
    for actor, group in result.lines.groupby("for", sort=False) if not result.lines.empty else []:
        section.evidence.append(Evidence(anchor=anchor("usage", q.term, actor),
                                         title=f"How {actor} uses “{q.term}”", lines=kwic_lines(group, limit=10)))
    section.data = {"actors": actors}
    return section


def _frame(rows: list[dict[str, Any]]):
    import pandas as pd

    return pd.DataFrame(rows)
