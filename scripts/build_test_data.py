"""Rebuild tests/data from ../shared: the slices of the real data sets that the tests read, and nothing more.

    python scripts/build_test_data.py

tests/data mirrors ../shared's layout (same folder and file names, same columns), so a test reads its slice at the
same relative path. Each slice holds exactly the rows its tests select (the first n rows, the rows of a month,
the first n of an outlet...), in the original order, so a test sees the same rows on a bare clone as it did on
the whole set. Gzip files are written with a zero time stamp, so a rebuild is byte for byte the same.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

from lockstep.dedup.fingerprint import text_hash

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "tests" / "data"
csv.field_size_limit(10**9)

LEADS = "corpus/ru-state-media/1tv_news_leads_ru.csv.gz"
RU_HEADLINES = "corpus/ru-state-media/headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz"
CN_HEADLINES = "corpus/cn-state-media-2022/headlines.csv.gz"
DAILY = "corpus/peoples-daily-zh/data/cpcnews_gjwj.csv.gz"
BENCHMARK = "corpus/extraction-benchmark"
TAXONOMY = "taxonomies/semeval2025-t10"
BENCHMARK_PAGES = [  # tests/clean/test_html_extraction.py PAGES, and test_article_body.py's structured page
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856",
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
    "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",
    "08f793762792",
]
REAL_MONTH, REAL_PER_OUTLET = "2022-07", 150  # tests/align/test_real.py
LEADS_FIRST = 1900


def read_rows(name: str) -> tuple[list[str], list[dict]]:
    with gzip.open(SHARED / name, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(name: str, fields: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_gzip(name, buffer.getvalue().encode("utf-8"))


def write_gzip(name: str, data: bytes) -> None:
    target = OUT / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
        fh.write(data)
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1024:.0f} KB")


def first_of_month(rows: list[dict], date: str, outlets: set[str]) -> set[int]:
    """Row numbers of the first REAL_PER_OUTLET rows of each outlet in REAL_MONTH, by date (ties in file order)."""
    chosen, seen = set(), dict.fromkeys(outlets, 0)
    month = sorted((n for n, r in enumerate(rows) if r["outlet"] in outlets and r[date].startswith(REAL_MONTH)),
                   key=lambda n: rows[n][date])
    for n in month:
        if seen[rows[n]["outlet"]] < REAL_PER_OUTLET:
            seen[rows[n]["outlet"]] += 1
            chosen.add(n)
    return chosen


def first_of_outlets(rows: list[dict], outlets: tuple[str, ...], n: int) -> set[int]:
    chosen: set[int] = set()
    for outlet in outlets:
        chosen |= set([i for i, r in enumerate(rows) if r["outlet"] == outlet][:n])
    return chosen


def leads() -> None:
    """The first 1,900 rows (terms: 150; language: 200; the dedup index test reads 3,000 rows and keeps the first
    300 distinct leads of 20 words or more, which all lie in the first 1,900) and every 2022 lead over 200
    characters (lockstep.testing.planted_corpus draws the tests' planted corpus from those)."""
    fields, rows = read_rows(LEADS)
    keep = [r for n, r in enumerate(rows)
            if n < LEADS_FIRST or (r["date"].startswith("2022") and len(r["content"]) > 200)]
    if dedup_leads(keep[:3000]) != dedup_leads(rows[:3000]):
        raise SystemExit(f"the first {LEADS_FIRST} leads no longer hold the dedup test's 300: raise LEADS_FIRST")
    write_rows(LEADS, fields, keep)


def dedup_leads(rows: list[dict]) -> list[str]:
    """What tests/pipeline/test_dedup_index.py's `leads` fixture selects (its distinct texts by normalised form)."""
    texts = [r["content"] for r in rows if r["content"] and len(r["content"].split()) >= 20]
    distinct = {text_hash(t): t for t in reversed(texts)}
    return list(reversed(distinct.values()))[:300]


def headlines() -> None:
    fields, rows = read_rows(RU_HEADLINES)
    chosen = first_of_month(rows, "date", {"rt", "mfa"})
    write_rows(RU_HEADLINES, fields, [r for n, r in enumerate(rows) if n in chosen])
    fields, rows = read_rows(CN_HEADLINES)
    chosen = set(range(400))  # tests/pipeline/test_language.py
    chosen |= first_of_outlets(rows, ("cgtn", "xinhuanet", "chinadaily"), 60)  # tests/terms/conftest.py
    chosen |= first_of_month(rows, "published_iso", {"cgtn", "xinhuanet", "chinadaily", "bbc"})
    write_rows(CN_HEADLINES, fields, [r for n, r in enumerate(rows) if n in chosen])


def peoples_daily() -> None:
    """The first 12 complete rows (tests/terms/conftest.py: `dropna().head(12)`)."""
    fields, rows = read_rows(DAILY)
    write_rows(DAILY, fields, [r for r in rows if all(r[f] for f in fields)][:12])


def extraction_benchmark() -> None:
    gold = json.loads((SHARED / BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    keys = [next(k for k in gold if k.startswith(prefix)) for prefix in BENCHMARK_PAGES]
    target = OUT / BENCHMARK
    (target / "html").mkdir(parents=True, exist_ok=True)
    for key in keys:
        shutil.copyfile(SHARED / BENCHMARK / "html" / f"{key}.html.gz", target / "html" / f"{key}.html.gz")
    sliced = {k: gold[k] for k in keys}
    (target / "ground-truth.json").write_text(json.dumps(sliced, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.copyfile(SHARED / BENCHMARK / "LICENSE", target / "LICENSE")
    print(f"{target.relative_to(ROOT)}: {len(keys)} pages")


def taxonomy() -> None:
    target = OUT / TAXONOMY
    target.mkdir(parents=True, exist_ok=True)
    for name in ("subtask2_narratives.txt", "subtask2_subnarratives.txt"):
        shutil.copyfile(SHARED / TAXONOMY / name, target / name)
    print(f"{target.relative_to(ROOT)}: label names")


def main() -> None:
    if not SHARED.exists():
        raise SystemExit(f"shared data not found at {SHARED}: this script slices it into tests/data")
    leads()
    headlines()
    peoples_daily()
    extraction_benchmark()
    taxonomy()


if __name__ == "__main__":
    main()
