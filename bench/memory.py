"""Peak memory of `lockstep ingest`: flat in the number of pages, bounded on one huge field.

    python bench/memory.py                      # 2,000 and 20,000 pages, one 36 MB cell, 20 MB of prose
    python bench/memory.py --pages 1000 5000    # other sizes (the ratio is taken between the first and the last)
    python bench/memory.py --cases cell         # only the huge cell

Target (issue 20): peak RSS < 600 MB for 20,000 pages and for a CSV with one 36 MB cell, and the same peak
whatever the number of pages. Each case is one `lockstep ingest` (the Python API, one worker, default options) in a
fresh process; peak RSS is sampled from /proc every 0.1 s over the process and its children.

* pages: HTML news pages from real text (bench/_corpus.py, as bench/ingest.py), at each size in --pages;
* cell: a CSV of 20 ordinary rows and one row whose text cell is 36 MB of real prose on one line (Kremlin
  transcript sentences, ../shared/corpus/putin-sentences, repeated);
* prose: one 20 MB plain-text file of the same prose in paragraphs of 6 sentences, through the scraped-page
  cleaner.

Running some cases or sizes updates those in bench/results/memory.json and keeps the others (each with the time
and load it was measured at).

Needs ../shared/corpus (the real text); says so and exits 2 without it. Writes bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import RESULTS, machine, print_table, run_child, write_result  # noqa: E402

QUICK_ARGS = ["--pages", "2000", "20000"]
TARGET_MB = 600
CELL_MB, PROSE_MB = 36, 20


def child_ingest(inputs: list[str], db: Path) -> dict:
    import lockstep
    from lockstep.engines.local import IngestOptions

    with lockstep.open(db) as corpus:
        report = corpus.ingest(inputs, IngestOptions(workers=1))
        longest = corpus.con.execute("SELECT coalesce(max(length(text)), 0) FROM documents").fetchone()[0]
    return {"seconds": report.seconds, "docs": report.documents_stored, "records": report.records,
            "skipped": [reason for _, reason in report.skipped][:5], "longest_text": longest}


def prose(mb: int, paragraph: int = 0) -> str:
    """`mb` MB of real English prose: Kremlin transcript sentences, repeated until long enough; with `paragraph`,
    a blank line after every `paragraph` sentences, else one line."""
    from _corpus import CORPUS, read_csv

    sentences = []
    for path in sorted((CORPUS / "putin-sentences" / "data" / "sentences").glob("sentences_*.csv")):
        if path.stem.count("_") == 1:
            sentences += [" ".join(row["sentence"].split()) for row in read_csv(path)]
    text, size = [], 0
    while size < mb * 2**20:
        for sentence in sentences:
            text.append(sentence + ("\n\n" if paragraph and len(text) % paragraph == paragraph - 1 else " "))
            size += len(text[-1])
            if size >= mb * 2**20:
                break
    return "".join(text).strip()


def write_cell_csv(path: Path, mb: int) -> None:
    from _corpus import articles

    stream = articles(seed=3)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["title", "text", "published", "outlet", "url", "author"])
        writer.writeheader()
        for n in range(21):
            row = next(stream).row()
            if n == 10:
                row["text"] = prose(mb)
            writer.writerow(row)


def run(pages: list[int], cases: list[str]) -> dict:
    from _corpus import CORPUS, write_pages

    if not CORPUS.exists():
        print(f"real text not found: {CORPUS} (bench/memory.py builds its inputs from ../shared/corpus)",
              file=sys.stderr)
        raise SystemExit(2)
    print(f"machine: {machine()}")
    results: dict = {"target_mb": TARGET_MB, "pages": {}, "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="lockstep-bench-memory-") as tmp:
        root = Path(tmp)
        if "pages" in cases:
            for n in pages:
                folder = root / f"pages-{n}"
                t = time.perf_counter()
                counts = write_pages(folder, n)
                print(f"generated {n:,} pages ({counts['bytes'] / 2**20:.0f} MB) in {time.perf_counter() - t:.0f} s",
                      flush=True)
                results["pages"][n] = run_child([__file__, "--child", str(root / f"p{n}.duckdb"), str(folder)])
                results["pages"][n]["input_mb"] = counts["bytes"] / 2**20
                print(f"  ingest: peak {results['pages'][n]['peak_rss_mb']:.0f} MB", flush=True)
        if "cell" in cases:
            path = root / "cell.csv"
            write_cell_csv(path, CELL_MB)
            results["cell"] = run_child([__file__, "--child", str(root / "cell.duckdb"), str(path)])
            results["cell"]["input_mb"] = path.stat().st_size / 2**20
            print(f"  one {CELL_MB} MB cell: peak {results['cell']['peak_rss_mb']:.0f} MB", flush=True)
        if "prose" in cases:
            path = root / "prose.txt"
            path.write_text(prose(PROSE_MB, paragraph=6), encoding="utf-8")
            results["prose"] = run_child([__file__, "--child", str(root / "prose.duckdb"), str(path)])
            results["prose"]["input_mb"] = path.stat().st_size / 2**20
            print(f"  {PROSE_MB} MB of prose: peak {results['prose']['peak_rss_mb']:.0f} MB", flush=True)
    report(results)
    return results


def report(r: dict) -> None:
    rows = []
    for n, p in r["pages"].items():
        rows.append([f"{n:,} HTML pages", p["input_mb"], p["docs"], p["seconds"], p["peak_rss_mb"]])
    for case, label in (("cell", f"CSV, one {CELL_MB} MB cell"), ("prose", f"{PROSE_MB} MB of prose (.txt)")):
        if case in r:
            rows.append([label, r[case]["input_mb"], r[case]["docs"], r[case]["seconds"], r[case]["peak_rss_mb"]])
    print_table("lockstep ingest, one worker, default options", ["input", "MB", "documents", "seconds",
                                                                  "peak RSS MB"], rows)
    sizes = sorted(r["pages"])
    if len(sizes) > 1:
        small, large = r["pages"][sizes[0]], r["pages"][sizes[-1]]
        r["flatness"] = large["peak_rss_mb"] / small["peak_rss_mb"]
        print(f"\npeak RSS {sizes[-1]:,} pages / {sizes[0]:,} pages: x{r['flatness']:.2f} "
              f"({sizes[-1] / sizes[0]:.0f}x the pages)")
    for key, value in [(f"{n:,} pages", p["peak_rss_mb"]) for n, p in r["pages"].items()] + \
            [(k, r[k]["peak_rss_mb"]) for k in ("cell", "prose") if k in r]:
        print(f"target peak RSS < {TARGET_MB} MB, {key}: {'met' if value < TARGET_MB else 'NOT met'} ({value:.0f} MB)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child_ingest(sys.argv[3:], Path(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--cases", default="pages,cell,prose", help="comma-separated: pages, cell, prose")
    args = parser.parse_args()
    results = merged(run(sorted(args.pages), args.cases.split(",")))
    write_result("memory", results)


def merged(new: dict) -> dict:
    """This run's cases over those of the last result file (each case keeps when and at what load it ran)."""
    stamp = {"measured": time.strftime("%Y-%m-%d %H:%M"), "load_average": round(os.getloadavg()[0], 1)}
    for case in [*new["pages"].values(), *(new[k] for k in ("cell", "prose") if k in new)]:
        case.update(stamp)
    path = RESULTS / "memory.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    pages = {**{int(n): v for n, v in old.get("pages", {}).items()}, **new["pages"]}
    result = {**{k: old[k] for k in ("cell", "prose") if k in old}, **new, "pages": pages}
    sizes = sorted(pages)
    if len(sizes) > 1:
        result["flatness"] = pages[sizes[-1]]["peak_rss_mb"] / pages[sizes[0]]["peak_rss_mb"]
    return result


if __name__ == "__main__":
    main()
