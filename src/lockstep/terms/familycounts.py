"""The term families' own aggregate: every shipped family's hits counted once at index time, per member and for
the family as a whole, by actor x outlet x language x month x reprint level, so that the trend of a family is a
lookup like the frequency of a lemma.

``term_family_counts`` holds tf, df and the first occurrence (packed doc_key << 32 | position, with its document id,
paragraph and offsets) per cell; member -1 is the family (documents counted once even when they use several members).
A family's rows answer a query only while its resolved members (lemma and form ids, after the overlap rule) are
the ones it was counted with: ``term_meta`` keeps a signature per family, and a family redefined in a user's file,
or any other term, is counted from the postings as before.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from lockstep.store.corpus import DocumentFilter
from lockstep.terms.families import load_families
from lockstep.terms.scope import Scope
from lockstep.terms.spec import Term, hits_sql, remembered, resolve_family
from lockstep.terms.trace import PACKED

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

TABLE = """CREATE OR REPLACE TABLE term_family_counts (
    family VARCHAR, member INTEGER, actor VARCHAR, outlet VARCHAR, language VARCHAR, period DATE, level TINYINT,
    tf BIGINT, df BIGINT, example BIGINT, ex_doc VARCHAR, ex_para INTEGER, ex_start INTEGER, ex_end INTEGER)"""
CELL = "actor, outlet, language, period, level"


def signature(term: Term) -> str:
    """What the counts depend on: the family's label and its members resolved against this vocabulary."""
    return hashlib.sha1(repr((term.label, term.members)).encode("utf-8")).hexdigest()


def family_id(term: Term) -> str:
    return term.query.strip()[1:]  # "@cooperation" -> "cooperation"


def meta_key(term: Term) -> str:
    return f"family:{family_id(term)}"


def rebuild_family_counts(corpus: "Corpus") -> None:
    """Count every shipped family over every indexed document (all reprint levels; queries filter on level)."""
    con = corpus.con
    con.execute(TABLE)
    con.execute("DELETE FROM term_meta WHERE key LIKE 'family:%'")
    families = load_families(None)
    every_document = Scope(filters=DocumentFilter(), count_reprints=True)
    for name in families:
        term = resolve_family(corpus, f"@{name}", families)
        hits, params = hits_sql(term, every_document)
        con.execute(f"""
            INSERT INTO term_family_counts
            WITH h AS MATERIALIZED ({hits})
            SELECT ? AS family, CASE WHEN grouping(member) = 1 THEN -1 ELSE member END AS member, {CELL},
                   count(*) AS tf, count(DISTINCT doc_key) AS df, min({PACKED}) AS example,
                   arg_min(doc_id, {PACKED}) AS ex_doc, arg_min(para, {PACKED}) AS ex_para, arg_min(start_char, {PACKED}) AS ex_start,
                   arg_min(end_char, {PACKED}) AS ex_end
            FROM h GROUP BY GROUPING SETS (({CELL}, member), ({CELL}))""", params + [name])
        con.execute("INSERT INTO term_meta VALUES (?, ?)", [meta_key(term), signature(term)])


def counted(corpus: "Corpus", term: Term, scope: Scope) -> bool:
    """True when term_family_counts answers this term in this scope exactly."""
    if term.kind != "family" or not scope.aggregates_ok():
        return False
    return remembered(corpus, ("family counts", term), lambda: counted_with(corpus, term))


def counted_with(corpus: "Corpus", term: Term) -> bool:
    """True when the family's stored counts were made with exactly these resolved members."""
    rows = corpus.con.execute("SELECT value FROM term_meta WHERE key = ?", [meta_key(term)]).fetchall()
    return bool(rows) and rows[0][0] == signature(term)  # fetchall: no unfinished result left on the connection


def family_groups_sql(term: Term, scope: Scope) -> tuple[str, list]:
    """Per group and member (-1: the family): freq, docs and the first occurrence, from the aggregate; the same
    columns as the hits-based grouping in `frequency.term_trend`."""
    where, params = scope.counts_where("c")
    columns = scope.group_columns("c", aggregated=True)
    select = "".join(f"{expr} AS {name}, " for expr, name in columns)
    sql = (f"SELECT {select}c.member, CAST(sum(c.tf) AS BIGINT) AS freq, CAST(sum(c.df) AS BIGINT) AS docs, "
           "min(c.example) AS example, arg_min(c.ex_doc, c.example) AS ex_doc, arg_min(c.ex_para, c.example) AS ex_para, "
           "arg_min(c.ex_start, c.example) AS ex_start, arg_min(c.ex_end, c.example) AS ex_end "
           f"FROM term_family_counts c WHERE c.family = ? AND {where} GROUP BY ALL")
    return sql, [family_id(term)] + params
