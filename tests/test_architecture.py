"""House rules checked on the source itself (issue 21): SQL lives with the owners of the tables (``store/`` and the
``tables.py`` modules), and import-linter's layer contract (pyproject.toml) holds."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "lockstep"
# Case-sensitive on purpose: the house writes SQL keywords in capitals, so prose such as "select the documents from
# the store" in a docstring is not SQL.
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?(TABLE|VIEW|INDEX)|"
                 r"DELETE\s+FROM|UPDATE\s+\w+\s+SET|DROP\s+(TABLE|VIEW)|ALTER\s+TABLE)\b", re.S)

# Modules that still hold SQL outside the owners. The list only shrinks: a module listed here that no longer holds
# SQL fails the test below, so whoever moves its queries into the owner's tables.py deletes its line.
SQL_ALLOWED = {
    # Not yet moved (issue 21 step 1, still to do). The terms package is a query builder over its own token index:
    # terms/token_index.py creates and fills the term_* tables, scope.py and spec.py compose WHERE clauses and hit
    # queries, the analyses compose SELECTs from them. Moving that text into terms/tables.py is a redesign of the
    # package (what the builders return), not a move; it is left for its own step.
    "lockstep.terms.collocation",
    "lockstep.terms.concordance",
    "lockstep.terms.familycounts",
    "lockstep.terms.frequency",
    "lockstep.terms.token_index",
    "lockstep.terms.keyness",
    "lockstep.terms.scope",
    "lockstep.terms.spec",
    "lockstep.terms.trace",
    "lockstep.terms.usage",
}


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


modules = load_script("architecture").modules   # dotted module name -> file, as the architecture map lists them


def owns_tables(name: str) -> bool:
    return name.startswith("lockstep.store") or name.endswith(".tables")


def sql_strings(tree: ast.AST) -> list[int]:
    """Line numbers of string literals (f-strings included, their literal parts joined) that hold SQL."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            lines.append(node.lineno)
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if SQL.search(text):
                lines.append(node.lineno)
    return lines


def sql_outside_owners() -> dict[str, list[int]]:
    found = {name: sql_strings(ast.parse(path.read_text(encoding="utf-8")))
             for name, path in modules().items() if not owns_tables(name)}
    return {name: lines for name, lines in found.items() if lines}


def test_sql_lives_only_with_the_owners_of_the_tables():
    outside = sql_outside_owners()
    assert {name: lines for name, lines in outside.items() if name not in SQL_ALLOWED} == {}


def test_the_allow_list_names_only_modules_that_still_hold_sql():
    outside = sql_outside_owners()
    assert sorted(name for name in SQL_ALLOWED if name not in outside) == []


def test_report_and_web_hold_no_sql():
    assert [name for name in sql_outside_owners() if name.startswith(("lockstep.report", "lockstep.web"))] == []


def test_the_sql_detector_sees_sql():
    assert sql_strings(ast.parse('q = "SELECT id FROM documents WHERE x = ?"'))
    assert sql_strings(ast.parse('q = f"DELETE FROM {t} WHERE a = 1"'))
    assert sql_strings(ast.parse('q = """CREATE TABLE IF NOT EXISTS t (a INTEGER)"""'))
    assert sql_strings(ast.parse('q = ("SELECT a, "\n     f"b FROM {t}")'))  # implicit concatenation


def test_the_sql_detector_ignores_prose():
    assert not sql_strings(ast.parse('"""Select the documents from the store, then update the index."""'))
    assert not sql_strings(ast.parse('q = "select the documents from the store"'))
    assert not sql_strings(ast.parse('q = "insert into the list; create table rows"'))


def test_the_layer_contract_holds():
    """import-linter's contract in pyproject.toml: presentation > analyses > store > inputs > core."""
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists(), "import-linter is missing: pip install -e '.[dev]'"
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout


def documented_modules() -> set[str]:
    """Dotted names of the modules listed in docs/ARCHITECTURE.md's module map."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = text.split("<!-- generated:modules -->", 1)[1].split("<!-- /generated:modules -->", 1)[0]
    package, found = "lockstep", {"lockstep"}
    for line in block.splitlines():
        if heading := re.match(r"### `([\w/]+)/`$", line):
            package = "lockstep." + heading.group(1).replace("/", ".")
            found.add(package)
        elif item := re.match(r"- `(\w+)\.py`: \S", line):
            found.add(f"{package}.{item.group(1)}")
    return found


def test_every_module_has_its_line_in_the_architecture_document():
    assert sorted(set(modules()) - documented_modules()) == []
    assert sorted(documented_modules() - set(modules())) == []


def test_the_architecture_document_is_generated_from_the_code():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "architecture.py"), "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_eval_and_bench_do_not_import_the_tests():
    """Shared builders live in lockstep.testing; eval/ and bench/ never reach into tests/."""
    pattern = re.compile(r"^\s*(from tests[.\s]|import tests\b)", re.M)
    found = [str(path.relative_to(ROOT)) for folder in ("eval", "bench", "scripts")
             for path in sorted((ROOT / folder).rglob("*.py")) if pattern.search(path.read_text(encoding="utf-8"))]
    assert found == []
