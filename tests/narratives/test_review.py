"""Human review: decisions with coder and time, recalibration, Cohen's kappa and Krippendorff's alpha."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from lockstep.errors import InputError
from lockstep.narratives.agreement import agreement, cohen_kappa, krippendorff_alpha
from lockstep.narratives.calibrate import best_threshold, recalibrate
from lockstep.cli.narratives import app
from lockstep.narratives.review import ReviewQueue, review_queue, review_tag, reviews


def test_kappa_and_alpha_on_constructed_decisions():
    a = ["accept"] * 6 + ["reject"] * 4
    b = ["accept"] * 5 + ["reject"] + ["reject"] * 3 + ["accept"]
    # observed 0.8; expected 0.6*0.6 + 0.4*0.4 = 0.52; kappa = 0.28 / 0.48
    assert cohen_kappa(a, b) == pytest.approx(0.28 / 0.48)
    assert cohen_kappa(a, a) == 1.0
    assert math.isnan(cohen_kappa(["accept"] * 3, ["accept"] * 3))
    # Krippendorff's alpha, nominal, two coders, no missing: 1 - (n-1) * D_o / sum n_c n_k
    # 8 agreeing units, 2 disagreeing -> o(acc,rej) = o(rej,acc) = 2; n_acc = 12, n_rej = 8, n = 20
    assert krippendorff_alpha(list(zip(a, b))) == pytest.approx(1 - 19 * 4 / (2 * 12 * 8))
    # a third coder with a missing value
    units = [(x, y, None if i % 3 else x) for i, (x, y) in enumerate(zip(a, b))]
    assert -1 <= krippendorff_alpha(units) <= 1


def test_best_threshold_separates_and_shrinks_toward_prior():
    scores = [0.9, 0.8, 0.75, 0.6, 0.5, 0.4]
    labels = [True, True, True, False, False, False]
    fitted, f1 = best_threshold(scores, labels, prior=0.675, shrink=0)
    assert 0.6 < fitted < 0.75 and f1 == 1.0
    shrunk, _ = best_threshold(scores, labels, prior=0.3)
    assert 0.3 < shrunk < fitted


def test_review_queue_decisions_agreement_and_recalibration(tagged):
    corpus, _ = tagged
    queue = review_queue(corpus, ReviewQueue(coder="anna", narrative="west-subversion", limit=100))
    assert len(queue) >= 3 and {"hit_id", "text", "evidence", "score", "threshold"} <= set(queue.columns)
    hit_ids = queue["hit_id"].tolist()
    for i, hit_id in enumerate(hit_ids):
        review_tag(corpus, hit_id, "accept" if i % 2 == 0 else "reject", coder="anna")
        review_tag(corpus, hit_id, "accept" if i % 3 else "reject", coder="boris")
    stored = reviews(corpus)
    assert set(stored["coder"]) == {"anna", "boris"} and stored["reviewed_at"].notna().all()
    assert review_queue(corpus, ReviewQueue(coder="anna", narrative="west-subversion")).empty
    review_tag(corpus, hit_ids[0], "reject", coder="anna", note="changed my mind")  # replaces the first decision
    assert len(reviews(corpus)) == 2 * len(hit_ids)
    table = agreement(corpus)
    assert {"narrative", "items", "cohen_kappa", "krippendorff_alpha"} <= set(table.columns)
    assert (table["coders"] == 2).all() and table["items"].sum() == len(hit_ids)
    changes = recalibrate(corpus, min_reviews=2)
    assert set(changes["narrative"]) <= set(queue["narrative"])
    with pytest.raises(InputError, match="accept or reject"):
        review_tag(corpus, hit_ids[0], "maybe", coder="anna")
    with pytest.raises(InputError, match="no narrative hit"):
        review_tag(corpus, "ffffffffffff", "accept", coder="anna")
    with pytest.raises(InputError, match="coder"):
        review_tag(corpus, hit_ids[0], "accept", coder=" ")


def test_review_cli_non_interactive(tagged):
    corpus, _ = tagged
    hit_id = review_queue(corpus, ReviewQueue(coder="cli-coder", limit=1))["hit_id"][0]
    result = CliRunner().invoke(app, ["review", "--db", str(corpus.path), "--accept", hit_id[:10],
                                      "--coder", "cli-coder", "--no-recalibrate"])
    assert result.exit_code == 0, result.output
    row = corpus.con.execute("SELECT decision, coder FROM narrative_reviews WHERE hit_id = ? AND coder = 'cli-coder'",
                             [hit_id]).fetchone()
    assert row == ("accept", "cli-coder")


def test_review_cli_interactive(tagged):
    corpus, _ = tagged
    result = CliRunner().invoke(app, ["review", "--db", str(corpus.path), "--coder", "tty-coder", "--limit", "2",
                                      "--no-recalibrate"], input="a\nr\n")
    assert result.exit_code == 0, result.output
    decisions = corpus.con.execute("SELECT decision FROM narrative_reviews WHERE coder = 'tty-coder' "
                                   "ORDER BY reviewed_at").fetchall()
    assert [d for (d,) in decisions] == ["accept", "reject"]
    assert "evidence:" in result.output
