"""Chart building blocks: periods on a date axis, no line across periods without data, one colour per actor."""

from __future__ import annotations

from lockstep.report import charts


def test_periods_become_dates():
    assert [charts.period_date(p) for p in ("2022-03", "2022Q2", "2022", "2022-03-07", "2022-03-07 00:00:00")] == \
        ["2022-03-01", "2022-04-01", "2022-01-01", "2022-03-07", "2022-03-07"]
    assert charts.period_date("all") is None and charts.period_date("RT") is None


def test_a_line_breaks_where_it_has_no_data_and_the_axis_is_a_date_axis():
    rows = [{"actor": "RT", "period": p, "rate": v} for p, v in
            (("2021-03", 25.0), ("2022-02", 31.0), ("2022-03", 64.0), ("2022-04", 16.0), ("2025-05", 9.0))]
    figure = charts.line_chart(rows, x="period", y="rate", group="actor", title="t", anchor_of=lambda r: r["period"])
    trace = figure["data"][0]
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert trace["x"][0] == "2021-03-01" and trace["y"][1] is None  # 2021-03 .. 2022-02: a gap
    assert trace["y"][-2] is None and trace["x"][-1] == "2025-05-01"
    assert [v for v in trace["y"] if v is not None] == [25.0, 31.0, 64.0, 16.0, 9.0]
    assert [c for c in trace["customdata"] if c] == ["2021-03", "2022-02", "2022-03", "2022-04", "2025-05"]
    names = charts.line_chart([{"g": "a", "x": "x1", "y": 1}], x="x", y="y", group="g", title="t",
                              anchor_of=lambda r: None)
    assert names["layout"]["xaxis"]["type"] == "category"  # not periods: categories


def test_an_actor_has_its_colour_whatever_the_chart():
    rows_one = [{"actor": a, "m": "2022-03", "n": 1} for a in ("BBC", "RT")]
    rows_two = [{"actor": a, "m": "2022-03", "n": 1} for a in ("RT", "Xinhua", "BBC")]
    with charts.actor_colours(["RT", "Xinhua", "BBC"]) as mapping:
        one = charts.bar_chart(rows_one, x="m", y="n", group="actor", title="one", anchor_of=lambda r: None)
        two = charts.line_chart(rows_two, x="m", y="n", group="actor", title="two", anchor_of=lambda r: None)
    colour = {t["name"]: t["marker"]["color"] for t in one["data"]}
    assert colour == {"BBC": mapping["BBC"], "RT": mapping["RT"]}
    assert {t["name"]: t["marker"]["color"] for t in two["data"]} == mapping
    assert len(set(mapping.values())) == 3
    assert charts.colour_of("RT") == charts.PALETTE[0]  # outside the block: the palette in order
