"""Regenerate the README's generated Performance figures from the result files in bench/results/.

    python bench/readme.py            # rewrite the block between the bench markers in README.md
    python bench/readme.py --print    # print the block instead

The block sits between `<!-- bench:begin -->` and `<!-- bench:end -->` in README.md; nothing else is touched. Its
rows come from bench/results/*.json, which the benchmarks write (bench/ingest.py --real, bench/memory.py,
bench/align_index.py) and from eval/results/extraction.json (eval/extraction.py), copied here to
bench/results/extraction.json so that the README's source stays with it. A missing result file leaves its row
out, and the block says which files it read and when they were measured.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EVAL_EXTRACTION = ROOT / "eval" / "results" / "extraction.json"
README = ROOT / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def span(values: list[float], digits: int = 2) -> str:
    low, high = min(values), max(values)
    return f"{low:.{digits}f}" if f"{low:.{digits}f}" == f"{high:.{digits}f}" else f"{low:.{digits}f}–{high:.{digits}f}"


def ingest_real_row(r: dict) -> list[str]:
    pages = r["pages"]
    lock = [pages / x["cpu"] for x in r["runs"]["lockstep"]]
    traf = [pages / x["cpu"] for x in r["runs"]["trafilatura"]]
    median = statistics.median(r["per_core"])
    verdict = "met" if median >= r["target"] else "**not met**"
    return [f"`bench/ingest.py --real` ({pages} real pages of the extraction benchmark, {r['rounds']} rounds, "
            "one worker, warm)",
            f"lockstep ingest {span(lock, 0)} pages per CPU-second, trafilatura fast mode {span(traf, 0)}: "
            f"x{span(r['per_core'])} per core (median x{median:.2f}; wall x{span(r['wall'])}); "
            f"target x{r['target']}: {verdict}"]


def extraction_row(r: dict) -> list[str]:
    html = r["html"]
    lock = html["lockstep"]
    parts = [f"lockstep {lock['pages_per_s']:.1f} pages per CPU-second, F1 {lock['f1']:.3f}"]
    names = {"trafilatura_fast": "trafilatura fast mode (lockstep's)", "trafilatura_fast_meta":
             "fast mode with its metadata", "trafilatura": "default mode", "resiliparse": "Resiliparse"}
    for key, label in names.items():
        if key in html:
            parts.append(f"{label} {html[key]['pages_per_s']:.1f} (x{lock[f'speed_vs_{key}']:.2f}), "
                         f"F1 {html[key]['f1']:.3f}")
    return [f"extraction only (`eval/extraction.py`, {r['pages']} pages, interleaved page by page)", "; ".join(parts)]


def memory_row(r: dict) -> list[str]:
    cases = [(f"{int(n):,} pages", p["peak_rss_mb"]) for n, p in sorted(r["pages"].items(), key=lambda x: int(x[0]))]
    cases += [(label, r[key]["peak_rss_mb"]) for key, label in (("cell", "CSV with one 36 MB cell"),
                                                                ("prose", "20 MB of prose")) if key in r]
    parts = [f"{label} {peak:.1f} MB" for label, peak in cases]
    if "flatness" in r:
        parts.append(f"peak at the most pages / the fewest x{r['flatness']:.2f}")
    met = [label for label, peak in cases if peak < r["target_mb"]]
    missed = [label for label, peak in cases if peak >= r["target_mb"]]
    verdict = f"met for {', '.join(met) or 'none'}" + (f"; **not met** for {', '.join(missed)}" if missed else "")
    return ["`bench/memory.py` (peak RSS of `lockstep ingest`, one worker)",
            f"{'; '.join(parts)}; target < {r['target_mb']} MB: {verdict}"]


def align_row(r: dict) -> list[str]:
    base = r["baseline"]
    return [f"`bench/align_index.py` ({r['paragraphs']:,} documents)",
            f"alignment index {r['lockstep_s']:.0f} s (target < {r['target_s']} s); plain-Python baseline with "
            f"per-document Counters built once ~{base['total']:.0f} s (extrapolated): ~{r['ratio']:.0f}x"]


def block() -> str:
    if EVAL_EXTRACTION.exists():
        RESULTS.mkdir(exist_ok=True)
        shutil.copyfile(EVAL_EXTRACTION, RESULTS / "extraction.json")
    rows, sources = [], []
    for name, render in (("ingest-real", ingest_real_row), ("extraction", extraction_row),
                         ("memory", memory_row), ("align_index-100000", align_row)):
        result = load(name)
        if result is not None:
            rows.append(render(result))
            measured = result.get("measured", "")
            sources.append(f"`bench/results/{name}.json`" + (f" ({measured}, load {result['load_average']})"
                                                            if measured else ""))
    lines = [BEGIN, "", "| against the strongest reference | figure |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    lines += ["", f"Generated by `python bench/readme.py` from {', '.join(sources)}.", "", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the block instead of writing README.md")
    args = parser.parse_args()
    text = block()
    if args.print:
        print(text)
        return
    readme = README.read_text(encoding="utf-8")
    if BEGIN not in readme or END not in readme:
        raise SystemExit(f"{README}: no {BEGIN} ... {END} block to fill")
    head, rest = readme.split(BEGIN, 1)
    README.write_text(head + text + rest.split(END, 1)[1], encoding="utf-8")
    print(f"{README.relative_to(ROOT)}: performance block regenerated ({text.count(chr(10)) + 1} lines)")


if __name__ == "__main__":
    main()
