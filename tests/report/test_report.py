"""The static report: every section present, populated from the store, self-contained, charts linked to text."""

from __future__ import annotations

import json

import lxml.html
import pytest

SECTIONS = ["overview", "terms", "term-plot", "families", "narratives", "alignment", "lead-lag", "echoes"]


@pytest.fixture(scope="module")
def tree(built):
    return lxml.html.fromstring(built[1].read_text(encoding="utf-8"))


def payload(tree) -> dict:
    return json.loads(tree.cssselect("script#report-data")[0].text)


def test_every_section_is_present_and_says_when_it_is_empty(tree):
    sections = tree.cssselect("section.report-section")
    assert [s.get("data-section") for s in sections] == SECTIONS
    for section in sections:
        if section.get("data-available") == "false":
            assert section.cssselect("p.missing")[0].text_content().strip()
        else:
            assert section.cssselect("table, div.chart")
    toc = [a.get("href") for a in tree.cssselect("nav.toc a")]
    assert toc == [f"#sec-{key}" for key in SECTIONS]


def test_summary_matches_the_store(tree, report_store):
    import duckdb

    with duckdb.connect(str(report_store), read_only=True) as con:
        total, unique = con.execute("SELECT count(*), count(*) FILTER (WHERE duplicate_of IS NULL) "
                                    "FROM documents").fetchone()
    cards = {li.get("data-key"): int(li.cssselect(".num")[0].text) for li in tree.cssselect("#summary li")}
    assert cards["documents"] == total and cards["unique_documents"] == unique
    assert cards["skipped_inputs"] == 1
    assert payload(tree)["summary"]["documents"] == total


def test_overview_tables_are_populated_from_the_data(tree):
    overview = tree.cssselect("section#sec-overview")[0]
    tables = {box.get("data-table"): box for box in overview.cssselect("div.table-box")}
    assert set(tables) >= {"by-actor", "by-language", "duplicates", "skipped", "skipped-reasons"}
    actors = [tr.cssselect("td")[0].text for tr in tables["by-actor"].cssselect("tbody tr")]
    assert {"RT", "Xinhua", "BBC", "Global Times"} <= set(actors)
    languages = [tr.cssselect("td")[0].text for tr in tables["by-language"].cssselect("tbody tr")]
    assert {"en", "ru", "zh"} <= set(languages)
    dup = tables["duplicates"].cssselect("tbody tr")[0]
    assert "Global Times" in dup.text_content() and "Xinhua" in dup.text_content()
    assert "empty file" in tables["skipped"].text_content()


def test_chart_points_link_to_evidence_in_the_report(tree):
    charts = tree.cssselect("div.chart[data-figure]")
    assert charts
    anchors = {el.get("id") for el in tree.cssselect("div.evidence")}
    for chart in charts:
        figure = json.loads(tree.cssselect("script#" + chart.get("data-figure"))[0].text)
        points = []
        for trace in figure["data"]:
            for value in trace.get("customdata", []):
                points.extend(value if isinstance(value, list) else [value])
        linked = {p for p in points if p}
        assert linked and linked <= anchors, chart.get("id")
    evidence = tree.cssselect("div.evidence")[0]
    assert evidence.cssselect("tr[data-doc] code.doc-id")


def test_month_chart_counts_documents(tree, report_store):
    import duckdb

    figure = json.loads(tree.cssselect("script#fig-chart-documents-by-month")[0].text)
    bars = {(t["name"], x): y for t in figure["data"] for x, y in zip(t["x"], t["y"])}
    with duckdb.connect(str(report_store), read_only=True) as con:
        rows = con.execute("SELECT actor, strftime(published_at, '%Y-%m-01'), count(*) FROM documents "
                           "WHERE published_at IS NOT NULL AND actor IS NOT NULL GROUP BY ALL").fetchall()
    assert bars == {(a, m): n for a, m, n in rows}
    # months on a date axis: 2021-03 and 2022-02 are eleven months apart, not neighbours in a list of categories
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert ("RT", "2021-03-01") in bars and all(t.get("xperiod") == "M1" for t in figure["data"])


def test_report_is_self_contained(built, tree):
    html = built[1].read_text(encoding="utf-8")
    assert not tree.xpath("//script[@src] | //link[@href] | //img[@src]")
    inline = [s.text or "" for s in tree.cssselect("script:not([type])")]
    assert any("Plotly" in s and len(s) > 1_000_000 for s in inline)  # plotly.js embedded from the package


def test_filters_restrict_the_report(report_store, tmp_path):
    from lockstep.report.make import make_report
    from lockstep.report.options import ReportOptions

    import duckdb

    _, report = make_report(report_store, tmp_path / "r.html",
                            ReportOptions(actors=["Xinhua", "BBC"], since="2022-03-01", until="2022-05-01",
                                          sections=("overview",)))
    with duckdb.connect(str(report_store), read_only=True) as con:
        expected = con.execute("SELECT count(*) FROM documents WHERE actor IN ('Xinhua', 'BBC') AND "
                               "published_at >= '2022-03-01' AND published_at < '2022-05-01'").fetchone()[0]
    assert report.summary["documents"] == expected > 10
    rows = report.section("overview").tables[0].rows
    assert {r["actor"] for r in rows} == {"Xinhua", "BBC"}


def test_cli_writes_the_report(report_store, tmp_path):
    from typer.testing import CliRunner

    from lockstep.cli import app

    out = tmp_path / "cli.html"
    result = CliRunner().invoke(app, ["report", "--db", str(report_store), "--output", str(out),
                                      "--actors", "RT,Xinhua", "--since", "2022-01-01",
                                      "--sections", "overview,terms"])
    assert result.exit_code == 0, result.output
    tree = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    assert "RT" in tree.cssselect("p.meta")[0].text_content()
    missing = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "nope.duckdb"), "--output", str(out)])
    assert missing.exit_code != 0


def section_payload(tree, key: str) -> dict:
    return next(s for s in payload(tree)["sections"] if s["key"] == key)


def test_keyness_section_lists_key_terms_with_their_lines(tree):
    section = section_payload(tree, "terms")
    rows = section["tables"][0]["rows"]
    assert {r["actor"] for r in rows} >= {"RT", "Xinhua"}
    evidence = {e["anchor"]: e for e in section["evidence"]}
    for row in rows:
        lines = evidence[row["evidence"]]["lines"]
        assert lines and all(line["actor"] == row["actor"] for line in lines)
        assert all(row["term"][:4].lower() in line["match"].lower() for line in lines)
    html_section = tree.cssselect("section#sec-terms")[0]
    assert len(html_section.cssselect("div.chart")) == len({r["actor"] for r in rows})
    assert html_section.cssselect("div.table-box a[href^='#ev-']")


def test_two_actor_term_plot(tree):
    section = section_payload(tree, "term-plot")
    a, b = section["data"]["pair"]
    assert {a, b} == {"RT", "Xinhua"}  # the largest actor and the largest from another country
    figure = json.loads(tree.cssselect("script#fig-chart-term-plot")[0].text)
    trace = figure["data"][0]
    assert len(trace["x"]) == section["data"]["points"] > 20
    assert all(x > 0 for x in trace["x"] + trace["y"])  # log axes: zero rates sit on the floor line
    hover = dict(zip([h.split("</b>")[0][3:] for h in trace["hovertext"]], trace["marker"]["color"]))
    assert hover["sovereignty"] < 0  # used more by Xinhua than by RT in the test store
    terms = {r["term"] for r in section["tables"][0]["rows"]}
    assert "sovereignty" in terms


def test_term_families_cross_languages(tree):
    section = section_payload(tree, "families")
    members = [r for t in section["tables"] if t["id"] == "family-members" for r in t["rows"]]
    colour = {r["member_lang"] for r in members if "colour" in r["term"] or "color" in r["term"]}
    assert {"en", "ru", "zh"} <= colour
    lines = [line for e in section["evidence"] for line in e["lines"]]
    assert {"цветную революцию", "颜色革命"} & {line["match"].lower() for line in lines}


def test_alignment_matrix_cells_link_to_driving_paragraphs(tree):
    section = section_payload(tree, "alignment")
    assert section["available"], section["missing"]
    assert {"RT", "Xinhua", "BBC"} <= set(section["data"]["actors"])
    figure = json.loads(tree.cssselect("script#fig-chart-alignment-matrix")[0].text)
    heat = figure["data"][0]
    values = [v for row in heat["z"] for v in row if v is not None]
    assert values and all(0 <= v <= 1 for v in values)
    evidence = {e["anchor"]: e for e in section["evidence"]}
    cells = {c for row in heat["customdata"] for c in row if c}
    assert cells <= set(evidence)
    drilled = [e for e in evidence.values() if e["lines"]]
    assert drilled and all(line["doc_id"] and line["left"] for e in drilled for line in e["lines"])
    rows = section["tables"][0]["rows"]
    assert all(r["ci_low"] <= r["value"] + 1e-9 and r["value"] <= r["ci_high"] + 1e-9 for r in rows
               if r["ci_low"] is not None and r["value"] is not None)
    assert tree.cssselect("script#fig-chart-alignment-series")


def test_lead_lag_names_first_users_with_their_paragraph(tree):
    section = section_payload(tree, "lead-lag")
    assert section["available"], section["missing"]
    firsts = next(t for t in section["tables"] if t["id"] == "first-use")["rows"]
    sovereignty = sorted((r for r in firsts if "sovereignty" in r["item"]), key=lambda r: r["days_after_first"])
    assert sovereignty and sovereignty[0]["actor"] == "RT"  # the 2021 seed page is the earliest use
    evidence = {e["anchor"]: e for e in section["evidence"]}
    line = evidence[sovereignty[0]["evidence"]]["lines"][0]
    assert line["doc_id"] == sovereignty[0]["first_doc_id"] and "sovereignty" in line["left"].lower()


def test_echo_chains_show_the_reprint(tree):
    section = section_payload(tree, "echoes")
    assert section["available"], section["missing"]
    chains = section["tables"][0]["rows"]
    reprint = next(c for c in chains if "China and Russia deepened" in c["text"])
    assert reprint["first_actor"] == "Xinhua"
    lines = {e["anchor"]: e for e in section["evidence"]}[reprint["evidence"]]["lines"]
    assert [line["actor"] for line in lines] == ["Xinhua", "Global Times"]


def test_narrative_prevalence_section(tree):
    section = section_payload(tree, "narratives")
    assert section["available"], section["missing"]
    assert "world-order" in section["data"]["narratives"]
    evidence = {e["anchor"]: e for e in section["evidence"]}
    for chart in tree.cssselect("section#sec-narratives div.chart"):
        figure = json.loads(tree.cssselect("script#" + chart.get("data-figure"))[0].text)
        for trace in figure["data"]:
            for key, share in zip(trace["customdata"], trace["y"]):
                if share is None:  # a break where the actor has no documents: nothing to link
                    assert key is None
                    continue
                assert (key is None) == (share == 0)
                assert key is None or evidence[key]["lines"], key
    lines = [line for e in section["evidence"] for line in e["lines"]]
    assert any(line["match"] for line in lines) and all(line["hit_id"] for line in lines)
    for block in section["evidence"]:                  # each hit once: a sub-narrative names its parent
        shown = [(line["doc_id"], line["paragraph"], line["note"].split(" ", 1)[0].rstrip(":"))
                 for line in block["lines"]]
        assert len(shown) == len(set(shown))
        narrative = block["anchor"]
        tops = {(d, p) for d, p, n in shown if "." not in n}
        assert not tops & {(d, p) for d, p, n in shown if "." in n}, narrative
    from lockstep.narratives.codebook import load_codebook

    book = load_codebook()
    named = [(line["note"], book.narratives[line["note"].split(" ", 1)[0].rstrip(":")].parent) for line in lines]
    assert any(parent for _note, parent in named)
    assert all(f"(under {parent})" in note for note, parent in named if parent)
    assert all(" were right " in line["note"] for line in lines if "candidate" not in line["note"])


def test_an_actor_keeps_one_colour_in_every_chart(tree):
    colours: dict[str, set[str]] = {}
    for script in tree.cssselect("script[id^=fig-]"):
        figure = json.loads(script.text)
        for trace in figure["data"]:
            colour = (trace.get("marker") or {}).get("color")
            if isinstance(colour, str) and trace.get("name"):
                colours.setdefault(trace["name"], set()).add(colour)
        title = figure["layout"]["title"]["text"]
        if title.endswith(": key terms (G²)"):  # one keyness chart per actor, in the actor's colour
            colours.setdefault(title.split(":")[0], set()).add(figure["data"][0]["marker"]["color"])
    actors = {"RT", "Xinhua", "BBC", "Global Times"}
    assert actors <= set(colours)
    assert all(len(colours[a]) == 1 for a in actors), {a: colours[a] for a in actors}
    assert len({next(iter(colours[a])) for a in actors}) == len(actors)  # and different actors differ


def test_time_runs_on_date_axes(tree):
    checked = 0
    for chart_id in ("chart-documents-by-month", "chart-alignment-series"):
        figure = json.loads(tree.cssselect(f"script#fig-{chart_id}")[0].text)
        assert figure["layout"]["xaxis"]["type"] == "date"
        assert all(x[:4].isdigit() and x[4] == "-" for t in figure["data"] for x in t["x"])
        checked += 1
    for chart in tree.cssselect("section#sec-narratives div.chart"):
        figure = json.loads(tree.cssselect("script#" + chart.get("data-figure"))[0].text)
        assert figure["layout"]["xaxis"]["type"] == "date"
        checked += 1
    assert checked >= 3


def test_alignment_shows_its_first_view_and_says_why_cells_are_missing(tree):
    section = section_payload(tree, "alignment")
    assert section["available"], section["missing"]
    assert (section["data"]["measure"], section["data"]["shown"]) == ("narratives_mix", "relative")
    figure = json.loads(tree.cssselect("script#fig-chart-alignment-matrix")[0].text)
    heat = figure["data"][0]
    assert "narrative mix, relative" in figure["layout"]["title"]["text"]
    for i, row in enumerate(heat["z"]):
        for j, value in enumerate(row):
            if i != j and value is None:  # an empty cell tells why on hover
                assert "not computed" in heat["text"][i][j]
            elif i != j:
                assert "relative" in heat["text"][i][j] and "carrying a narrative" in heat["text"][i][j]
    tables = {t["id"]: t for t in section["tables"]}
    assert {"coverage_a", "coverage_b", "note"} <= set(tables["alignment"]["columns"])
    missing = tables["alignment-missing"]["rows"]
    assert missing and all(r["note"] for r in missing)
    thin = [r for r in missing if "fewer than --min-docs" in r["note"]]
    assert thin and len({r["period"] for r in thin}) == len(thin)  # one row per period, naming the thin actors
    assert all(r["pairs"].startswith("every pair with ") for r in thin)


def test_p_values_read_against_their_resolution(tree):
    box = tree.cssselect("div#tbl-alignment-alignment")[0]
    header = [th.text_content() for th in box.cssselect("thead th")]
    rows = next(t for t in section_payload(tree, "alignment")["tables"] if t["id"] == "alignment")["rows"]
    cells = [tr.cssselect("td")[header.index("p_distinct")].text_content().strip() for tr in box.cssselect("tbody tr")]
    assert len(cells) == len(rows) and all(c != "0" and "e-" not in c for c in cells)
    for row, cell in zip(rows, cells):  # 100 shuffles: a p at 1/101 reads "< 0.01", never 0.0099
        if row["p_distinct"] is not None:
            assert (cell == "< 0.01") == (row["p_distinct"] <= 1 / 101 + 1e-9)
    import re

    for cell in tree.cssselect("section#sec-terms div.table-box td, section#sec-term-plot div.table-box td"):
        assert not re.search(r"\d[eE][+-]\d", cell.text_content())
    keyness = tree.cssselect("div#tbl-terms-keyness")[0]
    at = [th.text_content() for th in keyness.cssselect("thead th")].index("p_adjusted")
    assert all(tr.cssselect("td")[at].text_content().strip() != "0" for tr in keyness.cssselect("tbody tr"))


def test_lead_lag_tests_only_actors_with_enough_mentions(tree):
    section = section_payload(tree, "lead-lag")
    tables = {t["id"]: t for t in section["tables"]}
    tested, untested = tables["lead-lag"]["rows"], tables["lead-lag-untested"]["rows"]
    firsts = tables["first-use"]["rows"]
    for row in tested:
        assert min(row["mentions_a"], row["mentions_b"]) >= 10 and row["p_value"] is not None
        assert not row["leader"] or row["significant"]
    few = {(r["item"], r["actor"]) for r in firsts if r["mentions"] < 10}
    assert few  # the small store has actors that used an item only a few times: they are named, not tested
    named = {(r["item"], a.split(" (")[0]) for r in untested for a in r["actors"].split(", ")}
    assert few <= named
    assert not {(r["item"], a) for r in tested for a in (r["actor_a"], r["actor_b"])} & few


def test_sections_left_out_are_not_called_empty(report_store, tmp_path):
    from typer.testing import CliRunner

    from lockstep.cli import app

    out = tmp_path / "two.html"
    result = CliRunner().invoke(app, ["report", "--db", str(report_store), "--output", str(out),
                                      "--sections", "overview,terms"])
    assert result.exit_code == 0, result.output
    assert "without data" not in result.output and "2 sections of 8" in result.output
    tree = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    badges = [b.text_content() for b in tree.cssselect("nav.toc .badge")]
    assert badges.count("left out") == 6 and "not available" not in badges
