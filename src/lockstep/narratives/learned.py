"""Learned narrative detectors: per-narrative linear classifiers over document features, with thresholds chosen
by cross-validation, each kept only where it beats the zero-shot detector.

Document features: the mean and the max of the paragraph embeddings, and the zero-shot detector's document
scores (best paragraph per narrative), standardised. Learner: ridge regression on +1/-1 targets, all narratives
in one solve (a document labelled with a sub-narrative is positive for its parents too), trained on the examples
of every language together. For every narrative:

* out-of-fold scores (k folds) choose the threshold that maximises F1;
* the zero-shot arm (its document score against a threshold fitted on the same training folds) is scored on the
  same folds; the linear arm is kept when the narrative has at least `min_positives` positives and its
  cross-validated F1 beats zero-shot by `min_gain`; otherwise the narrative stays zero-shot.

Two variants, each kept only when it helps on held-out folds of the training data (`min_variant_gain` of mean
cross-validated F1; `LearnOptions.centre` / `gate` force them on or off):

* language centring: the embedding features of each language have the language's mean subtracted, so what a
  classifier learns from English examples is not tied to where English sits in the multilingual space and
  carries over to Russian (cross-lingual embeddings put each language around its own centre); stored as one
  intercept per language and arm (a language unseen in training gets the centre of all examples);
* the hierarchy (domain -> narrative -> sub-narrative): parent-gated sub-narratives, decided only in documents
  where their parent is decided, instead of a sub-narrative implying its parent.

Evidence: the paragraph whose own features score highest. This module is pure (arrays in, arrays out);
`training.py` reads data and the store, `models.py` keeps models.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lockstep.errors import InputError
from lockstep.narratives.calibrate import best_threshold
from lockstep.narratives.codebook import Codebook

ALPHAS = (3.0, 30.0, 300.0)
MIN_CENTRED = 5    # examples a language needs for its own centre (fewer: the centre of all examples)
VARIANT_MODES = ("auto", "always", "never")


@dataclass(slots=True, kw_only=True)
class LearnOptions:
    folds: int = 5
    min_positives: int = 10    # fewer positives: the narrative stays zero-shot
    min_gain: float = 0.05     # cross-validated F1 the linear arm must add over zero-shot
    alphas: tuple[float, ...] = ALPHAS
    seed: int = 3
    centre: str = "auto"       # centre each language's features: auto (when it helps in CV), always, never
    gate: str = "auto"         # sub-narratives only where their parent is decided: auto, always, never
    min_variant_gain: float = 0.01   # mean cross-validated F1 a variant must add to be kept

    def __post_init__(self) -> None:
        for name in ("centre", "gate"):
            if getattr(self, name) not in VARIANT_MODES:
                raise InputError(f"{name} {getattr(self, name)!r}: use one of {', '.join(VARIANT_MODES)}")


@dataclass(slots=True)
class Arm:
    """How one narrative is decided: `linear` (weights over the features) or `zero-shot` (its document score)."""

    narrative: str
    kind: str
    threshold: float
    weights: np.ndarray | None = None
    bias: float = 0.0
    positives: int = 0
    cv_f1_linear: float | None = None
    cv_f1_zero_shot: float | None = None
    language_bias: dict[str, float] = field(default_factory=dict)   # centred: the intercept per language

    def intercepts(self, languages: np.ndarray | None, rows: int) -> np.ndarray | float:
        """The linear arm's intercept for each row (one per language when centred, else `bias`)."""
        if not self.language_bias or languages is None:
            return self.bias
        return np.array([self.language_bias.get(str(lang), self.bias) for lang in languages], dtype=np.float32)


@dataclass(slots=True)
class LearnedModel:
    """A trained detector: arms per narrative, in the column order of `narratives` (the zero-shot features)."""

    narratives: list[str]
    arms: dict[str, Arm]
    alpha: float
    dim: int
    cv: dict = field(default_factory=dict)
    version: str = ""
    codebook_version: str = ""
    embedding_model: str = ""
    data_hash: str = ""
    centred: bool = False      # linear arms carry one intercept per language
    gated: bool = False        # sub-narratives decided only where their parent is
    selection: dict = field(default_factory=dict)   # the variants tried and their cross-validated F1

    def column_scores(self, features: np.ndarray, zero_shot: np.ndarray,
                      languages: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, thresholds): every narrative's score for each row, from its own arm."""
        scores = np.array(zero_shot, dtype=np.float32, copy=True)
        thresholds = np.zeros(len(self.narratives), dtype=np.float32)
        for col, nid in enumerate(self.narratives):
            arm = self.arms[nid]
            thresholds[col] = arm.threshold
            if arm.kind == "linear":
                scores[:, col] = features @ arm.weights + arm.intercepts(languages, len(features))
        return scores, thresholds

    def linear_columns(self) -> list[int]:
        return [c for c, n in enumerate(self.narratives) if self.arms[n].kind == "linear"]


# ---- features --------------------------------------------------------------------------------------------------


def document_features(paragraph_vectors: list[np.ndarray], paragraph_zero_shot: list[np.ndarray]) -> np.ndarray:
    """(documents, 2 * dim + narratives): mean and max of paragraph vectors, best zero-shot paragraph score."""
    rows = [np.concatenate([v.mean(axis=0), v.max(axis=0), z.max(axis=0)])
            for v, z in zip(paragraph_vectors, paragraph_zero_shot)]
    return np.vstack(rows).astype(np.float32)


def paragraph_features(vectors: np.ndarray, zero_shot: np.ndarray) -> np.ndarray:
    """Features of single paragraphs as one-paragraph documents (to find the evidence paragraph)."""
    return np.hstack([vectors, vectors, zero_shot]).astype(np.float32)


def zero_shot_document(paragraph_zero_shot: list[np.ndarray]) -> np.ndarray:
    """The zero-shot document score: the best paragraph, so a long article does not dilute a narrative."""
    return np.vstack([z.max(axis=0) for z in paragraph_zero_shot]).astype(np.float32)


def targets(labels: list[frozenset[str]], known: list[frozenset[str] | None], codebook: Codebook,
            narratives: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(Y, K): Y[i, j] a label or one of its descendants is positive; K[i, j] the label is decided."""
    column = {n: j for j, n in enumerate(narratives)}
    y = np.zeros((len(labels), len(narratives)), dtype=bool)
    k = np.ones_like(y)
    for i, (labs, kn) in enumerate(zip(labels, known)):
        for lab in labs:
            for nid in (lab, *codebook.ancestors(lab)):
                if nid in column:
                    y[i, column[nid]] = True
        if kn is not None:
            k[i] = [n in kn for n in narratives]
    return y, k


# ---- fitting ---------------------------------------------------------------------------------------------------


def ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """(weights (d, m), bias (m,)) of ridge regressions on standardised x, folded back to raw features."""
    from sklearn.linear_model import Ridge

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = Ridge(alpha=alpha, solver="auto").fit((x - mean) / scale, np.where(y, 1.0, -1.0))
    coef = np.atleast_2d(model.coef_).T / scale[:, None]
    bias = np.atleast_1d(model.intercept_) - mean @ coef
    return coef.astype(np.float32), bias.astype(np.float32)


def fit_linear(x: np.ndarray, y: np.ndarray, k: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Ridge for every column; a column with undecided rows is fitted on its decided rows only."""
    if k.all():
        return ridge(x, y, alpha)
    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    bias = np.full(y.shape[1], -1.0, dtype=np.float32)
    for j in range(y.shape[1]):
        rows = k[:, j]
        if y[rows, j].any() and (~y[rows, j]).any():
            w, b = ridge(x[rows], y[rows, j:j + 1], alpha)
            coef[:, j], bias[j] = w[:, 0], b[0]
    return coef, bias


def fold_ids(n: int, folds: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).permutation(n) % max(2, min(folds, n))


def out_of_fold(x: np.ndarray, y: np.ndarray, k: np.ndarray, alpha: float, folds: np.ndarray) -> np.ndarray:
    scores = np.zeros(y.shape, dtype=np.float32)
    for f in np.unique(folds):
        train, test = folds != f, folds == f
        coef, bias = fit_linear(x[train], y[train], k[train], alpha)
        scores[test] = x[test] @ coef + bias
    return scores


def cv_f1(scores: np.ndarray, y: np.ndarray, folds: np.ndarray, prior: float) -> tuple[float, float]:
    """(F1 of the scores with thresholds fitted on the other folds, threshold fitted on all rows)."""
    predicted = np.zeros(len(y), dtype=bool)
    for f in np.unique(folds):
        train, test = folds != f, folds == f
        cut = best_threshold(scores[train], y[train], prior, shrink=0)[0] if y[train].any() else prior
        predicted[test] = scores[test] >= cut
    return f1_score(y, predicted), best_threshold(scores, y, prior, shrink=0)[0]


def f1_score(y: np.ndarray, predicted: np.ndarray) -> float:
    tp = float((y & predicted).sum())
    denominator = float(y.sum() + predicted.sum())
    return 2 * tp / denominator if denominator else 0.0


def fit(x: np.ndarray, zero_shot: np.ndarray, y: np.ndarray, k: np.ndarray, narratives: list[str],
        priors: np.ndarray, options: LearnOptions | None = None, *, languages: np.ndarray | None = None,
        codebook: Codebook | None = None) -> LearnedModel:
    """Train the detector: x document features, zero_shot document scores, y/k targets and decided masks,
    priors the zero-shot thresholds to fall back on; `languages` (one per row) for language centring,
    `codebook` for the hierarchy."""
    options = options or LearnOptions()
    folds = fold_ids(len(x), options.folds, options.seed)
    trainable = [j for j, n in enumerate(narratives) if not n.endswith(".other")
                 and y[k[:, j], j].sum() >= options.min_positives]
    width = x.shape[1] - len(narratives)
    tried = {}
    for name, features, centres in feature_variants(x, width, languages, options):
        alpha, oof, mean = choose_alpha(features, y, k, trainable, folds, priors, options)
        tried[name] = (features, centres, alpha, oof, mean)
    name = pick_variant({n: v[4] for n, v in tried.items()}, "centred", options.centre, options.min_variant_gain)
    features, centres, alpha, oof, _mean = tried[name]
    coef, bias = fit_linear(features, y, k, alpha) if trainable else (None, None)
    arms = {}
    for j, nid in enumerate(narratives):
        arms[nid] = choose_arm(nid, j, j in trainable, oof, zero_shot, y, k, folds, priors[j], coef, bias, options)
    if centres is not None:
        set_language_intercepts(arms, centres)
    model = LearnedModel(narratives, arms, alpha, width // 2, centred=centres is not None)
    model.selection = {"centring": {n: round(v[4], 4) for n, v in tried.items()}}
    if codebook is not None:
        choose_gate(model, oof, zero_shot, y, k, folds, codebook, options)
    return model


def feature_variants(x: np.ndarray, width: int, languages: np.ndarray | None, options: LearnOptions):
    """(name, features, language centres or None) for the feature variants to compare."""
    several = languages is not None and len(set(map(str, languages))) > 1
    if options.centre != "always" or not several:
        yield "flat", x, None
    if options.centre != "never" and several:
        centres = language_centres(x[:, :width], languages)
        yield "centred", centre(x, width, languages, centres), centres


def language_centres(embedding: np.ndarray, languages: np.ndarray) -> dict[str, np.ndarray]:
    """The mean embedding features of each language with MIN_CENTRED rows, and of all rows (key "")."""
    out = {"": embedding.mean(axis=0)}
    labels = np.array([str(lang) for lang in languages])
    for lang in sorted(set(labels)):
        mask = labels == lang
        if mask.sum() >= MIN_CENTRED:
            out[lang] = embedding[mask].mean(axis=0)
    return out


def centre(x: np.ndarray, width: int, languages: np.ndarray, centres: dict[str, np.ndarray]) -> np.ndarray:
    out = np.array(x, dtype=np.float32, copy=True)
    offsets = np.vstack([centres.get(str(lang), centres[""]) for lang in languages])
    out[:, :width] -= offsets
    return out


def set_language_intercepts(arms: dict[str, Arm], centres: dict[str, np.ndarray]) -> None:
    """Fold the centring into the linear arms: (x - c_L) . w + b = x . w + (b - c_L . w) per language L."""
    width = len(centres[""])
    for arm in arms.values():
        if arm.kind == "linear" and arm.weights is not None:
            base = arm.bias
            arm.language_bias = {lang: float(base - c @ arm.weights[:width]) for lang, c in centres.items() if lang}
            arm.bias = float(base - centres[""] @ arm.weights[:width])


def pick_variant(means: dict[str, float], variant: str, mode: str, gain: float) -> str:
    """The variant when forced or when its mean cross-validated F1 beats the plain one by `gain`."""
    plain = next(n for n in means if n != variant) if len(means) > 1 else next(iter(means))
    if variant not in means:
        return plain
    if mode == "always" or plain == variant:
        return variant
    return variant if mode == "auto" and means[variant] >= means[plain] + gain else plain


def choose_alpha(x, y, k, trainable, folds, priors, options) -> tuple[float, np.ndarray | None, float]:
    """The ridge penalty with the best mean cross-validated F1 over the trainable narratives: (alpha, its
    out-of-fold scores, that mean)."""
    if not trainable:
        return options.alphas[0], None, 0.0
    best = (-1.0, options.alphas[0], None)
    for alpha in options.alphas:
        oof = out_of_fold(x, y, k, alpha, folds)
        mean = float(np.mean([cv_f1(oof[k[:, j], j], y[k[:, j], j], folds[k[:, j]], 0.0)[0] for j in trainable]))
        if mean > best[0]:
            best = (mean, alpha, oof)
    return best[1], best[2], best[0]


def choose_arm(nid, j, trainable, oof, zero_shot, y, k, folds, prior, coef, bias, options) -> Arm:
    """Zero-shot at its prior threshold, unless a refitted zero-shot threshold or the linear arm does better in
    cross-validation by `min_gain` (F1-optimal cuts on a few positives overfit, so the prior is the default)."""
    rows = k[:, j]
    positives = int(y[rows, j].sum())
    if positives == 0 or nid.endswith(".other"):
        return Arm(nid, "zero-shot", float(prior), positives=positives)
    at_prior = f1_score(y[rows, j], zero_shot[rows, j] >= prior)
    arm = Arm(nid, "zero-shot", float(prior), positives=positives, cv_f1_zero_shot=round(at_prior, 4))
    best = at_prior
    if positives >= 3:
        refit_f1, refit_cut = cv_f1(zero_shot[rows, j], y[rows, j], folds[rows], float(prior))
        if refit_f1 >= best + options.min_gain:
            arm.threshold, arm.cv_f1_zero_shot, best = float(refit_cut), round(refit_f1, 4), refit_f1
    if trainable:
        lin_f1, lin_cut = cv_f1(oof[rows, j], y[rows, j], folds[rows], 0.0)
        arm.cv_f1_linear = round(lin_f1, 4)
        if lin_f1 >= best + options.min_gain:
            arm.kind, arm.threshold = "linear", float(lin_cut)
            arm.weights, arm.bias = coef[:, j].copy(), float(bias[j])
    return arm


# ---- deciding --------------------------------------------------------------------------------------------------


def decide(model: LearnedModel, features: np.ndarray, zero_shot: np.ndarray,
           codebook: Codebook, *, languages: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(decisions, scores, thresholds) per document and narrative: a sub-narrative implies its parents, or, in a
    gated model, is decided only where its parent is."""
    scores, thresholds = model.column_scores(features, zero_shot, languages)
    decisions = scores >= thresholds[None, :]
    return apply_hierarchy(decisions, model.narratives, codebook, model.gated), scores, thresholds


def apply_hierarchy(decisions: np.ndarray, narratives: list[str], codebook: Codebook, gated: bool) -> np.ndarray:
    out = decisions.copy()
    column = {n: j for j, n in enumerate(narratives)}
    known = [n for n in narratives if n in codebook.narratives]
    for nid in sorted(known, key=codebook.level):           # parents first, so a gate passes down the tree
        j = column[nid]
        parents = [column[p] for p in codebook.ancestors(nid) if p in column]
        for p in parents:
            if gated:
                out[:, j] &= out[:, p]
            else:
                out[:, p] |= decisions[:, j]
    return out


def oof_decisions(model: LearnedModel, oof: np.ndarray | None, zero_shot: np.ndarray, y: np.ndarray,
                  k: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Each arm's decisions on held-out folds (linear arms: thresholds fitted on the other folds)."""
    out = np.zeros(y.shape, dtype=bool)
    for j, nid in enumerate(model.narratives):
        arm = model.arms[nid]
        if arm.kind != "linear" or oof is None:
            out[:, j] = zero_shot[:, j] >= arm.threshold
            continue
        for f in np.unique(folds):
            train, test = (folds != f) & k[:, j], folds == f
            cut = best_threshold(oof[train, j], y[train, j], 0.0, shrink=0)[0] if y[train, j].any() else arm.threshold
            out[test, j] = oof[test, j] >= cut
    return out


def macro_f1(y: np.ndarray, k: np.ndarray, decisions: np.ndarray) -> float:
    scored = [j for j in range(y.shape[1]) if y[k[:, j], j].any()]
    return float(np.mean([f1_score(y[k[:, j], j], decisions[k[:, j], j]) for j in scored])) if scored else 0.0


def choose_gate(model: LearnedModel, oof, zero_shot, y, k, folds, codebook: Codebook, options: LearnOptions) -> None:
    """Gate sub-narratives by their parent when that raises macro-F1 over held-out folds by `min_variant_gain`."""
    held_out = oof_decisions(model, oof, zero_shot, y, k, folds)
    means = {gated: round(macro_f1(y, k, apply_hierarchy(held_out, model.narratives, codebook, gated)), 4)
             for gated in (False, True)}
    model.selection["gating"] = {"implied" if not g else "gated": v for g, v in means.items()}
    model.gated = options.gate == "always" or (options.gate == "auto" and
                                               means[True] >= means[False] + options.min_variant_gain)


def evidence_paragraph(model: LearnedModel, col: int, vectors: np.ndarray, zero_shot: np.ndarray) -> int:
    """The paragraph of one document that best explains narrative `col`."""
    arm = model.arms[model.narratives[col]]
    if arm.kind != "linear":
        return int(np.argmax(zero_shot[:, col]))
    return int(np.argmax(paragraph_features(vectors, zero_shot) @ arm.weights))


def cv_summary(model: LearnedModel) -> dict:
    """The cross-validation figures stored with a model."""
    arms = list(model.arms.values())
    linear = [a for a in arms if a.kind == "linear"]
    scored = [a for a in arms if a.cv_f1_zero_shot is not None]
    chosen = [a.cv_f1_linear if a.kind == "linear" else a.cv_f1_zero_shot for a in scored]
    return {"narratives": len(arms), "with_positives": len(scored), "linear": len(linear), "alpha": model.alpha,
            "centred": model.centred, "gated": model.gated, "selection": model.selection,
            "cv_macro_f1_chosen": round(float(np.mean(chosen)), 4) if chosen else None,
            "cv_macro_f1_zero_shot": round(float(np.mean([a.cv_f1_zero_shot for a in scored])), 4) if scored else None,
            "per_narrative": {a.narrative: {"arm": a.kind, "positives": a.positives, "threshold": round(a.threshold, 4),
                                            "cv_f1_linear": a.cv_f1_linear, "cv_f1_zero_shot": a.cv_f1_zero_shot}
                              for a in scored}}
