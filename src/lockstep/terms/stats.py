"""The measures, as free vectorised functions (numpy arrays in, arrays out). Formulas as documented in the README.

Keyness, for a term with frequency ``a`` in a target corpus of ``c`` tokens and ``b`` in a reference of ``d``:

* log-likelihood G2 (Rayson & Garside 2000; the UCREL calculator): E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d),
  G2 = 2 [a ln(a/E1) + b ln(b/E2)], with 0 ln 0 = 0; p from chi-squared with 1 degree of freedom.
* chi-squared (Pearson) on the 2x2 table [[a, b], [c-a, d-b]]: N (a(d-b) - b(c-a))^2 / ((a+b)(c+d-a-b) c d);
  with Yates' correction the numerator is N max(0, |a(d-b) - b(c-a)| - N/2)^2.
* log-ratio (Hardie 2014): log2((a/c) / (b/d)), a zero frequency replaced by 0.5.
* %DIFF (Gabrielatos & Marchi 2012): 100 (a/c - b/d) / (b/d), a zero reference frequency replaced by 1e-18.
* BIC (Wilson 2013): G2 - ln(c + d).
"""

from __future__ import annotations

import numpy as np
from scipy import special

ZERO_LOG_RATIO = 0.5
ZERO_PDIFF = 1e-18


def _arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


def xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x ln(x / y) with 0 ln 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, x * np.log(np.where(x > 0, x, 1) / np.where(y > 0, y, 1)), 0.0)


def log_likelihood(a, b, c, d) -> np.ndarray:
    a, b, c, d = _arrays(a, b, c, d)
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    return 2 * (xlogy(a, e1) + xlogy(b, e2))


def chi_squared(a, b, c, d, *, yates: bool = False) -> np.ndarray:
    a, b, c, d = _arrays(a, b, c, d)
    n = c + d
    diff = np.abs(a * (d - b) - b * (c - a))
    if yates:
        diff = np.maximum(0.0, diff - n / 2)
    denominator = (a + b) * (n - a - b) * c * d
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, n * diff ** 2 / np.where(denominator > 0, denominator, 1), 0.0)


def log_ratio(a, b, c, d) -> np.ndarray:
    a, b, c, d = _arrays(a, b, c, d)
    a = np.where(a > 0, a, ZERO_LOG_RATIO)
    b = np.where(b > 0, b, ZERO_LOG_RATIO)
    return np.log2((a / c) / (b / d))


def percent_diff(a, b, c, d) -> np.ndarray:
    a, b, c, d = _arrays(a, b, c, d)
    reference = np.where(b > 0, b / d, ZERO_PDIFF)
    return 100 * (a / c - reference) / reference


def bic(g2, n) -> np.ndarray:
    g2, n = _arrays(g2, n)
    return g2 - np.log(n)


def p_value(statistic) -> np.ndarray:
    """Upper tail of chi-squared with one degree of freedom (G2 and chi2 alike): erfc(sqrt(x / 2))."""
    return special.erfc(np.sqrt(np.maximum(np.asarray(statistic, dtype=float), 0.0) / 2))


def adjust(p, method: str = "bh") -> np.ndarray:
    """Adjusted p-values: Benjamini–Hochberg (false discovery rate), Holm (family-wise error) or none."""
    p = np.asarray(p, dtype=float)
    if method == "none" or p.size == 0:
        return p.copy()
    order = np.argsort(p)
    ranked = p[order]
    m = p.size
    if method == "bh":
        adjusted = ranked * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(adjusted[::-1])[::-1]
    elif method == "holm":
        adjusted = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:
        raise ValueError(f"unknown correction {method!r}")
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out


# ---- collocations -------------------------------------------------------------------------------------------


def log_dice(f_xy, f_x, f_y) -> np.ndarray:
    """Rychlý 2008: 14 + log2(2 f_xy / (f_x + f_y)); 14 is the maximum, below 0 is a negligible association."""
    f_xy, f_x, f_y = _arrays(f_xy, f_x, f_y)
    with np.errstate(divide="ignore"):
        return 14 + np.log2(2 * f_xy / (f_x + f_y))


def expected(window_tokens, f_y, n) -> np.ndarray:
    """E11 = W f_y / N: co-occurrences expected if the collocate were spread at random over the corpus."""
    window_tokens, f_y, n = _arrays(window_tokens, f_y, n)
    return window_tokens * f_y / n


def pmi(f_xy, window_tokens, f_y, n) -> np.ndarray:
    """Pointwise mutual information log2(O11 / E11) with E11 = W f_y / N."""
    f_xy = np.asarray(f_xy, dtype=float)
    with np.errstate(divide="ignore"):
        return np.log2(f_xy / expected(window_tokens, f_y, n))


def collocation_ll(f_xy, window_tokens, f_y, n) -> np.ndarray:
    """G2 over the 2x2 table O11 = f_xy, O12 = W - f_xy, O21 = f_y - f_xy, O22 = N - W - f_y + f_xy (Evert 2008)."""
    o11, w, f_y, n = _arrays(f_xy, window_tokens, f_y, n)
    o12 = np.maximum(w - o11, 0)
    o21 = np.maximum(f_y - o11, 0)
    o22 = np.maximum(n - w - f_y + o11, 0)
    r1, r2, c1, c2 = o11 + o12, o21 + o22, o11 + o21, o12 + o22
    total = r1 + r2
    terms = (xlogy(o11, r1 * c1 / total) + xlogy(o12, r1 * c2 / total)
             + xlogy(o21, r2 * c1 / total) + xlogy(o22, r2 * c2 / total))
    return 2 * terms


# ---- profile divergence -------------------------------------------------------------------------------------


def jensen_shannon(p, q) -> np.ndarray:
    """Jensen–Shannon divergence (base 2, 0..1) between rows of p and q (each normalised to sum 1)."""
    p, q = _arrays(p, q)
    p = p / np.maximum(p.sum(axis=-1, keepdims=True), 1e-300)
    q = q / np.maximum(q.sum(axis=-1, keepdims=True), 1e-300)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1) / np.where(m > 0, m, 1)), 0).sum(axis=-1)
        kl_q = np.where(q > 0, q * np.log2(np.where(q > 0, q, 1) / np.where(m > 0, m, 1)), 0).sum(axis=-1)
    return (kl_p + kl_q) / 2


def cosine_similarity(u, v) -> np.ndarray:
    u, v = _arrays(u, v)
    norms = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    return np.where(norms > 0, (u * v).sum(axis=-1) / np.where(norms > 0, norms, 1), 0.0)
