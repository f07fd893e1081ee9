"""Fingerprints for duplicate detection: a normalised-text hash (exact) and a MinHash (near-duplicates).

Shingles are word 5-grams for texts of 80 words or more, word 3-grams from 15 words, character 4-grams
below (headlines, Chinese text without spaces). Shingles are hashed with crc32 (stable across processes, fast C) and
permuted in vectorised `update_batch` calls, which removes the per-shingle sha1 that dominates datasketch's default.

Memory is bounded by design, whatever the text's length: the text is normalised in pieces (`text.py`: cut before a
character whose normalisation cannot depend on its neighbours) and each piece's shingles are folded into the
running per-permutation minimum before the next piece is read, so at most one piece's shingles x 128
permutations exist at a time (~5 MB) instead of ~1 KB per word of the whole text. NFKC, case folding and the
non-word collapse are the same on the pieces as on the whole text, and the minimum is associative: signatures
are bit for bit those of one call over every shingle.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from functools import lru_cache
from typing import Iterable, Iterator

import numpy as np

from lockstep.dedup.text import NUMBER, PIECE_CHARS, NormalisedText, normalise_pieces, normalise_text, split_pieces

__all__ = ["NUMBER", "fingerprint", "minhash_bytes", "normalise_text", "text_hash"]

NUM_PERM = 128
WORD_SHINGLE = 5
LONG_TEXT_WORDS = 80
SHORT_TEXT_WORDS = 15
LONG, SHORT, MEDIUM = 0, 1, 2
SHORT_TEXT_CHARS = 100  # Chinese has no spaces: a long text of few "words" is not short
CHAR_SHINGLE = 4
SEED = 1
SCHEME = "affine32"  # datasketch 2.x: 32-bit affine permutations, values stored as uint32


def text_hash(text: str) -> str:
    return hash_pieces(normalise_pieces(text).pieces)


def fingerprint(text: str) -> tuple[str, bytes]:
    """(text hash, signature bytes) with the text normalised once. The signature is the length class, the
    numbers key (8 bytes), then the uint32 MinHash values."""
    norm = normalise_pieces(text)
    head = bytes([length_class(norm.n_chars, norm.n_words)]) + numbers_key(norm.numbers)
    grams = shingle_pieces(norm, shingle_size(norm.n_words))
    return hash_pieces(norm.pieces), head + minhash_values(grams).tobytes()


def minhash_bytes(text: str) -> bytes:
    return fingerprint(text)[1]


def hash_pieces(pieces: list[str]) -> str:
    """sha1 of the UTF-8 normalised text (the pieces joined by spaces), fed piece by piece."""
    digest = hashlib.sha1()
    for n, piece in enumerate(pieces):
        digest.update((" " + piece if n else piece).encode())
    return digest.hexdigest()


def shingle_size(n_words: int) -> int:
    """Word shingle size for a text of n words; 0 means character shingles (short texts, Chinese)."""
    if n_words >= LONG_TEXT_WORDS:
        return WORD_SHINGLE
    return 3 if n_words >= SHORT_TEXT_WORDS else 0


def shingle_pieces(norm: NormalisedText, size: int, chars: int = PIECE_CHARS) -> Iterator[list[bytes]]:
    """Word `size`-grams (or character 4-grams when size is 0) of the normalised text, one list per piece of at
    most ~`chars` characters; together they are every shingle once, in order."""
    pieces = (part for piece in norm.pieces for part in split_pieces(piece, chars))
    return word_grams(pieces, size) if size else char_grams(pieces)


def word_grams(pieces: Iterable[str], size: int) -> Iterator[list[bytes]]:
    carry: list[str] = []  # the last size-1 words read so far: the grams that start there are not complete yet
    for piece in pieces:
        words = carry + piece.split()
        yield [" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)]
        carry = words[len(words) - size + 1 :] if len(words) >= size else words


def char_grams(pieces: Iterable[str]) -> Iterator[list[bytes]]:
    """Character 4-grams of the text without spaces; a text of under 4 characters is one shingle (even empty)."""
    carry, done = "", False
    for piece in pieces:
        compact = carry + piece.replace(" ", "")
        if len(compact) >= CHAR_SHINGLE:
            yield [compact[i : i + CHAR_SHINGLE].encode() for i in range(len(compact) - CHAR_SHINGLE + 1)]
            done, carry = True, compact[len(compact) - CHAR_SHINGLE + 1 :]
        else:
            carry = compact
    if not done:
        yield [carry.encode()]


crc_hash = zlib.crc32  # the shingle hash: a C builtin, called once per shingle


@lru_cache(maxsize=1)
def permutations() -> np.ndarray:
    """datasketch's permutations for (NUM_PERM, SEED, SCHEME), drawn once instead of per MinHash."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=crc_hash, scheme=SCHEME).permutations


def minhash_values(pieces: Iterable[list[bytes]]) -> np.ndarray:
    """The uint32 MinHash values of every shingle in the pieces, folded piece by piece into one running minimum
    (no shingle at all gives datasketch's empty MinHash)."""
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=crc_hash, scheme=SCHEME, permutations=permutations())
    for grams in pieces:
        if grams:
            mh.update_batch(grams)
    return mh.hashvalues.astype(np.uint32)


def numbers_key(numbers: Counter[str]) -> bytes:
    """8 bytes naming the multiset of numbers in the text: templated stories ("64 new cases", "276 new
    cases") share almost every shingle but not their numbers, and a reprint keeps its numbers. The hash is of
    the sorted numbers joined by spaces, fed one number at a time (memory grows with the distinct numbers only)."""
    digest = hashlib.blake2b(digest_size=8)
    first = True
    for number, count in sorted(numbers.items()):
        for _ in range(count):
            digest.update(number.encode() if first else b" " + number.encode())
            first = False
    return digest.digest()


def length_class(n_chars: int, n_words: int) -> int:
    """0 = long (word 5-grams), 1 = short (headline: strict threshold), 2 = medium. Headline-length texts (few
    words and few characters) are matched with the strict threshold."""
    if shingle_size(n_words) == 0 and n_chars - n_words + 1 < SHORT_TEXT_CHARS:
        return SHORT
    return LONG if shingle_size(n_words) == WORD_SHINGLE else MEDIUM
