"""The cap on a document's text (`--max-field-chars`): longer text is cut at a paragraph (else word) boundary
and the cut is noted, so one huge field bounds neither the cleaners' memory nor the fingerprints'."""

from __future__ import annotations

from lockstep.model import Document, RawRecord, Removed

DEFAULT_MAX_FIELD_CHARS = 1_000_000  # about 150,000 words: far above any article, below a 36 MB cell
CUT = "cut at --max-field-chars"


def cap_text(text: str, limit: int) -> tuple[str, int]:
    """(text kept, characters cut): at most `limit` characters, ending at a paragraph or word boundary."""
    if len(text) <= limit:
        return text, 0
    end = text.rfind("\n", limit // 2, limit)
    end = end if end > 0 else text.rfind(" ", limit // 2, limit)
    end = end if end > 0 else limit
    return text[:end].rstrip(), len(text) - end


def cap_record(raw: RawRecord, limit: int) -> list[Removed]:
    """Cut a table row's text and html cells before cleaning (the cleaners then never see more): the cuts."""
    cuts = []
    for name in ("text", "html"):
        value = raw.fields.get(name)
        if isinstance(value, str) and len(value) > limit:
            raw.fields[name], cut = cap_text(value, limit)
            cuts.append(Removed(f"[{name}: {cut:,} characters after the first {limit:,}]", CUT))
    return cuts


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
