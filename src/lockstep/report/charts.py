"""Plotly figures as plain JSON dicts (rendered by the plotly.js bundled from the installed plotly package).

Every label and hover string goes through :func:`plot_text` (escaped), and every point carries the id of the
evidence block that lists the text behind it in ``customdata``, so a click on a point scrolls to its concordance.
"""

from __future__ import annotations

from typing import Any, Sequence

from lockstep.report.safe import plot_text

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]


def layout(title: str, **extra: Any) -> dict[str, Any]:
    base = {"title": {"text": plot_text(title), "font": {"size": 15}}, "margin": {"l": 60, "r": 20, "t": 45, "b": 50},
            "hovermode": "closest", "font": {"family": "system-ui, sans-serif", "size": 12},
            "plot_bgcolor": "#fff", "paper_bgcolor": "#fff", "height": 380,
            "legend": {"orientation": "h", "y": -0.18}}
    base.update(extra)
    return base


def grouped_series(rows: Sequence[dict[str, Any]], *, x: str, y: str, group: str, anchor_of, kind: str = "bar",
                   hover: str = "") -> list[dict[str, Any]]:
    """One trace per group (e.g. actor), points in x order, each point linked to its evidence anchor."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row[group]), []).append(row)
    traces = []
    for i, (name, items) in enumerate(groups.items()):
        items = sorted(items, key=lambda r: str(r[x]))
        trace = {"type": kind, "name": plot_text(name), "x": [plot_text(r[x]) for r in items],
                 "y": [r[y] for r in items], "customdata": [anchor_of(r) for r in items],
                 "hovertemplate": f"{plot_text(name)}<br>%{{x}}: %{{y}}{hover}<extra></extra>",
                 "marker": {"color": PALETTE[i % len(PALETTE)]}}
        if kind == "scatter":
            trace["mode"] = "lines+markers"
            trace["line"] = {"color": PALETTE[i % len(PALETTE)]}
        traces.append(trace)
    return traces


def bar_chart(rows: Sequence[dict[str, Any]], *, x: str, y: str, group: str, title: str, anchor_of,
              stacked: bool = True, y_title: str = "") -> dict[str, Any]:
    return {"data": grouped_series(rows, x=x, y=y, group=group, anchor_of=anchor_of),
            "layout": layout(title, barmode="stack" if stacked else "group", yaxis={"title": {"text": plot_text(y_title)}},
                              xaxis={"type": "category", "categoryorder": "category ascending"})}


def line_chart(rows: Sequence[dict[str, Any]], *, x: str, y: str, group: str, title: str, anchor_of,
               y_title: str = "", y_range: list[float] | None = None) -> dict[str, Any]:
    yaxis: dict[str, Any] = {"title": {"text": plot_text(y_title)}}
    if y_range:
        yaxis["range"] = y_range
    return {"data": grouped_series(rows, x=x, y=y, group=group, anchor_of=anchor_of, kind="scatter"),
            "layout": layout(title, yaxis=yaxis, xaxis={"type": "category", "categoryorder": "category ascending"})}


def horizontal_bars(labels: Sequence[str], values: Sequence[float], anchors: Sequence[str | None], *, title: str,
                    x_title: str = "", color: str | Sequence[str] = PALETTE[0]) -> dict[str, Any]:
    trace = {"type": "bar", "orientation": "h", "y": [plot_text(v, 60) for v in labels], "x": list(values),
             "customdata": list(anchors), "marker": {"color": color if isinstance(color, str) else list(color)},
             "hovertemplate": "%{y}: %{x:.3g}<extra></extra>"}
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
            anchors: list[list[str]], *, title: str, z_range: tuple[float, float] = (0.0, 1.0)) -> dict[str, Any]:
    trace = {"type": "heatmap", "x": [plot_text(v) for v in labels_x], "y": [plot_text(v) for v in labels_y],
             "z": values, "customdata": anchors, "zmin": z_range[0], "zmax": z_range[1], "colorscale": "Viridis",
             "hovertemplate": "%{y} – %{x}: %{z:.3f}<extra></extra>"}
    span = (z_range[1] - z_range[0]) or 1.0
    annotations = [{"x": plot_text(labels_x[j]), "y": plot_text(labels_y[i]), "showarrow": False,
                    "text": "" if v is None else f"{v:.2f}",
                    "font": {"color": "#fff" if ((v or 0) - z_range[0]) / span < 0.6 else "#000"}}
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
