"""What one LLM call carries: paragraphs packed in document order up to a size budget.

The system prompt (the codebook) is about 10,000 tokens with the default codebook and two example claims per entry;
a news paragraph is 20 to 200. One call per paragraph would spend almost everything on repeating the codebook, so
a call carries consecutive paragraphs up to `batch_chars` characters: the paragraphs of one document together
(the model reads them in context), several short documents in one call (headline corpora), and a document longer
than the budget split over several calls. A paragraph already answered (the cache) or already in an earlier call
of the run (a reprint) is not sent again. A paragraph longer than MAX_PARAGRAPH characters (a page that was never
split into paragraphs) is sent cut at that length, so one such text cannot overflow the model's context and stop
the run; quotes from the part sent are still found in the whole paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import lockstep.narratives.llm_prompt as llm_prompt

MAX_PARAGRAPH = 12_000


@dataclass(slots=True, frozen=True)
class Pending:
    """A paragraph to send: its document, its cache key and its text."""

    doc_id: str
    key: str
    text: str


@dataclass(slots=True)
class Call:
    """The paragraphs of one request, in order; `documents` groups them for the prompt."""

    paragraphs: list[Pending] = field(default_factory=list)

    @property
    def chars(self) -> int:
        return sum(min(len(p.text), MAX_PARAGRAPH) for p in self.paragraphs)

    def documents(self) -> list[list[str]]:
        groups: list[list[str]] = []
        last = None
        for p in self.paragraphs:
            if p.doc_id != last:
                groups.append([])
                last = p.doc_id
            groups[-1].append(p.text[:MAX_PARAGRAPH])
        return groups

    def user_message(self) -> str:
        return llm_prompt.user_message(self.documents())


def pack(paragraphs: list[Pending], batch_chars: int) -> list[Call]:
    """Calls of at most `batch_chars` characters of paragraph text (a longer single paragraph goes alone)."""
    calls: list[Call] = []
    current = Call()
    size = 0
    for p in paragraphs:
        length = min(len(p.text), MAX_PARAGRAPH)
        if current.paragraphs and size + length > batch_chars:
            calls.append(current)
            current, size = Call(), 0
        current.paragraphs.append(p)
        size += length
    if current.paragraphs:
        calls.append(current)
    return calls
