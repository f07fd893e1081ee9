"""What a report covers: which actors, which dates, how much detail."""

from __future__ import annotations

from dataclasses import dataclass, field

from lockstep.store.corpus import DocumentFilter


@dataclass(slots=True, kw_only=True)
class ReportOptions:
    actors: list[str] = field(default_factory=list)  # empty: every actor in the store
    since: str | None = None
    until: str | None = None
    language: str | None = None
    title: str = "lockstep report"
    sections: tuple[str, ...] = ()  # only these section keys (empty: all); the others say they were left out
    period: str = "month"
    top_terms: int = 10  # key terms listed (and given concordance lines) per actor
    pair: tuple[str, str] | None = None  # the two actors of the term plot (default: the two largest)
    evidence_lines: int = 12  # concordance lines listed behind each chart point
    echo_chains: int = 15
    min_documents: int = 5  # documents an actor needs in a period to be aligned
    drill_pairs: int = 6  # alignment cells given their driving paragraphs (the most aligned pairs)
    shared: dict = field(default_factory=dict, repr=False)  # results one section hands to a later one

    def filters(self, *, include_duplicates: bool = True) -> DocumentFilter:
        return DocumentFilter(actor=list(self.actors) or None, since=self.since, until=self.until,
                              language=self.language, include_duplicates=include_duplicates)

    def describe(self) -> dict[str, object]:
        return {"actors": list(self.actors) or "all", "since": self.since, "until": self.until,
                "language": self.language or "all", "period": self.period}
