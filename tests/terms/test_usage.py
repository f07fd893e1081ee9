"""Usage divergence between actors: scores, bootstrap intervals, separating collocates and lines."""

from __future__ import annotations

import pytest

from lockstep.errors import InputError
from lockstep.terms import UsageOptions, usage


def test_divergence_with_bootstrap(corpus):
    options = UsageOptions(term="china", actors=("CGTN", "Xinhua", "China Daily"), min_freq=1, bootstrap=50, seed=3)
    result = usage(corpus, options)
    scores = result.scores
    assert len(scores) == 3                                          # every pair
    assert scores.js.between(0, 1).all() and scores.cosine.between(0, 1).all()
    assert (scores.js_low <= scores.js_high).all() and (scores.cosine_low <= scores.cosine_high).all()
    again = usage(corpus, options).scores
    assert list(again.js_low) == list(scores.js_low)                 # seeded
    assert not result.collocates.empty
    assert set(result.collocates.favoured_by) <= {"CGTN", "Xinhua", "China Daily"}
    lines = result.lines
    assert not lines.empty and lines.match.str.lower().str.startswith("china").all()   # China, China's


def test_languages_apart_and_bad_input(corpus):
    result = usage(corpus, UsageOptions(term="@colour-revolution", actors=("RT", "TASS"), min_freq=1, bootstrap=10))
    assert result.scores.js.iloc[0] == pytest.approx(1.0)            # no shared collocates across languages
    with pytest.raises(InputError):
        usage(corpus, UsageOptions(term="china", actors=("CGTN",)))


def test_embedding_centroids_compare_across_languages(corpus):
    result = usage(corpus, UsageOptions(term="@colour-revolution", actors=("RT", "TASS"), min_freq=1, bootstrap=20,
                                        embeddings=True))
    scores = result.scores
    if scores["embedding_distance"].isna().all():         # the optional module or its model is not available
        assert any("skipped" in note for note in result.notes)
    else:
        distance = scores.embedding_distance.iloc[0]
        assert 0 <= distance < 1 and scores.embedding_low.iloc[0] <= scores.embedding_high.iloc[0]
