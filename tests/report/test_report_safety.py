"""Hostile text in the static report: escaped in tables, evidence, Plotly labels and embedded JSON."""

from __future__ import annotations

import json

import lxml.html

from lockstep.report.charts import term_scatter
from lockstep.report.safe import plot_text, script_json

HOSTILE = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>'


def test_report_shows_the_hostile_document_as_text(built):
    html = built[1].read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//*[@onerror] | //img")
    assert "<script>alert(1)</script> Sovereignty & friends" in tree.text_content()
    for script in tree.iter("script"):
        if script.get("type") == "application/json":
            json.loads(script.text)


def test_script_json_cannot_close_its_script_element():
    text = script_json({"title": HOSTILE, "sep": "\u2028", "missing": float("nan")})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["title"] == HOSTILE and json.loads(text)["missing"] is None


def test_plotly_labels_are_escaped():
    figure = term_scatter([{"term": HOSTILE, "x": 1.0, "y": 2.0, "log_ratio": 0.5, "anchor": "ev-1", "label": True}],
                          actor_a="<b>A</b>", actor_b="B", title="<i>t</i>")
    trace = figure["data"][0]
    assert "<script>" not in trace["hovertext"][0] and "&lt;script&gt;" in trace["hovertext"][0]
    assert trace["text"][0].startswith("&lt;/script&gt;")
    assert "&lt;b&gt;A" in figure["layout"]["xaxis"]["title"]["text"]
    assert plot_text("a & b") == "a &amp; b"
