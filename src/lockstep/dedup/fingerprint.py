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
from functools import lru_cache

import numpy as np

NUM_PERM = 128
WORD_SHINGLE = 5
LONG_TEXT_WORDS = 80
SHORT_TEXT_WORDS = 15
LONG, SHORT, MEDIUM = 0, 1, 2
SHORT_TEXT_CHARS = 100  # Chinese has no spaces: a long text of few "words" is not short
CHAR_SHINGLE = 4
SEED = 1
SCHEME = "affine32"  # datasketch 2.x: 32-bit affine permutations, values stored as uint32
NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def normalise_text(text: str) -> str:
    return normalised_from_nfkc(unicodedata.normalize("NFKC", text))


def normalised_from_nfkc(nfkc: str) -> str:
    return NON_WORD.sub(" ", nfkc.lower().replace("ё", "е")).strip()


def text_hash(text: str) -> str:
    return hash_normalised(normalise_text(text))


def hash_normalised(normalised: str) -> str:
    return hashlib.sha1(normalised.encode()).hexdigest()


def fingerprint(text: str) -> tuple[str, bytes]:
    """(text hash, signature bytes) with the text normalised once. The signature is the length class, the
    numbers key (8 bytes), then the uint32 MinHash values."""
    nfkc = unicodedata.normalize("NFKC", text)
    normalised = normalised_from_nfkc(nfkc)
    words = normalised.split()
    signature = bytes([length_class(normalised, words)]) + numbers_key(nfkc)
    return hash_normalised(normalised), signature + minhash_values(shingles(normalised, words)).tobytes()


def minhash_bytes(text: str) -> bytes:
    return fingerprint(text)[1]


def shingles(normalised: str, words: list[str]) -> list[bytes]:
    """Word 5-grams for long texts, word 3-grams for medium ones, character 4-grams for short ones."""
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


@lru_cache(maxsize=1)
def permutations() -> np.ndarray:
    """datasketch's permutations for (NUM_PERM, SEED, SCHEME), drawn once instead of per MinHash."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=crc_hash, scheme=SCHEME).permutations


def minhash_values(grams: list[bytes]) -> np.ndarray:
    """The uint32 MinHash values of the shingles (an empty list gives datasketch's empty MinHash)."""
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=crc_hash, scheme=SCHEME, permutations=permutations())
    if grams:
        mh.update_batch(grams)
    return mh.hashvalues.astype(np.uint32)


def is_short(normalised: str, words: list[str]) -> bool:
    """Headline-length texts (few words and few characters) are matched with the strict threshold."""
    return shingle_size(len(words)) == 0 and len(normalised) - len(words) + 1 < SHORT_TEXT_CHARS


def numbers_key(nfkc: str) -> bytes:
    """8 bytes naming the multiset of numbers in the text: templated stories ("64 new cases", "276 new
    cases") share almost every shingle but not their numbers, and a reprint keeps its numbers."""
    numbers = sorted(NUMBER.findall(nfkc))
    return hashlib.blake2b(" ".join(numbers).encode(), digest_size=8).digest()


def length_class(normalised: str, words: list[str]) -> int:
    """0 = long (word 5-grams), 1 = short (headline: strict threshold), 2 = medium."""
    if is_short(normalised, words):
        return SHORT
    return LONG if shingle_size(len(words)) == WORD_SHINGLE else MEDIUM
