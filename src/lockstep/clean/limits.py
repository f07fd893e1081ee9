"""The cap on a document's text (`--max-field-chars`): longer text is cut at a paragraph (else word) boundary
and the cut is noted, so one huge field bounds neither the cleaners' memory nor the fingerprints'."""

from __future__ import annotations

from lockstep.model import Document, RawRecord, Removed
from lockstep.sources.cells import CUT_FIELD, DEFAULT_MAX_FIELD_CHARS, cap_text

__all__ = ["CUT", "DEFAULT_MAX_FIELD_CHARS", "cap_document", "cap_text", "losses", "record_cuts"]

CUT = "cut at --max-field-chars"


def record_cuts(raw: RawRecord) -> list[Removed]:
    """The cut a reader made in a table row's text cell (see sources/cells.py), as a removed piece."""
    note = raw.fields.pop(CUT_FIELD, None)
    return [Removed(f"[{note}]", CUT)] if note else []


def cap_document(doc: Document, limit: int) -> None:
    """Cut a document's text to `limit` characters, noting the cut in its removed pieces."""
    doc.text, cut = cap_text(doc.text, limit)
    if cut:
        doc.removed.append(Removed(f"[text: {cut:,} characters after the first {limit:,}]", CUT))


def losses(doc: Document) -> str:
    """What a stored document lost (a cut, undecodable lines), for the ingest summary; "" when nothing."""
    cuts = [piece.text.strip("[]") for piece in doc.removed if piece.reason == CUT]
    undecodable = sum(piece.reason.startswith("undecodable line") for piece in doc.removed)
    notes = [f"{CUT}: {cut}" for cut in cuts]
    if undecodable:
        notes.append(f"{undecodable} undecodable line(s) left out (not UTF-8 and no known encoding fits)")
    return "; ".join(notes)
