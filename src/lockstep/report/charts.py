"""Plotly figures as plain JSON dicts (rendered by the plotly.js bundled from the installed plotly package).

Every label and hover string goes through :func:`plot_text` (escaped), and every point carries the id of the
evidence block that lists the text behind it in ``customdata``, so a click on a point scrolls to its concordance.

Time runs on a date axis (periods such as 2021-03, 2022Q1 or 2025-05-12 become dates, so a gap of three years looks
like one), and an actor keeps one colour across every chart of a report or a dashboard page: `actor_colours` sets
the mapping (the store's actors, largest first, take the palette in order) and `colour_of` reads it.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator, Sequence

from lockstep.report.safe import plot_text

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]
COLOURS: ContextVar[dict[str, str]] = ContextVar("actor_colours", default={})
PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|Q([1-4]))?(?:[T ][\d:.]+)?$")


@contextmanager
def actor_colours(actors: Sequence[str]) -> Iterator[dict[str, str]]:
    """Within the block, actor i of `actors` (the store's actors, largest first) is drawn in PALETTE[i]."""
    mapping = {str(a): PALETTE[i % len(PALETTE)] for i, a in enumerate(actors)}
    token = COLOURS.set(mapping)
    try:
        yield mapping
    finally:
        COLOURS.reset(token)


def colour_of(name: Any, position: int = 0) -> str:
    """The actor's colour where one is set, else the palette's colour at `position` (groups that are not actors)."""
    return COLOURS.get().get(str(name), PALETTE[position % len(PALETTE)])


def period_date(value: Any) -> str | None:
    """The first day of a period label as an ISO date (2022-03 -> 2022-03-01, 2022Q2 -> 2022-04-01, 2022 ->
    2022-01-01, a date or timestamp -> its day); None for anything else ('all', a name)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    found = PERIOD.match(str(value).strip())
    if not found:
        return None
    year, month, day, quarter = found.groups()
    if quarter:
        month = f"{3 * int(quarter) - 2:02d}"
    return f"{year}-{month or '01'}-{day or '01'}"


def is_time(values: Sequence[Any]) -> bool:
    return bool(values) and all(period_date(v) is not None for v in values)


def time_axis(values: Sequence[Any], **extra: Any) -> dict[str, Any]:
    """A date axis when every x value is a period, else categories in order."""
    if is_time(values):
        return {"type": "date", **extra}
    return {"type": "category", "categoryorder": "category ascending", **extra}


def x_value(value: Any, as_date: bool) -> str:
    return period_date(value) if as_date else plot_text(value)


def layout(title: str, **extra: Any) -> dict[str, Any]:
    base = {"title": {"text": plot_text(title), "font": {"size": 15}}, "margin": {"l": 60, "r": 20, "t": 45, "b": 50},
            "hovermode": "closest", "font": {"family": "system-ui, sans-serif", "size": 12},
            "plot_bgcolor": "#fff", "paper_bgcolor": "#fff", "height": 380,
            "legend": {"orientation": "h", "y": -0.18}}
    base.update(extra)
    return base


def grouped_series(rows: Sequence[dict[str, Any]], *, x: str, y: str, group: str, anchor_of, kind: str = "bar",
                   hover: str = "") -> list[dict[str, Any]]:
    """One trace per group (e.g. actor, in its colour), points in x order, each point linked to its evidence anchor;
    x on a date axis when every x value is a period."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row[group]), []).append(row)
    as_date = is_time([r[x] for r in rows])
    step = date_step([r[x] for r in rows]) if as_date and kind == "scatter" else None
    traces = []
    for i, (name, items) in enumerate(groups.items()):
        items = sorted(items, key=lambda r: period_date(r[x]) or "" if as_date else str(r[x]))
        if kind == "scatter":
            items = with_breaks(inner(items, y), x, y, step)
        colour = colour_of(name, i)
        label = "%{x|%Y-%m-%d}" if as_date else "%{x}"
        trace = {"type": kind, "name": plot_text(name), "x": [x_value(r[x], as_date) for r in items],
                 "y": [r[y] for r in items], "customdata": [None if r.get("_break") else anchor_of(r) for r in items],
                 "hovertemplate": f"{plot_text(name)}<br>{label}: %{{y}}{hover}<extra></extra>",
                 "marker": {"color": colour}}
        if kind == "scatter":
            trace["mode"] = "lines+markers"
            trace["line"] = {"color": colour}
        traces.append(trace)
    return traces


def date_step(values: Sequence[Any]) -> float | None:
    """The spacing of the periods, in days: the smallest gap between consecutive distinct periods (periods sit on
    a grid of days, weeks, months...; a larger gap is periods without data)."""
    import datetime as dt

    days = sorted({dt.date.fromisoformat(period_date(v)).toordinal() for v in values})
    gaps = [b - a for a, b in zip(days, days[1:])]
    return float(min(gaps)) if gaps else None


def with_breaks(items: list[dict[str, Any]], x: str, y: str, step: float | None) -> list[dict[str, Any]]:
    """A break (a point without a value) wherever a line would jump over periods it has no data for, so a line
    never bridges months or years without data (Plotly leaves a gap at a null)."""
    import datetime as dt

    if not step or len(items) < 2:
        return items
    out = [items[0]]
    for before, after in zip(items, items[1:]):
        a, b = (dt.date.fromisoformat(period_date(r[x])) for r in (before, after))
        if (b - a).days > 1.5 * step:
            out.append({x: (a + dt.timedelta(days=step)).isoformat(), y: None, "_break": True})
        out.append(after)
    return out


def inner(items: list[dict[str, Any]], y: str) -> list[dict[str, Any]]:
    """The points from a line's first value to its last: empty points before and after draw nothing, and would
    only stretch the time axis (a stray 2021 page would put 2021 on the axis of a 2022 series)."""
    present = [k for k, r in enumerate(items) if r.get(y) is not None]
    return items[present[0] : present[-1] + 1] if present else []


def bar_chart(rows: Sequence[dict[str, Any]], *, x: str, y: str, group: str, title: str, anchor_of,
              stacked: bool = True, y_title: str = "") -> dict[str, Any]:
    xaxis = time_axis([r[x] for r in rows])
    traces = grouped_series(rows, x=x, y=y, group=group, anchor_of=anchor_of)
    if xaxis["type"] == "date" and all(len(str(r[x])) == 7 for r in rows):  # months: a bar spans its month
        for trace in traces:
            trace.update(xperiod="M1", xperiodalignment="middle",
                         hovertemplate=trace["hovertemplate"].replace("%{x|%Y-%m-%d}", "%{x|%Y-%m}"))
    return {"data": traces, "layout": layout(title, barmode="stack" if stacked else "group", xaxis=xaxis,
                                             yaxis={"title": {"text": plot_text(y_title)}})}


def line_chart(rows: Sequence[dict[str, Any]], *, x: str, y: str, group: str, title: str, anchor_of,
               y_title: str = "", y_range: list[float] | None = None) -> dict[str, Any]:
    """Lines per group; a point whose y is None is a gap in its line (never drawn as 0)."""
    yaxis: dict[str, Any] = {"title": {"text": plot_text(y_title)}}
    if y_range:
        yaxis["range"] = y_range
    return {"data": grouped_series(rows, x=x, y=y, group=group, anchor_of=anchor_of, kind="scatter"),
            "layout": layout(title, yaxis=yaxis, xaxis=time_axis([r[x] for r in rows]))}


def horizontal_bars(labels: Sequence[str], values: Sequence[float], anchors: Sequence[str | None], *, title: str,
                    x_title: str = "", color: str | Sequence[str] = PALETTE[0],
                    hover: Sequence[str] | None = None) -> dict[str, Any]:
    """Bars in the order given (the first on top); `hover` replaces the drawn value in the hover text (for a value
    drawn clipped)."""
    trace = {"type": "bar", "orientation": "h", "y": [plot_text(v, 60) for v in labels], "x": list(values),
             "customdata": list(anchors), "marker": {"color": color if isinstance(color, str) else list(color)},
             "hovertemplate": "%{y}: %{x:,.4~r}<extra></extra>"}
    if hover is not None:
        trace.update(hovertext=[plot_text(h) for h in hover], hovertemplate="%{y}: %{hovertext}<extra></extra>")
    height = max(260, 22 * len(labels) + 90)
    return {"data": [trace], "layout": layout(title, height=height, xaxis={"title": {"text": plot_text(x_title)}},
                                              yaxis={"autorange": "reversed", "automargin": True})}


def term_scatter(points: Sequence[dict[str, Any]], *, actor_a: str, actor_b: str, title: str) -> dict[str, Any]:
    """Scattertext-like plot: x/y = per-10k frequency in each actor, colour = log-ratio, hover = the term."""
    trace = {
        "type": "scattergl" if len(points) > 2000 else "scatter", "mode": "markers+text",
        "x": [p["x"] for p in points], "y": [p["y"] for p in points],
        "text": [plot_text(p["term"], 40) if p.get("label") else "" for p in points],
        "textposition": "top center", "textfont": {"size": 10},
        "hovertext": [f"<b>{plot_text(p['term'], 80)}</b><br>{plot_text(actor_a)}: {p['x']:.2f} /10k"
                      f"<br>{plot_text(actor_b)}: {p['y']:.2f} /10k<br>log-ratio: {p['log_ratio']:.2f}" for p in points],
        "hoverinfo": "text", "customdata": [p["anchor"] for p in points],
        "marker": {"size": 8, "color": [p["log_ratio"] for p in points], "colorscale": "RdBu", "reversescale": True,
                   "cmid": 0, "colorbar": {"title": {"text": "log-ratio"}}, "line": {"width": 0.5, "color": "#555"}},
    }
    return {"data": [trace], "layout": layout(
        title, height=560, showlegend=False,
        xaxis={"title": {"text": f"{plot_text(actor_a)} (per 10,000 tokens)"}, "type": "log"},
        yaxis={"title": {"text": f"{plot_text(actor_b)} (per 10,000 tokens)"}, "type": "log"})}


def heatmap(labels_x: Sequence[str], labels_y: Sequence[str], values: list[list[float | None]],
            anchors: list[list[str]], *, title: str, z_range: tuple[float, float] = (0.0, 1.0),
            hover: list[list[str]] | None = None, blank_diagonal: bool = False) -> dict[str, Any]:
    """A matrix with each cell's number written on it; `hover` (plain text, escaped here) replaces the default
    hover, e.g. to say why a cell is empty. An empty cell (None) reads "–", never 0; with `blank_diagonal` the
    diagonal of a square matrix reads nothing."""
    trace = {"type": "heatmap", "x": [plot_text(v) for v in labels_x], "y": [plot_text(v) for v in labels_y],
             "z": values, "customdata": anchors, "zmin": z_range[0], "zmax": z_range[1], "colorscale": "Viridis",
             "hovertemplate": "%{y} – %{x}: %{z:.3f}<extra></extra>"}
    if hover is not None:
        trace.update(text=[[plot_text(h, 400) for h in row] for row in hover],
                     hovertemplate="%{text}<extra></extra>", hoverongaps=True)
    span = (z_range[1] - z_range[0]) or 1.0
    annotations = [{"x": plot_text(labels_x[j]), "y": plot_text(labels_y[i]), "showarrow": False,
                    "text": ("" if blank_diagonal and i == j else "–") if v is None else f"{v:.2f}",
                    "font": {"color": "#888" if v is None else "#fff" if (v - z_range[0]) / span < 0.6 else "#000"}}
                   for i, row in enumerate(values) for j, v in enumerate(row)]
    size = max(360, 48 * len(labels_x) + 160)
    return {"data": [trace], "layout": layout(title, height=size, annotations=annotations,
                                              yaxis={"autorange": "reversed", "automargin": True},
                                              xaxis={"automargin": True})}


def focus_traces(figure: dict[str, Any], keep: int = 6, always: Sequence[str] = ()) -> dict[str, Any]:
    """Draw the `keep` traces with the highest mean (and any named in `always`); the others stay one legend click
    away (Plotly's legendonly), so a chart with dozens of pairs stays readable."""
    means = {t["name"]: sum(v or 0 for v in t["y"]) / max(1, len(t["y"])) for t in figure["data"]}
    shown = set(sorted(means, key=means.get, reverse=True)[:keep]) | {plot_text(name) for name in always}
    for trace in figure["data"]:
        if trace["name"] not in shown:
            trace["visible"] = "legendonly"
    return figure
