"""Speakers of statements on hand-labelled real sentences (English and Russian).

    python eval/statements.py [--check]

eval/data/statements/speakers.csv: 135 real headlines, leads and transcript sentences sampled (seeded) from
ru-state-media (RT, TASS, Sputnik, Kremlin titles; Channel One leads), cn-state-media-2022, putin-sentences and one
seed page (origin on every row), each labelled by hand with the speakers of its statements (";" between several;
empty when nothing is attributed to anyone; registered officials by their canonical name, others as written: a
name, an institution, or a role with its country or organisation, "Austrian FM"). A generic source ("report",
"study", "TV") or a pronoun with nothing to resolve it is not a speaker. `dev` rows were read while writing the rules
(every even row, and the cases of issue 19); `test` rows (odd) were not.

Per text, the speakers found (official name, else the speaker as written) are matched against the labels (same
name after case folding, one inside the other, or, for Russian, the same stem of the last word): precision = matched
/ found, recall = matched / labelled. Baseline in the same run: the first capitalised name of each text. Writes
eval/results/statements.json; --check compares with the "statements" section of eval/floors.json.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from floors import below_floors, finish

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / "eval" / "data" / "statements" / "speakers.csv"
RESULTS = ROOT / "eval" / "results" / "statements.json"
FIRST_NAME = re.compile(r"(?<!^)(?<![.!?:]\s)\b[A-ZА-ЯЁ][\w'’\-]+(?:\s+[A-ZА-ЯЁ][\w'’\-]+)*")


def fold(text: str) -> str:
    text = re.sub(r"['’]s$", "", text.strip().casefold().replace("ё", "е"))
    return re.sub(r"[«»\"“”]", "", text)


def same(found: str, label: str, lang: str) -> bool:
    a, b = fold(found), fold(label)
    if not a or not b:
        return False
    if a == b or a in b or b in a:
        return True
    last_a, last_b = a.split()[-1], b.split()[-1]
    return lang == "ru" and min(len(last_a), len(last_b)) >= 4 and last_a[:5] == last_b[:5]


def score(found: list[str], labels: list[str], lang: str) -> tuple[int, int, int]:
    """(matched, found, labelled) for one text, each label matched at most once."""
    free = list(labels)
    matched = 0
    for name in found:
        hit = next((lab for lab in free if same(name, lab, lang)), None)
        if hit is not None:
            free.remove(hit)
            matched += 1
    return matched, len(found), len(labels)


def extracted(text: str, lang: str) -> list[str]:
    from lockstep.align.statements import extract_statements

    names = [s.official or s.speaker for s in extract_statements(text, lang)]
    return list(dict.fromkeys(names))


def first_name(text: str, lang: str) -> list[str]:
    match = FIRST_NAME.search(text)
    return [match.group()] if match else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--show", default="dev", help="print the misses of this part (dev, test, none)")
    args = parser.parse_args()
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    results: dict = {}
    for method, find in (("lockstep", extracted), ("first_name", first_name)):
        for lang in ("en", "ru", "all"):
            for part in ("dev", "test"):
                subset = [r for r in rows if r["part"] == part and lang in (r["lang"], "all")]
                totals = [0, 0, 0]
                for row in subset:
                    labels = [s for s in row["speakers"].split(";") if s]
                    found = find(row["text"], row["lang"])
                    got = score(found, labels, row["lang"])
                    totals = [t + g for t, g in zip(totals, got)]
                    if method == "lockstep" and lang == "all" and part == args.show and got[0] < max(got[1:]):
                        print(f"  {row['n']:>4} labelled {labels} found {found}: {row['text'][:110]}")
                matched, n_found, n_labelled = totals
                results[f"{method}.{lang}.{part}.precision"] = round(matched / n_found, 3) if n_found else 0.0
                results[f"{method}.{lang}.{part}.recall"] = round(matched / n_labelled, 3) if n_labelled else 0.0
    return finish("statements", results, RESULTS, below_floors("statements", results) if args.check else [])


if __name__ == "__main__":
    sys.exit(main())
