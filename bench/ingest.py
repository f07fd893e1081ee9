"""Ingest throughput on HTML news pages, next to bare trafilatura on the same pages in the same run.

    python bench/ingest.py --real                # the 181 real pages of the extraction benchmark, 5 rounds
    python bench/ingest.py                       # 2,000 generated pages, 1 and 2 workers
    python bench/ingest.py --pages 20000         # 20,000 generated pages
    python bench/ingest.py --pages 500 --profile # where the time goes (cProfile, one worker)

The reference is trafilatura in the mode lockstep itself calls it: `trafilatura.extract(html, fast=True,
include_comments=False)` (no readability/jusText fallback), main text only; its slower default mode is not the
reference. Ratios are given in wall time and per core (pages per CPU-second of the whole process, DuckDB's
threads included).

`--real`: the extraction benchmark's 181 real pages (../shared/corpus/extraction-benchmark, decompressed to one
file each), `--rounds` rounds that alternate trafilatura and `lockstep ingest` (one worker), each in a fresh
process that first warms up on other pages (imports, language models), so the clock covers the pages only.
Target (issue 20): ingest >= 1.5x trafilatura fast mode per core. Writes bench/results/ingest-real.json.

Generated pages are built from real text (../shared/corpus) in realistic page chrome with planted reprints
(see bench/_corpus.py). Every measurement runs in a fresh process; peak RSS covers the process and its workers.
Reports docs/s, MB/s (of HTML) and peak RSS for: trafilatura alone; each stage (read, clean, enrich,
fingerprint, store) run one after the other in one process; the whole pipeline (`lockstep ingest`) on 1 and 2
workers; ratios against trafilatura and the scaling from 1 to 2 workers. Writes bench/results/ingest-<pages>.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import machine, print_table, run_child, write_result  # noqa: E402

STAGES = ("read", "clean", "enrich", "fingerprint", "store")
BENCHMARK = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "extraction-benchmark"
TARGET = 1.5  # ingest >= 1.5x trafilatura fast mode per core on real pages (issue 20)


# ---- children (each runs in its own process and prints one JSON line) -----------------------------------------


def cpu_seconds() -> float:
    """CPU time of this process, all its threads (DuckDB's included), and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_trafilatura(folder: Path, warm: Path | None = None) -> dict:
    """trafilatura in lockstep's mode (fast=True, no comments) on every page, as a bare loop."""
    import trafilatura

    for path in sorted(warm.rglob("*.html"))[:20] if warm else []:
        trafilatura.extract(path.read_bytes(), fast=True, include_comments=False)
    files = sorted(folder.rglob("*.html"))
    started, cpu = time.perf_counter(), cpu_seconds()
    extracted = 0
    for path in files:
        extracted += trafilatura.extract(path.read_bytes(), fast=True, include_comments=False) is not None
    return {"seconds": time.perf_counter() - started, "cpu": cpu_seconds() - cpu, "docs": extracted,
            "pages": len(files)}


def child_stages(folder: Path, db: Path) -> dict:
    """The local engine's work, stage by stage in one process, each stage timed on its own. Records are batched
    across files as the engine does (`batch_size` records a batch, ~`write_rows` rows a store transaction)."""
    import pyarrow as pa

    import lockstep
    from lockstep.dedup.clusters import DedupIndex, point_to_earliest
    from lockstep.engines.local import IngestOptions, batched
    from lockstep.engines.stages import StageOptions, clean_stage, enrich_stage, fingerprint_stage
    from lockstep.model import raw_to_batch
    from lockstep.sources.files import ReadOptions, file_sha, iter_inputs, read_input
    from lockstep.store.writer import write_batch

    seconds = dict.fromkeys(STAGES, 0.0)
    options, read_options = StageOptions(), ReadOptions()
    counts = {"docs": 0, "records": 0}

    def timed(stage: str, fn, *args):
        t = time.perf_counter()
        value = fn(*args)
        seconds[stage] += time.perf_counter() - t
        return value

    def records():
        for item in iter_inputs([str(folder)]):
            yield from read_input(item.path, file_sha(item.path), read_options)

    engine = IngestOptions()
    stream = batched(records(), engine.batch_size)
    with lockstep.open(db) as corpus:
        index = DedupIndex.load(corpus.con)
        waiting: list = []
        while (chunk := timed("read", next, stream, None)) is not None:
            counts["records"] += len(chunk)
            batch = timed("read", raw_to_batch, chunk)
            batch = timed("clean", clean_stage, batch, options)
            batch = timed("enrich", enrich_stage, batch, options)
            waiting.append(timed("fingerprint", fingerprint_stage, batch, options))
            if sum(b.num_rows for b in waiting) >= engine.write_rows:  # as the engine: ~write_rows a transaction
                counts["docs"] += timed("store", write_batch, corpus.con, pa.concat_batches(waiting), index).stored
                waiting = []
        if waiting:
            counts["docs"] += timed("store", write_batch, corpus.con, pa.concat_batches(waiting), index).stored
        timed("store", point_to_earliest, corpus.con)
    return {"stages": seconds, "docs": counts["docs"], "pages": counts["records"]}


def child_pipeline(folder: Path, db: Path, workers: int, warm: Path | None = None) -> dict:
    import lockstep
    from lockstep.engines.local import IngestOptions

    if warm:  # imports, language models and DuckDB's start-up, outside the clock
        with lockstep.open(db.with_suffix(".warm.duckdb")) as corpus:
            corpus.ingest([str(warm)], IngestOptions(workers=workers))
    with lockstep.open(db) as corpus:
        cpu = cpu_seconds()
        report = corpus.ingest([str(folder)], IngestOptions(workers=workers))
        cpu = cpu_seconds() - cpu
        clusters = corpus.con.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL").fetchone()[0]
    return {"seconds": report.seconds, "cpu": cpu, "docs": report.documents_stored, "pages": report.records,
            "duplicates": clusters, "exact": report.exact_duplicates, "near": report.near_duplicates}


def child_profile(folder: Path, db: Path, top: int) -> dict:
    import lockstep
    from lockstep.engines.local import IngestOptions

    profiler = cProfile.Profile()
    with lockstep.open(db) as corpus:
        profiler.enable()
        corpus.ingest([str(folder)], IngestOptions(workers=1))
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top + 15)
    return {"profile": out.getvalue()}


def child_main(argv: list[str]) -> None:
    kind, folder = argv[0], Path(argv[1])
    if kind == "trafilatura":
        result = child_trafilatura(folder, Path(argv[2]) if len(argv) > 2 else None)
    elif kind == "stages":
        result = child_stages(folder, Path(argv[2]))
    elif kind == "pipeline":
        result = child_pipeline(folder, Path(argv[2]), int(argv[3]), Path(argv[4]) if len(argv) > 4 else None)
    else:
        result = child_profile(folder, Path(argv[2]), int(argv[3]))
    print(json.dumps(result))


# ---- the benchmark ---------------------------------------------------------------------------------------------


def run(pages: int, workers: list[int], profile: bool, keep: Path | None) -> dict:
    from _corpus import write_pages

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="lockstep-bench-") as tmp:
        root = keep or Path(tmp)
        t = time.perf_counter()
        counts = write_pages(root, pages)
        folder = root / "pages"
        mb = counts["bytes"] / 2**20
        print(f"generated {pages:,} pages ({mb:.1f} MB HTML; planted {counts['reprint']} exact reprints, "
              f"{counts['near']} near copies) in {time.perf_counter() - t:.1f}s")
        results = {"pages": pages, "mb": mb, "planted": counts, "machine": machine()}
        results["trafilatura"] = run_child([__file__, "--child", "trafilatura", str(folder)])
        results["stages"] = run_child([__file__, "--child", "stages", str(folder), str(root / "stages.duckdb")])
        for w in workers:
            results[f"pipeline_{w}"] = run_child([__file__, "--child", "pipeline", str(folder),
                                                  str(root / f"pipeline{w}.duckdb"), str(w)])
        if profile:
            results["profile"] = run_child([__file__, "--child", "profile", str(folder),
                                            str(root / "profile.duckdb"), "25"])["profile"]
    report(results, workers)
    return results


def report(r: dict, workers: list[int]) -> None:
    mb, pages = r["mb"], r["pages"]
    traf = r["trafilatura"]
    rows = [["trafilatura fast mode alone", pages / traf["seconds"], mb / traf["seconds"], traf["seconds"],
             pages / traf["cpu"], traf["peak_rss_mb"], 1.0, 1.0]]
    stage_total = sum(r["stages"]["stages"].values())
    for w in workers:
        p = r[f"pipeline_{w}"]
        rows.append([f"lockstep ingest, {w} worker{'s' if w > 1 else ''}", pages / p["seconds"], mb / p["seconds"],
                     p["seconds"], pages / p["cpu"], p["peak_rss_mb"], traf["seconds"] / p["seconds"],
                     traf["cpu"] / p["cpu"]])
    print_table(f"whole pipeline on {pages:,} pages ({mb:.1f} MB)",
                ["", "pages/s", "MB/s", "seconds", "pages/CPU-s", "peak RSS MB", "x trafilatura",
                 "x per core"], rows)
    stage_rows = [[name, pages / s if s else float("inf"), mb / s if s else float("inf"), s, 100 * s / stage_total]
                  for name, s in r["stages"]["stages"].items()]
    stage_rows.append(["all stages", pages / stage_total, mb / stage_total, stage_total, 100.0])
    print_table(f"stages, one process (peak RSS {r['stages']['peak_rss_mb']:.0f} MB)",
                ["stage", "pages/s", "MB/s", "seconds", "% of time"], stage_rows)
    if len(workers) > 1:
        base = r[f"pipeline_{workers[0]}"]["seconds"]
        for w in workers[1:]:
            speedup = base / r[f"pipeline_{w}"]["seconds"]
            print(f"\nscaling {workers[0]} -> {w} workers: x{speedup:.2f} (ideal x{w / workers[0]:.0f}, "
                  f"efficiency {100 * speedup / (w / workers[0]):.0f}%)")
    first = r[f"pipeline_{workers[0]}"]
    print(f"stored {first['docs']:,} documents; duplicates marked {first['duplicates']:,} "
          f"(exact {first['exact']:,}, near {first['near']:,}; planted {r['planted']['reprint']:,} + "
          f"{r['planted']['near']:,})")
    if r.get("profile"):
        print("\nprofile (one worker):\n" + r["profile"])


def run_real(rounds: int) -> dict:
    """The 181 benchmark pages: rounds alternating trafilatura fast mode and lockstep ingest, fresh processes."""
    import gzip

    from _corpus import write_pages

    if not BENCHMARK.exists():
        print(f"extraction benchmark not found: {BENCHMARK} (bench/ingest.py --real reads its 181 pages)",
              file=sys.stderr)
        raise SystemExit(2)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="lockstep-bench-real-") as tmp:
        root = Path(tmp)
        folder = root / "pages"
        folder.mkdir()
        for path in sorted((BENCHMARK / "html").glob("*.html.gz")):
            (folder / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
        write_pages(root / "warm", 50)  # generated pages to warm up on (other text than the measured pages)
        warm = root / "warm" / "pages"
        mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        runs: dict[str, list[dict]] = {"trafilatura": [], "lockstep": []}
        for n in range(rounds):
            for name in (("trafilatura", "lockstep") if n % 2 == 0 else ("lockstep", "trafilatura")):
                if name == "trafilatura":
                    runs[name].append(run_child([__file__, "--child", "trafilatura", str(folder), str(warm)]))
                else:
                    runs[name].append(run_child([__file__, "--child", "pipeline", str(folder),
                                                 str(root / f"real{n}.duckdb"), "1", str(warm)]))
            print(f"round {n + 1}: trafilatura {runs['trafilatura'][-1]['cpu']:.2f} CPU-s, lockstep "
                  f"{runs['lockstep'][-1]['cpu']:.2f} CPU-s", flush=True)
    pages = runs["lockstep"][0]["pages"]
    result = {"pages": pages, "mb": mb, "rounds": rounds, "runs": runs,
              "per_core": [t["cpu"] / p["cpu"] for t, p in zip(runs["trafilatura"], runs["lockstep"])],
              "wall": [t["seconds"] / p["seconds"] for t, p in zip(runs["trafilatura"], runs["lockstep"])],
              "target": TARGET}
    report_real(result)
    return result


def report_real(r: dict) -> None:
    rows = []
    for name, runs in r["runs"].items():
        cpu, wall = [x["cpu"] for x in runs], [x["seconds"] for x in runs]
        rows.append([name if name == "lockstep" else "trafilatura fast mode",
                     f"{r['pages'] / max(cpu):.0f}–{r['pages'] / min(cpu):.0f}",
                     f"{r['pages'] / max(wall):.0f}–{r['pages'] / min(wall):.0f}",
                     f"{statistics.median(x['peak_rss_mb'] for x in runs):.0f}", runs[0]["docs"]])
    print_table(f"{r['pages']} real pages of the extraction benchmark ({r['mb']:.1f} MB), {r['rounds']} rounds "
                "(ranges over rounds)", ["", "pages/CPU-s", "pages/s", "peak RSS MB", "documents"], rows)
    per_core, wall = sorted(r["per_core"]), sorted(r["wall"])
    print(f"\nlockstep ingest / trafilatura fast mode: per core x{per_core[0]:.2f}–{per_core[-1]:.2f} "
          f"(median {statistics.median(per_core):.2f}), wall x{wall[0]:.2f}–{wall[-1]:.2f}")
    met = statistics.median(per_core) >= r["target"]
    print(f"target >= x{r['target']} per core: {'met' if met else 'NOT met'}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="the 181 real pages of the extraction benchmark")
    parser.add_argument("--rounds", type=int, default=5, help="--real: rounds of trafilatura and lockstep")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--profile", action="store_true", help="also profile the one-worker pipeline (cProfile)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()
    if args.real:
        write_result("ingest-real", run_real(args.rounds))
        return
    results = run(args.pages, args.workers, args.profile, args.keep)
    write_result(f"ingest-{args.pages}", {k: v for k, v in results.items() if k != "profile"})
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
