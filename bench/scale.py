"""How ingest and the main analyses grow from 10,000 to 1,000,000 documents.

    python bench/scale.py                                   # 10,000 and 100,000 documents
    python bench/scale.py --docs 10000,100000,1000000       # the full curve (hours on 2 cores)
    python bench/scale.py --docs 10000 --engines local1,ray # a subset of engines

Documents are generated from real text in ../shared/corpus (bench/_corpus.py: People's Daily articles, Channel
One leads, Kremlin transcript sentences; varied so replicas are not copies; 5% exact reprints and 3% edited
reprints planted) and written as JSONL shards of 10,000 rows, the form of a news-archive export. For each size:

* ingest with the local engine on 1 and 2 workers and with Ray in local mode (`ray.init(num_cpus=2)`):
  documents/s, peak RSS of the whole process tree, store size (and the Ray engine's Parquet corpus);
* throughput of each stage (read, clean, enrich, fingerprint, store) run one after the other in one process;
* the time of the main analyses on the stored result: documents by actor x month and duplicate clusters in
  SQL, and what lockstep.terms / lockstep.align offer (token index, top terms, keyness, trend, KWIC, alignment).

Every measurement runs in a fresh process. Cost per document between sizes tells whether growth is linear.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import machine, print_table, run_child  # noqa: E402

QUICK_ARGS = ["--docs", "10000"]  # bench/run.py (make bench): the smallest size only
ENGINES = {"local1": ("local", 1), "local2": ("local", 2), "ray": ("ray", 2)}


# ---- children ----------------------------------------------------------------------------------------------------


def child_ingest(folder: Path, db: Path, engine: str, workers: int) -> dict:
    from lockstep.engines.local import IngestOptions

    options = IngestOptions(workers=workers, keep_raw=False)
    if engine == "ray":
        import ray

        from lockstep.engines.ray import RayOptions, run_ray_ingest

        ray.init(num_cpus=workers, include_dashboard=False, logging_level="warning")
        ray.data.DataContext.get_current().enable_progress_bars = False
        parquet = db.with_suffix(".parquet")
        report = run_ray_ingest([str(folder)], db=db, options=options, ray_options=RayOptions(parquet_dir=str(parquet)))
        ray.shutdown()
        parquet_mb = sum(p.stat().st_size for p in parquet.rglob("*") if p.is_file()) / 2**20
    else:
        import lockstep

        with lockstep.open(db) as corpus:
            report = corpus.ingest([str(folder)], options)
        parquet_mb = 0.0
    store_mb = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file()) / 2**20
    return {"seconds": report.seconds, "docs": report.documents_stored, "records": report.records,
            "exact": report.exact_duplicates, "near": report.near_duplicates, "store_mb": store_mb,
            "parquet_mb": parquet_mb}


def analyses() -> list[tuple[str, object]]:
    """(name, fn(corpus)) for the analyses to time; each may be missing in this checkout."""

    def by_actor_month(corpus):
        return corpus.con.execute(
            "SELECT actor, date_trunc('month', published_at) AS month, count(*) AS documents, "
            "count(*) FILTER (WHERE duplicate_of IS NULL) AS originals FROM documents GROUP BY ALL "
            "ORDER BY actor, month").df()

    def clusters(corpus):
        return corpus.con.execute(
            "SELECT cluster_id, count(*) AS size, count(DISTINCT actor) AS actors, min(published_at) AS first "
            "FROM documents WHERE cluster_id IS NOT NULL GROUP BY cluster_id HAVING count(*) > 1 "
            "ORDER BY size DESC, cluster_id").df()

    def cross_actor_reprints(corpus):
        return corpus.con.execute(
            "SELECT o.actor AS first_by, d.actor AS reprinted_by, count(*) AS reprints FROM documents d "
            "JOIN documents o ON o.id = d.duplicate_of WHERE o.actor IS DISTINCT FROM d.actor "
            "GROUP BY ALL ORDER BY reprints DESC").df()

    def terms_index(corpus):
        from lockstep import terms

        return terms.update_index(corpus, terms.IndexOptions())

    def terms_top(corpus):
        from lockstep import terms

        return terms.top(corpus, terms.TopOptions(by=("actor",), period="month"))

    def terms_keyness(corpus):
        from lockstep import terms

        return terms.keyness(corpus, terms.KeynessOptions(target="Kremlin", reference="rest"))

    def terms_trend(corpus):
        from lockstep import terms

        return terms.trend(corpus, terms.TrendOptions(terms=("sovereignty",), period="month"))

    def terms_kwic(corpus):
        from lockstep import terms

        return terms.kwic(corpus, terms.KwicOptions(term="sovereignty", limit=50))

    def alignment(corpus):
        from lockstep.align.alignment_index import AlignOptions, alignment as align

        return align(corpus, AlignOptions(on="terms", period="year", n_boot=50, n_perm=50))

    return [("documents by actor x month (SQL)", by_actor_month), ("duplicate clusters (SQL)", clusters),
            ("cross-actor reprints (SQL)", cross_actor_reprints), ("terms: token index (build)", terms_index),
            ("terms: top terms by actor x month", terms_top), ("terms: keyness Kremlin vs rest", terms_keyness),
            ("terms: trend 'sovereignty' by actor x month", terms_trend), ("terms: KWIC 'sovereignty'", terms_kwic),
            ("align: alignment index on terms, by year", alignment)]


def child_analyses(db: Path, skip: list[str]) -> dict:
    import lockstep

    timings: dict[str, dict] = {}
    with lockstep.open(db) as corpus:
        for name, fn in analyses():
            if any(s and s in name for s in skip):
                continue
            t = time.perf_counter()
            try:
                result = fn(corpus)
                rows = len(result) if hasattr(result, "__len__") else None
                timings[name] = {"seconds": time.perf_counter() - t, "rows": rows}
            except Exception as exc:  # noqa: BLE001 - an analysis missing in this checkout is reported, not fatal
                timings[name] = {"seconds": None, "error": f"{type(exc).__name__}: {str(exc)[:120]}"}
    return {"analyses": timings}


def child_main(argv: list[str]) -> None:
    kind = argv[0]
    if kind == "ingest":
        result = child_ingest(Path(argv[1]), Path(argv[2]), argv[3], int(argv[4]))
    elif kind == "stages":
        from ingest import child_stages

        result = child_stages(Path(argv[1]), Path(argv[2]))
    else:
        result = child_analyses(Path(argv[1]), argv[2].split(",") if len(argv) > 2 else [])
    print(json.dumps(result, default=str))


# ---- the benchmark ---------------------------------------------------------------------------------------------


def run_size(n: int, root: Path, engines: list[str], stages_max: int, skip: list[str]) -> dict:
    from _corpus import write_jsonl

    work = root / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    counts = write_jsonl(work, n)
    folder = work / "docs"
    result: dict = {"docs": n, "mb": counts["bytes"] / 2**20, "planted": counts,
                    "generate_s": time.perf_counter() - t, "ingest": {}}
    print(f"\n== {n:,} documents: {result['mb']:.0f} MB JSONL (planted {counts['reprint']:,} exact reprints, "
          f"{counts['near']:,} edited) generated in {result['generate_s']:.0f}s", flush=True)
    for name in engines:
        engine, workers = ENGINES[name]
        db = work / f"{name}.duckdb"
        result["ingest"][name] = run_child([__file__, "--child", "ingest", str(folder), str(db), engine, str(workers)])
        r = result["ingest"][name]
        print(f"   {name}: {r['docs']:,} docs in {r['seconds']:.0f}s ({r['docs'] / r['seconds']:.0f} docs/s), "
              f"peak RSS {r['peak_rss_mb']:.0f} MB, store {r['store_mb']:.0f} MB", flush=True)
    if n <= stages_max:
        result["stages"] = run_child([__file__, "--child", "stages", str(folder), str(work / "stages.duckdb")])
    analysed = work / f"{engines[0]}.duckdb"
    result["analyses"] = run_child([__file__, "--child", "analyses", str(analysed), ",".join(skip)])
    for name in engines:  # keep the disk use of a 1M run bounded
        for path in work.glob(f"{name}.*"):
            if path != analysed and not str(path).startswith(str(analysed)):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    return result


def report(results: list[dict], engines: list[str]) -> None:
    rows = []
    for r in results:
        for name in engines:
            i = r["ingest"][name]
            rows.append([f"{r['docs']:,}", name, i["docs"] / i["seconds"], r["mb"] / i["seconds"], i["seconds"],
                         i["peak_rss_mb"], i["store_mb"], i["exact"] + i["near"]])
    print_table("ingest", ["documents", "engine", "docs/s", "MB/s", "seconds", "peak RSS MB", "store MB",
                           "duplicates found"], rows)
    stage_rows = []
    for r in results:
        if "stages" in r:
            total = sum(r["stages"]["stages"].values())
            stage_rows.append([f"{r['docs']:,}"] + [r["docs"] / s for s in r["stages"]["stages"].values()]
                              + [r["docs"] / total])
    if stage_rows:
        print_table("stages, one process (docs/s)", ["documents", "read", "clean", "enrich", "fingerprint", "store",
                                                     "all"], stage_rows)
    names = list(results[0]["analyses"]["analyses"])
    rows = []
    for name in names:
        row = [name]
        for r in results:
            a = r["analyses"]["analyses"].get(name, {})
            row.append(a.get("seconds") if a.get("seconds") is not None else a.get("error", "")[:40])
        rows.append(row)
    print_table(f"analyses on the {engines[0]} store (seconds)", ["analysis"] + [f"{r['docs']:,}" for r in results], rows)
    growth(results, engines)


def growth(results: list[dict], engines: list[str]) -> None:
    if len(results) < 2:
        return
    first, last = results[0], results[-1]
    factor = last["docs"] / first["docs"]
    print(f"\ngrowth {first['docs']:,} -> {last['docs']:,} documents (x{factor:.0f}); time ratio "
          f"(x{factor:.0f} = linear):")
    for name in engines:
        ratio = last["ingest"][name]["seconds"] / first["ingest"][name]["seconds"]
        print(f"  ingest {name}: x{ratio:.1f}")
    for name, a in last["analyses"]["analyses"].items():
        b = first["analyses"]["analyses"].get(name, {})
        if a.get("seconds") and b.get("seconds"):
            print(f"  {name}: x{a['seconds'] / b['seconds']:.1f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--engines", default="local1,local2,ray", help=f"of {', '.join(ENGINES)}")
    parser.add_argument("--stages-max", type=int, default=100_000, help="per-stage timing only up to this size")
    parser.add_argument("--skip", default="", help="comma-separated analysis name fragments to skip")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    if "ray" in engines:
        try:
            import ray  # noqa: F401
        except ImportError:
            print("ray is not installed (pip install 'lockstep[ray]'): skipping the Ray engine")
            engines.remove("ray")
    sizes = [int(s) for s in args.docs.split(",") if s]
    print(f"machine: {machine()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="lockstep-scale-") as tmp:
        root = args.keep or Path(tmp)
        for n in sizes:
            results.append(run_size(n, root, engines, args.stages_max, [s for s in args.skip.split(",") if s]))
            if args.json:
                args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=2, default=str))
    report(results, engines)


if __name__ == "__main__":
    main()
