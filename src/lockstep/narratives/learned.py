"""Learned narrative detectors: per-narrative linear classifiers over document features, with thresholds chosen
by cross-validation, each kept only where it beats the zero-shot detector.

Document features: the mean and the max of the paragraph embeddings, and the zero-shot detector's document
scores (best paragraph per narrative), standardised. Learner: ridge regression on +1/-1 targets, all narratives
in one solve (a document labelled with a sub-narrative is positive for its parents too). For every narrative:

* out-of-fold scores (k folds) choose the threshold that maximises F1;
* the zero-shot arm (its document score against a threshold fitted on the same training folds) is scored on the
  same folds; the linear arm is kept when the narrative has at least `min_positives` positives and its
  cross-validated F1 beats zero-shot by `min_gain`; otherwise the narrative stays zero-shot.

A detected sub-narrative implies its parent. Evidence: the paragraph whose own features score highest.
This module is pure (arrays in, arrays out); `training.py` reads data and the store, `models.py` keeps models.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lockstep.narratives.calibrate import best_threshold
from lockstep.narratives.codebook import Codebook

ALPHAS = (3.0, 30.0, 300.0)


@dataclass(slots=True, kw_only=True)
class LearnOptions:
    folds: int = 5
    min_positives: int = 10    # fewer positives: the narrative stays zero-shot
    min_gain: float = 0.05     # cross-validated F1 the linear arm must add over zero-shot
    alphas: tuple[float, ...] = ALPHAS
    seed: int = 3


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

    def column_scores(self, features: np.ndarray, zero_shot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, thresholds): every narrative's score for each row, from its own arm."""
        scores = np.array(zero_shot, dtype=np.float32, copy=True)
        thresholds = np.zeros(len(self.narratives), dtype=np.float32)
        for col, nid in enumerate(self.narratives):
            arm = self.arms[nid]
            thresholds[col] = arm.threshold
            if arm.kind == "linear":
                scores[:, col] = features @ arm.weights + arm.bias
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
        priors: np.ndarray, options: LearnOptions | None = None) -> LearnedModel:
    """Train the detector: x document features, zero_shot document scores, y/k targets and decided masks,
    priors the zero-shot thresholds to fall back on."""
    options = options or LearnOptions()
    folds = fold_ids(len(x), options.folds, options.seed)
    trainable = [j for j, n in enumerate(narratives) if not n.endswith(".other")
                 and y[k[:, j], j].sum() >= options.min_positives]
    alpha, oof = choose_alpha(x, y, k, trainable, folds, priors, options)
    coef, bias = fit_linear(x, y, k, alpha) if trainable else (None, None)
    arms = {}
    for j, nid in enumerate(narratives):
        arms[nid] = choose_arm(nid, j, j in trainable, oof, zero_shot, y, k, folds, priors[j], coef, bias, options)
    dim = (x.shape[1] - len(narratives)) // 2
    return LearnedModel(narratives, arms, alpha, dim)


def choose_alpha(x, y, k, trainable, folds, priors, options) -> tuple[float, np.ndarray | None]:
    """The ridge penalty with the best mean cross-validated F1 over the trainable narratives."""
    if not trainable:
        return options.alphas[0], None
    best = (-1.0, options.alphas[0], None)
    for alpha in options.alphas:
        oof = out_of_fold(x, y, k, alpha, folds)
        mean = float(np.mean([cv_f1(oof[k[:, j], j], y[k[:, j], j], folds[k[:, j]], 0.0)[0] for j in trainable]))
        if mean > best[0]:
            best = (mean, alpha, oof)
    return best[1], best[2]


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
           codebook: Codebook) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(decisions, scores, thresholds) per document and narrative; a sub-narrative implies its parents."""
    scores, thresholds = model.column_scores(features, zero_shot)
    decisions = scores >= thresholds[None, :]
    column = {n: j for j, n in enumerate(model.narratives)}
    for j, nid in enumerate(model.narratives):
        parents = [column[p] for p in codebook.ancestors(nid) if p in column] if nid in codebook.narratives else []
        for p in parents:
            decisions[:, p] |= decisions[:, j]
    return decisions, scores, thresholds


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
            "cv_macro_f1_chosen": round(float(np.mean(chosen)), 4) if chosen else None,
            "cv_macro_f1_zero_shot": round(float(np.mean([a.cv_f1_zero_shot for a in scored])), 4) if scored else None,
            "per_narrative": {a.narrative: {"arm": a.kind, "positives": a.positives, "threshold": round(a.threshold, 4),
                                            "cv_f1_linear": a.cv_f1_linear, "cv_f1_zero_shot": a.cv_f1_zero_shot}
                              for a in scored}}
