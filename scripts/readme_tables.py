"""Write the README's quality tables from the evaluation results (eval/results/*.json), never by hand.

    python scripts/readme_tables.py            # rewrite the generated blocks of README.md
    python scripts/readme_tables.py --check    # exit 1 when README.md differs from the results (CI, tests)

Each table sits between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` in README.md. Its rows come
from the row functions in ROWS (one per evaluation; a row whose results file is absent is left out) and then
from any results file that carries rows of its own for that table: a top-level `"readme": {"NAME": [[cell,
...], ...]}` written by the eval script that measured them (so a new evaluation adds its rows without editing
this script). Figures are formatted here, from the numbers in the results, so a re-run of `make eval` followed by
this script is the only way the tables change.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "eval" / "results"
BLOCK = re.compile(r"(<!-- generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)", re.S)


class Results:
    """The results files, loaded on first use; `get("narratives", "modes", "learned", ...)` walks nested keys."""

    def __init__(self, folder: Path = RESULTS):
        self.folder = folder
        self.loaded: dict[str, dict | None] = {}

    def file(self, name: str) -> dict | None:
        if name not in self.loaded:
            path = self.folder / f"{name}.json"
            self.loaded[name] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        return self.loaded[name]

    def get(self, name: str, *keys: str):
        value = self.file(name)
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                raise KeyError(f"eval/results/{name}.json has no {'/'.join(keys)}")
            value = value[key]
        return value

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.json"))


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Callable[[Results], Iterator[list[str]]], ...]


def f2(value: float) -> str:
    return f"{value:.2f}"


def f3(value: float) -> str:
    return f"{value:.3f}"


def pair(a: float, b: float) -> str:
    return f"{a:.2f} / {b:.2f}"


def bold_best(cells: list[str], values: list[float]) -> list[str]:
    """Bold the cell with the highest value (all tied ones), when the highest is above 0."""
    top = max(values, default=0.0)
    return [f"**{c}**" if v == top and top > 0 else c for c, v in zip(cells, values)]


# ---- the Quality and speed table -----------------------------------------------------------------------------


def resiliparse_f1(html: dict) -> str:
    """Resiliparse's F1 where it was installed for the run (an optional reference)."""
    return f", Resiliparse {f3(html['resiliparse']['f1'])}" if "resiliparse" in html else ""


def extraction_rows(r: Results) -> Iterator[list[str]]:
    if r.file("extraction") is None:
        return
    html, text = r.get("extraction", "html"), r.get("extraction", "text")
    pages = r.get("extraction", "pages")
    lock = html["lockstep"]
    yield [f"HTML main text, {pages} pages of the Zyte benchmark, the cleaner's development set (token F1)",
           f"{f3(lock['f1'])} (P {f3(lock['precision'])}, R {f3(lock['recall'])}; 5th percentile over resampled "
           f"pages {f3(lock['f1_p05'])})",
           f"trafilatura fast mode, as lockstep calls it, {f3(html['trafilatura_fast']['f1'])}, default mode "
           f"{f3(html['trafilatura']['f1'])}{resiliparse_f1(html)}; all visible text {f3(html['raw']['f1'])}"]
    yield ["the same pages as naive scraped text (token F1)", f3(text["lockstep"]["f1"]),
           f"jusText {f3(text['justext']['f1'])}, trafilatura {f3(text['trafilatura']['f1'])}, "
           f"every line kept {f3(text['raw']['f1'])}"]
    yield ["scraped text, kept-line precision / recall",
           f"{f3(text['lockstep']['line_precision'])} / {f3(text['lockstep']['line_recall'])}",
           f"jusText {f3(text['justext']['line_precision'])} / {f3(text['justext']['line_recall'])}"]


def dedup_rows(r: Results) -> Iterator[list[str]]:
    d = r.file("dedup")
    if d is None:
        return
    test = {k[len("test."):]: v for k, v in d.items() if k.startswith("test.")}
    yield ["duplicates: planted exact copies and edited reprints of real zh/ru/en texts, a fresh draw scored with "
           "the rules frozen (recall of reprints; F1 over copies and originals)",
           f"{f3(test['lockstep.recall_reprint'])}; {f3(test['lockstep.f1'])} (exact copies "
           f"{test['lockstep.recall_exact']:.1f}; on the tuning draw {f3(d['tune.lockstep.recall_reprint'])}; "
           f"{f3(d['tune.lockstep.f1'])})",
           f"identical normalised text {f3(test['exact_hash.recall_reprint'])}; {f3(test['exact_hash.f1'])}, "
           f"every document alone {f3(test['nothing.recall_reprint'])}; {f3(test['nothing.f1'])}"]


def interval_pair(r: Results, key: str) -> str:
    """The 90 % bootstrap intervals of a level-1 / level-2 pair of figures (`key` with `{level}`)."""
    spans = [r.get("narratives", "intervals", key.format(level=level)) for level in ("l1", "l2")]
    return " / ".join(f"{s['low']:.2f}–{s['high']:.2f}" for s in spans)


def narrative_quality_rows(r: Results) -> Iterator[list[str]]:
    if r.file("narratives") is None:
        return
    data = r.get("narratives", "data")
    hand, euvs = r.get("narratives", "hand"), r.get("narratives", "euvsdisinfo")
    test = data["hand"]["test"]

    def both(block: dict, metric: str) -> str:
        return pair(block["all.l1"][metric], block["all.l2"][metric])

    yield [f"narratives, {test} fresh hand-labelled test paragraphs en/ru/zh (labelled before any detector ran; tuned "
           f"on {data['hand']['tune']} others), macro-F1 level 1 / 2 (zero-shot; 90 % bootstrap interval)",
           f"{both(hand['zero_shot'], 'macro_f1')} ({interval_pair(r, 'hand.zero_shot.all.{level}.macro_f1')})",
           f"keyword-only {both(hand['keyword_only'], 'macro_f1')}, nothing {both(hand['nothing'], 'macro_f1')}"]
    yield ["narratives, the same, samples-F1 level 1 / 2 (zero-shot; not above keyword-only)",
           both(hand["zero_shot"], "samples_f1"),
           f"keyword-only {both(hand['keyword_only'], 'samples_f1')}, nothing / majority "
           f"{both(hand['nothing'], 'samples_f1')}"]
    yield ["narratives, the same on paragraphs that carry a narrative (samples-F1 level 1 / 2)",
           both(hand["zero_shot"], "samples_f1_narrative_bearing"),
           f"keyword-only {both(hand['keyword_only'], 'samples_f1_narrative_bearing')}, nothing "
           f"{both(hand['nothing'], 'samples_f1_narrative_bearing')}"]
    yield [f"narratives, {data['euvsdisinfo']['test']:,} EUvsDisinfo cases (weak labels), URW samples-F1 level 2 "
           "(zero-shot; not above keyword-only)", f2(euvs["zero_shot"]["urw.l2"]["samples_f1"]),
           f"keyword-only {f2(euvs['keyword_only']['urw.l2']['samples_f1'])}, majority "
           f"{f2(euvs['majority']['urw.l2']['samples_f1'])}"]
    yield ["narratives, macro-F1 level 1 / 2 by mode and language",
           "see [Zero-shot and learned detectors](#zero-shot-and-learned-detectors)",
           "keyword-only, majority, nothing"]


def alignment_rows(r: Results) -> Iterator[list[str]]:
    if r.file("alignment") is None:
        return
    a = r.file("alignment")
    sep = [f"{f2(a[f'measures.{m}.lockstep.separation'])}" for m in ("narratives_jsd", "terms_cosine", "phrases_shared")]
    yield ["alignment, planted reprint of real leads: its value minus the highest pair sharing no text (narratives "
           "/ terms / phrases; the narrative mix has no such pair)", " / ".join(sep),
           f"one value for every pair: 0; the reprint's relative {f2(a['measures.reprint.min_relative'])} "
           "(the permutation null's centre)"]
    t, u = "crosslingual.test", "crosslingual.tuning"
    cells = [f"{p.replace('-', '–')} {f2(a[f'{t}.lockstep.{p}.precision'])} / {f2(a[f'{t}.lockstep.{p}.recall'])}"
             for p in ("en-ru", "en-zh", "ru-zh", "all")]
    yield [f"cross-lingual echoes, 48 held-out hand translations of real headlines "
           "among 4,500, default settings (P / R)", ", ".join(cells),
           f"keyword-only {f2(a[t + '.keyword_only.all.precision'])} / {f2(a[t + '.keyword_only.all.recall'])}, "
           f"no margin {f2(a[t + '.no_margin.all.precision'])} / {f2(a[t + '.no_margin.all.recall'])}; tuning part "
           f"(24, chose the margin) {f2(a[u + '.lockstep.all.precision'])} / {f2(a[u + '.lockstep.all.recall'])}"]
    yield ["key terms of a held-out translated reprint (48 hand translations among 6,000 real headlines): "
           "terms_cosine spelling / meaning bridges",
           f"{f3(a['translated.test.spelling.pair'])} / {f3(a['translated.test.meaning.pair'])}",
           f"pairs sharing no text ≤ {f3(a['translated.test.nothing.pair'])}"]
    t = "leads.test"
    yield ["lead–lag, 12 held-out documented 2022 cases, query in Russian / English: first side recovered",
           f"{a[t + '.ru_query.lockstep.first_side_recovered']:.0%} / {a[t + '.en_query.lockstep.first_side_recovered']:.0%}",
           f"no expansion {a[t + '.ru_query.none.first_side_recovered']:.0%} / "
           f"{a[t + '.en_query.none.first_side_recovered']:.0%}, always the commoner side "
           f"{a[t + '.ru_query.majority.first_side_recovered']:.0%}; tuning part (4 cases) "
           f"{a['leads.tuning.lockstep.first_side_recovered']:.0%}"]


def firstview_rows(r: Results) -> Iterator[list[str]]:
    a = r.file("alignment")
    if a is None or "firstview.seen.first_view.bloc_auc" not in a:
        return
    view, old, test = "firstview.seen.first_view", "firstview.seen.narratives_jsd.value", "firstview.test.first_view"
    yield ["first alignment view, August 2022 headlines with the BBC control (seen when July chose the view: not held "
           "out, not floored): a pair within a state bloc / any state pair above a BBC pair (chance 0.50); gap on the "
           "colour scale",
           f"{f2(a[view + '.bloc_auc'])} / {f2(a[view + '.state_auc'])}; {f2(a[view + '.gap'])}",
           f"`narratives_jsd` values (the view before) {f2(a[old + '.bloc_auc'])} / {f2(a[old + '.state_auc'])}; "
           f"{f3(a[old + '.gap'])}; the untouched week 1–7 September shows {a[test + '.pairs_shown']:.0f} pairs, "
           f"{a[test + '.bloc_pairs']:.0f} within a bloc: not scored"]


def leadnull_rows(r: Results) -> Iterator[list[str]]:
    a = r.file("alignment")
    if a is None or "leadnull.test.blocks.false_positive_rate" not in a:
        return
    t = "leadnull.test"
    yield [f"lead–lag, {a[t + '.unrelated.pairs']:,.0f} unrelated real series pairs (held-out terms; different topic, "
           "different region): significant at p < 0.05",
           f"{f3(a[t + '.blocks.false_positive_rate'])} (nominal 0.05); same-term pairs found related "
           f"{f2(a[t + '.blocks.related_detected'])}",
           f"days shuffled {f3(a[t + '.shuffled_steps.false_positive_rate'])}, whole-series circular shift "
           f"{f3(a[t + '.circular_shift.false_positive_rate'])}"]


def names_rows(r: Results) -> Iterator[list[str]]:
    n = r.file("names")
    if n is None:
        return
    base = ("no lemmatisation {}, whitespace split {}, the tokenizer before issue 19 {}")
    yield [f"names, ordinary words, words capitalised by position and dotted abbreviations through the tokenizer, "
           f"held-out half ({n['n.combined.en.test']:,} English / {n['n.combined.ru.test']:,} Russian real items of "
           "the shared headline sets): share right (names keep their identity, words get their hand-checked lemma, "
           "abbreviations stay whole)",
           f"{f3(n['combined.en.test.lockstep'])} / {f3(n['combined.ru.test.lockstep'])}; names kept "
           f"{f2(n['names.en.test.lockstep.kept'])} / {f2(n['names.ru.test.lockstep.kept'])} (invariant: none "
           "changed)",
           base.format(*(f"{f3(n[f'combined.en.test.{p}'])} / {f3(n[f'combined.ru.test.{p}'])}"
                         for p in ("identity", "whitespace", "old")))]
    yield [f"of which words capitalised by position (first word, Title Case), held-out ({n['n.initial.en.test']} / "
           f"{n['n.initial.ru.test']}): right",
           f"{f3(n['initial.en.test.lockstep.right'])} / {f3(n['initial.ru.test.lockstep.right'])}",
           base.format(*(f"{f3(n[f'initial.en.test.{p}.right'])} / {f3(n[f'initial.ru.test.{p}.right'])}"
                         for p in ("identity", "whitespace", "old")))]


def language_rows(r: Results) -> Iterator[list[str]]:
    g = r.file("language")
    if g is None:
        return
    yield [f"language of English headlines of the outlets, held-out half ({g['n.en.test']:,}): detected as English",
           f"{g['prior.en.test']:.4f} with the outlet's languages",
           f"lingua alone {g['none.en.test']:.4f}; always the outlet's main language {f3(g['main.en.test'])}"]
    yield [f"Russian ({g['n.ru.test']:,}) and Chinese ({g['n.zh.test']:,}) real texts given to outlets whose main "
           "language is English (RT, Sputnik, CGTN, China Daily, Global Times, BBC), held-out half: found (Chinese: "
           "the script decides before the outlet's languages, so equal to lingua alone by construction; no floor)",
           f"{g['prior.ru.test']:.4f} / {g['prior.zh.test']:.4f}",
           f"lingua alone {g['none.ru.test']:.4f} / {g['none.zh.test']:.4f}; always the outlet's main language "
           f"{f3(g['main.ru.test'])} / {f3(g['main.zh.test'])}"]
    yield [f"the three pooled ({g['n.all.test']:,} texts)", f"{g['prior.all.test']:.4f}",
           f"lingua alone {g['none.all.test']:.4f}; always the outlet's main language {f3(g['main.all.test'])}"]


def statements_rows(r: Results) -> Iterator[list[str]]:
    s = r.file("statements")
    if s is None:
        return
    for part, label in (("fresh", "a fresh batch labelled before lockstep ran on it"),
                        ("test", "the earlier held-out part")):
        yield [f"speakers of statements, {label} ({s[f'n.en.{part}.texts']} English / {s[f'n.ru.{part}.texts']} "
               f"Russian real sentences, {s[f'n.en.{part}.labelled']} / {s[f'n.ru.{part}.labelled']} speakers): "
               "P / R",
               f"en {pair(s[f'lockstep.en.{part}.precision'], s[f'lockstep.en.{part}.recall'])}, ru "
               f"{pair(s[f'lockstep.ru.{part}.precision'], s[f'lockstep.ru.{part}.recall'])}",
               "first capitalised name en "
               f"{pair(s[f'first_name.en.{part}.precision'], s[f'first_name.en.{part}.recall'])}, ru "
               f"{pair(s[f'first_name.ru.{part}.precision'], s[f'first_name.ru.{part}.recall'])}"]


def prevalence_rows(r: Results) -> Iterator[list[str]]:
    p = r.file("prevalence")
    if p is None:
        return
    h = p["headline"]
    share = f"{p['fraction']:.0%}"
    for data, label in (("euvsdisinfo", "EUvsDisinfo cases, English"), ("planted", "planted documents, en/ru/zh")):
        if f"{data}.tuned.closeness" not in h:
            continue
        yield [f"narrative prevalence corrected for detector error, {label} (test part), {share} reviewed at random "
               f"({p['draws']} draws): mean absolute error on the rest; 95 % interval coverage",
               f"{f3(1 - h[f'{data}.tuned.closeness'])}; {f2(h[f'{data}.tuned.coverage'])}",
               f"raw share {f3(1 - h[f'{data}.raw.closeness'])}; adjusted classify-and-count "
               f"{f3(1 - h[f'{data}.adjusted.closeness'])}; reviews only "
               f"{f3(1 - h[f'{data}.reviews_only.closeness'])}"]


PREVALENCE_ESTIMATORS = ("raw", "adjusted", "reviews_only", "difference", "tuned")
PREVALENCE_DATA = {"hand": "hand-labelled paragraphs", "euvsdisinfo": "EUvsDisinfo cases, en",
                   "planted": "planted documents"}


def prevalence_estimator_rows(r: Results) -> Iterator[list[str]]:
    """Mean absolute error of every estimator on the unreviewed documents, tuning parts (where the estimator,
    variance and minimum were chosen) then test parts (reported), with the chosen interval's coverage and width."""
    p = r.file("prevalence")
    if p is None or "tuning" not in p:
        return
    chosen = p["choice"]["estimator"]
    for part, blocks in (("tuning", p["tuning"]), ("test", p["data"])):
        for name, block in blocks.items():
            langs = block.get("by_language", {})
            for lang, b in [("all", block), *(langs.items() if len(langs) > 1 else [])]:
                label = f"{part}: {PREVALENCE_DATA.get(name, name)}" + ("" if lang == "all" else f", {lang}")
                cells = bold_best([f3(b[e]["mae"]) for e in PREVALENCE_ESTIMATORS],
                                  [1 - b[e]["mae"] for e in PREVALENCE_ESTIMATORS])
                yield [f"{label} ({b['pairs']} group x narrative pairs, {b['reviews_per_group']:g} reviews a group)",
                       f3(b["true_share"]), *cells,
                       f"{f2(b[chosen]['coverage'])}; {f3(b[chosen]['width'])} ({f3(b['reviews_only']['width'])})"]


# ---- the narrative detector table ----------------------------------------------------------------------------

MODE_SYSTEMS = ("learned", "zero_shot", "keyword_only", "majority", "nothing")
INTERVAL_SYSTEMS = ("learned", "zero_shot")
MODE_ROWS = (("hand", "en", "hand set, English"), ("hand", "ru", "hand set, Russian"),
             ("hand", "zh", "hand set, Chinese"), ("hand_en_to_ru", "ru", "trained on English hand labels, Russian"),
             ("hand_en_to_zh", "zh", "trained on English hand labels, Chinese"),
             ("hand_ru_only", "ru", "trained on Russian hand labels only, Russian"),
             ("hand_zh_only", "zh", "trained on Chinese hand labels only, Chinese"),
             ("euvsdisinfo", "en", "EUvsDisinfo, English"), ("planted", "all", "planted documents, all"),
             ("planted", "en", "planted documents, English articles"),
             ("planted", "ru", "planted documents, Russian articles"),
             ("planted", "zh", "planted documents, Chinese articles"))


def tune_size(r: Results, dataset: str, lang: str) -> str:
    data = r.get("narratives", "data")
    if dataset.startswith("hand_en_to"):
        return "English tuning rows"
    if dataset.endswith("_only"):
        return {"ru": "Russian", "zh": "Chinese"}[dataset.split("_")[1]] + " tuning rows"
    if dataset == "hand":
        return f"{data['hand']['tune']} tuning, all languages"
    return f"{data[dataset]['tune']:,} tuning"


def mode_rows(r: Results) -> Iterator[list[str]]:
    if r.file("narratives") is None:
        return
    modes = r.get("narratives", "modes")
    for dataset, lang, label in MODE_ROWS:
        if lang not in modes["zero_shot"].get(dataset, {}):
            continue
        blocks = [modes[s][dataset][lang] for s in MODE_SYSTEMS]
        cells = [pair(b["l1"]["macro_f1"], b["l2"]["macro_f1"]) for b in blocks]
        cells = bold_best(cells, [b["l1"]["macro_f1"] + b["l2"]["macro_f1"] for b in blocks])
        cells = [f"{c} ({interval_pair(r, f'{s}.{dataset}.{lang}.{{level}}.macro_f1')})" if s in INTERVAL_SYSTEMS
                 else c for c, s in zip(cells, MODE_SYSTEMS)]
        first = blocks[1]
        yield [f"{label} (test {first['n']:,}, {first['positive']:,} with a narrative; {tune_size(r, dataset, lang)})",
               *cells]


def variant_rows(r: Results) -> Iterator[list[str]]:
    """What the learned detector kept on held-out folds of each training part, and what that did on the test part."""
    if r.file("narratives") is None:
        return
    chosen = r.get("narratives", "learned_selection", "learned")
    modes = r.get("narratives", "modes")
    labels = {"hand": "hand set", "hand_en_to_ru": "hand set, English rows", "hand_en_to_zh": "hand set, English rows",
              "hand_ru_only": "hand set, Russian rows", "hand_zh_only": "hand set, Chinese rows",
              "euvsdisinfo": "EUvsDisinfo", "planted": "planted documents"}
    for dataset, sel in chosen.items():
        lang = "all" if "all" in modes["learned"][dataset] else next(iter(modes["learned"][dataset]))
        scored = f"{labels.get(dataset, dataset)} (scored on {lang if lang != 'all' else 'all languages'})"
        centred = sel.get("centring", {})
        gated = sel.get("gating", {})
        new, plain = modes["learned"][dataset][lang], modes["learned_plain"][dataset][lang]
        yield [scored, str(sel.get("linear", 0)),
               (f"{centred['flat']:.3f} / {centred['centred']:.3f}" if "centred" in centred else "one language")
               + (" kept" if sel.get("centred") is True else ""),
               f"{gated.get('implied', 0):.3f} / {gated.get('gated', 0):.3f}" + (" kept" if sel.get("gated") is True
                                                                                 else ""),
               f"{pair(new['l1']['macro_f1'], new['l2']['macro_f1'])} vs "
               f"{pair(plain['l1']['macro_f1'], plain['l2']['macro_f1'])}"]


def leak_rows(r: Results) -> Iterator[list[str]]:
    """Published figures (leaked rows scored, tuning on test rows), the first honest split (a test part that was
    looked at while the detector was configured) and the fresh batch of this run."""
    before, first = r.file("narratives_before"), r.file("narratives_first_split")
    if before is None or first is None or r.file("narratives") is None:
        return
    modes = r.get("narratives", "modes")
    for system in ("zero_shot", "learned"):
        for lang in ("en", "ru", "zh"):
            cells = [f"{pair(b['l1']['macro_f1'], b['l2']['macro_f1'])} ({b['n']} rows)"
                     for b in (before["modes"][system]["hand"][lang], first["modes"][system]["hand"][lang],
                               modes[system]["hand"][lang])]
            yield [f"hand set, {lang}, {system.replace('_', '-')}", *cells]
    source = r.get("narratives", "codebook_source", "zero_shot")
    yield [f"the {source['n']} seed-page paragraphs alone (English), zero-shot", "scored among the English rows",
           "left out", f"{pair(source['l1']['macro_f1'], source['l2']['macro_f1'])}: left out (the claims were "
           "written from them), not a quality figure"]


def precision_rows(r: Results) -> Iterator[list[str]]:
    if r.file("narratives") is None:
        return
    for band in r.get("narratives", "precision_bands", "bands"):
        high = f"{band['margin_high']:+.2f}" if band["margin_high"] is not None else "and above"
        span = f"{band['margin_low']:+.2f} to {high}" if band["margin_high"] is not None else \
            f"{band['margin_low']:+.2f} and above"
        if not band["hits"]:
            yield [span, band["kind"], "0", "—"]
            continue
        low, top = band["interval_90"]
        yield [span, band["kind"], f"{band['right']} of {band['hits']}",
               f"{band['precision']:.2f} ({low:.2f}–{top:.2f})"]


TABLES = {
    "quality": Table(("evaluation (`make eval`)", "lockstep", "reference measured in the same run"),
                     (extraction_rows, dedup_rows, narrative_quality_rows, prevalence_rows, alignment_rows,
                      firstview_rows, leadnull_rows, names_rows, language_rows, statements_rows)),
    "narrative-modes": Table(("test part (tuning part)", "learned", "zero-shot", "keyword-only", "majority",
                              "nothing"), (mode_rows,)),
    "narrative-variants": Table(("training part", "linear arms", "language centring: CV macro-F1 without / with",
                                 "parent gating: CV macro-F1 implied / gated", "test macro-F1 l1 / l2: learned vs "
                                 "without the variants"), (variant_rows,)),
    "narrative-leak": Table(("hand set, macro-F1 level 1 / 2", "before: 5-fold CV over all 352 rows, seed "
                             "paragraphs in, shift shrinkage chosen on all rows", "first split: half of the first "
                             "sample, looked at while the detector and codebook were configured",
                             "now: the fresh batch, labelled before any detector ran, tuned on the whole first "
                             "sample"), (leak_rows,)),
    "prevalence-estimators": Table(("part: data (pairs, reviews)", "true share", "raw", "adjusted classify-and-count",
                                    "reviews only", "difference (PPI)", "tuned (PPI++)", "coverage PPI++; mean width "
                                    "(reviews only)"), (prevalence_estimator_rows,)),
    "narrative-precision": Table(("score − threshold", "zero-shot", "right / shown", "precision (90 % interval)"),
                                 (precision_rows,)),
}


# ---- rendering -------------------------------------------------------------------------------------------------


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(name: str, results: Results) -> str:
    table = TABLES.get(name)
    header = table.header if table else None
    rows = [row for make in (table.rows if table else ()) for row in make(results)]
    for file in results.names():
        extra = (results.file(file) or {}).get("readme", {}).get(name, [])
        if extra and header is None:
            raise SystemExit(f"eval/results/{file}.json: rows for table {name!r}, which has no header here")
        rows += [list(map(str, row)) for row in extra]
    if header is None:
        raise SystemExit(f"README.md: no table named {name!r} (known: {', '.join(TABLES)})")
    for row in rows:
        if len(row) != len(header):
            raise SystemExit(f"table {name}: row {row[0]!r} has {len(row)} cells, the header {len(header)}")
    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def rewrite(text: str, results: Results) -> str:
    """`text` with every generated block replaced by its table rendered from `results`."""
    return BLOCK.sub(lambda m: m.group(1) + render(m.group("name"), results) + m.group(4), text)


def blocks(text: str) -> list[str]:
    return [m.group("name") for m in BLOCK.finditer(text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when README.md does not match the results")
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    updated = rewrite(text, Results(args.results))
    if args.check:
        if updated != text:
            print(f"{args.readme}: the generated tables differ from {args.results}; run "
                  "`python scripts/readme_tables.py`", file=sys.stderr)
            return 1
        print(f"{args.readme}: {len(blocks(text))} generated tables match {args.results}")
        return 0
    args.readme.write_text(updated, encoding="utf-8")
    print(f"{args.readme}: rewrote {', '.join(blocks(text)) or 'no'} generated tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
