"""Collocations: counts checked against the tokens, measures against their formulas."""

from __future__ import annotations

import math

import pytest

from lockstep.terms import CollocateOptions, collocates


def test_counts_and_formulas(corpus):
    frame = collocates(corpus, CollocateOptions(term="合作", window=3, min_freq=2, min_collocate_freq=1, limit=None))
    assert not frame.empty
    row = frame.iloc[0]
    assert row.logdice == pytest.approx(14 + math.log2(2 * row.f_xy / (row.f_x + row.f_y)))
    assert row.expected == pytest.approx(row.window_tokens * row.f_y / row.corpus_tokens)
    assert row.pmi == pytest.approx(math.log2(row.f_xy / row.expected))
    assert (frame.logdice.diff().dropna() <= 1e-9).all()               # ranked by logDice
    # f_xy recounted from the stored tokens
    node = corpus.con.execute("SELECT lemma_id FROM term_lemmas WHERE lemma = '合作'").fetchone()[0]
    other = corpus.con.execute("SELECT lemma_id FROM term_lemmas WHERE lemma = ?", [row.collocate]).fetchone()[0]
    f_xy = corpus.con.execute("""
        SELECT count(*) FROM term_tokens n JOIN term_tokens c ON c.doc_key = n.doc_key AND c.para = n.para
        WHERE n.lemma_id = ? AND c.lemma_id = ? AND c.pos <> n.pos AND abs(c.pos - n.pos) <= 3""",
                              [node, other]).fetchone()[0]
    assert row.f_xy == f_xy


def test_measures_and_groups(corpus):
    ll = collocates(corpus, CollocateOptions(term="china", measure="ll", by=("actor",), min_freq=2, limit=5))
    assert set(ll.actor) <= {"CGTN", "Xinhua", "China Daily", "RT", "Sputnik", "Global Times", None}
    assert ll.groupby("actor").size().max() <= 5
    pmi = collocates(corpus, CollocateOptions(term="china", measure="pmi", min_freq=2, min_collocate_freq=5))
    assert (pmi.f_y >= 5).all() and (pmi.pmi.diff().dropna() <= 1e-9).all()
    sentence = collocates(corpus, CollocateOptions(term="суверенитет", sentence=True, min_freq=1,
                                                   min_collocate_freq=1))
    assert "уважение" in set(sentence.collocate)
