"""Concordance lines point at the right offsets; terms of every kind resolve."""

from __future__ import annotations

import pytest

from lockstep.enrich.tokens import normalize_form
from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter
from lockstep.terms import KwicOptions, kwic

from .conftest import documents_text


def paragraphs(corpus) -> dict[tuple[str, int], tuple[int, int]]:
    rows = corpus.con.execute("SELECT doc_id, idx, start_char, end_char FROM paragraphs").fetchall()
    return {(d, i): (s, e) for d, i, s, e in rows}


@pytest.mark.parametrize("term", ["суверенитет", "@colour-revolution", "合作", "china", "strategic partnership"])
def test_lines_point_at_their_offsets(corpus, term):
    lines = kwic(corpus, KwicOptions(term=term, limit=0 or None, count_reprints=True))
    assert len(lines) > 0 and lines.attrs["total"] == len(lines)
    texts, paras = documents_text(corpus), paragraphs(corpus)
    for line in lines.itertuples():
        text = texts[line.doc_id]
        assert text[line.start:line.end] == line.match
        p_start, p_end = paras[(line.doc_id, line.paragraph)]
        assert p_start <= line.start < line.end <= p_end
        assert " ".join(text[p_start:line.start].split()).endswith(line.left)
        assert " ".join(text[line.end:p_end].split()).startswith(line.right)


def test_russian_lines_cover_all_inflections(corpus):
    lines = kwic(corpus, KwicOptions(term="суверенитет", filters=DocumentFilter(actor="TASS")))
    assert {normalize_form(m) for m in lines.match} == {"суверенитет", "суверенитета", "суверенитетом"}


def test_chinese_phrase_is_one_token(corpus):
    lines = kwic(corpus, KwicOptions(term="颜色革命"))
    assert "颜色革命" in set(lines.match)
    tokens = corpus.con.execute("SELECT count(*) FROM term_tokens_v WHERE surface = '颜色革命'").fetchone()[0]
    assert tokens >= 1
    # real People's Daily text: the dictionary keeps 人类命运共同体 whole
    whole = corpus.con.execute("SELECT count(*) FROM term_tokens_v WHERE surface = '人类命运共同体'").fetchone()[0]
    assert whole >= 1


def test_window_sentence_sort_and_limits(corpus):
    window = kwic(corpus, KwicOptions(term="china", window=2, limit=5))
    assert len(window) == 5 and window.attrs["total"] > 5
    assert all(len(line.split()) <= 2 for line in window.right)
    sentence = kwic(corpus, KwicOptions(term="суверенитет", sentence=True, filters=DocumentFilter(actor="TASS")))
    assert sentence.right.str.endswith(".").all()
    per_actor = kwic(corpus, KwicOptions(term="china", by=("actor",), limit=2))
    assert per_actor.groupby("actor").size().max() == 2
    random_a = kwic(corpus, KwicOptions(term="china", sort="random", seed=1, limit=5))
    random_b = kwic(corpus, KwicOptions(term="china", sort="random", seed=1, limit=5))
    assert list(random_a.doc_id) == list(random_b.doc_id)
    right = kwic(corpus, KwicOptions(term="china", sort="right", limit=20))
    assert len(right) == 20


def test_patterns(corpus):
    glob = kwic(corpus, KwicOptions(term="суверенитет*", limit=None))
    regex = kwic(corpus, KwicOptions(term="re:^суверенитет", limit=None))
    form = kwic(corpus, KwicOptions(term="form:суверенитета", limit=None))
    assert len(glob) == len(regex) >= 3 and list(form.match) == ["суверенитета"]
    with pytest.raises(InputError, match="no term family"):
        kwic(corpus, KwicOptions(term="@no-such-family"))


@pytest.mark.parametrize("term", ["china", "合作", "суверенитет"])
def test_window_holds_exactly_the_stored_neighbouring_tokens(corpus, term):
    lines = kwic(corpus, KwicOptions(term=term, window=3, limit=20, count_reprints=True))
    texts = documents_text(corpus)
    for line in lines.itertuples():
        rows = corpus.con.execute("""
            SELECT t.pos, t.start_char, t.end_char FROM term_tokens t JOIN term_docs d USING (doc_key)
            WHERE d.id = ? AND t.para = ? ORDER BY t.pos""", [line.doc_id, line.paragraph]).fetchall()
        index = [i for i, (_, s, _) in enumerate(rows) if s == line.start][0]
        before = rows[max(0, index - 3):index]
        text = texts[line.doc_id]
        if index >= 3:   # a full window starts at the third token before the match
            assert " ".join(text[before[0][1]:line.start].split()) == line.left
