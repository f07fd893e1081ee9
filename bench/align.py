"""Benchmark: echo detection and the alignment index on 100,000 paragraphs built from the real headline sets.

    .venv/bin/python bench/align.py                      # builds /tmp/lockstep-bench-align/bench.duckdb once
    .venv/bin/python bench/align.py --skip-alignment     # echoes only

The corpus: English headlines of RT, TASS, Kremlin, the Russian MFA, Sputnik, MoD (ru-state-media), CGTN, Global
Times, Xinhua, China Daily and BBC (cn-state-media-2022) and Russian Channel One leads, with their real dates, one
paragraph per document, plus planted echoes with known answers:

* verbatim: a paragraph republished unchanged by another outlet 0.1–5 days later;
* near: republished with an edit (a word dropped, a word replaced, a prefix added, case changed);
* translation: en -> ru -> zh chains of the parallel paragraphs in tests/align (written for lockstep's tests; no
  parallel corpus ships in ../shared), each planted several times at random dates with distinct numbers.

Recall counts a planted pair as found when both paragraphs end up in one echo chain. Embeddings come from the
shared backend's cache in the store: the first run computes them (slow, once; timed separately), later runs read
them, and the echo timing covers loading, lexical matching, nearest-neighbour search, the lexical check and chains.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "tests" / "align"))
csv.field_size_limit(sys.maxsize)

OUTLET_ACTOR = {"rt": "RT", "tass": "TASS", "kremlin": "Kremlin", "mfa": "MFA Russia", "sputnik": "Sputnik",
                "mod": "MoD Russia", "cgtn": "CGTN", "globaltimes": "Global Times", "xinhuanet": "Xinhua",
                "chinadaily": "China Daily", "bbc": "BBC", "1tv": "Channel One"}


def read_rows() -> list[tuple[str, str, str, str]]:
    """(text, outlet, language, published) from the shared headline sets."""
    rows = []
    with gzip.open(CORPUS / "cn-state-media-2022" / "headlines.csv.gz", "rt", encoding="utf-8") as fh:
        rows += [(r["headline"], r["outlet"], "en", r["published_iso"]) for r in csv.DictReader(fh)]
    with gzip.open(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz", "rt",
                   encoding="utf-8") as fh:
        rows += [(r["title"], r["outlet"], "en", r["date"]) for r in csv.DictReader(fh)]
    with gzip.open(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt", encoding="utf-8") as fh:
        rows += [(r["title"], "1tv", "ru", r["date"]) for r in csv.DictReader(fh)]
    rows = [r for r in rows if r[0] and len(r[0]) >= 40 and r[3]]
    return list(dict.fromkeys((text, outlet, lang, when[:19]) for text, outlet, lang, when in rows))  # one per id


def edit(text: str, rng: random.Random) -> str:
    """A light edit of the kind a republishing outlet makes (numbers are kept: a reprint that changes a number is
    not the same item, and echo detection treats it so)."""
    words = text.split()
    how = rng.choice(["drop", "replace", "prefix", "case"])
    plain = [i for i, w in enumerate(words) if i > 0 and not any(c.isdigit() for c in w)]
    if how == "drop" and len(words) > 6 and plain:
        del words[rng.choice(plain)]
    elif how == "replace" and len(words) > 6 and plain:
        words[rng.choice(plain)] = rng.choice(["reportedly", "officially", "again", "now"])
    elif how == "prefix":
        words = [rng.choice(["UPDATE:", "WATCH:", "BREAKING:", "Opinion:"])] + words
    else:
        return text.upper() if rng.random() < 0.5 else text.lower()
    return " ".join(words)


def build(path: Path, n: int, planted: int, translations: int, seed: int = 1):
    """Write the benchmark store; returns the planted pairs as (kind, doc_id_a, doc_id_b)."""
    from datetime import datetime, timedelta

    from builders import doc
    from parallel import PARALLEL

    import lockstep
    from lockstep.store.writer import insert_documents

    rng = random.Random(seed)
    rows = read_rows()
    rng.shuffle(rows)
    outlets = sorted({r[1] for r in rows if r[2] == "en"})
    base = rows[: n - planted - 3 * translations]
    docs, pairs = [], []
    for text, outlet, lang, when in base:
        docs.append(doc(text, outlet, when[:19], language=lang, actor=OUTLET_ACTOR.get(outlet, outlet)))
    long_enough = [d for d in docs if len(d["text"]) >= 50]  # an edited copy stays above echoes' min_chars
    for k in range(planted):
        source = long_enough[rng.randrange(len(long_enough))]
        when = datetime.fromisoformat(source["published"]) + timedelta(days=rng.uniform(0.1, 5))
        other = rng.choice([o for o in outlets if o != source["outlet"]])
        kind = "verbatim" if k % 2 == 0 else "near"
        text = source["text"] if kind == "verbatim" else edit(source["text"], rng)
        copy = doc(text, other, when.isoformat(timespec="seconds"), language=source["language"],
                   actor=OUTLET_ACTOR.get(other, other))
        docs.append(copy)
        pairs.append((kind, source["id"], copy["id"]))
    for k in range(translations):
        en, ru, zh = PARALLEL[k % len(PARALLEL)]
        number = str(1000 + k)  # makes every planted copy distinct, and an anchor the translations share
        start = datetime(2022, 2, 1) + timedelta(days=rng.uniform(0, 220))
        chain = [doc(f"{en} ({number})", "mfa", start.isoformat(timespec="seconds"), actor="MFA Russia"),
                 doc(f"{ru} ({number})", "1tv", (start + timedelta(hours=7)).isoformat(timespec="seconds"),
                     language="ru", actor="Channel One"),
                 doc(f"{zh}（{number}）", "xinhuanet", (start + timedelta(hours=30)).isoformat(timespec="seconds"),
                     language="zh", actor="Xinhua")]
        docs += chain
        pairs += [("translation", chain[0]["id"], chain[1]["id"]), ("translation", chain[1]["id"], chain[2]["id"])]
    path.parent.mkdir(parents=True, exist_ok=True)
    corpus = lockstep.open(path)
    for start in range(0, len(docs), 20_000):
        insert_documents(corpus.con, docs[start : start + 20_000])
    corpus.close()
    return pairs


def recall(members, pairs) -> dict[str, float]:
    chain_of = dict(zip(members["doc_id"], members["chain_id"]))
    found: dict[str, list[bool]] = {}
    for kind, a, b in pairs:
        found.setdefault(kind, []).append(a in chain_of and chain_of.get(a) == chain_of.get(b))
    return {kind: sum(v) / len(v) for kind, v in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/lockstep-bench-align/bench.duckdb"))
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--planted", type=int, default=2_000, help="planted reprints (half verbatim, half edited)")
    parser.add_argument("--translations", type=int, default=60, help="planted en -> ru -> zh chains")
    parser.add_argument("--embed-workers", type=int, default=2)
    parser.add_argument("--skip-alignment", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    import pickle

    import lockstep
    from lockstep.align.chains import EchoOptions, find_echoes
    from lockstep.enrich.embeddings import EmbeddingOptions, compute_missing

    answers = args.db.with_suffix(".pairs.pkl")
    if args.rebuild or not args.db.exists():
        old = args.db.with_suffix(".old.duckdb")
        if args.db.exists():
            args.db.rename(old)
        answers.unlink(missing_ok=True)
        t = time.perf_counter()
        answers.write_bytes(pickle.dumps(build(args.db, args.n, args.planted, args.translations)))
        print(f"built store: {time.perf_counter() - t:.1f} s")
        if old.exists():
            keep_embeddings(old, args.db)
            old.unlink()
    pairs = pickle.loads(answers.read_bytes())
    print(f"cores: {os.cpu_count()}  (sched affinity {len(os.sched_getaffinity(0))}); load average "
          f"{os.getloadavg()[0]:.1f} (other processes share these cores)")
    with lockstep.open(args.db) as corpus:
        n_para = corpus.count("paragraphs")
        t = time.perf_counter()
        embedded = compute_missing(corpus, None, EmbeddingOptions(workers=args.embed_workers, progress=True))
        print(f"paragraphs: {n_para}; embeddings computed now: {embedded} in {time.perf_counter() - t:.1f} s "
              "(cached in the store afterwards)")
        t = time.perf_counter()
        result = find_echoes(corpus, EchoOptions(store=False))
        total = time.perf_counter() - t
        print(f"\necho detection on {n_para} paragraphs: {total:.1f} s")
        for stage, seconds in result.timings.items():
            print(f"  {stage:<12} {seconds:6.1f} s")
        print(f"links {len(result.links)} ({result.links['kind'].value_counts().to_dict()}), chains "
              f"{len(result.chains)}, members {len(result.members)}")
        print("recall of planted echoes:", {k: round(v, 4) for k, v in recall(result.members, pairs).items()})
        overall = recall(result.members, [("all", a, b) for _, a, b in pairs])["all"]
        print(f"overall recall: {overall:.4f}  (target >= 0.95); planted pairs: {len(pairs)}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        missed_near(corpus, result.members, pairs)
        if not args.skip_alignment:
            bench_alignment(corpus)


def missed_near(corpus, members, pairs) -> None:
    """Why near-duplicates were missed: their true character 4-gram Jaccard."""
    from lockstep.dedup.fingerprint import normalise_text

    chain_of = dict(zip(members["doc_id"], members["chain_id"]))
    missed = [(a, b) for kind, a, b in pairs if kind == "near" and (a not in chain_of or chain_of[a] != chain_of.get(b))]
    if not missed:
        return
    texts = dict(corpus.con.execute("SELECT id, text FROM documents WHERE id IN (SELECT unnest(?))",
                                    [[d for pair in missed for d in pair]]).fetchall())

    def grams(t: str) -> set[str]:
        t = normalise_text(t).replace(" ", "")
        return {t[i : i + 4] for i in range(len(t) - 3)}

    scores = sorted(len(grams(texts[a]) & grams(texts[b])) / max(1, len(grams(texts[a]) | grams(texts[b])))
                    for a, b in missed if a in texts and b in texts)
    print(f"missed near-duplicates: {len(missed)}; their true 4-gram Jaccard: {[round(x, 2) for x in scores]}")


def keep_embeddings(old: Path, new: Path) -> None:
    """Carry the cached vectors of unchanged paragraphs over to a rebuilt store (ids hash outlet, date and text)."""
    import lockstep
    from lockstep.enrich.embeddings import ensure_table

    with lockstep.open(new) as corpus:
        ensure_table(corpus)
        corpus.con.execute(f"ATTACH '{old}' AS old (READ_ONLY)")
        corpus.con.execute("INSERT INTO embeddings SELECT e.* FROM old.embeddings e JOIN paragraphs p "
                           "ON p.doc_id = e.doc_id AND p.idx = e.idx ON CONFLICT DO NOTHING")
        corpus.con.execute("DETACH old")


def bench_alignment(corpus) -> None:
    from lockstep.align.alignment_index import AlignOptions, alignment

    actors = ["RT", "MFA Russia", "CGTN", "Xinhua", "Global Times", "China Daily", "BBC"]
    options = AlignOptions(actors=actors, period="month", on="terms", since="2022-02-01", until="2022-10-01")
    t = time.perf_counter()
    result = alignment(corpus, options)
    print(f"\nalignment index, {len(actors)} actors, Feb-Sep 2022 by month, terms + phrases, 200 bootstrap + 200 "
          f"permutations per cell: {len(result)} cells in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
