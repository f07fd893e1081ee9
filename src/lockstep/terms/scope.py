"""Which documents and tokens a term query counts: filters, grouping, periods and the reprint rule.

Reprint rule (DESIGN: "reprints count once within an actor, and once per actor across actors"): documents of one
duplicate cluster are one item per counting unit. The unit follows the grouping of the query:

* grouped or filtered by outlet -> once per outlet   (``level >= 1``)
* grouped or filtered by actor  -> once per actor    (``level >= 2``); an actor's profile includes what it
  reprinted from another actor, because publishing it is exactly the alignment signal
* otherwise (whole corpus, by language) -> once in the corpus (``level >= 3``: ``duplicate_of IS NULL``)
* ``count_reprints`` -> every copy counts (``level >= 0``)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter

GROUPS = ("actor", "outlet", "language")
PERIODS = ("none", "day", "week", "month", "quarter", "year")
AGGREGATE_PERIODS = ("none", "month", "quarter", "year")


@dataclass(slots=True, kw_only=True)
class Scope:
    """Documents a query counts (filters), how it groups them (by, period) and how reprints count."""

    filters: DocumentFilter
    by: tuple[str, ...] = ()
    period: str = "none"
    count_reprints: bool = False

    def __post_init__(self) -> None:
        check_by(self.by)
        if self.period not in PERIODS:
            raise InputError(f"unknown period {self.period!r}; use one of {', '.join(PERIODS)}")

    @property
    def level(self) -> int:
        return reprint_level(self.by, self.filters, self.count_reprints)

    def doc_where(self, alias: str = "d") -> tuple[str, list[Any]]:
        """WHERE clause over term_docs (aliased) for these filters and the reprint level."""
        where, params = self.filters.where(alias)
        return f"{where} AND {alias}.level >= {int(self.level)}", params

    def aggregates_ok(self) -> bool:
        """True when the month aggregate can answer exactly (month-aligned dates, a month-based period)."""
        f = self.filters
        return (self.period in AGGREGATE_PERIODS and not f.ids
                and all(month_start(v) for v in (f.since, f.until) if v))

    def lemma_totals_ok(self) -> bool:
        """True when the lemma x actor roll-up answers exactly (no period, grouped by actor at most, no filter
        but actors and duplicates)."""
        f = self.filters
        return (self.period == "none" and set(self.by) <= {"actor"}
                and not (f.outlet or f.language or f.since or f.until or f.ids))

    def counts_table(self) -> str | None:
        """The aggregate that answers lemma counts for this scope exactly; None when only a token scan does."""
        if self.lemma_totals_ok():
            return "term_lemma_totals"
        return "term_counts" if self.aggregates_ok() else None

    def counts_where(self, alias: str = "c") -> tuple[str, list[Any]]:
        """WHERE clause over term_counts, term_lemma_totals or term_group_totals (valid when `aggregates_ok`; it
        names only the columns of the filters in use)."""
        f = self.filters
        clauses, params = [f"{alias}.level >= {int(self.level)}"], []
        actors = [f.actor] if isinstance(f.actor, str) else f.actor
        if actors:
            clauses.append(f"{alias}.actor IN ({', '.join('?' * len(actors))})")
            params.extend(actors)
        if f.outlet:
            clauses.append(f"lower({alias}.outlet) = lower(?)")
            params.append(f.outlet)
        if f.language:
            clauses.append(f"{alias}.language = ?")
            params.append(f.language)
        if f.since:
            clauses.append(f"{alias}.period >= CAST(? AS DATE)")
            params.append(f.since[:10])
        if f.until:
            clauses.append(f"{alias}.period < CAST(? AS DATE)")
            params.append(f.until[:10])
        if not f.include_duplicates:
            clauses.append(f"{alias}.level >= 3")
        return " AND ".join(clauses), params

    def group_columns(self, alias: str, aggregated: bool) -> list[tuple[str, str]]:
        """(SQL expression, output name) of the grouping columns: `by` then the period."""
        columns = [(f"{alias}.{name}", name) for name in self.by]
        period = period_expr(self.period, alias, aggregated)
        if period:
            columns.append((period, "period"))
        return columns

    def group_names(self) -> list[str]:
        return list(self.by) + (["period"] if self.period != "none" else [])


def check_by(by: Sequence[str]) -> None:
    for name in by:
        if name not in GROUPS:
            raise InputError(f"cannot group by {name!r}; use {', '.join(GROUPS)}")


def reprint_level(by: Sequence[str], filters: DocumentFilter, count_reprints: bool) -> int:
    if count_reprints:
        return 0
    if "outlet" in by or filters.outlet:
        return 1
    if "actor" in by or filters.actor:
        return 2
    return 3


def period_expr(period: str, alias: str, aggregated: bool) -> str | None:
    if period == "none":
        return None
    if aggregated:
        if period not in AGGREGATE_PERIODS:
            raise InputError(f"period {period!r} needs the token scan, not the month aggregate")
        if period == "month":  # the aggregate's own grain
            return f"{alias}.period"
        return f"CAST(date_trunc('{period}', {alias}.period) AS DATE)"
    return f"CAST(date_trunc('{period}', {alias}.published_at) AS DATE)"


def month_start(value: str) -> bool:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"not a date: {value!r} (use YYYY-MM-DD)") from exc
    return moment.day == 1 and moment.time() == datetime.min.time()


def join_on(names: Sequence[str], left: str, right: str) -> str:
    """NULL-safe equality of the grouping columns (an unknown actor is a group too)."""
    if not names:
        return "TRUE"
    return " AND ".join(f"{left}.{n} IS NOT DISTINCT FROM {right}.{n}" for n in names)


def totals_sql(scope: Scope) -> tuple[str, list[Any]]:
    """Tokens and documents per group: from the small term_group_totals when it answers exactly (month-based
    periods and month-aligned dates), else from term_docs (exact for every filter and period)."""
    if scope.aggregates_ok():
        where, params = scope.counts_where("d")
        columns = scope.group_columns("d", aggregated=True)
        select = "".join(f"{expr} AS {name}, " for expr, name in columns)
        group = "GROUP BY ALL" if columns else ""
        return (f"SELECT {select}CAST(coalesce(sum(d.tokens), 0) AS BIGINT) AS tokens, "
                f"CAST(coalesce(sum(d.docs), 0) AS BIGINT) AS docs FROM term_group_totals d WHERE {where} {group}",
                params)
    where, params = scope.doc_where("d")
    columns = scope.group_columns("d", aggregated=False)
    select = ", ".join(f"{expr} AS {name}" for expr, name in columns)
    select = f"{select}, " if select else ""
    group = "GROUP BY ALL" if columns else ""
    sql = (f"SELECT {select}CAST(coalesce(sum(d.n_tokens), 0) AS BIGINT) AS tokens, count(*) AS docs FROM term_docs d WHERE {where} {group}")
    return sql, params
