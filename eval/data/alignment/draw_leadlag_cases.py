"""The test part of the lead–lag cases (leadlag_cases_test.csv): which ecosystem named a 2022 place or person first,
read from the shared headline sets themselves, by a rule written down before lockstep's answer was looked at.

    python eval/data/alignment/draw_leadlag_cases.py [--corpus ../shared/corpus]

Rule (fixed before any case was scored):
* candidates: the places and people below, names that became news between 24 February and 7 September 2022 (the
  window in which both ecosystems' headline sets run), each written in English and in Russian with its usual
  spellings (`*` = any continuation). Only names whose English spelling is a transliteration of the Russian one
  (what `align leads` expansion claims to bridge); names that are also a common word or surname in either language
  were left out before counting (Lyman/лиман, Mykolaiv/Николаев); the four tuning cases (biolabs, Bucha,
  Kramatorsk, Pelosi) are not candidates;
* truth: the first headline in the window that uses any form, among the Russian state side (RT, Kremlin, MFA
  Russia, Channel One; TASS, Sputnik and MoD hold no 2022 rows) and the Chinese state side (CGTN, Global Times,
  Xinhua, China Daily); the BBC is not a side;
* a candidate becomes a case when each side has at least 3 headlines with the name in the window and the two sides'
  first headlines fall on different calendar days (Russian rows are dated to the day only, so a same-day first use
  has no documented order);
* the case's query is its Russian stem (the language only Channel One writes in, so that the other side can only be
  found by expansion); eval/alignment.py scores the English stem as a second query.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SINCE, UNTIL = "2022-02-24", "2022-09-08"
SIDES = {"rt": "ru", "kremlin": "ru", "mfa": "ru", "1tv": "ru", "tass": "ru", "sputnik": "ru", "mod": "ru",
         "cgtn": "cn", "globaltimes": "cn", "xinhuanet": "cn", "chinadaily": "cn"}
CANDIDATES = {  # id: (English forms, Russian forms); the first Russian form is the query
    "mariupol": (["Mariupol*"], ["Мариупол*"]),
    "azovstal": (["Azovstal*"], ["Азовстал*"]),
    "irpin": (["Irpin*", "Irpen*"], ["Ирпен*", "Ирпин*"]),
    "hostomel": (["Hostomel*", "Gostomel*"], ["Гостомел*"]),
    "chernihiv": (["Chernihiv*", "Chernigov*"], ["Чернигов*"]),
    "kherson": (["Kherson*"], ["Херсон*"]),
    "melitopol": (["Melitopol*"], ["Мелитопол*"]),
    "berdyansk": (["Berdyansk*", "Berdiansk*"], ["Бердянск*"]),
    "izium": (["Izium*", "Izyum*"], ["Изюм*"]),
    "severodonetsk": (["Severodonetsk*", "Sievierodonetsk*", "Syevyerodonetsk*"], ["Северодонецк*"]),
    "lysychansk": (["Lysychansk*", "Lisichansk*"], ["Лисичанск*"]),
    "kremenchuk": (["Kremenchuk*", "Kremenchug*"], ["Кременчуг*"]),
    "vinnytsia": (["Vinnytsia*", "Vinnitsa*", "Vinnytsya*"], ["Винниц*"]),
    "olenivka": (["Olenivka*", "Olenovka*"], ["Оленовк*"]),
    "enerhodar": (["Enerhodar*", "Energodar*"], ["Энергодар*"]),
    "kharkiv": (["Kharkiv*", "Kharkov*"], ["Харьков*"]),
    "odesa": (["Odesa*", "Odessa*"], ["Одесс*"]),
    "balakliia": (["Balakliia*", "Balakleya*", "Balakleia*"], ["Балакле*"]),
    "kupiansk": (["Kupiansk*", "Kupyansk*"], ["Купянск*"]),
    "kaliningrad": (["Kaliningrad*"], ["Калининград*"]),
    "medinsky": (["Medinsky*", "Medinskiy*"], ["Мединск*"]),
    "podolyak": (["Podolyak*", "Podoliak*"], ["Подоляк*"]),
    "arestovich": (["Arestovich*", "Arestovych*"], ["Арестович*"]),
    "medvedchuk": (["Medvedchuk*"], ["Медведчук*"]),
    "kuleba": (["Kuleba*"], ["Кулеб*"]),
    "gorbachev": (["Gorbachev*", "Gorbachov*"], ["Горбачев*", "Горбачёв*"]),
    "truss": (["Truss"], ["Трасс"]),
    "scholz": (["Scholz*"], ["Шольц*"]),
    "stoltenberg": (["Stoltenberg*"], ["Столтенберг*"]),
    "blinken": (["Blinken*"], ["Блинкен*"]),
}
COLUMNS = ["id", "query", "query_lang", "query_en", "since", "until", "first_side", "first_date", "first_outlet",
           "other_first_date", "headlines_ru", "headlines_cn", "forms", "source"]


def pattern(forms: list[str]) -> re.Pattern[str]:
    parts = [r"(?<!\w)" + r"\w*".join(re.escape(p) for p in form.split("*")) + r"(?!\w)" for form in forms]
    return re.compile("|".join(parts), re.IGNORECASE)


def headlines(corpus: Path) -> list[tuple[str, str, str]]:
    """(date, outlet, text) of both sides' headlines in the window."""
    csv.field_size_limit(10**8)
    rows = []
    with gzip.open(corpus / "cn-state-media-2022" / "headlines.csv.gz", "rt", encoding="utf-8") as fh:
        rows += [(r["published_iso"][:19], r["outlet"], r["headline"]) for r in csv.DictReader(fh)]
    with gzip.open(corpus / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt",
                   encoding="utf-8") as fh:
        rows += [(r["date"][:19], r["outlet"], r["title"] + " " + (r["snippet"] or "")) for r in csv.DictReader(fh)]
    with gzip.open(corpus / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt", encoding="utf-8") as fh:
        rows += [(r["date"][:19], "1tv", r["title"].replace("\xa0", " ")) for r in csv.DictReader(fh)]
    return sorted(r for r in rows if r[1] in SIDES and SINCE <= r[0][:10] < UNTIL)


def case(name: str, forms: tuple[list[str], list[str]], rows: list[tuple[str, str, str]]) -> dict | None:
    english, russian = forms
    found = pattern(english + russian)
    used = [r for r in rows if found.search(r[2])]
    firsts = {side: next((r for r in used if SIDES[r[1]] == side), None) for side in ("ru", "cn")}
    counts = {side: sum(SIDES[r[1]] == side for r in used) for side in ("ru", "cn")}
    if min(counts.values()) < 3 or firsts["ru"][0][:10] == firsts["cn"][0][:10]:
        return None
    first = min(firsts.values())
    side = SIDES[first[1]]
    other = firsts["cn" if side == "ru" else "ru"]
    return {"id": name, "query": russian[0], "query_lang": "ru", "query_en": english[0], "since": SINCE,
            "until": UNTIL, "first_side": side, "first_date": first[0][:10], "first_outlet": first[1],
            "other_first_date": other[0][:10], "headlines_ru": counts["ru"], "headlines_cn": counts["cn"],
            "forms": " | ".join(english + russian),
            "source": f"{first[1]} {first[0][:10]}: {one_line(first[2])} / first on the other side: "
                      f"{other[1]} {other[0][:10]}: {one_line(other[2])}"}


def one_line(text: str) -> str:
    return " ".join(text.split())[:100]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parents[3] / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=HERE / "leadlag_cases_test.csv")
    args = parser.parse_args()
    rows = headlines(args.corpus)
    cases = []
    for name, forms in CANDIDATES.items():
        found = case(name, forms, rows)
        print(f"{name:14s} " + (f"{found['first_side']} first {found['first_date']} (other {found['other_first_date']}; "
                                f"{found['headlines_ru']} ru / {found['headlines_cn']} cn headlines)" if found
                                else "not a case (fewer than 3 headlines on a side, or the same first day)"))
        if found:
            cases.append(found)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(cases)
    print(f"{len(cases)} cases -> {args.out}")


if __name__ == "__main__":
    main()
