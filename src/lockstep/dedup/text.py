"""The normalised text that duplicates are compared on: NFKC, lower case, ё as е, every run of non-word
characters (punctuation, spaces, underscores) as one space.

`normalise_pieces` gives the same text as `normalise_text` in pieces of about `PIECE_CHARS` characters, so a text of
any length is never held in more than one extra copy plus one piece's temporaries (NFKC and case folding work in
4-byte buffers, and the non-word substitution builds a list of every word and gap: ~20 bytes a character at once
for the whole text). A piece is cut just before a *safe* character: an ASCII space or punctuation mark, or CJK
punctuation, that NFKC leaves as it is and cannot combine with its neighbours (NFKC quick check Yes, combining
class 0), that is neither cased nor case-ignorable (so lower case, whose final sigma looks at the neighbours, is
unchanged), that is never part of a number (not `.` or `,`), and that is a non-word character. Such a cut falls
inside a run of non-word characters, which the whole text collapses to one space: so the normalised text is the
non-empty normalised pieces joined by single spaces, bit for bit. A text without any safe character for a long
stretch is cut at the next one, however far (its piece is then larger).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
PIECE_CHARS = 1 << 16  # ~10,000 words: 10,000 shingles x 128 uint32 = 5 MB of permuted values at a time
SAFE_CUT = re.compile(r"""[ \t\n\r\f\v!"#$%&()*+\-/;<=>?@\[\\\]_{|}~。、「」『』《》【】]""")


def normalise_text(text: str) -> str:
    return normalised_from_nfkc(unicodedata.normalize("NFKC", text))


def normalised_from_nfkc(nfkc: str) -> str:
    return NON_WORD.sub(" ", nfkc.lower().replace("ё", "е")).strip()


@dataclass(slots=True)
class NormalisedText:
    """The normalised text as pieces (the text is `" ".join(pieces)`, no piece empty), with its numbers (taken
    from the NFKC text, before case folding) and its size."""

    pieces: list[str] = field(default_factory=list)
    numbers: Counter[str] = field(default_factory=Counter)
    n_chars: int = 0
    n_words: int = 0

    def add(self, piece: str) -> None:
        if not piece:
            return
        self.n_chars += len(piece) + (1 if self.pieces else 0)
        self.n_words += piece.count(" ") + 1  # one space between words: every whitespace character is non-word
        self.pieces.append(piece)


def normalise_pieces(text: str, chars: int = PIECE_CHARS) -> NormalisedText:
    """`normalise_text(text)` as pieces, with the numbers of the NFKC text, computed piece by piece."""
    norm = NormalisedText()
    for raw in raw_pieces(text, chars):
        nfkc = unicodedata.normalize("NFKC", raw)
        norm.numbers.update(NUMBER.findall(nfkc))
        norm.add(normalised_from_nfkc(nfkc))
    return norm


def raw_pieces(text: str, chars: int) -> Iterator[str]:
    """The text in pieces of at least `chars` characters, each but the first starting with a safe character."""
    start = 0
    while len(text) - start > chars:
        found = SAFE_CUT.search(text, start + chars)
        if found is None:
            break
        yield text[start : found.start()]
        start = found.start()
    yield text[start:] if start else text


def split_pieces(normalised: str, chars: int = PIECE_CHARS) -> Iterator[str]:
    """A normalised text in pieces of about `chars` characters, each cut at a space (words are never split)."""
    start, end = 0, len(normalised)
    while end - start > chars:
        cut = normalised.find(" ", start + chars)
        if cut < 0:
            break
        yield normalised[start:cut]
        start = cut + 1
    if start < end:
        yield normalised[start:] if start else normalised
