"""The align, echoes and statements commands: arguments in, tables out (printed or written with --output)."""

from __future__ import annotations

import json

import pytest
from tests.align.builders import build_store
from tests.align.test_echoes import chain_corpus
from tests.align.test_index import constructed, tag
from tests.align.test_leadlag import copied_corpus
from typer.testing import CliRunner

from lockstep.cli.align import spread_multi_values
from lockstep.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    docs, hits = constructed(per_month=20)
    path = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    corpus = build_store(path, docs)
    tag(corpus, hits)
    corpus.close()
    return path


def run(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_actors_take_several_values():
    assert spread_multi_values(["--actors", "RT", "MFA Russia", "--period", "week", "--actors", "BBC"]) == [
        "--actors", "RT", "--actors", "MFA Russia", "--period", "week", "--actors", "BBC"]


def test_align_writes_long_table(db, tmp_path):
    out = tmp_path / "align.json"
    run("align", "--db", str(db), "--actor", "A", "B", "C", "--boot", "20", "--perm", "20", "--output", str(out))
    rows = json.loads(out.read_text())
    assert {r["measure"] for r in rows} == {"narratives_mix", "narratives_jsd", "terms_cosine", "phrases_shared"}
    assert {"coverage_a", "coverage_b", "note"} <= set(rows[0])
    assert {(r["actor_a"], r["actor_b"]) for r in rows} == {("A", "B"), ("A", "C"), ("B", "C")}
    assert {"value", "ci_low", "ci_high", "baseline", "p_distinct"} <= set(rows[0])


def test_a_p_value_at_the_permutations_floor_prints_as_below_it(db, tmp_path):
    """With 20 shuffles the smallest p is 1/21: printed as '< 0.05', the file keeps the number."""
    out = tmp_path / "align.json"
    run("align", "--db", str(db), "--actor", "A,B", "--on", "terms", "--period", "all", "--boot", "0", "--perm",
        "20", "--output", str(out))
    floor = min(r["p_distinct"] for r in json.loads(out.read_text()))
    assert abs(floor - 1 / 21) < 1e-9
    printed = run("align", "--db", str(db), "--actor", "A,B", "--on", "terms", "--period", "all", "--boot", "0",
                  "--perm", "20").output
    assert "< 0.05" in printed and "0.0476" not in printed


def test_align_prints_matrix(db):
    result = run("align", "--db", str(db), "--actor", "A,B", "--on", "terms", "--period", "all", "--boot", "0",
                 "--perm", "0", "--matrix")
    assert "terms_cosine all" in result.output


def test_drill_writes_each_table(db, tmp_path):
    out = tmp_path / "cell.csv"
    run("align", "drill", "--db", str(db), "--actor", "A", "--actor", "B", "--period", "2022-05", "--output", str(out))
    for name in ("narratives", "terms", "phrases", "paragraphs"):
        assert (tmp_path / f"cell-{name}.csv").exists()


def test_leads_command(tmp_path, day0):
    path = tmp_path / "leads.duckdb"
    build_store(path, copied_corpus(day0)).close()
    out = tmp_path / "leads.parquet"
    run("align", "leads", "--db", str(path), "--term", "colour revolution", "--surrogates", "100",
        "--output", str(out))
    import pandas as pd

    pairs = pd.read_parquet(out)
    first = pd.read_parquet(tmp_path / "leads-first-use.parquet")
    ab = pairs[(pairs["actor_a"] == "A") & (pairs["actor_b"] == "B")].iloc[0]
    assert ab["leader"] == "A" and ab["best_lag"] == 2
    assert first.iloc[0]["actor"] == "A"
    table = tmp_path / "overview.csv"
    run("align", "leads", "--db", str(path), "--top-terms", "3", "--surrogates", "50", "--output", str(table))
    assert len(pd.read_csv(table)) >= 1


def test_echoes_and_statements_commands(tmp_path, day0, backend):
    path = tmp_path / "echo.duckdb"
    build_store(path, chain_corpus(day0)).close()
    out = tmp_path / "chains.jsonl"
    run("echoes", "--db", str(path), "--output", str(out))
    chains = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(c["path"] for c in chains)[0] == "mfa -> cgtn -> tass -> xinhua -> rt"
    said = tmp_path / "said.json"
    run("statements", "--db", str(path), "--speaker", "Wang Yi", "--output", str(said))
    rows = json.loads(said.read_text())
    assert {r["official"] for r in rows} == {"Wang Yi"}
    assert {r["language"] for r in rows} == {"en", "ru", "zh"}
    # the statement travelled: reused, edited and translated by five outlets, one reuse group
    assert len({r["reuse_id"] for r in rows}) == 1 and rows[0]["reuse_size"] == 5
    assert rows[0]["reuse_outlets"] == "mfa -> cgtn -> tass -> xinhua -> rt"


def test_errors_are_one_line(db, tmp_path):
    from lockstep.cli import main

    result = runner.invoke(app, ["align", "--db", str(tmp_path / "missing.duckdb"), "--actors", "A", "B"])
    assert result.exit_code != 0
    result = runner.invoke(app, ["align", "drill", "--db", str(db), "--actors", "A", "--period", "2022-05"])
    assert "exactly two actors" in str(result.exception)
    assert callable(main)
