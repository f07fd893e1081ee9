"""The statistics behind alignment, vectorised over rows so a bootstrap or permutation is one matrix product.

Every similarity takes count matrices with one row per replicate (the observed profile is a one-row matrix) and
returns one value per row:

* `jsd_similarity`: 1 - Jensen–Shannon divergence (base 2, so it lies in [0, 1]) of two distributions;
* `keyness` (signed log-likelihood G2 against a reference), `log_ratio_weights` (smoothed log2 ratio of a row's
  relative frequencies to the reference's, kept where positive) and `cosine` of such weighted vectors;
* `shared_share`: Jaccard share of the features that are distinctive for both rows.

`bootstrap_rows` and `permutation_rows` draw the unit weights (documents resampled with replacement within an
actor; actor labels shuffled between two actors) that turn a unit × feature matrix into replicate profiles.
"""

from __future__ import annotations

import numpy as np

KEY_MARGIN = 1.0  # bits: a term is key for an actor from twice the reference's rate on

def as_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    x = x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)
    return x[None, :] if x.ndim == 1 else x


def jsd_similarity(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """1 - JSD(p, q) per row, base 2 (1 = same distribution, 0 = disjoint); NaN where a row is empty."""
    p, q = as_rows(p), as_rows(q)
    sp, sq = p.sum(axis=1, keepdims=True), q.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p, q = p / sp, q / sq
        m = (p + q) / 2
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum(axis=1)
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum(axis=1)
    out = 1.0 - (kl_p + kl_q) / 2
    out[(sp[:, 0] == 0) | (sq[:, 0] == 0)] = np.nan
    return np.clip(out, 0.0, 1.0)


def jsd_parts(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Each feature's share of JSD(p, q) (they sum to the divergence): which narratives pull two actors apart."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    p, q = p / max(p.sum(), 1e-300), q / max(q.sum(), 1e-300)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(p > 0, p * np.log2(p / m), 0.0) + np.where(q > 0, q * np.log2(q / m), 0.0)
    return part / 2


def keyness(counts: np.ndarray, background: np.ndarray, background_total: float | None = None) -> np.ndarray:
    """Signed log-likelihood G2 of each feature in each row against a background profile.

    Positive where the row uses the feature more than the background does (relative to its size)."""
    a = as_rows(counts)
    b = np.asarray(background, dtype=np.float64)[None, :]
    c = a.sum(axis=1, keepdims=True)
    d = float(background_total if background_total is not None else b.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = c * (a + b) / (c + d)
        e2 = d * (a + b) / (c + d)
        g2 = 2 * (np.where(a > 0, a * np.log(a / e1), 0.0) + np.where(b > 0, b * np.log(b / e2), 0.0))
        over = a / np.maximum(c, 1e-300) > b / max(d, 1e-300)
    return np.where(over, g2, -g2)


def key_weights(counts: np.ndarray, background: np.ndarray, background_total: float | None = None) -> np.ndarray:
    """Keyness-weighted profile: G2 where the feature is over-represented, 0 elsewhere."""
    return np.maximum(keyness(counts, background, background_total), 0.0)


def log_ratio_weights(counts: np.ndarray, reference: np.ndarray, reference_total: float | None = None,
                      alpha: float = 0.5, margin: float = KEY_MARGIN) -> np.ndarray:
    """Per row: log2 of (count + alpha) / (row total + alpha V) over (reference + alpha) / (reference total + alpha V),
    less `margin` bits, for features the row uses, kept where positive (0 elsewhere): a lemma weighs from twice
    the reference's rate on, so the many lemmas used at about the reference's rate add no noise floor.
    `reference_total` is the reference's size over every feature (the columns given may be a slice).
    Unlike G2 the weight does not grow with a feature's frequency, so one sentence an outlet repeats in every
    article does not outweigh the rest of its text, and the smoothing keeps a feature the reference never uses
    finite. Computed in float32 (replicate counts are whole numbers: their logs come from a table)."""
    a = as_rows(counts)
    r = np.asarray(reference, dtype=np.float64)
    width = a.shape[1]
    total = float(reference_total if reference_total is not None else r.sum())
    log_q = (np.log2(r + alpha) - np.log2(total + alpha * width)).astype(np.float32)
    log_size = np.log2(a.sum(axis=1) + alpha * width).astype(np.float32)
    whole = np.rint(a).astype(np.int64)
    if np.array_equal(whole, a) and whole.size and whole.max() < 1_000_000:
        out = np.log2(np.arange(whole.max() + 1) + alpha).astype(np.float32)[whole]
    else:
        out = np.log2(a + alpha).astype(np.float32)
    out -= log_size[:, None]
    out -= log_q[None, :] + np.float32(margin)
    np.maximum(out, 0, out=out)
    out[a <= 0] = 0
    return out


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity; NaN where a row is all zeros."""
    a, b = as_rows(a), as_rows(b)
    na, nb = np.sqrt(np.einsum("ij,ij->i", a, a)), np.sqrt(np.einsum("ij,ij->i", b, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.einsum("ij,ij->i", a, b).astype(np.float64) / (na * nb)
    out[(na == 0) | (nb == 0)] = np.nan
    return out


def distinctive(counts: np.ndarray, background: np.ndarray, background_total: float | None = None, *,
                min_count: int = 2, min_keyness: float = 0.0) -> np.ndarray:
    """Boolean rows: features used at least `min_count` times and over-represented against the background (signed
    G2 above `min_keyness`; 3.84 asks for significance at p = 0.05, which short texts rarely reach)."""
    a = as_rows(counts)
    if min_keyness == 0:  # G2 > 0 exactly where the row's rate exceeds the background's: no logs needed
        b = np.asarray(background, dtype=np.float64)[None, :]
        d = float(background_total if background_total is not None else b.sum())
        c = a.sum(axis=1, keepdims=True)
        return (a >= min_count) & (a * max(d, 1e-300) > b * np.maximum(c, 1e-300))
    return (a >= min_count) & (keyness(a, background, background_total) > min_keyness)


def shared_share(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise Jaccard share of two boolean feature sets; NaN where both are empty."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    a, b = (a[None, :] if a.ndim == 1 else a), (b[None, :] if b.ndim == 1 else b)
    union = (a | b).sum(axis=1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a & b).sum(axis=1) / union
    out[union == 0] = np.nan
    return out


def bootstrap_rows(rng: np.random.Generator, n: int, reps: int) -> np.ndarray:
    """(reps, n) weights: how many times each unit is drawn in each bootstrap resample."""
    if not n or not reps:
        return np.zeros((reps, n))
    draws = rng.integers(0, n, size=(reps, n)) + (np.arange(reps) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=reps * n).reshape(reps, n).astype(np.float64)


def permutation_rows(rng: np.random.Generator, n_a: int, n_b: int, reps: int) -> np.ndarray:
    """(reps, n_a + n_b) 0/1 rows: which pooled units go to the first actor after shuffling labels."""
    base = np.zeros(n_a + n_b, dtype=np.float64)
    base[:n_a] = 1.0
    return rng.permuted(np.tile(base, (reps, 1)), axis=1)


def percentile_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    values = np.asarray(values, float)
    values = values[~np.isnan(values)]
    if not len(values):
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def shifted_ci(observed: float, values: np.ndarray, level: float = 0.95,
               bounds: tuple[float, float] = (0.0, 1.0)) -> tuple[float, float]:
    """Bootstrap percentile interval moved by the bootstrap's median bias, so it sits around the observed value:
    [θ - (median - q_low), θ + (q_high - median)], clipped to `bounds`. Resampling documents with replacement
    biases similarity measures (a document drawn twice makes a rare phrase look used twice, noise lowers a
    cosine); the shift removes that bias and keeps the spread and skew of the bootstrap distribution."""
    values = np.asarray(values, float)
    values = values[~np.isnan(values)]
    if np.isnan(observed) or not len(values):
        return float("nan"), float("nan")
    low, high = percentile_ci(values, level)
    median = float(np.median(values))
    return (float(np.clip(observed - (median - low), *bounds)), float(np.clip(observed + (high - median), *bounds)))


def share_at_most(observed: float, null: np.ndarray) -> float:
    """Permutation p-value that the observed value is this low by chance: (1 + #(null <= observed)) / (1 + n)."""
    null = np.asarray(null, float)
    null = null[~np.isnan(null)]
    if np.isnan(observed) or not len(null):
        return float("nan")
    return float((1 + (null <= observed + 1e-12).sum()) / (1 + len(null)))
