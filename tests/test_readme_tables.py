"""The README's quality tables are written from the committed evaluation results, and the floors sit above the
trivial predictors of those results (both hold on a bare clone: eval/results/*.json are in the repository)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


tables = load(ROOT / "scripts" / "readme_tables.py", "readme_tables")
floors = load(ROOT / "eval" / "floors.py", "eval_floors")


def test_readme_matches_the_results():
    assert tables.main(["--check"]) == 0, "run `python scripts/readme_tables.py` after `make eval`"
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert set(tables.blocks(text)) == set(tables.TABLES), "every quality table is generated"


def test_a_changed_result_changes_the_table(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(ROOT / "eval" / "results", results)
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    data = json.loads((results / "narratives.json").read_text(encoding="utf-8"))
    data["modes"]["zero_shot"]["hand"]["ru"]["l1"]["macro_f1"] = 0.987
    (results / "narratives.json").write_text(json.dumps(data), encoding="utf-8")
    assert tables.main(["--check", "--readme", str(readme), "--results", str(results)]) == 1
    assert tables.main(["--readme", str(readme), "--results", str(results)]) == 0
    lines = readme.read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines if line.startswith("| hand set, Russian"))
    assert "0.99 / " in row
    assert tables.main(["--check", "--readme", str(readme), "--results", str(results)]) == 0


def test_a_results_file_can_bring_rows_of_its_own(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(ROOT / "eval" / "results", results)
    (results / "llm.json").write_text(json.dumps({"readme": {"quality": [
        ["narratives, an LLM endpoint (macro-F1)", "0.50", "zero-shot 0.30"]]}}), encoding="utf-8")
    text = tables.rewrite("<!-- generated:quality -->\nold\n<!-- /generated:quality -->\n", tables.Results(results))
    assert "| narratives, an LLM endpoint (macro-F1) | 0.50 | zero-shot 0.30 |" in text and "old" not in text
    (results / "bad.json").write_text(json.dumps({"readme": {"quality": [["one cell"]]}}), encoding="utf-8")
    with pytest.raises(SystemExit, match="has 1 cells, the header 3"):
        tables.rewrite("<!-- generated:quality -->\n<!-- /generated:quality -->\n", tables.Results(results))
    with pytest.raises(SystemExit, match="no table named 'nope'"):
        tables.rewrite("<!-- generated:nope -->\n<!-- /generated:nope -->\n", tables.Results(results))


def test_cells_are_escaped_for_markdown():
    assert tables.cell("a | b\nc") == "a \\| b c"


SECTIONS = sorted(json.loads((ROOT / "eval" / "floors.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("section", SECTIONS)
def test_floors_sit_above_the_trivial_predictors_of_the_committed_results(section):
    """Every section with floors has its results committed, a trivial predictor beside every floor, every floor
    above it, and every figure at or above its floor."""
    entries = floors.section_floors(section)
    if not entries:
        return
    path = ROOT / "eval" / "results" / f"{section}.json"
    assert path.exists(), f"{section} has floors but {path.name} is not committed"
    figures = floors.flat_figures(json.loads(path.read_text(encoding="utf-8")))
    assert [k for k in entries if not floors.trivial_figures(k, figures)] == []
    assert floors.not_above_trivial(section, figures, entries) == []
    assert floors.below_floors(section, figures, entries) == []


def test_a_floor_at_a_trivial_predictor_fails_the_check():
    figures = {"zero_shot.hand.en.l1.samples_f1": 0.80, "nothing.hand.en.l1.samples_f1": 0.77,
               "majority.hand.en.l1.samples_f1": 0.77, "keyword_only.hand.en.l1.samples_f1": 0.73,
               "html.lockstep.f1": 0.97}
    assert floors.trivial_figures("zero_shot.hand.en.l1.samples_f1", figures) == {
        "nothing.hand.en.l1.samples_f1": 0.77, "majority.hand.en.l1.samples_f1": 0.77,
        "keyword_only.hand.en.l1.samples_f1": 0.73}
    failures = floors.below_floors("narratives", figures, {"zero_shot.hand.en.l1.samples_f1": 0.77})
    assert len(failures) == 2 and all("not above the trivial" in f for f in failures)
    assert floors.below_floors("narratives", figures, {"zero_shot.hand.en.l1.samples_f1": 0.78}) == []
    assert floors.below_floors("narratives", figures, {"zero_shot.hand.en.l1.samples_f1": 0.81}) == [
        "narratives zero_shot.hand.en.l1.samples_f1 0.8 < floor 0.81"]
    assert floors.trivial_figures("html.lockstep.f1", figures) == {}            # nothing trivial measured there
    nested = floors.flat_figures({"pages": 3, "html": {"lockstep": {"f1": 0.9}, "nothing": {"f1": 0.1}}})
    assert nested == {"pages": 3, "html.lockstep.f1": 0.9, "html.nothing.f1": 0.1}
    assert floors.not_above_trivial("extraction", nested, {"html.lockstep.f1": 0.05}) != []
