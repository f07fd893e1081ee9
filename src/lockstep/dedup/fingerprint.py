"""Fingerprints for duplicate detection: a normalised-text hash (exact) and a MinHash (near-duplicates).

Shingles are word 5-grams for texts of 80 words or more, word 3-grams from 15 words, character 4-grams
below (headlines, Chinese text without spaces). Shingles are hashed with crc32 (stable across processes, fast C) and permuted in one
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
LONG_TEXT_WORDS = 80
SHORT_TEXT_WORDS = 15
SHORT_TEXT_CHARS = 100  # Chinese has no spaces: a long text of few "words" is not short
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
    """Word 5-grams for long texts, word 3-grams for medium ones, character 4-grams for short ones."""
    words = normalised.split()
    size = shingle_size(len(words))
    if size:
        grams = (" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    else:
        compact = normalised.replace(" ", "")
        grams = (compact[i : i + CHAR_SHINGLE] for i in range(max(1, len(compact) - CHAR_SHINGLE + 1)))
    return [g.encode() for g in grams]


def shingle_size(n_words: int) -> int:
    """Word shingle size for a text of n words; 0 means character shingles (short texts, Chinese)."""
    if n_words >= LONG_TEXT_WORDS:
        return WORD_SHINGLE
    return 3 if n_words >= SHORT_TEXT_WORDS else 0


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


def is_short(text: str) -> bool:
    """Headline-length texts (few words and few characters) are matched with the strict threshold."""
    normalised = normalise_text(text)
    words = normalised.split()
    return shingle_size(len(words)) == 0 and len(normalised) - len(words) + 1 < SHORT_TEXT_CHARS


def minhash_bytes(text: str) -> bytes:
    """Signature bytes: one flag byte (1 = short text, matched more strictly) then uint32 hash values."""
    flag = b"\x01" if is_short(text) else b"\x00"
    return flag + minhash(text).hashvalues.astype(np.uint32).tobytes()


def signature_from_bytes(data: bytes):
    """(is_short, LeanMinHash) from stored signature bytes."""
    from datasketch import LeanMinHash, MinHash

    values = np.frombuffer(data[1:], dtype=np.uint32)
    return data[:1] == b"\x01", LeanMinHash(MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME))
