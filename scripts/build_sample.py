"""Rebuild the bundled demo corpus in sample/ from ../shared/corpus (deterministic: seeded sampling).

    python scripts/build_sample.py

Takes February-September 2022 headlines from the Russian and Chinese state-media sets (plus BBC as a
control), 2022 Channel One leads in Russian, and the three seed pages. Sizes stay within what the
data's README allows to bundle (a few thousand headlines).
"""

from __future__ import annotations

import csv
import gzip
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "sample"
PERIOD = ("2022-02-01", "2022-10-01")
PER_OUTLET = {"rt": 900, "mfa": 500, "kremlin": 100, "tass": 0, "cgtn": 450, "globaltimes": 450,
              "xinhuanet": 450, "chinadaily": 450, "bbc": 450}
LEADS_1TV = 300


def in_period(date: str) -> bool:
    return PERIOD[0] <= date[:10] < PERIOD[1]


def sample_rows(rows: list[dict], outlet_key: str, rng: random.Random) -> list[dict]:
    by_outlet: dict[str, list[dict]] = {}
    for row in rows:
        by_outlet.setdefault(row[outlet_key], []).append(row)
    picked = []
    for outlet, items in sorted(by_outlet.items()):
        n = PER_OUTLET.get(outlet, 0)
        picked += rng.sample(items, min(n, len(items)))
    return sorted(picked, key=lambda r: (r[outlet_key], r.get("date") or r.get("published_iso")))


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(2022)
    OUT.mkdir(exist_ok=True)
    with gzip.open(SHARED / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt") as fh:
        ru = [r for r in csv.DictReader(fh) if in_period(r["date"])]
    write_csv(OUT / "ru-state-media-2022.csv.gz", sample_rows(ru, "outlet", rng),
              ["outlet", "date", "title", "url", "snippet"])
    with gzip.open(SHARED / "cn-state-media-2022" / "headlines.csv.gz", "rt") as fh:
        cn = [r for r in csv.DictReader(fh) if in_period(r["published_iso"])]
    write_csv(OUT / "cn-state-media-2022.csv.gz", sample_rows(cn, "outlet", rng),
              ["outlet", "published_iso", "headline", "section"])
    with gzip.open(SHARED / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt") as fh:
        leads = [r for r in csv.DictReader(fh) if in_period(r["date"])]
    picked = sorted(rng.sample(leads, min(LEADS_1TV, len(leads))), key=lambda r: r["date"])
    write_csv(OUT / "1tv-leads-2022-ru.csv.gz", picked, ["url", "title", "date", "content"])
    seeds = OUT / "seeds"
    seeds.mkdir(exist_ok=True)
    for page in sorted((SHARED / "seeds").glob("*.txt")):
        shutil.copy(page, seeds / page.name)


if __name__ == "__main__":
    main()
