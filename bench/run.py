"""Run every benchmark in bench/ with its quick settings (what `make bench` does).

    python bench/run.py                 # ingest.py first, then every other bench/*.py
    python bench/run.py --only ingest,scale
    python bench/run.py --list

A benchmark chooses its quick settings with a module-level `QUICK_ARGS = [...]` literal (read from the source,
the module is not imported); without one it runs with no arguments; `EXTRA_RUNS` adds runs with other arguments
(ingest on the real benchmark pages). Files starting with `_` are helpers. Each benchmark runs in its own process
with its output streamed; the summary lists durations and failures, and the exit status is non-zero when one
failed. Last, `bench/readme.py` regenerates the README's generated Performance block from bench/results/.

The benchmarks build their inputs from the real data in ../shared/corpus; without it this says so and exits 2.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST = "ingest"
LAST = "readme"  # not a benchmark: regenerates the README block from the results the others wrote
SHARED = HERE.parents[1] / "shared" / "corpus"
EXTRA_RUNS = {"ingest": [["--real"]]}  # more runs of a benchmark, each with these arguments


def benchmarks() -> list[Path]:
    found = [p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != Path(__file__).name]
    return sorted(found, key=lambda p: (p.stem == LAST, p.stem != FIRST, p.stem))


def quick_args(path: Path) -> list[str]:
    """The `QUICK_ARGS = [...]` literal of a benchmark, or []."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "QUICK_ARGS" for t in node.targets):
            try:
                return [str(a) for a in ast.literal_eval(node.value)]
            except ValueError:
                return []
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names (file stems)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and their quick arguments")
    args = parser.parse_args()
    chosen = [p for p in benchmarks() if not args.only or p.stem in args.only.split(",")]
    runs = [(path, arguments) for path in chosen for arguments in [quick_args(path), *EXTRA_RUNS.get(path.stem, [])]]
    if args.list:
        for path, arguments in runs:
            print(f"{path.stem:<12} python bench/{path.name} {' '.join(arguments)}".rstrip())
        return 0
    if not SHARED.exists():
        print(f"benchmarks need the real data in {SHARED}: not found", file=sys.stderr)
        return 2
    summary = []
    for path, arguments in runs:
        command = [sys.executable, str(path), *arguments]
        print(f"\n{'=' * 100}\n$ python bench/{path.name} {' '.join(command[2:])}\n{'=' * 100}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(command, cwd=HERE.parent)
        summary.append((path.stem, code, time.perf_counter() - started))
    print(f"\n{'=' * 100}\nbenchmarks")
    for name, code, seconds in summary:
        print(f"  {name:<12} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:8.1f} s")
    return 1 if any(code for _, code, _ in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
