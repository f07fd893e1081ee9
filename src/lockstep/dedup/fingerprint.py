"""Fingerprints for duplicate detection: a normalised-text hash (exact) and a MinHash (near-duplicates).

Shingles are word 5-grams for texts of 15 words or more, character 4-grams otherwise (headlines, Chinese
text without spaces). Shingles are hashed with crc32 (stable across processes, fast C) and permuted in one
vectorised `update_batch` call, which removes the per-shingle sha1 that dominates datasketch's default.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

import numpy as np

NUM_PERM = 128
WORD_SHINGLE = 5
CHAR_SHINGLE = 4
SEED = 1
SCHEME = "affine32"  # datasketch 2.x: 32-bit affine permutations, values stored as uint32
NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    return NON_WORD.sub(" ", text).strip()


def text_hash(text: str) -> str:
    return hashlib.sha1(normalise_text(text).encode()).hexdigest()


def shingles(normalised: str) -> list[bytes]:
    words = normalised.split()
    if len(words) >= 15:
        grams = (" ".join(words[i : i + WORD_SHINGLE]) for i in range(len(words) - WORD_SHINGLE + 1))
    else:
        compact = normalised.replace(" ", "")
        grams = (compact[i : i + CHAR_SHINGLE] for i in range(max(1, len(compact) - CHAR_SHINGLE + 1)))
    return [g.encode() for g in grams]


def crc_hash(data: bytes) -> int:
    return zlib.crc32(data)


def minhash(text: str):
    """A datasketch MinHash of the text (empty text gives an empty MinHash)."""
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=crc_hash, scheme=SCHEME)
    grams = shingles(normalise_text(text))
    if grams:
        mh.update_batch(grams)
    return mh


def minhash_bytes(text: str) -> bytes:
    return minhash(text).hashvalues.astype(np.uint32).tobytes()


def minhash_from_bytes(data: bytes):
    from datasketch import LeanMinHash, MinHash

    values = np.frombuffer(data, dtype=np.uint32)
    return LeanMinHash(MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME))
