"""Narrative detection quality on labelled data, each set split into a tuning part and a test part, next to the
trivial predictors (nothing, the majority label set, keyword-only) measured in the same run.

    python eval/narratives.py [--check] [--write-thresholds] [--workers 2]

No row that informed what is scored is scored (eval/narratives_data.py says which rows are which):

* the 32 hand-labelled seed-page paragraphs the default codebook's claims were written from are left out of every
  tuning and test part (`codebook_source` reports the detector on them, to show how much they flattered it);
* zero-shot thresholds, the per-language score shift and its shrinkage (chosen by cross-validation inside the
  tuning rows), the learned detector (its arms, thresholds and variants chosen by cross-validation inside its
  training rows) and the majority label set are fitted on a tuning part; figures come from the test part;
* the packaged thresholds (src/lockstep/data/codebook/thresholds.json, --write-thresholds) are the ones fitted
  on the hand set's tuning part, so the hand test figures are those of the shipped zero-shot detector; the
  measured precision of its hits per score band (`precision_bands`, shown beside hits in the dashboard and the
  report) comes from the hand test part.

Figures: per-narrative precision/recall/F1, micro, macro and samples-F1 at level 1 (narratives) and level 2
(sub-narratives), per language (en, ru, zh apart), for the learned detector, zero-shot, keyword-only, the
majority label set of the tuning part and nothing (see eval/narratives_metrics.py). Writes
eval/results/narratives.json; --check fails when a figure is below its floor in eval/floors.json ("narratives")
or a floor is not above the trivial predictors (eval/floors.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lockstep.enrich.embeddings import get_backend
from lockstep.narratives.calibrate import packaged_path
from lockstep.narratives.codebook import Codebook, load_codebook
from lockstep.narratives.detect import DetectOptions, Detector

from floors import below_floors, finish_nested
from narratives_bands import precision_bands
from narratives_data import (DATA, MODEL, documents, euvsdisinfo_set, hand_set, paragraphs, planted_set)
from narratives_fit import SYSTEMS, TRIVIAL, Labelled, decide, fit_thresholds
from narratives_metrics import by_language, evaluate, figures

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results" / "narratives.json"
LANGUAGES = ("en", "ru", "zh")
DETAIL = ("zero_shot", "keyword_only", "majority", "nothing")


def mapped_columns(detector: Detector, euvs: pd.DataFrame) -> np.ndarray:
    """The narratives EUvsDisinfo's keyword map can label (others are not scored there)."""
    mapped = {n for g in euvs["gold"] for label in g for n in [label, *detector.codebook.ancestors(label)]}
    return np.array([nid in mapped for nid in detector.ids], dtype=bool)


def detail(systems: dict[str, np.ndarray], test: Labelled, detector: Detector) -> dict:
    return {name: evaluate(test.y, predicted, detector) for name, predicted in systems.items()}


def mode_block(train_of: dict[str, Labelled], test: Labelled, detector: Detector, wanted: tuple[str, ...],
               mask: np.ndarray | None = None) -> dict[str, dict]:
    """{system: figures per language}: each system fitted on its training rows, scored on `test`."""
    out = {}
    for name, predict in SYSTEMS.items():
        predicted = predict(train_of.get(name, train_of["default"]), test, detector)
        if mask is not None:
            predicted = predicted & mask
        out[name] = by_language(test.y, predicted, test.languages, detector, wanted)
    return out


def run(workers: int) -> dict:
    started = time.perf_counter()
    book: Codebook = load_codebook()
    backend = get_backend(MODEL)
    semantic = Detector(book, backend, DetectOptions(language_shift={}))   # shifts are fitted here
    keyword = Detector(book, None, DetectOptions(semantic=False))
    hand, euvs = hand_set(), euvsdisinfo_set()
    hand_data, hand_seconds = paragraphs(hand, semantic, keyword, workers)
    euvs_data, euvs_seconds = paragraphs(euvs, semantic, keyword, workers)
    planted = planted_set(euvs)
    planted_data, planted_seconds = documents(planted, semantic, keyword, workers)
    part = hand["part"].to_numpy()
    tune, test, source = (hand_data.rows(part == p) for p in ("tune", "test", "codebook-source"))
    fitted = fit_thresholds(tune.scores, tune.y, semantic, tune.languages)
    zero_shot = decide(test.scores, semantic, fitted, test.languages)
    results: dict = {"hand": detail({"zero_shot": zero_shot, "keyword_only": test.keyword,
                                     "majority": SYSTEMS["majority"](tune, test, semantic),
                                     "nothing": SYSTEMS["nothing"](tune, test, semantic)}, test, semantic)}
    results["codebook_source"] = {
        "zero_shot": figures(source.y, decide(source.scores, semantic, fitted, source.languages), semantic),
        "keyword_only": figures(source.y, source.keyword, semantic),
        "note": "the seed-page paragraphs the codebook's claims were written from: not a quality figure"}
    results["precision_bands"] = precision_bands(test, semantic, fitted)

    mapped = mapped_columns(semantic, euvs)
    euvs_part = euvs["part"].to_numpy()
    euvs_tune, euvs_test = euvs_data.rows(euvs_part == "tune"), euvs_data.rows(euvs_part == "test")
    euvs_zero_shot = decide(euvs_test.scores, semantic, fitted, euvs_test.languages) & mapped
    results["euvsdisinfo"] = detail({"zero_shot": euvs_zero_shot, "keyword_only": euvs_test.keyword & mapped,
                                     "majority": SYSTEMS["majority"](euvs_tune, euvs_test, semantic),
                                     "nothing": SYSTEMS["nothing"](euvs_tune, euvs_test, semantic)},
                                    euvs_test, semantic)
    results["euvsdisinfo"]["mapped_narratives"] = [n for n, m in zip(semantic.ids, mapped) if m]

    planted_part = planted["part"].to_numpy()
    planted_tune, planted_test = planted_data.rows(planted_part == "tune"), planted_data.rows(planted_part == "test")
    en = tune.languages == "en"
    blocks = {
        "hand": mode_block({"default": tune}, test, semantic, LANGUAGES),
        "hand_en_to_ru": mode_block({"default": tune.rows(en)}, test.rows(test.languages == "ru"), semantic, ("ru",)),
        "hand_en_to_zh": mode_block({"default": tune.rows(en)}, test.rows(test.languages == "zh"), semantic, ("zh",)),
        "hand_ru_only": mode_block({"default": tune.rows(tune.languages == "ru")}, test.rows(test.languages == "ru"),
                                   semantic, ("ru",)),
        "hand_zh_only": mode_block({"default": tune.rows(tune.languages == "zh")}, test.rows(test.languages == "zh"),
                                   semantic, ("zh",)),
        "euvsdisinfo": mode_block({"default": euvs_tune, "zero_shot": tune}, euvs_test, semantic, ("en",), mapped),
        "planted": mode_block({"default": planted_tune, "zero_shot": tune}, planted_test, semantic, LANGUAGES, mapped),
    }
    results["modes"] = {system: {dataset: block[system] for dataset, block in blocks.items()} for system in SYSTEMS}
    results["learned_selection"] = {name: dict(zip(blocks, SYSTEMS[name].selections))
                                    for name in ("learned", "learned_plain")}
    results["thresholds"] = {**fitted, "aggregate": "max", "lexical_weight": semantic.options.lexical_weight,
                             "definitions": semantic.options.definitions, "model": backend.name,
                             "fitted_on": f"eval/data/narratives, part 'tune' of parts.csv ({len(tune)} paragraphs)"}
    results["data"] = {"hand": {p: int((part == p).sum()) for p in ("tune", "test", "codebook-source")},
                       "hand_test_positive": int(test.y.any(axis=1).sum()),
                       "euvsdisinfo": {"tune": len(euvs_tune), "test": len(euvs_test)},
                       "planted": {"tune": len(planted_tune), "test": len(planted_test),
                                   "test_by_language": {lang: int((planted_test.languages == lang).sum())
                                                        for lang in LANGUAGES}},
                       "parts": str((DATA / "parts.csv").relative_to(ROOT))}
    results["seconds"] = {"embed_hand": round(hand_seconds, 1), "embed_euvsdisinfo": round(euvs_seconds, 1),
                          "embed_planted": round(planted_seconds, 1), "total": round(time.perf_counter() - started, 1)}
    results["model"] = backend.name
    results["codebook_version"] = book.version
    results["trivial"] = list(TRIVIAL)
    return results


def headline(results: dict) -> dict[str, float]:
    """The figures pinned by floors and compared with the trivial predictors: `<dataset>.<system>.<family>.l<level>.
    <metric>` (test parts, full codebook detail) and `<system>.<dataset>.<language>.l<level>.<metric>` (modes)."""
    out = {}
    for dataset in ("hand", "euvsdisinfo"):
        for system in DETAIL:
            for key in ("all.l1", "all.l2", "state.l2", "urw.l2"):
                block = results[dataset][system][key]
                for metric in ("samples_f1", "micro_f1", "macro_f1", "samples_f1_narrative_bearing"):
                    out[f"{dataset}.{system}.{key}.{metric}"] = block[metric]
    for system, datasets in results["modes"].items():
        for dataset, languages in datasets.items():
            for lang, block in languages.items():
                for level in ("l1", "l2"):
                    for metric in ("macro_f1", "samples_f1"):
                        out[f"{system}.{dataset}.{lang}.{level}.{metric}"] = block[level][metric]
    return out


def print_tables(results: dict) -> None:
    rows = []
    for dataset, languages in results["modes"]["zero_shot"].items():
        for lang in languages:
            row = {"data": dataset, "lang": lang, "n": languages[lang]["n"], "pos": languages[lang]["positive"]}
            for system, datasets in results["modes"].items():
                block = datasets[dataset][lang]
                row[f"{system} macro"] = f"{block['l1']['macro_f1']:.2f}/{block['l2']['macro_f1']:.2f}"
                row[f"{system} samples"] = f"{block['l1']['samples_f1']:.2f}/{block['l2']['samples_f1']:.2f}"
            rows.append(row)
    with pd.option_context("display.width", 300, "display.max_columns", 30):
        print("detection on the test parts (level 1 / level 2):")
        print(pd.DataFrame(rows).to_string(index=False))
        per = pd.DataFrame(results["hand"]["zero_shot"]["all.l2"]["per_narrative"]).T
        print("\nhand test part, zero-shot, level 2, per narrative:")
        print(per[per["support"] > 0].sort_values("support", ascending=False).to_string())
        print("\nprecision of zero-shot hits by score band (hand test part):")
        print(pd.DataFrame(results["precision_bands"]["bands"]).to_string(index=False))
    print("\nlearned: variants kept on held-out folds of each training part:")
    for dataset, chosen in results["learned_selection"]["learned"].items():
        print(f"  {dataset}: {chosen}")
    print("\ncodebook-source rows (left out of every part):", results["codebook_source"])
    print("thresholds:", {k: results["thresholds"][k] for k in ("default", "by_level", "language_shift",
                                                                 "shift_shrinkage")})
    print("seconds:", results["seconds"])


def write_packaged(results: dict) -> None:
    path = packaged_path()
    path.write_text(json.dumps(results["thresholds"], indent=1) + "\n", encoding="utf-8")
    bands = path.with_name("precision.json")
    bands.write_text(json.dumps(results["precision_bands"], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path} and {bands}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a figure drops below its floor")
    parser.add_argument("--write-thresholds", action="store_true",
                        help="store the thresholds fitted on the tuning part and the measured hit precision in "
                             "the package")
    parser.add_argument("--workers", type=int, default=2, help="embedding processes")
    args = parser.parse_args()
    results = run(args.workers)
    results["headline"] = headline(results)
    print_tables(results)
    if args.write_thresholds:
        write_packaged(results)
    failures = below_floors("narratives", results["headline"]) if args.check else []
    return finish_nested("narratives", results, RESULTS, failures)


if __name__ == "__main__":
    sys.exit(main())
