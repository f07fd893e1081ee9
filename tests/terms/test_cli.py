"""The `lockstep terms` commands: tables on screen, files with --output, the measures explained in --help."""

from __future__ import annotations

import json
import re

import pandas as pd
from typer.testing import CliRunner

from lockstep.cli import app

runner = CliRunner()


def test_commands_write_outputs(store_path, tmp_path):
    db = str(store_path)
    out = tmp_path / "top.csv"
    result = runner.invoke(app, ["terms", "top", "--db", db, "--by", "actor", "-n", "3", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(out).columns) >= {"actor", "term", "freq", "per_10k", "example_doc"}
    out = tmp_path / "kw.json"
    result = runner.invoke(app, ["terms", "keyness", "--db", db, "--target", "Kremlin", "--reference", "Global Times",
                                 "--min-freq", "1", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())[0]["term"] == "sovereignty"
    for args in (["kwic", "@colour-revolution"], ["collocates", "china", "--min-freq", "2"],
                 ["trend", "@sovereignty", "--period", "year"], ["families"],
                 ["usage", "china", "--actor", "CGTN,Xinhua", "--bootstrap", "20"]):
        result = runner.invoke(app, ["terms", *args] + (["--db", db] if args[0] != "families" else []))
        assert result.exit_code == 0, (args, result.output)
    out = tmp_path / "lines.parquet"
    runner.invoke(app, ["terms", "kwic", "суверенитет", "--db", db, "--output", str(out)])
    assert len(pd.read_parquet(out)) >= 3


def help_text(command: str) -> str:
    output = runner.invoke(app, ["terms", command, "--help"], env={"COLUMNS": "200"}).output
    return re.sub(r"[\s│]+", " ", output)


def test_help_explains_the_measures():
    keyness_help = help_text("keyness")
    for words in ("log-likelihood", "Yates", "log2((a/c)/(b/d))", "Benjamini", "%DIFF",
                  "2 [a ln(a/E1) + b ln(b/E2)]", "[[a, b], [c-a, d-b]]"):
        assert words in keyness_help
    colloc_help = help_text("collocates")
    assert "14 + log2(2 f_xy/(f_x + f_y))" in colloc_help and "pmi" in colloc_help
    assert "Jensen" in help_text("usage") and "[low, high]" in help_text("usage")
    assert "text[start:end]" in help_text("kwic")


def test_bad_input_is_one_line(store_path, tmp_path):
    bad = tmp_path / "families.yaml"
    bad.write_text("families:\n  - label: no id here\n", encoding="utf-8")
    result = runner.invoke(app, ["terms", "trend", "@x", "--db", str(store_path), "--families", str(bad)])
    assert result.exit_code != 0 and "needs an 'id'" in str(result.exception)
    result = runner.invoke(app, ["terms", "top", "--db", str(store_path), "--period", "fortnight"])
    assert "unknown period" in str(result.exception)
