"""What the narrative evaluation fits, always on a tuning part only: the zero-shot detector's settings (the
lexical weight, whether a narrative's description counts as a claim), zero-shot thresholds (per level, a few per
narrative), the per-language score shift, how both are fitted (the measure a threshold maximises, the shift's
shrinkage) — settings and fitting chosen together by cross-validated macro-F1 inside the tuning rows —, the
learned detector, the majority label set.

Every system is `predict(train, test, detector) -> decisions`: it may fit anything on `train` and must not look at
`test` beyond its features. The systems are the learned detector (`learned_plain`: without the variants it may
keep, language centring and parent gating, to show what they add), the zero-shot detector (thresholds fitted on
`train`), and the trivial predictors: `majority` (the most frequent label set of `train`) and `nothing` (no
narrative anywhere). The keyword-only detector has no fitted part (`keyword` decisions come with the data).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lockstep.narratives import learned
from lockstep.narratives.calibrate import best_threshold
from lockstep.narratives.detect import DetectOptions, Detector

from narratives_metrics import label_matrix, macro_f1_matrix, majority, micro_f1_matrix, samples_f1_matrix

OBJECTIVES = {"samples_f1": samples_f1_matrix, "micro_f1": micro_f1_matrix}   # what a level's threshold maximises
CONFIG_FOLDS = 5
MIN_SUPPORT = 20       # positives a narrative needs for its own threshold
MIN_LANGUAGE = 20      # rows a language needs for its own score shift
NO_SHIFT = float("inf")
SHIFT_KS = (0, 10, 20, 40, NO_SHIFT)   # shrinkage of the language shift (inf: none), chosen by cross-validation
                                       # inside the tuning rows
GRID = [round(x, 2) for x in np.arange(0.35, 0.9, 0.01)]
LEXICAL_WEIGHTS = (0.25, 0.10, 0.15, 0.20, 0.35)   # the library's default first: a tie keeps it
DEFINITIONS = (True, False)


@dataclass(slots=True)
class Labelled:
    """Labelled rows (paragraphs or documents) with what the systems need."""

    vectors: np.ndarray         # pooled paragraph embeddings: [mean, max] (a single paragraph: [v, v])
    scores: np.ndarray          # zero-shot scores (unshifted; a document's: its best paragraph's)
    y: np.ndarray
    languages: np.ndarray
    keyword: np.ndarray         # keyword-only decisions (no fitted part)

    def rows(self, mask: np.ndarray) -> "Labelled":
        return Labelled(self.vectors[mask], self.scores[mask], self.y[mask], self.languages[mask], self.keyword[mask])

    def __len__(self) -> int:
        return len(self.y)


# ---- zero-shot thresholds and the language shift ------------------------------------------------------------


def level_threshold(scores: np.ndarray, y: np.ndarray, detector: Detector, level: int, objective: str) -> float:
    """The grid threshold maximising `objective` (OBJECTIVES) at `level` (the lowest of ties)."""
    gold = label_matrix(y, detector, level)
    measure = OBJECTIVES[objective]
    return max(GRID, key=lambda t: (measure(gold, label_matrix(scores >= t, detector, level)), -t))


def language_shift(scores: np.ndarray, y: np.ndarray, detector: Detector, languages: np.ndarray,
                   config: "Config") -> dict[str, float]:
    """Per language: the level-1 threshold fitted on all rows minus the one fitted on the language's rows alone,
    shrunk toward 0 by n / (n + shrinkage); only languages with MIN_LANGUAGE rows and a positive."""
    if config.shrinkage == NO_SHIFT or shifted_languages(y, languages) < 2:
        return {}
    overall = level_threshold(scores, y, detector, 1, config.objective)
    out = {}
    for lang in sorted(set(languages)):
        mask = languages == lang
        n = int(mask.sum())
        if n >= MIN_LANGUAGE and y[mask].any():
            own = level_threshold(scores[mask], y[mask], detector, 1, config.objective)
            out[str(lang)] = round(float((overall - own) * n / (n + config.shrinkage)), 4)
    return out


def shifted_languages(y: np.ndarray, languages: np.ndarray) -> int:
    """How many languages get a shift of their own (a single one would get none: nothing to shift against)."""
    return sum(1 for lang in set(languages) if (languages == lang).sum() >= MIN_LANGUAGE and y[languages == lang].any())


def shifted(scores: np.ndarray, languages: np.ndarray | None, shift: dict) -> np.ndarray:
    if languages is None or not shift:
        return scores
    return scores + np.array([shift.get(lang, 0.0) for lang in languages], dtype=scores.dtype)[:, None]


@dataclass(frozen=True, slots=True)
class Config:
    """How thresholds are fitted: the measure a level's threshold maximises, the language shift's shrinkage."""

    objective: str = "samples_f1"
    shrinkage: float = NO_SHIFT

    def label(self) -> dict:
        return {"objective": self.objective, "shift_shrinkage": None if self.shrinkage == NO_SHIFT else
                self.shrinkage}


CONFIGS = tuple(Config(objective, k) for objective in OBJECTIVES for k in SHIFT_KS)


def fit_thresholds(scores: np.ndarray, y: np.ndarray, detector: Detector, languages: np.ndarray | None,
                   config: Config | None = None) -> dict:
    """Thresholds in the packaged format: one per level, chosen on a grid to maximise the configuration's measure
    at that level; a narrative with MIN_SUPPORT positives also gets its own F1-optimal threshold, shrunk toward its
    level's; a per-language score shift first. `config` None: chosen among CONFIGS by cross-validated macro-F1
    on these rows (the measure the evaluation reports first). Everything is fitted on the rows given, nothing
    else."""
    config, tried = (choose_config(scores, y, detector, languages) if config is None else (config, {}))
    shift = language_shift(scores, y, detector, languages, config) if languages is not None else {}
    scores = shifted(scores, languages, shift)
    by_level = {level: level_threshold(scores, y, detector, level, config.objective) for level in (1, 2)}
    per = {}
    for col, nid in enumerate(detector.ids):
        if y[:, col].sum() >= MIN_SUPPORT and not nid.endswith(".other"):
            prior = by_level[min(detector.codebook.level(nid), 2)]
            per[nid] = round(best_threshold(scores[:, col], y[:, col], prior=prior, shrink=30)[0], 4)
    return {"default": round(float(by_level[2]), 4), "by_level": {"1": round(float(by_level[1]), 4)},
            "narratives": per, "language_shift": shift, **config.label(),
            **({"chosen_by": f"{CONFIG_FOLDS}-fold cross-validated macro-F1 on the fitting rows", "tried": tried}
               if tried else {})}


def choose_config(scores: np.ndarray, y: np.ndarray, detector: Detector,
                  languages: np.ndarray | None) -> tuple[Config, dict]:
    """The configuration with the best out-of-fold macro-F1 (levels 1 and 2 averaged) on these rows, and the
    figure of each one tried; ties go to the earlier one in CONFIGS."""
    folds = np.random.default_rng(5).permutation(len(y)) % CONFIG_FOLDS
    golds = {lv: label_matrix(y, detector, lv) for lv in (1, 2)}
    tried, best = {}, (-1.0, CONFIGS[0])
    for config in CONFIGS:
        if config.shrinkage != NO_SHIFT and (languages is None or shifted_languages(y, languages) < 2):
            continue
        predicted = np.zeros_like(y)
        for f in range(CONFIG_FOLDS):
            train, test = folds != f, folds == f
            lang_train = languages[train] if languages is not None else None
            fitted = fit_thresholds(scores[train], y[train], detector, lang_train, config)
            predicted[test] = decide(scores[test], detector, fitted, languages[test] if languages is not None else None)
        value = float(np.mean([macro_f1_matrix(golds[lv], label_matrix(predicted, detector, lv)) for lv in (1, 2)]))
        tried[f"{config.objective}, shrinkage {config.label()['shift_shrinkage']}"] = round(value, 4)
        if value > best[0] + 1e-9:
            best = (value, config)
    return best[1], tried


@dataclass(frozen=True, slots=True)
class Setting:
    """Detector settings the zero-shot scores depend on (the rest of DetectOptions stays the library's)."""

    lexical_weight: float
    definitions: bool

    def label(self) -> str:
        return f"lexical weight {self.lexical_weight}, definitions {self.definitions}"

    def options(self) -> DetectOptions:
        return DetectOptions(lexical_weight=self.lexical_weight, definitions=self.definitions, language_shift={})


SETTINGS = tuple(Setting(w, d) for d in DEFINITIONS for w in LEXICAL_WEIGHTS)


def setting_scores(detectors: dict[bool, Detector], texts: list[str], vectors: np.ndarray,
                   languages: list[str]) -> dict[Setting, np.ndarray]:
    """Zero-shot scores (unshifted) of `texts` under every Setting: one detector per `definitions` value (its
    claims differ), the lexical weight applied at scoring time."""
    out = {}
    for setting in SETTINGS:
        detector = detectors[setting.definitions]
        detector.options = replace(detector.options, lexical_weight=setting.lexical_weight)
        out[setting] = detector.score(texts, vectors, languages).combined
    return out


def choose_setting(scores: dict[Setting, np.ndarray], y: np.ndarray, detector: Detector,
                   languages: np.ndarray) -> tuple[Setting, dict]:
    """The detector setting whose best fitting configuration has the best out-of-fold macro-F1 on these rows
    (choose_config for each), and every figure tried; ties go to the earlier one in SETTINGS."""
    best, tried = (-1.0, SETTINGS[0]), {}
    for setting in SETTINGS:
        _config, figures = choose_config(scores[setting], y, detector, languages)
        tried[setting.label()] = figures
        if max(figures.values()) > best[0] + 1e-9:
            best = (max(figures.values()), setting)
    return best[1], tried


def threshold_vector(detector: Detector, fitted: dict) -> np.ndarray:
    levels = {int(k): v for k, v in fitted.get("by_level", {}).items()}
    return np.array([fitted["narratives"].get(nid, levels.get(detector.codebook.level(nid), fitted["default"]))
                     for nid in detector.ids])


def decide(scores: np.ndarray, detector: Detector, fitted: dict, languages: np.ndarray | None = None) -> np.ndarray:
    return shifted(scores, languages, fitted.get("language_shift", {})) >= threshold_vector(detector, fitted)[None, :]


# ---- systems --------------------------------------------------------------------------------------------------


class LearnedSystem:
    """Fit zero-shot thresholds and the learned detector on `train`, decide `test`; `selections` keeps what each
    fit chose (language centring, parent gating) and the cross-validated F1 behind the choice."""

    def __init__(self, options: learned.LearnOptions | None = None):
        self.options = options
        self.selections: list[dict] = []

    def __call__(self, train: Labelled, test: Labelled, detector: Detector) -> np.ndarray:
        fitted = fit_thresholds(train.scores, train.y, detector, train.languages)
        zs_train = shifted(train.scores, train.languages, fitted["language_shift"])
        zs_test = shifted(test.scores, test.languages, fitted["language_shift"])
        model = learned.fit(np.hstack([train.vectors, zs_train]), zs_train, train.y, np.ones_like(train.y),
                            detector.ids, threshold_vector(detector, fitted), self.options,
                            languages=train.languages, codebook=detector.codebook)
        self.selections.append({"centred": model.centred, "gated": model.gated, "linear": len(model.linear_columns()),
                                **model.selection})
        return learned.decide(model, np.hstack([test.vectors, zs_test]), zs_test, detector.codebook,
                              languages=test.languages)[0]


def zero_shot_predict(train: Labelled, test: Labelled, detector: Detector) -> np.ndarray:
    return decide(test.scores, detector, fit_thresholds(train.scores, train.y, detector, train.languages),
                  test.languages)


def majority_predict(train: Labelled, test: Labelled, _detector: Detector) -> np.ndarray:
    return np.tile(majority(train.y), (len(test), 1))


def nothing_predict(_train: Labelled, test: Labelled, _detector: Detector) -> np.ndarray:
    return np.zeros_like(test.y)


def keyword_predict(_train: Labelled, test: Labelled, _detector: Detector) -> np.ndarray:
    return test.keyword


PLAIN = learned.LearnOptions(centre="never", gate="never")
SYSTEMS = {"learned": LearnedSystem(), "learned_plain": LearnedSystem(PLAIN), "zero_shot": zero_shot_predict,
           "keyword_only": keyword_predict, "majority": majority_predict, "nothing": nothing_predict}
TRIVIAL = ("keyword_only", "majority", "nothing")
