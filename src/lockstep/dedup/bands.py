"""LSH banding of MinHash signatures: documents that share one band are candidate duplicates.

The band count and width are datasketch's own choice for the candidate threshold (`_optimal_param`, which
weighs false positives and negatives equally), so candidates are what `MinHashLSH` would return; each band's
4 uint32 values are mixed into one 64-bit key that also carries the band number.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from lockstep.dedup.fingerprint import NUM_PERM

MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


@lru_cache(maxsize=None)
def band_shape(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) for a candidate threshold, as datasketch's MinHashLSH picks them."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, NUM_PERM, 0.5, 0.5)


def band_keys(signatures: np.ndarray, bands: int, width: int) -> np.ndarray:
    """(n, bands) uint64 keys for (n, NUM_PERM) uint32 signatures; equal keys mean an equal band (up to
    64-bit collisions, which only add candidates that the Jaccard check then rejects)."""
    cut = np.ascontiguousarray(signatures[:, : bands * width], dtype=np.uint32).reshape(len(signatures), bands, width)
    key = np.broadcast_to(np.arange(bands, dtype=np.uint64) * MIX[2], cut.shape[:2]).copy()
    with np.errstate(over="ignore"):
        for j in range(width):
            key ^= cut[:, :, j].astype(np.uint64) + MIX[j % 2]
            key *= MIX[(j + 1) % 2]
            key ^= key >> np.uint64(29)
    return key
