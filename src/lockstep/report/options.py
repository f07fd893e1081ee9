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
    period: str = "month"
    top_terms: int = 10  # key terms listed (and given concordance lines) per actor
    pair: tuple[str, str] | None = None  # the two actors of the term plot (default: the two largest)
    evidence_lines: int = 12  # concordance lines listed behind each chart point
    echo_chains: int = 15

    def filters(self, *, include_duplicates: bool = True) -> DocumentFilter:
        return DocumentFilter(actor=list(self.actors) or None, since=self.since, until=self.until,
                              language=self.language, include_duplicates=include_duplicates)

    def describe(self) -> dict[str, object]:
        return {"actors": list(self.actors) or "all", "since": self.since, "until": self.until,
                "language": self.language or "all", "period": self.period}
