"""Alignment quality with known answers: planted reprints, planted translations, documented lead–lag cases.

    python eval/alignment.py [--check] [--only measures,crosslingual,leads]

* measures: the planted corpus of tests/align/planted.py (real Channel One leads; B reprints A five days later with
  one framing sentence; C writes about other things and has no narrative; D, E other leads). Figures: the reprint
  pair's lowest value over the three measures, its lowest relative (value / permutation baseline), and the
  separation on terms and phrases (reprint value minus the highest value of a pair that shares no text);
* crosslingual: real ru/zh/en headlines and their hand translations (eval/data/alignment/translations.csv) planted,
  hours to days apart, among real headlines of the same window; precision and recall of the cross-lingual echo
  links per language pair (no matching number needed: most planted pairs carry none);
* leads: documented 2022 cases of a claim that travelled between Russian- and English/Chinese-language state media
  (eval/data/alignment/leadlag_cases.csv), the query in one language only; a case is recovered when `align leads`
  (with cross-language expansion) names an actor of the documented first side as first;
* firstview: what the first alignment view shows on the real headlines of July–August 2022, the months the BBC
  control covers (narratives tagged zero-shot, the report's 5 documents per actor and month): the pairs of state
  actors of one bloc (Russian, Chinese) should read apart from the pairs with the BBC. Per month, for the view the
  report and dashboard show first (`align.index.FIRST_VIEW`) and, measured in the same run, every other measure and
  presentation (narratives_jsd values were the view before): `bloc_auc` = the chance that a pair within a bloc
  reads higher than a pair with the BBC, `gap` = their mean difference as a share of the view's colour scale (0 to
  the highest pair), `state_auc` the same chance for every state pair (Russian–Chinese ones included). July chose
  the view (with the whole of July–August looked at first), August is scored against the floors;
* leadnull: the lead–lag significance test on real daily series of the 2022 headline sets (Feb–Sep): pairs of an
  actor's series for one term and another actor's series for a term of another topic, the actors of different
  regions (Russian state, Chinese state, the BBC), are unrelated: the share of them found significant at p < 0.05
  is the false-positive rate (nominal: 0.05); pairs of the same term in two actors of the same region are related
  (the share found significant). Terms of a tuning list chose the test's design (blocks of 2 max_lag + 1 days,
  10 mentions, 3 documents a day); a separate test list is scored against the floors. Measured on the same pairs
  in the same run: the nulls the test replaced (steps shuffled one by one; whole-series circular shifts, with 0
  on days without documents).

Writes eval/results/alignment.json; --check compares with the "alignment" section of eval/floors.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from floors import below_floors, finish, section_floors

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "eval" / "results" / "alignment.json"
DATA = ROOT / "eval" / "data" / "alignment"
SECTIONS = ("measures", "crosslingual", "translated", "leads", "firstview", "leadnull")


def measures(work: Path) -> dict[str, float]:
    from tests.align.builders import build_store
    from tests.align.planted import planted_corpus, tag

    from lockstep.align.index import MEASURES, AlignOptions, alignment

    docs, hits = planted_corpus()
    corpus = build_store(work / "planted.duckdb", docs)
    tag(corpus, hits)
    try:
        result = alignment(corpus, AlignOptions(actors=["A", "B", "C", "D", "E"], period="all", n_boot=100,
                                                n_perm=100))
    finally:
        corpus.close()
    reprint = result[(result["actor_a"] == "A") & (result["actor_b"] == "B")].set_index("measure")
    apart = result[~((result["actor_a"] == "A") & (result["actor_b"] == "B"))
                   & (result["actor_a"].isin(["A", "B"]) | result["actor_b"].isin(["A", "B"]))]
    out = {"reprint.min_value": float(reprint.loc[list(MEASURES), "value"].min()),
           "reprint.min_relative": float(reprint.loc[list(MEASURES), "relative"].min())}
    for measure in ("terms_cosine", "phrases_shared"):
        top = float(apart.loc[apart["measure"] == measure, "value"].max())
        out[f"{measure}.separation"] = float(reprint.loc[measure, "value"]) - top
    out["narratives_jsd.defined_share"] = float(result.loc[result["measure"] == "narratives_jsd", "value"]
                                                .notna().mean())
    for measure in MEASURES:
        print(f"  {measure:15s} reprint {reprint.loc[measure, 'value']:.3f} (baseline "
              f"{reprint.loc[measure, 'baseline']:.3f}, relative {reprint.loc[measure, 'relative']:.2f}); pairs "
              f"sharing no text: max {apart.loc[apart['measure'] == measure, 'value'].max():.3f}")
    return out


# ---- real headlines -------------------------------------------------------------------------------------------

CORPUS = ROOT.parent / "shared" / "corpus"
OUTLET_ACTOR = {"rt": "RT", "tass": "TASS", "kremlin": "Kremlin", "mfa": "MFA Russia", "sputnik": "Sputnik",
                "mod": "MoD Russia", "1tv": "Channel One", "cgtn": "CGTN", "globaltimes": "Global Times",
                "xinhuanet": "Xinhua", "chinadaily": "China Daily", "bbc": "BBC", "peoples-daily": "People's Daily"}
SIDE = {"RT": "ru", "TASS": "ru", "Kremlin": "ru", "MFA Russia": "ru", "Sputnik": "ru", "MoD Russia": "ru",
        "Channel One": "ru", "CGTN": "cn", "Global Times": "cn", "Xinhua": "cn", "China Daily": "cn",
        "People's Daily": "cn"}


def headline_rows(since: str, until: str) -> list[tuple[str, str, str, str]]:
    """(text, outlet, language, published) of the shared headline sets dated in [since, until)."""
    import csv
    import gzip

    csv.field_size_limit(10**8)
    out = []
    with gzip.open(CORPUS / "cn-state-media-2022" / "headlines.csv.gz", "rt", encoding="utf-8") as fh:
        out += [(r["headline"], r["outlet"], "en", r["published_iso"][:19]) for r in csv.DictReader(fh)]
    with gzip.open(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt",
                   encoding="utf-8") as fh:
        out += [(r["title"] + (f" {r['snippet']}" if r.get("snippet") else ""), r["outlet"], "en", r["date"][:19])
                for r in csv.DictReader(fh)]
    with gzip.open(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt", encoding="utf-8") as fh:
        out += [(r["title"].replace("\xa0", " "), "1tv", "ru", r["date"][:19]) for r in csv.DictReader(fh)]
    return [r for r in dict.fromkeys(out) if r[0] and since <= r[3][:10] < until]


def chinese_titles() -> list[str]:
    import csv
    import gzip

    titles = []
    for path in sorted((CORPUS / "peoples-daily-zh" / "data").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            titles += [r["title"] for r in csv.DictReader(fh) if r.get("title")]
    return list(dict.fromkeys(titles))


def as_doc(text: str, outlet: str, when: str, language: str) -> dict:
    """A document row as the pipeline stores it (paragraphs split on blank lines), its actor from the outlet."""
    import hashlib

    ident = hashlib.sha1(f"{outlet}|{when}|{text}".encode()).hexdigest()[:16]
    return {"id": ident, "title": text.split("\n")[0][:80], "text": text, "outlet": outlet,
            "actor": OUTLET_ACTOR.get(outlet, outlet), "actor_country": None, "actor_type": None, "author": None,
            "published": when, "published_precision": "second", "published_source": "metadata",
            "language": language, "paywalled": False, "source": "eval", "source_position": None, "url": None,
            "original_source": None, "duplicate_of": None, "cluster_id": ident, "text_hash": ident,
            "raw_sha": ident, "removed": None}


def store_of(path: Path, docs: list[dict]):
    import lockstep
    from lockstep.store.writer import insert_documents

    corpus = lockstep.open(path)
    for start in range(0, len(docs), 20_000):
        insert_documents(corpus.con, docs[start : start + 20_000])
    return corpus


# ---- cross-lingual echoes on planted translations --------------------------------------------------------------

TARGET_OUTLET = {"en": "cgtn", "ru": "sputnik", "zh": "xinhuanet"}


def crosslingual(work: Path, per_language: int = 1500, seed: int = 3) -> dict[str, float]:
    import csv
    import random
    from datetime import datetime, timedelta

    from lockstep.align.chains import EchoOptions, eligible, find_echoes, load_paragraphs

    rng = random.Random(seed)
    start, span = datetime(2022, 3, 1), 180 * 86400
    with (DATA / "translations.csv").open(encoding="utf-8") as fh:
        planted = list(csv.DictReader(fh))
    docs, pairs = [], []
    for row in planted:
        when = start + timedelta(seconds=rng.randrange(span))
        later = when + timedelta(hours=rng.uniform(2, 72))
        source = as_doc(row["source_text"], row["source_outlet"], when.isoformat(timespec="seconds"),
                        row["source_lang"])
        target = as_doc(row["target_text"], TARGET_OUTLET[row["target_lang"]], later.isoformat(timespec="seconds"),
                        row["target_lang"])
        docs += [source, target]
        pairs.append(("-".join(sorted((row["source_lang"], row["target_lang"]))), source["id"], target["id"]))
    real = headline_rows("2022-03-01", "2022-09-01")
    planted_texts = {r["source_text"] for r in planted}
    for lang in ("en", "ru"):
        pool = [r for r in real if r[2] == lang and r[0] not in planted_texts]
        docs += [as_doc(*pick[:2], pick[3], lang) for pick in rng.sample(pool, per_language)]
    titles = [t for t in chinese_titles() if t not in planted_texts]
    docs += [as_doc(t, "peoples-daily", (start + timedelta(seconds=rng.randrange(span))).isoformat(timespec="seconds"),
                    "zh") for t in rng.sample(titles, per_language)]
    corpus = store_of(work / "crosslingual.duckdb", docs)
    try:
        options = EchoOptions(kinds=("translation",), store=False, min_chars=24)
        para = eligible(load_paragraphs(corpus, options), options)
        links = find_echoes(corpus, options, paragraphs=para).links
    finally:
        corpus.close()
    return link_scores(para, links, pairs)


def link_scores(para, links, pairs: list[tuple[str, str, str]]) -> dict[str, float]:
    """Precision (of the cross-lingual links touching a planted document, the share joining a planted pair) and
    recall (planted pairs linked) per language pair, and over all."""
    doc_of = para["doc_id"].to_numpy()
    lang_of = para["language"].to_numpy()
    truth = {frozenset((a, b)): kind for kind, a, b in pairs}
    planted_docs = {d for _, a, b in pairs for d in (a, b)}
    cross = links[links["kind"].isin(["translation", "cross-lingual"])]
    found: dict[str, list[bool]] = {}
    hit_pairs = set()
    unknown = 0
    for i, j in zip(cross["i"], cross["j"]):
        a, b = doc_of[i], doc_of[j]
        if a not in planted_docs and b not in planted_docs:
            unknown += 1  # two real headlines: no known answer
            continue
        kind = "-".join(sorted((lang_of[i], lang_of[j])))
        correct = frozenset((a, b)) in truth
        found.setdefault(kind, []).append(correct)
        if correct:
            hit_pairs.add(frozenset((a, b)))
    out = {}
    for kind in sorted({k for k, _, _ in pairs}):
        wanted = [frozenset((a, b)) for k, a, b in pairs if k == kind]
        out[f"{kind}.recall"] = sum(p in hit_pairs for p in wanted) / len(wanted)
        out[f"{kind}.precision"] = sum(found.get(kind, [])) / len(found[kind]) if found.get(kind) else 0.0
        print(f"  {kind}: recall {out[f'{kind}.recall']:.2f} ({sum(p in hit_pairs for p in wanted)}/{len(wanted)}), "
              f"precision {out[f'{kind}.precision']:.2f} ({sum(found.get(kind, []))}/{len(found.get(kind, []))})")
    print(f"  cross-lingual links between two real headlines (no known answer, not scored): {unknown}")
    everything = [c for v in found.values() for c in v]
    out["all.recall"] = len(hit_pairs) / len(pairs)
    out["all.precision"] = sum(everything) / len(everything) if everything else 0.0
    return out


# ---- key terms of a translated reprint -------------------------------------------------------------------------


def translated(work: Path, seed: int = 5) -> dict[str, float]:
    """B prints a translation of each of A's texts (the 24 hand translations, six language directions); C and D
    print other real headlines in A's and B's languages; 6,000 real en/ru/zh headlines of July 2022 (E, F, G) make
    the window's vocabulary. terms_cosine of the pair with and without meaning bridges, against the pairs that share
    no text."""
    import csv
    import random

    from lockstep.align.index import AlignOptions, alignment

    with (DATA / "translations.csv").open(encoding="utf-8") as fh:
        pairs = list(csv.DictReader(fh))
    corpus = store_of(work / "translated.duckdb", translated_docs(pairs, random.Random(seed)))
    out = {}
    for name, meaning in (("spelling", False), ("meaning", True)):
        result = alignment(corpus, AlignOptions(actors=list("ABCDEFG"), period="all", on="terms", n_boot=50,
                                                n_perm=50, meaning_bridges=meaning))
        terms = result[(result["measure"] == "terms_cosine") & result["actor_a"].isin(list("ABCD"))
                       & result["actor_b"].isin(list("ABCD"))]
        is_pair = (terms["actor_a"] == "A") & (terms["actor_b"] == "B")
        value, apart = float(terms.loc[is_pair, "value"].iloc[0]), float(terms.loc[~is_pair, "value"].max())
        out[f"{name}.pair"], out[f"{name}.ratio_to_apart"] = value, value / max(apart, 1e-3)
        print(f"  {name:8s} bridges: translated pair terms_cosine {value:.3f} (relative "
              f"{float(terms.loc[is_pair, 'relative'].iloc[0]):.2f}); pairs sharing no text: max {apart:.3f}")
    corpus.close()
    return out


def translated_docs(pairs: list[dict], rng) -> list[dict]:
    real = headline_rows("2022-07-01", "2022-08-01")
    pool = {"en": [r[0] for r in real if r[2] == "en"], "ru": [r[0] for r in real if r[2] == "ru"],
            "zh": chinese_titles()}
    docs = []
    for k, pair in enumerate(pairs):
        when = f"2022-07-{1 + k % 28:02d}T12:00:00"
        docs += [as_doc(pair["source_text"], "A", when, pair["source_lang"]),
                 as_doc(pair["target_text"], "B", when, pair["target_lang"]),
                 as_doc(rng.choice(pool[pair["source_lang"]]), "C", when, pair["source_lang"]),
                 as_doc(rng.choice(pool[pair["target_lang"]]), "D", when, pair["target_lang"])]
    for language, n, outlet in (("en", 3000, "E"), ("ru", 1500, "F"), ("zh", 1500, "G")):
        docs += [as_doc(text, outlet, f"2022-07-{1 + k % 28:02d}T12:00:00", language)
                 for k, text in enumerate(rng.sample(pool[language], min(n, len(pool[language]))))]
    return docs


# ---- lead–lag on documented cases ----------------------------------------------------------------------------


def leads(work: Path) -> dict[str, float]:
    import csv

    from lockstep.align.leadlag import LeadOptions
    from lockstep.align.leadlag import leads as lead_lag

    with (DATA / "leadlag_cases.csv").open(encoding="utf-8") as fh:
        cases = list(csv.DictReader(fh))
    since, until = min(c["since"] for c in cases), max(c["until"] for c in cases)
    docs = [as_doc(text, outlet, when, lang) for text, outlet, lang, when in headline_rows(since, until)]
    corpus = store_of(work / "leads.duckdb", docs)
    recovered, expanded = [], []
    try:
        for case in cases:
            for expand in (True, False):
                result = lead_lag(corpus, LeadOptions(terms=[case["query"]], since=case["since"],
                                                      until=case["until"], n_surrogates=50, expand=expand))
                first = result.first_use
                sides = [SIDE.get(a, "other") for a in first["actor"]]
                ok = bool(len(first)) and sides[0] == case["first_side"]
                both = {"ru", "cn"} <= set(sides)
                if expand:
                    recovered.append(ok)
                    expanded.append(both)
                    lead = first_lead(first, case["first_side"])
                    print(f"  {case['id']:14s} query {case['query']!r} ({case['query_lang']}) -> "
                          f"{result.item}: first {first['actor'].iloc[0] if len(first) else '-'} "
                          f"({first['first_published'].iloc[0] if len(first) else '-'}), documented "
                          f"{case['first_side']} {case['first_date']}; other side follows after {lead} days; "
                          f"{'recovered' if ok else 'NOT recovered'}")
                else:
                    print(f"  {'':14s} without expansion: sides found {sorted(set(sides))}")
    finally:
        corpus.close()
    return {"first_side_recovered": sum(recovered) / len(recovered),
            "both_sides_found": sum(expanded) / len(expanded)}


def first_lead(first, side: str) -> str:
    """Days from the first use by the documented first side to the other side's first use."""
    own = first[[SIDE.get(a) == side for a in first["actor"]]]
    other = first[[SIDE.get(a) not in (side, None) for a in first["actor"]]]
    if not len(own) or not len(other):
        return "-"
    return f"{(other['first_published'].min() - own['first_published'].min()).total_seconds() / 86400:.1f}"


# ---- the first alignment view on real headlines with the BBC control --------------------------------------------

BLOC = {**{a: "ru" for a in ("RT", "Kremlin", "MFA Russia", "Channel One")},
        **{a: "cn" for a in ("CGTN", "Global Times", "Xinhua", "China Daily")}}
FIRSTVIEW_PARTS = {"tuning": "2022-07", "test": "2022-08"}


def firstview(work: Path) -> dict[str, float]:
    from lockstep.align.index import FIRST_VIEW, MEASURES, AlignOptions, alignment, first_view
    from lockstep.narratives.tagging import TagOptions, tag

    docs = [as_doc(text, outlet, when, lang) for text, outlet, lang, when in headline_rows("2022-07-01", "2022-09-01")]
    corpus = store_of(work / "firstview.duckdb", docs)
    try:
        tag(corpus, TagOptions())
        actors = ["RT", "MFA Russia", "Channel One", "CGTN", "Xinhua", "Global Times", "China Daily", "BBC"]
        result = alignment(corpus, AlignOptions(actors=actors, period="month", n_boot=50, n_perm=100, min_units=5))
    finally:
        corpus.close()
    shown = first_view(result)
    print(f"  first view: {shown[0]} {shown[1]} (of {', '.join(' '.join(v) for v in FIRST_VIEW)})")
    out: dict[str, float] = {}
    for part, month in FIRSTVIEW_PARTS.items():
        frame = result[result["period"] == month]
        for measure in MEASURES:
            for column in ("value", "relative"):
                figures = view_separation(frame[frame["measure"] == measure], column)
                name = "first_view" if (measure, column) == shown else f"{measure}.{column}"
                out.update({f"{part}.{name}.{k}": v for k, v in figures.items()})
                print(f"  {part} {month} {measure:15s} {column:8s} " + ", ".join(f"{k} {v:.3f}" for k, v in
                                                                              figures.items()), flush=True)
    return out


def view_separation(frame, column: str) -> dict[str, float]:
    """How far the pairs within a state bloc read from the pairs with the BBC on one view of the matrix."""
    import numpy as np

    kinds = [pair_kind(a, b) for a, b in zip(frame["actor_a"], frame["actor_b"])]
    values = frame[column].to_numpy(float)
    bloc = values[[k == "bloc" for k in kinds]]
    state = values[[k in ("bloc", "cross") for k in kinds]]
    control = values[[k == "control" for k in kinds]]
    bloc, state, control = (v[~np.isnan(v)] for v in (bloc, state, control))
    top = np.nanmax(values) if np.isfinite(values).any() else float("nan")
    return {"bloc_auc": auc(bloc, control), "state_auc": auc(state, control),
            "gap": (bloc.mean() - control.mean()) / top if len(bloc) and len(control) and top > 0 else 0.0,
            "pairs_shown": float(np.isfinite(values).sum())}


def pair_kind(a: str, b: str) -> str:
    if "BBC" in (a, b):
        return "control"
    return "bloc" if BLOC.get(a) == BLOC.get(b) else "cross"


def auc(higher, lower) -> float:
    """The chance that a value of `higher` exceeds one of `lower` (ties count half); 0.5 when either is empty."""
    import numpy as np

    if not len(higher) or not len(lower):
        return 0.5
    diff = np.subtract.outer(np.asarray(higher), np.asarray(lower))
    return float((diff > 0).mean() + 0.5 * (diff == 0).mean())


# ---- lead–lag significance on unrelated and related real series ------------------------------------------------

LEAD_TERMS = {  # each term its own topic; "tuning" chose the test's design, "test" is scored against the floors
    "tuning": {"pelosi": ["Pelosi", "Пелоси"], "grain": ["grain", "зерн*"],
               "zaporozhye": ["Zaporozh*", "Zaporizh*", "Запорож*"], "nord-stream": ["Nord Stream", "Северн* поток*"],
               "referendum": ["referendum*", "референдум*"], "sco": ["Samarkand", "SCO", "Самарканд*", "ШОС"],
               "covid": ["COVID*", "coronavirus*", "коронавирус*", "ковид*"], "olympics": ["Olympic*", "Олимпи*"]},
    "test": {"taiwan": ["Taiwan*", "Тайван*"], "sanctions": ["sanction*", "санкци*"], "biden": ["Biden", "Байден*"],
             "inflation": ["inflation", "инфляци*"], "vaccines": ["vaccin*", "вакцин*"],
             "xinjiang": ["Xinjiang", "Синьцзян*"], "afghanistan": ["Afghan*", "Афганистан*"],
             "iran": ["Iran*", "Иран*"], "climate": ["climate", "климат*"], "football": ["football", "футбол*"],
             "shanghai": ["Shanghai", "Шанха*"], "africa": ["Africa*", "Африк*"]},
}
REGION = {**{a: "ru" for a in ("RT", "Kremlin", "MFA Russia", "Channel One")},
          **{a: "cn" for a in ("CGTN", "Global Times", "Xinhua", "China Daily")}, "BBC": "uk"}


def leadnull(work: Path, max_pairs: int = 400, seed: int = 11) -> dict[str, float]:
    import itertools
    import random

    from lockstep.align.leadlag import LeadOptions, actor_series, term_pattern

    options = LeadOptions()
    docs = headline_frame("2022-02-01", "2022-10-01")
    rng = random.Random(seed)
    out: dict[str, float] = {}
    for part, terms in LEAD_TERMS.items():
        series = term_series(docs, terms, options, actor_series, term_pattern)
        keys = sorted(series)
        unrelated = [(p, q) for p, q in itertools.combinations(keys, 2)
                     if p[1] != q[1] and REGION[p[0]] != REGION[q[0]]]
        related = [(p, q) for p, q in itertools.combinations(keys, 2) if p[1] == q[1] and REGION[p[0]] == REGION[q[0]]]
        unrelated = rng.sample(unrelated, min(max_pairs, len(unrelated)))
        out[f"{part}.unrelated.pairs"], out[f"{part}.related.pairs"] = len(unrelated), len(related)
        for method, test in (("blocks", block_test), ("shuffled_steps", shuffle_test),
                             ("circular_shift", circular_test)):
            found = [significant(test, series[p], series[q], options, n) for n, (p, q) in enumerate(unrelated)]
            hits = [significant(test, series[p], series[q], options, n) for n, (p, q) in enumerate(related)]
            fpr = sum(found) / max(1, len(found))
            out[f"{part}.{method}.false_positive_rate"] = fpr
            out[f"{part}.{method}.specificity"] = 1 - fpr
            out[f"{part}.{method}.related_detected"] = sum(hits) / max(1, len(hits))
            print(f"  {part:6s} {method:15s} unrelated pairs significant at p < 0.05: {sum(found)}/{len(found)} "
                  f"({fpr:.3f}); related pairs: {sum(hits)}/{len(hits)}", flush=True)
    return out


def headline_frame(since: str, until: str):
    """doc_id, actor, published_at, text of the shared headline sets, one row per distinct text of an actor."""
    import pandas as pd

    frame = pd.DataFrame(headline_rows(since, until), columns=["text", "outlet", "language", "published"])
    frame["actor"] = frame["outlet"].map(OUTLET_ACTOR)
    frame["published_at"] = pd.to_datetime(frame["published"].str[:10], errors="coerce")
    frame = frame.dropna(subset=["actor", "published_at"]).drop_duplicates(["actor", "text"]).reset_index(drop=True)
    return frame.assign(doc_id=frame.index.astype(str))


def term_series(docs, terms: dict[str, list[str]], options, actor_series, term_pattern) -> dict:
    """(actor, term) -> (shares with NaN on thin days, shares with 0 on days without documents), for the actors
    with at least `min_mentions` documents carrying the term."""
    out = {}
    for term, forms in terms.items():
        pattern = term_pattern(forms)
        hits = docs.loc[docs["text"].map(lambda t: bool(pattern.search(t))), ["doc_id"]]
        masked = actor_series(docs, hits, "day", options.min_step_documents)
        zeros = actor_series(docs, hits, "day", 1).fillna({"share": 0.0})
        for actor, group in masked.groupby("actor"):
            if group["mentions"].sum() >= options.min_mentions:
                out[(actor, term)] = (group["share"].to_numpy(), zeros.loc[zeros["actor"] == actor, "share"].to_numpy())
    return out


def significant(test, x: tuple, y: tuple, options, n: int) -> bool:
    import numpy as np

    p = test(x, y, options, np.random.default_rng([options.seed, n]))
    return bool(p == p and p < 0.05)


def block_test(x: tuple, y: tuple, options, rng) -> float:
    from lockstep.align.leadlag import lag_test

    return lag_test(x[0], y[0], options.lag_steps(), options.n_surrogates, rng).p_value


def shuffle_test(x: tuple, y: tuple, options, rng) -> float:
    """The null that shuffles single days (what the report's p-values amounted to before)."""
    import numpy as np

    return surrogate_p(x[1], y[1], np.stack([rng.permutation(y[1]) for _ in range(options.n_surrogates)]), options)


def circular_test(x: tuple, y: tuple, options, rng) -> float:
    """The previous test: the whole series circularly shifted by 2 max_lag + 1 .. n - 2 max_lag - 1 steps, 0 on
    days without documents."""
    import numpy as np

    n, lag = len(y[1]), options.lag_steps()
    shifts = rng.integers(2 * lag + 1, n - 2 * lag, size=options.n_surrogates)
    return surrogate_p(x[1], y[1], np.stack([np.roll(y[1], int(s)) for s in shifts]), options)


def surrogate_p(x, y, surrogates, options) -> float:
    """Share of surrogates whose best correlation at any lag reaches the observed one."""
    import numpy as np

    from lockstep.align.leadlag import lagged_correlations, row_max

    observed = row_max(lagged_correlations(x, y, options.lag_steps()))[0]
    null = row_max(lagged_correlations(x, surrogates, options.lag_steps()))
    if observed != observed:
        return float("nan")
    return float((1 + (null >= observed - 1e-12).sum()) / (1 + len(null)))


def evaluate(sections: list[str]) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sections:
            print(f"- {name}", flush=True)
            figures = globals()[name](Path(tmp))
            results.update({f"{name}.{k}": round(v, 4) for k, v in figures.items()})
    return results


def check(results: dict) -> list[str]:
    """Floors of the sections that ran (`--only` leaves the others unchecked)."""
    ran = {k.split(".")[0] for k in results}
    floors = {k: v for k, v in section_floors("alignment").items() if k.split(".")[0] in ran}
    return below_floors("alignment", results, floors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    args = parser.parse_args()
    chosen = [s for s in SECTIONS if not args.only or s in args.only.split(",")]
    available = [s for s in chosen if s in globals()]
    results = evaluate(available)
    return finish("alignment", results, RESULTS, check(results) if args.check else [])


if __name__ == "__main__":
    sys.exit(main())
