"""Draw the real headlines of the test part of the hand translations (translations_test.csv), by a rule fixed before
any of them was translated or scored.

    python eval/data/alignment/draw_translations.py [--corpus ../shared/corpus] [--per-language 16]

Rule: from the same sources as the tuning part (translations.csv) — Channel One titles of 2022 (ru), People's
Daily titles (zh), RT and CGTN / Xinhua / Global Times / China Daily headlines of 2022 (en) — every distinct text of
at least 40 weighted characters (the shipped `echoes --min-chars`; a Chinese character counts 3) that is not a
source of the tuning part, shuffled with seed 19; the first `per_language` of each source language are taken, in
that order, and the kept texts alternate between the two target languages (ru: en, zh, en, ...; zh: en, ru, ...;
en: ru, zh, ...). A drawn text is skipped only when it is not a news headline: a broadcast's programme title
(NOT_HEADLINE); skips are printed with their reason. The translations (translations_test.csv) are made by hand
from this list, each a faithful headline in the target language.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
HAN = re.compile(r"[\u4e00-\u9fff]")
TARGETS = {"ru": ("en", "zh"), "zh": ("en", "ru"), "en": ("ru", "zh")}
SEED = 19
NOT_HEADLINE = re.compile(r"^Выпуск (программы|новостей)")  # "Выпуск программы «Время» в 21:00 от 30.05.2022"


def weighted_length(text: str) -> int:
    return len(text) + 2 * len(HAN.findall(text))


def candidates(corpus: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Source language -> [(outlet, date, text)] of every eligible distinct text."""
    csv.field_size_limit(10**8)
    out: dict[str, list[tuple[str, str, str]]] = {"ru": [], "zh": [], "en": []}
    with gzip.open(corpus / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt", encoding="utf-8") as fh:
        out["ru"] = [("1tv", r["date"][:10], r["title"].replace("\xa0", " ").strip()) for r in csv.DictReader(fh)
                     if r["date"].startswith("2022")]
    for path in sorted((corpus / "peoples-daily-zh" / "data").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            out["zh"] += [("peoples-daily", r["date"][:10], r["title"].strip()) for r in csv.DictReader(fh)
                          if r.get("title")]
    with gzip.open(corpus / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt",
                   encoding="utf-8") as fh:
        out["en"] = [("rt", r["date"][:10], r["title"].strip()) for r in csv.DictReader(fh)
                     if r["outlet"] == "rt" and r["date"].startswith("2022")]
    with gzip.open(corpus / "cn-state-media-2022" / "headlines.csv.gz", "rt", encoding="utf-8") as fh:
        out["en"] += [(r["outlet"], r["published_iso"][:10], r["headline"].strip()) for r in csv.DictReader(fh)
                      if r["outlet"] != "bbc" and r["published_iso"].startswith("2022")]
    with (HERE / "translations.csv").open(encoding="utf-8") as fh:
        tuning = {r["source_text"] for r in csv.DictReader(fh)}
    for lang, rows in out.items():
        seen: dict[str, tuple[str, str, str]] = {}
        for outlet, date, text in sorted(rows):
            if text and text not in tuning and weighted_length(text) >= 40:
                seen.setdefault(text, (outlet, date, text))
        out[lang] = list(seen.values())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parents[3] / "shared" / "corpus")
    parser.add_argument("--per-language", type=int, default=16)
    parser.add_argument("--extra", type=int, default=8, help="further candidates printed, for skips")
    args = parser.parse_args()
    rng = random.Random(SEED)
    for lang, rows in candidates(args.corpus).items():
        kept = 0
        for outlet, date, text in rng.sample(rows, args.per_language + args.extra):
            if NOT_HEADLINE.search(text):
                print(f"{lang}\tskip\t-\t{outlet}\t{date}\t{text}\t(a programme title, not a headline)")
                continue
            if kept < args.per_language:
                print(f"{lang}\t{kept:02d}\t{TARGETS[lang][kept % 2]}\t{outlet}\t{date}\t{text}")
            kept += 1


if __name__ == "__main__":
    main()
