"""Search terms: what an analyst types, resolved against the index vocabulary into token patterns.

| typed                     | matches                                                                     |
|---------------------------|-----------------------------------------------------------------------------|
| ``sovereignty``           | the word's lemma, so every inflected form (суверенитет, -а, -ом ...)         |
| ``colour revolution``     | a phrase: consecutive tokens with these lemmas, in one paragraph            |
| ``@colour-revolution``    | a term family: all its members in every language, counted as one concept   |
| ``lemma:мир``             | exactly this lemma (no lemmatising of what was typed)                       |
| ``form:суверенитета``     | exactly this normalised surface form                                        |
| ``суверен*`` / ``na?o``   | a glob over surface forms (one token)                                       |
| ``re:^суверен`` / ``/…/`` | a regular expression searched in surface forms (one token; RE2 syntax)     |

Overlapping matches of one term (a family whose members overlap) count once: the longest match at the earliest
position wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from lockstep.enrich.tokens import lemmatize, normalize_form, tokenize_query
from lockstep.enrich.tokens import token_lang
from lockstep.errors import InputError
from lockstep.terms.families import Family, load_families
from lockstep.terms.token_index import token_options

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus
    from lockstep.terms.scope import Scope


@dataclass(slots=True, frozen=True)
class Member:
    """One way of writing a term: a sequence of token steps, each a set of form or lemma ids."""

    label: str
    lang: str | None
    steps: tuple[tuple[str, tuple[int, ...]], ...]  # ("lemma" | "form", ids) per token


@dataclass(slots=True, frozen=True)
class Term:
    query: str
    label: str
    kind: str   # word | phrase | lemma | form | glob | regex | family
    members: tuple[Member, ...]


def resolve(corpus: "Corpus", query: str, *, families_file: str | None = None,
            language: str | None = None) -> Term:
    """Turn a typed term into token patterns over this store's vocabulary."""
    text = query.strip()
    if not text:
        raise InputError("empty search term")
    if text.startswith("@"):
        return resolve_family(corpus, text, load_families(families_file))
    if text.startswith("re:") or (len(text) > 2 and text.startswith("/") and text.endswith("/")):
        pattern = text[3:] if text.startswith("re:") else text[1:-1]
        ids = form_ids_matching(corpus, "regexp_matches(form, ?)", pattern)
        return Term(text, text, "regex", (Member(text, None, (("form", ids),)),))
    if text.startswith("form:"):
        steps = tuple(("form", form_ids(corpus, f)) for f, _, _ in tokens_of(corpus, text[5:], language))
        return Term(text, text[5:].strip(), "form", (Member(text[5:].strip(), None, steps),))
    if text.startswith("lemma:"):
        words = text[6:].split()
        steps = tuple(("lemma", lemma_ids(corpus, normalize_form(w)) + (lemma_ids(corpus, w) if w.isupper() else ()))
                      for w in words)  # an acronym spelled like a stop word is stored in capitals: lemma:US
        return Term(text, text[6:].strip(), "lemma", (Member(text[6:].strip(), None, steps),))
    if any(ch in text for ch in "*?[") and " " not in text:
        ids = form_ids_matching(corpus, "form GLOB ?", normalize_form(text))
        return Term(text, text, "glob", (Member(text, None, (("form", ids),)),))
    member = word_member(corpus, text, language)
    return Term(text, text, "phrase" if len(member.steps) > 1 else "word", (member,))


def resolve_family(corpus: "Corpus", text: str, families: dict[str, Family]) -> Term:
    name = text[1:]
    family = families.get(name)
    if family is None:
        close = [f for f in families if name.lower() in f.lower()][:5]
        hint = f"; did you mean {', '.join('@' + c for c in close)}?" if close else \
            "; `lockstep terms families` lists them"
        raise InputError(f"no term family {name!r}{hint}")
    return remembered(corpus, ("family", text, family), lambda: family_term(corpus, text, family))


def family_term(corpus: "Corpus", text: str, family: Family) -> Term:
    lemmas = LemmaLookup(corpus)
    options = token_options(corpus)
    lemmas.prefetch([lemmatize(form, lg, options, case) for lang, word in family.members
                     for form, lg, case in tokens_of(corpus, word, lang)])   # one query for every member
    members = tuple(word_member(corpus, word, lang, lemmas) for lang, word in family.members)
    return Term(text, family.label, "family", members)


def remembered(corpus: "Corpus", key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()` kept on the corpus while its store is unchanged: the store's fingerprint (file sizes and times,
    taken by `ensure_index`) is part of the key, so a write drops what was kept. Stores without a file (in
    memory, or read-only ones that skip the check) compute every time."""
    state = getattr(corpus, "_term_store_fingerprint", None)
    if state is None:
        return compute()
    memo = corpus.__dict__.setdefault("_term_memo", {})
    if memo.get("state") != state:
        memo.clear()
        memo["state"] = state
    if key not in memo:
        memo[key] = compute()
    return memo[key]


class LemmaLookup:
    """Lemma ids of many lemmas in one query (a family has dozens of members)."""

    def __init__(self, corpus: "Corpus"):
        self.corpus = corpus
        self.known: dict[str, tuple[int, ...]] = {}

    def prefetch(self, lemmas: list[str]) -> None:
        wanted = sorted(set(lemmas) - set(self.known))
        if not wanted:
            return
        marks = ", ".join("?" * len(wanted))  # a list of values the scan filters on, not a join
        rows = self.corpus.con.execute("SELECT lemma, list(lemma_id ORDER BY lemma_id) FROM term_lemmas "
                                       f"WHERE lemma IN ({marks}) GROUP BY lemma", wanted).fetchall()
        self.known.update({lemma: tuple(ids) for lemma, ids in rows})
        self.known.update({lemma: () for lemma in wanted if lemma not in self.known})

    def __call__(self, lemma: str) -> tuple[int, ...]:
        self.prefetch([lemma])
        return self.known[lemma]


def word_member(corpus: "Corpus", text: str, language: str | None, lemmas: "LemmaLookup | None" = None) -> Member:
    options = token_options(corpus)
    tokens = tokens_of(corpus, text, language)
    if not tokens:
        raise InputError(f"{text!r} has no word tokens to search for")
    lemmas = lemmas or LemmaLookup(corpus)
    wanted = [lemmatize(form, lang, options, case) for form, lang, case in tokens]
    lemmas.prefetch(wanted)
    steps = tuple(("lemma", lemmas(lemma)) for lemma in wanted)
    langs = {lang for _, lang, _ in tokens}
    return Member(text, language or (langs.pop() if len(langs) == 1 else None), steps)


def tokens_of(corpus: "Corpus", text: str, language: str | None) -> list[tuple[str, str, str]]:
    """(form, lang, written case) of each token of a typed term."""
    options = token_options(corpus)
    tokens = tokenize_query(text, options)
    if language:
        tokens = [(form, token_lang(form, language), case) for form, _, case in tokens]
    return tokens


def lemma_ids(corpus: "Corpus", lemma: str) -> tuple[int, ...]:
    rows = corpus.con.execute("SELECT lemma_id FROM term_lemmas WHERE lemma = ?", [lemma]).fetchall()
    return tuple(r[0] for r in rows)


def form_ids(corpus: "Corpus", form: str) -> tuple[int, ...]:
    rows = corpus.con.execute("SELECT form_id FROM term_forms WHERE form = ?", [form]).fetchall()
    return tuple(r[0] for r in rows)


def form_ids_matching(corpus: "Corpus", condition: str, pattern: str) -> tuple[int, ...]:
    import duckdb

    try:
        rows = corpus.con.execute(f"SELECT form_id FROM term_forms WHERE {condition}", [pattern]).fetchall()
    except duckdb.Error as exc:
        raise InputError(f"bad pattern {pattern!r}: {str(exc).splitlines()[0]}") from exc
    return tuple(r[0] for r in rows)


# ---- hits --------------------------------------------------------------------------------------------------------


def member_sql(member: Member, number: int) -> str:
    """Positions where a member occurs, over `base` (the tokens of any step of the term, read in one scan)."""
    joins, conditions = [], []
    for i, (kind, ids) in enumerate(member.steps):
        column = "lemma_id" if kind == "lemma" else "form_id"
        id_list = ", ".join(str(int(x)) for x in ids)
        conditions.append(f"t{i}.{column} IN ({id_list})" if ids else "FALSE")
        if i:
            joins.append(f"JOIN base t{i} ON t{i}.doc_key = t0.doc_key AND t{i}.pos = t0.pos + {i} "
                         f"AND t{i}.para = t0.para")
    last = len(member.steps) - 1
    return (f"SELECT t0.doc_key, t0.pos, t{last}.pos AS last_pos, {number} AS member, t0.para, t0.sent, "
            f"t0.start_char, t{last}.end_char "
            f"FROM base t0 {' '.join(joins)} WHERE {' AND '.join(conditions)}")


def base_condition(term: Term) -> str:
    """The one filter on term_tokens that finds every token any step of any member can match."""
    parts = []
    for kind, column in (("lemma", "lemma_id"), ("form", "form_id")):
        ids = sorted({int(i) for m in term.members for k, step in m.steps if k == kind for i in step})
        if ids:
            parts.append(f"{column} IN ({', '.join(map(str, ids))})")
    return " OR ".join(parts) or "FALSE"


def cannot_overlap(term: Term) -> bool:
    """True when no token can match two members (one token per member, one kind of id, disjoint id sets), so that
    the overlap rule has nothing to remove (a family of single words, e.g. @cooperation)."""
    steps = [m.steps for m in term.members]
    if any(len(s) != 1 for s in steps) or len({s[0][0] for s in steps}) > 1:
        return False
    ids = [i for s in steps for i in set(s[0][1])]
    return len(ids) == len(set(ids))


def hits_sql(term: Term, scope: "Scope") -> tuple[str, list[Any]]:
    """SQL for the occurrences of a term in the scope's documents, one row per counted occurrence.

    Columns: doc_key, pos, last_pos (token positions), member (index into term.members), para, sent,
    start_char and end_char of the whole match, and the document's doc_id, actor, outlet, language,
    published_at, period, level. The tokens are scanned once whatever the number of members.
    """
    union = " UNION ALL ".join(member_sql(m, i) for i, m in enumerate(term.members))
    base = ("SELECT doc_key, pos, para, sent, start_char, end_char, lemma_id, form_id FROM term_postings "
            f"WHERE {base_condition(term)}")
    where, params = scope.doc_where("d")
    doc_columns = "d.id AS doc_id, d.actor, d.outlet, d.language, d.published_at, d.period, d.level"
    if cannot_overlap(term):
        return (f"WITH base AS ({base}) SELECT h.*, {doc_columns} "
                f"FROM ({union}) h JOIN term_docs d ON d.doc_key = h.doc_key WHERE {where}"), params
    sql = f"""
        WITH base AS MATERIALIZED ({base})
        SELECT h.doc_key, h.pos, h.last_pos, h.member, h.para, h.sent, h.start_char, h.end_char, {doc_columns}
        FROM (SELECT *, max(last_pos) OVER (PARTITION BY doc_key ORDER BY pos, last_pos DESC
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
              FROM ({union}) raw) h
        JOIN term_docs d ON d.doc_key = h.doc_key
        WHERE (h.prev_end IS NULL OR h.pos > h.prev_end) AND {where}"""
    return sql, params
