"""Narrative detection quality on labelled data, each set split into a tuning part and a test part, next to the
trivial predictors (nothing, the majority label set, keyword-only) measured in the same run.

    python eval/narratives.py [--check] [--write-thresholds] [--propose-floors | --write-floors] [--workers 2]

Which rows informed what (eval/narratives_data.py says which rows are which):

* the 32 hand-labelled seed-page paragraphs the default codebook's claims were written from are left out of every
  tuning and test part (`codebook_source` reports the detector on them, to show how much they flattered it);
* the hand set's tuning part is the whole first sample (320 rows). Every one of those rows was looked at while the
  detector and the codebook were configured (the multilateralism phrases of `world-order.un-centred-order`, the
  lexical weight and `definitions` were chosen with them visible), so none is scored; the hand test part is the
  fresh batch (eval/data/narratives/fresh/, 650 rows), labelled and committed before any detector ran on it;
* the detector's settings (lexical weight, whether descriptions count as claims), zero-shot thresholds, the
  per-language score shift and how both are fitted are chosen together by cross-validation inside the hand
  tuning rows; the learned detector (its arms, thresholds and variants chosen by cross-validation inside its
  training rows) and the majority label set are fitted on a tuning part; figures come from the test part;
* EUvsDisinfo titles are deduplicated before the split and near copies kept on one side (planted documents draw
  their case from their own side);
* the packaged thresholds (src/lockstep/data/codebook/thresholds.json, --write-thresholds) are the ones fitted
  on the hand set's tuning part, so the hand test figures are those of the shipped zero-shot detector; the
  measured precision of its hits per score band (`precision_bands`, shown beside hits in the dashboard and the
  report) comes from the hand test part.

Figures: per-narrative precision/recall/F1, micro, macro and samples-F1 at level 1 (narratives) and level 2
(sub-narratives), per language (en, ru, zh apart), for the learned detector, zero-shot, keyword-only, the
majority label set of the tuning part and nothing (see eval/narratives_metrics.py), each with its 90 % bootstrap
interval over the test rows (eval/narratives_bootstrap.py). Writes eval/results/narratives.json; --check fails
when a figure is below its floor in eval/floors.json ("narratives"), a floor is not above the trivial predictors
(eval/floors.py), or the detector settings chosen on the tuning rows are not the library's defaults.
--propose-floors prints the floors eval/floor_setting.py derives from this run (the lower end of each figure's
interval, above every trivial predictor); --write-floors also writes them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from lockstep.enrich.embeddings import get_backend
from lockstep.narratives.calibrate import packaged_path
from lockstep.narratives.codebook import Codebook, load_codebook
from lockstep.narratives.detect import DetectOptions, Detector

from embedding_cache import embed
from floor_setting import propose, write_section
from floors import below_floors, finish_nested
from narratives_bands import precision_bands
from narratives_bootstrap import block_intervals, language_intervals
from narratives_data import (DATA, MODEL, documents, euvsdisinfo_set, hand_set, paragraphs, planted_set)
from narratives_fit import (DEFINITIONS, SYSTEMS, TRIVIAL, Labelled, Setting, choose_setting, decide, fit_thresholds,
                            setting_scores)
from narratives_metrics import by_language, evaluate, figures, gold_matrix

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results" / "narratives.json"
LANGUAGES = ("en", "ru", "zh")
DETAIL = ("zero_shot", "keyword_only", "majority", "nothing")
FAMILIES = ("all", "state", "urw")
FLOORED = {"detail": ("hand", "euvsdisinfo"), "modes": ("hand", "euvsdisinfo", "planted"),
           "systems": ("learned", "zero_shot")}


def mapped_columns(detector: Detector) -> np.ndarray:
    """The narratives EUvsDisinfo's keyword map can label, from the map's rules (others are not scored there)."""
    mapping = yaml.safe_load((DATA / "euvsdisinfo_map.yaml").read_text(encoding="utf-8"))
    mapped = {n for rule in mapping["rules"] for label in rule["narratives"]
              for n in [label, *detector.codebook.ancestors(label)]}
    return np.array([nid in mapped for nid in detector.ids], dtype=bool)


def detail(systems: dict[str, np.ndarray], test: Labelled, detector: Detector, key: str) -> tuple[dict, dict]:
    """Full figures per family and level for each system, and their bootstrap intervals."""
    return ({name: evaluate(test.y, predicted, detector) for name, predicted in systems.items()},
            block_intervals(test.y, systems, detector, key, FAMILIES))


def mode_block(train_of: dict[str, Labelled], test: Labelled, detector: Detector, wanted: tuple[str, ...],
               dataset: str, mask: np.ndarray | None = None) -> tuple[dict[str, dict], dict[str, dict]]:
    """({system: figures per language}, {system: intervals per language}): each system fitted on its training
    rows, scored on `test`."""
    predictions = {}
    for name, predict in SYSTEMS.items():
        predicted = predict(train_of.get(name, train_of["default"]), test, detector)
        predictions[name] = predicted & mask if mask is not None else predicted
    return ({name: by_language(test.y, p, test.languages, detector, wanted) for name, p in predictions.items()},
            language_intervals(test.y, predictions, test.languages, detector, dataset, wanted))


def choose_detector(book: Codebook, backend, hand: pd.DataFrame, workers: int) -> tuple[Setting, dict]:
    """The detector setting chosen by cross-validation inside the hand tuning rows, and every figure tried."""
    rows = hand[hand["part"] == "tune"]
    texts, languages = rows["text"].tolist(), rows["language"].tolist()
    vectors, _seconds = embed(texts, MODEL, workers)
    detectors = {d: Detector(book, backend, Setting(DetectOptions().lexical_weight, d).options()) for d in DEFINITIONS}
    scores = setting_scores(detectors, texts, vectors, languages)
    y = gold_matrix(detectors[True], rows["gold"].tolist())
    return choose_setting(scores, y, detectors[True], rows["language"].to_numpy())


def run(workers: int) -> dict:
    started = time.perf_counter()
    book: Codebook = load_codebook()
    backend = get_backend(MODEL)
    hand, euvs = hand_set(), euvsdisinfo_set()
    setting, setting_tried = choose_detector(book, backend, hand, workers)
    semantic = Detector(book, backend, setting.options())   # shifts are fitted here
    keyword = Detector(book, None, DetectOptions(semantic=False))
    hand_data, hand_seconds = paragraphs(hand, semantic, keyword, workers)
    euvs_data, euvs_seconds = paragraphs(euvs, semantic, keyword, workers)
    planted = planted_set(euvs)
    planted_data, planted_seconds = documents(planted, semantic, keyword, workers)
    part = hand["part"].to_numpy()
    tune, test, source = (hand_data.rows(part == p) for p in ("tune", "test", "codebook-source"))
    fitted = fit_thresholds(tune.scores, tune.y, semantic, tune.languages)
    zero_shot = decide(test.scores, semantic, fitted, test.languages)
    results: dict = {}
    results["hand"], hand_intervals = detail({"zero_shot": zero_shot, "keyword_only": test.keyword,
                                              "majority": SYSTEMS["majority"](tune, test, semantic),
                                              "nothing": SYSTEMS["nothing"](tune, test, semantic)},
                                             test, semantic, "hand-detail")
    results["codebook_source"] = {
        "zero_shot": figures(source.y, decide(source.scores, semantic, fitted, source.languages), semantic),
        "keyword_only": figures(source.y, source.keyword, semantic),
        "note": "the seed-page paragraphs the codebook's claims were written from: not a quality figure"}
    results["precision_bands"] = precision_bands(test, semantic, fitted)

    mapped = mapped_columns(semantic)
    euvs_part = euvs["part"].to_numpy()
    euvs_tune, euvs_test = euvs_data.rows(euvs_part == "tune"), euvs_data.rows(euvs_part == "test")
    euvs_zero_shot = decide(euvs_test.scores, semantic, fitted, euvs_test.languages) & mapped
    results["euvsdisinfo"], euvs_intervals = detail(
        {"zero_shot": euvs_zero_shot, "keyword_only": euvs_test.keyword & mapped,
         "majority": SYSTEMS["majority"](euvs_tune, euvs_test, semantic),
         "nothing": SYSTEMS["nothing"](euvs_tune, euvs_test, semantic)}, euvs_test, semantic, "euvsdisinfo-detail")
    results["euvsdisinfo"]["mapped_narratives"] = [n for n, m in zip(semantic.ids, mapped) if m]

    planted_part = planted["part"].to_numpy()
    planted_tune, planted_test = planted_data.rows(planted_part == "tune"), planted_data.rows(planted_part == "test")
    en = tune.languages == "en"
    specs = {
        "hand": ({"default": tune}, test, LANGUAGES, None),
        "hand_en_to_ru": ({"default": tune.rows(en)}, test.rows(test.languages == "ru"), ("ru",), None),
        "hand_en_to_zh": ({"default": tune.rows(en)}, test.rows(test.languages == "zh"), ("zh",), None),
        "hand_ru_only": ({"default": tune.rows(tune.languages == "ru")}, test.rows(test.languages == "ru"), ("ru",),
                         None),
        "hand_zh_only": ({"default": tune.rows(tune.languages == "zh")}, test.rows(test.languages == "zh"), ("zh",),
                         None),
        "euvsdisinfo": ({"default": euvs_tune, "zero_shot": tune}, euvs_test, ("en",), mapped),
        "planted": ({"default": planted_tune, "zero_shot": tune}, planted_test, LANGUAGES, mapped),
    }
    blocks, block_intervals_ = {}, {}
    for dataset, (train_of, rows, wanted, mask) in specs.items():
        blocks[dataset], block_intervals_[dataset] = mode_block(train_of, rows, semantic, wanted, dataset, mask)
    results["modes"] = {system: {dataset: block[system] for dataset, block in blocks.items()} for system in SYSTEMS}
    results["learned_selection"] = {name: dict(zip(blocks, SYSTEMS[name].selections))
                                    for name in ("learned", "learned_plain")}
    library = DetectOptions()
    results["detector_setting"] = {
        "chosen": {"lexical_weight": setting.lexical_weight, "definitions": setting.definitions},
        "library_default": {"lexical_weight": library.lexical_weight, "definitions": library.definitions},
        "chosen_by": "5-fold cross-validated macro-F1 (levels 1 and 2 averaged) inside the hand tuning rows, the "
                     "best threshold-fitting configuration of each setting",
        "tried": setting_tried}
    results["thresholds"] = {**fitted, "aggregate": "max", "lexical_weight": semantic.options.lexical_weight,
                             "definitions": semantic.options.definitions, "model": backend.name,
                             "fitted_on": f"eval/data/narratives, part 'tune' of parts.csv ({len(tune)} paragraphs)"}
    results["data"] = {"hand": {p: int((part == p).sum()) for p in ("tune", "test", "codebook-source")},
                       "hand_by_language": {p: {lang: int(((part == p) & (hand["language"] == lang)).sum())
                                                for lang in LANGUAGES} for p in ("tune", "test")},
                       "hand_test_positive": int(test.y.any(axis=1).sum()),
                       "hand_test": "the fresh batch (eval/data/narratives/fresh/), labelled before any detector "
                                    "ran on it",
                       "euvsdisinfo": {"tune": len(euvs_tune), "test": len(euvs_test), **euvs.attrs},
                       "planted": {"tune": len(planted_tune), "test": len(planted_test),
                                   "test_by_language": {lang: int((planted_test.languages == lang).sum())
                                                        for lang in LANGUAGES}},
                       "parts": str((DATA / "parts.csv").relative_to(ROOT))}
    results["seconds"] = {"embed_hand": round(hand_seconds, 1), "embed_euvsdisinfo": round(euvs_seconds, 1),
                          "embed_planted": round(planted_seconds, 1), "total": round(time.perf_counter() - started, 1)}
    results["model"] = backend.name
    results["codebook_version"] = book.version
    results["trivial"] = list(TRIVIAL)
    results["raw_intervals"] = {"hand": hand_intervals, "euvsdisinfo": euvs_intervals, "modes": block_intervals_}
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


def flat_intervals(raw: dict, keys: list[str]) -> dict[str, dict]:
    """The 90 % bootstrap interval of every headline figure, under the figure's key."""
    out = {}
    for key in keys:
        parts = key.split(".")
        if parts[0] in ("hand", "euvsdisinfo"):
            dataset, system, family, level, metric = parts
            out[key] = raw[dataset][system][f"{family}.{level}"][metric]
        else:
            system, dataset, lang, level, metric = parts
            out[key] = raw["modes"][dataset][system][lang][level][metric]
    return out


def floor_candidates(figures: dict[str, float]) -> list[str]:
    """Figures that may carry a floor: the detectors' (not the trivial predictors'), on the main data sets."""
    out = []
    for key in figures:
        parts = key.split(".")
        if parts[0] in FLOORED["detail"]:
            keep = parts[1] == "zero_shot" and parts[2] == "all"
        else:
            keep = parts[0] in FLOORED["systems"] and parts[1] in FLOORED["modes"]
        if keep:
            out.append(key)
    return out


def span(interval: dict) -> str:
    return f"[{interval['low']:.2f}–{interval['high']:.2f}]"


def print_tables(results: dict) -> None:
    rows = []
    intervals = results["intervals"]
    for dataset, languages in results["modes"]["zero_shot"].items():
        for lang in languages:
            row = {"data": dataset, "lang": lang, "n": languages[lang]["n"], "pos": languages[lang]["positive"]}
            for system, datasets in results["modes"].items():
                block = datasets[dataset][lang]
                l1, l2 = (intervals[f"{system}.{dataset}.{lang}.{lv}.macro_f1"] for lv in ("l1", "l2"))
                row[f"{system} macro"] = (f"{block['l1']['macro_f1']:.2f}{span(l1)}/"
                                          f"{block['l2']['macro_f1']:.2f}{span(l2)}")
            rows.append(row)
    with pd.option_context("display.width", 400, "display.max_columns", 30, "display.max_colwidth", 40):
        print("macro-F1 on the test parts, level 1 / level 2, [90 % bootstrap interval]:")
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
    setting = results["detector_setting"]
    print("detector setting chosen on the hand tuning rows:", setting["chosen"], "library:", setting["library_default"],
          {label: max(tried.values()) for label, tried in setting["tried"].items()})
    print("thresholds:", {k: results["thresholds"][k] for k in ("default", "by_level", "language_shift",
                                                                 "shift_shrinkage", "objective")})
    print("data:", results["data"])
    print("seconds:", results["seconds"])


def print_floors(results: dict) -> None:
    proposal = results["floor_proposal"]
    figures, intervals = results["headline"], results["intervals"]
    print(f"\nfloors from this run (eval/floor_setting.py): {len(proposal['floors'])} set, "
          f"{len(proposal['skipped'])} candidates without one")
    for key, floor in proposal["floors"].items():
        print(f"  {key:52s} {figures[key]:.4f} {span(intervals[key])} floor {floor:.2f} ({proposal['basis'][key]})")
    for key, why in proposal["skipped"].items():
        print(f"  {key:52s} no floor: {why}")


def settings_match(results: dict) -> list[str]:
    """A failure line when the detector setting chosen on the tuning rows is not the library's default."""
    chosen, library = results["detector_setting"]["chosen"], results["detector_setting"]["library_default"]
    if chosen == library:
        return []
    return [f"narratives: the hand tuning rows chose {chosen}, the library's DetectOptions default is {library} "
            "(set lockstep.narratives.detect.DetectOptions to the chosen values, then --write-thresholds)"]


def write_packaged(results: dict) -> None:
    problems = settings_match(results)
    if problems:
        raise SystemExit(problems[0])
    path = packaged_path()
    thresholds = {**results["thresholds"], "setting_chosen_by": results["detector_setting"]["chosen_by"],
                  "settings_tried": {label: max(tried.values())
                                     for label, tried in results["detector_setting"]["tried"].items()}}
    path.write_text(json.dumps(thresholds, indent=1) + "\n", encoding="utf-8")
    bands = path.with_name("precision.json")
    bands.write_text(json.dumps(results["precision_bands"], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path} and {bands}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a figure drops below its floor")
    parser.add_argument("--write-thresholds", action="store_true",
                        help="store the thresholds fitted on the tuning part and the measured hit precision in "
                             "the package")
    parser.add_argument("--propose-floors", action="store_true",
                        help="print the floors this run supports (interval's lower end, above every trivial figure)")
    parser.add_argument("--write-floors", action="store_true",
                        help="write those floors to eval/floors.json (section narratives)")
    parser.add_argument("--workers", type=int, default=2, help="embedding processes")
    args = parser.parse_args()
    results = run(args.workers)
    results["headline"] = headline(results)
    results["intervals"] = flat_intervals(results.pop("raw_intervals"), list(results["headline"]))
    floors, skipped, basis = propose(results["headline"], results["intervals"], floor_candidates(results["headline"]))
    results["floor_proposal"] = {"floors": floors, "skipped": skipped, "basis": basis}
    print_tables(results)
    if args.propose_floors or args.write_floors:
        print_floors(results)
    if args.write_floors:
        write_section("narratives", floors)
        print(f"wrote {len(floors)} floors to eval/floors.json (narratives)")
    if args.write_thresholds:
        write_packaged(results)
    failures = below_floors("narratives", results["headline"]) + settings_match(results) if args.check else []
    return finish_nested("narratives", results, RESULTS, failures)


if __name__ == "__main__":
    sys.exit(main())
