"""Finding a model's quoted evidence in the paragraph it names, as character offsets.

A language model asked to quote the words that carry a narrative often changes what does not matter: curly
quotes become straight, a line break becomes a space, a capital becomes lower case, an elided middle is written
"...". Both sides are normalised the same way before the search (Unicode NFKC, case folded per character, every
run of whitespace one space, every quotation mark `"`, every apostrophe `'`, every dash `-`), and each normalised
character remembers where it came from, so a match maps back to exact offsets in the original text. A quote with
"..." or "…" matches when its parts occur in that order. Anything else — a paraphrase, a translation, a quote
from another text — is not found, and the caller drops the hit and counts it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

QUOTES = dict.fromkeys("\"“”„‟«»「」『』〝〞＂", '"') | dict.fromkeys("'‘’‚‛′`´", "'")
DASHES = dict.fromkeys("‐‑‒–—―−﹘﹣－", "-")
ELLIPSIS = re.compile(r"\s*(?:\.\s*\.\s*\.|…)\s*")
MIN_QUOTE = 8    # normalised characters: shorter quotes ("the", "war") would be found almost anywhere


@dataclass(slots=True, frozen=True)
class Normalised:
    """A normalised text and, for each of its characters, the offset of the original character it came from."""

    text: str
    origin: list[int]


def normalise(text: str) -> Normalised:
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).lower():
            piece = QUOTES.get(piece, DASHES.get(piece, piece))
            if piece.isspace():
                if not out or out[-1] == " ":
                    continue
                piece = " "
            out.append(piece)
            origin.append(i)
    while out and out[-1] == " ":
        out.pop()
        origin.pop()
    return Normalised("".join(out), origin)


def quote_parts(quote: str) -> list[str]:
    """The parts of a quote between elisions, normalised and stripped; empty parts removed."""
    parts = [normalise(p).text.strip(" \"'") for p in ELLIPSIS.split(quote.strip().strip("\"'“”«»"))]
    return [p for p in parts if p]


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text` (end exclusive), or None when it does not occur or is too short."""
    parts, norm = quote_parts(quote), normalise(text)
    if not parts or sum(len(p) for p in parts) < min(MIN_QUOTE, len(norm.text)):
        return None
    position, first, last = 0, None, None
    for part in parts:
        found = norm.text.find(part, position)
        if found < 0:
            return None
        first = found if first is None else first
        last = found + len(part) - 1
        position = found + len(part)
    assert first is not None and last is not None
    return norm.origin[first], norm.origin[last] + 1
