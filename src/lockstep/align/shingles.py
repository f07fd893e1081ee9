"""Lexical matching of paragraphs at scale: shingles, MinHash signatures, LSH bands and candidate pairs.

Shingles are character 4-grams of the normalised text without spaces for short paragraphs (headlines, Chinese)
and word 3-grams for paragraphs of 50 words or more. All paragraphs are hashed in one vectorised pass over their
concatenated code points, and signatures use datasketch's `affine32` MinHash permutations (the same scheme the
dedup stage stores), so a signature row can be wrapped as a datasketch `LeanMinHash`. Bands are cut as in
datasketch's `MinHashLSH`; a bucket's members are paired with their nearest neighbours in time, which bounds the
work on boilerplate buckets without losing the links a chain needs.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NUM_PERM = 128
SEED = 1
CHAR_GRAM = 4
WORD_GRAM = 3
WORD_MODE_MIN_WORDS = 50
MIX = (np.uint32(0x9E3779B1), np.uint32(0x85EBCA77), np.uint32(0xC2B2AE3D), np.uint32(0x27D4EB2F))


@dataclass(slots=True)
class Shingled:
    """All shingle hashes of a list of texts, concatenated, with each text's first shingle."""

    hashes: np.ndarray   # uint32, fmix-ed
    starts: np.ndarray   # int64, len(texts); texts with no shingle get one sentinel value
    counts: np.ndarray   # shingles per text


def fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hashes(normalised: list[str]) -> Shingled:
    """Hash every shingle of every (already normalised) text in one pass."""
    words = [t.split() for t in normalised]
    word_mode = np.array([len(w) >= WORD_MODE_MIN_WORDS for w in words])
    parts: list[np.ndarray] = [np.zeros(0, np.uint32)] * len(normalised)
    char_idx = np.flatnonzero(~word_mode)
    for i, arr in zip(char_idx, char_grams([normalised[i].replace(" ", "") for i in char_idx])):
        parts[i] = arr
    word_idx = np.flatnonzero(word_mode)
    for i, arr in zip(word_idx, word_grams([words[i] for i in word_idx])):
        parts[i] = arr
    counts = np.array([max(len(p), 1) for p in parts], dtype=np.int64)
    filled = [p if len(p) else np.array([0xFFFFFFFF], np.uint32) for p in parts]
    hashes = np.concatenate(filled) if filled else np.zeros(0, np.uint32)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return Shingled(hashes, starts, counts)


def char_grams(texts: list[str]) -> list[np.ndarray]:
    """Character 4-gram hashes of each text (a text shorter than 4 characters is one gram)."""
    if not texts:
        return []
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    ends = np.cumsum(lengths)
    begins = ends - lengths
    padded = np.concatenate([codes, np.zeros(CHAR_GRAM, np.uint32)])
    h = np.zeros(len(codes), np.uint32)
    for k in range(CHAR_GRAM):
        h ^= padded[k : k + len(codes)] * MIX[k]
    h = fmix32(h)
    out = []
    for b, e in zip(begins, ends):
        if e - b >= CHAR_GRAM:
            out.append(h[b : e - CHAR_GRAM + 1])
        elif e > b:  # shorter than one gram: the whole text is the shingle
            out.append(fmix32(np.array([zlib.crc32(codes[b:e].tobytes())], np.uint32)))
        else:
            out.append(np.zeros(0, np.uint32))
    return out


def word_grams(texts: list[list[str]]) -> list[np.ndarray]:
    """Word 3-gram hashes of each tokenised text."""
    vocab: dict[str, int] = {}
    ids = [np.array([vocab.setdefault(w, zlib.crc32(w.encode())) for w in words], dtype=np.uint32)
           for words in texts]
    out = []
    for arr in ids:
        n = len(arr) - WORD_GRAM + 1
        if n <= 0:
            out.append(fmix32(arr[:1] if len(arr) else np.zeros(0, np.uint32)))
            continue
        h = np.zeros(n, np.uint32)
        for k in range(WORD_GRAM):
            h ^= arr[k : k + n] * MIX[k]
        out.append(fmix32(h))
    return out


@lru_cache(maxsize=4)
def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (a odd, b), as uint32 arrays."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    return np.asarray(a, np.uint32), np.asarray(b, np.uint32)


def signatures(shingled: Shingled, num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """(texts, num_perm) uint32 MinHash signatures."""
    a, b = permutations(num_perm, seed)
    out = np.empty((len(shingled.starts), num_perm), dtype=np.uint32)
    if not len(shingled.starts):
        return out
    for k in range(num_perm):
        out[:, k] = np.minimum.reduceat(shingled.hashes * a[k] + b[k], shingled.starts)
    return out


def band_rows(threshold: float, num_perm: int = NUM_PERM, target_recall: float = 0.98) -> tuple[int, int]:
    """(bands, rows per band): the most rows per band that still finds a pair at the threshold with
    `target_recall` (recall is what a chain of echoes cannot do without; false candidates are verified away)."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1 - (1 - threshold**rows) ** bands >= target_recall:
            best = (bands, rows)
    return best


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(texts, bands) uint64 bucket keys."""
    keys = np.zeros((sigs.shape[0], bands), dtype=np.uint64)
    for band in range(bands):
        chunk = sigs[:, band * rows : (band + 1) * rows].astype(np.uint64)
        h = np.full(sigs.shape[0], np.uint64(((band + 1) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
        for col in range(chunk.shape[1]):
            h = (h ^ chunk[:, col]) * np.uint64(0x100000001B3)
        keys[:, band] = h
    return keys


def neighbours_in_buckets(keys: np.ndarray, times: np.ndarray, max_neighbours: int = 32) -> np.ndarray:
    """(pairs, 2) index pairs i < j sharing a key, each member paired with up to `max_neighbours` next members of
    its bucket in time order. `keys` is (n,) or (n, bands)."""
    keys = keys.reshape(len(keys), -1)
    found = []
    for band in range(keys.shape[1]):
        order = np.lexsort((times, keys[:, band]))
        sorted_keys = keys[order, band]
        for d in range(1, max_neighbours + 1):
            same = np.flatnonzero(sorted_keys[:-d] == sorted_keys[d:])
            if not len(same):
                break
            found.append(np.stack([order[same], order[same + d]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1).astype(np.int64)
    n = np.int64(len(keys))
    flat = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([flat // n, flat % n], axis=1)


def estimated_jaccard(sigs: np.ndarray, pairs: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    out = np.empty(len(pairs), dtype=np.float64)
    for s in range(0, len(pairs), chunk):
        p = pairs[s : s + chunk]
        out[s : s + chunk] = (sigs[p[:, 0]] == sigs[p[:, 1]]).mean(axis=1)
    return out


def exact_near_threshold(shingled: Shingled, pairs: np.ndarray, estimate: np.ndarray, threshold: float,
                         margin: float = 0.12) -> np.ndarray:
    """Replace MinHash estimates within `margin` of the threshold by the exact Jaccard of the shingle sets: a
    128-permutation estimate has a standard error near 0.04, enough to drop a true 0.62 below 0.6."""
    out = estimate.copy()
    close = np.flatnonzero(np.abs(estimate - threshold) < margin)
    for k in close:
        a, b = (set(shingled.hashes[shingled.starts[i] : shingled.starts[i] + shingled.counts[i]].tolist())
                for i in pairs[k])
        out[k] = len(a & b) / max(1, len(a | b))
    return out
