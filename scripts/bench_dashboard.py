"""Dashboard and report queries on a large synthetic store: is every page still responsive at 1,000,000 documents?

Builds (once) a store of N documents x 2 paragraphs directly in DuckDB from the sample headlines (random actors,
languages, dates, 1% reprints), then times the queries each page runs, through the FastAPI test client.

    .venv/bin/python scripts/bench_dashboard.py --documents 1000000 --db /tmp/bench-1m.duckdb
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ACTORS = ["RT", "TASS", "MFA Russia", "Kremlin", "Xinhua", "CGTN", "Global Times", "China Daily", "BBC", "Channel One"]


def build(db: Path, n: int) -> None:
    import gzip

    import duckdb

    from lockstep.store.schema import ensure_schema

    root = Path(__file__).resolve().parents[1] / "sample"
    lines = []
    for name in ("ru-state-media-2022.csv.gz", "cn-state-media-2022.csv.gz"):
        with gzip.open(root / name, "rt", encoding="utf-8") as fh:
            lines += [line.rsplit(",", 2)[0].split(",", 2)[-1] for line in fh.read().splitlines()[1:] if line]
    con = duckdb.connect(str(db))
    ensure_schema(con)
    con.execute("CREATE TEMP TABLE heads AS SELECT unnest(?) AS h, generate_subscripts(?, 1) AS k", [lines, lines])
    m = len(lines)
    con.execute(f"""
        INSERT INTO documents (id, title, text, outlet, actor, actor_country, language, published, published_at,
                               published_precision, published_source, duplicate_of, cluster_id, n_chars, removed)
        SELECT printf('%016x', i) AS id, a.h AS title, a.h || chr(10) || chr(10) || b.h AS text,
               lower(replace(actor, ' ', '')) AS outlet, actor, CASE WHEN i % 10 < 4 THEN 'RU' ELSE 'CN' END,
               CASE WHEN i % 10 = 9 THEN 'ru' ELSE 'en' END,
               strftime(ts, '%Y-%m-%dT%H:%M'), ts, 'minute', 'metadata',
               CASE WHEN i % 100 = 1 THEN printf('%016x', i - 1) END,
               CASE WHEN i % 100 = 1 THEN printf('%016x', i - 1) ELSE printf('%016x', i) END,
               length(a.h) + length(b.h) + 2, '[]'
        FROM (SELECT i, {ACTORS!r}[1 + (i % 10)] AS actor,
                     TIMESTAMP '2022-01-01' + to_minutes(CAST((i * 7919) % 525600 AS BIGINT)) AS ts
              FROM range(?) t(i)) d
        JOIN heads a ON a.k = 1 + (d.i % {m}) JOIN heads b ON b.k = 1 + ((d.i * 31 + 7) % {m})""", [n])
    con.execute("""INSERT INTO paragraphs SELECT id, 0, 0, length(title), title FROM documents""")
    con.execute("""INSERT INTO paragraphs SELECT id, 1, length(title) + 2, length(text), substr(text, length(title) + 3)
                   FROM documents""")
    con.close()


def timed(client, url: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/lockstep-bench-dashboard.duckdb"))
    args = parser.parse_args()
    if not args.db.exists():
        started = time.perf_counter()
        build(args.db, args.documents)
        print(f"built {args.documents:,} documents in {time.perf_counter() - started:.1f} s")
    import warnings

    warnings.filterwarnings("ignore")
    from fastapi.testclient import TestClient

    from lockstep.web.app import create_app
    from lockstep.web.options import ServeOptions

    client = TestClient(create_app(ServeOptions(db=args.db)))
    doc = client.get("/api/search", params={"q": "China", "per_page": 5}).json()["results"][0]["doc_id"]
    urls = {
        "overview page": "/",
        "overview JSON": "/api/overview",
        "search, one word": "/search?q=sanctions",
        "search, two words + actor + dates": "/search?q=China+Russia&actor=Xinhua&since=2022-03-01&until=2022-06-01",
        "search, rare word": "/search?q=Kazakhstan",
        "search, no match": "/search?q=zzqxv",
        "search, page 40": "/search?q=China&page=40",
        "search, browse newest": "/search",
        "document page": f"/documents/{doc}",
        "document JSON": f"/api/documents/{doc}",
        "explorer page shell": "/terms?term=sanctions",
    }
    for name, url in urls.items():
        print(f"{name:38s} {timed(client, url):7.3f} s")


if __name__ == "__main__":
    main()
