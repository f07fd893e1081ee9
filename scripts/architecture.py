"""Write docs/ARCHITECTURE.md's module map from the modules' own docstrings, never by hand.

    python scripts/architecture.py            # rewrite the generated block of docs/ARCHITECTURE.md
    python scripts/architecture.py --check    # exit 1 when the document differs from the code (CI, tests)

The map sits between `<!-- generated:modules -->` and `<!-- /generated:modules -->`: one section per package (its
``__init__`` docstring's first sentence), one line per module with the first sentence of its docstring. A module
without a docstring is listed with "(no docstring)", so the gap shows. The source is read with ``ast``; nothing is
imported.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "lockstep"
DOC = ROOT / "docs" / "ARCHITECTURE.md"
BLOCK = re.compile(r"(<!-- generated:modules -->\n)(?P<body>.*?)(<!-- /generated:modules -->)", re.S)


def modules() -> dict[str, Path]:
    """Dotted module name -> file, packages by their ``__init__.py``."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def summary(path: Path) -> str:
    """The docstring's first sentence (its first paragraph when that has no full stop), on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if not doc:
        return "(no docstring)"
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    return (match.group(1) if match else paragraph).replace("|", "\\|")


def module_map() -> str:
    found = modules()
    packages = sorted(n for n, p in found.items() if p.name == "__init__.py")
    lines = [f"Top level (`lockstep`): {summary(found['lockstep'])}", ""]
    lines += [f"- `{name.split('.', 1)[1]}.py`: {summary(found[name])}" for name in found
              if name.count(".") == 1 and name not in packages]
    for package in packages:
        if package == "lockstep":
            continue
        lines += ["", f"### `{package.split('.', 1)[1]}/`", "", summary(found[package]), ""]
        lines += [f"- `{name.rsplit('.', 1)[1]}.py`: {summary(found[name])}" for name in found
                  if name.rsplit(".", 1)[0] == package and name not in packages]
    return "\n".join(lines) + "\n"


def rewritten(text: str) -> str:
    if not BLOCK.search(text):
        raise SystemExit(f"{DOC}: no <!-- generated:modules --> block")
    return BLOCK.sub(lambda m: m.group(1) + module_map() + m.group(3), text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/ARCHITECTURE.md is out of date")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = rewritten(text)
    if args.check:
        if new != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run python scripts/architecture.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
