"""Prevalence by actor x period (reprints counted once), first appearance, evidence, exports."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from lockstep.cli.narratives import app
from lockstep.narratives.codebook import load_codebook
from lockstep.narratives.prevalence import HitQuery, evidence, first_appearance, hits, prevalence

SANCTIONS = "war-and-sanctions.sanctions-backfire"


def test_prevalence_counts_reprints_once(tagged):
    corpus, _ = tagged
    per_actor = prevalence(corpus, HitQuery(narrative=SANCTIONS, period="month"))
    tass = per_actor[(per_actor["actor"] == "TASS") & (per_actor["narrative"] == SANCTIONS)]
    assert tass["documents"].tolist() == [1]                 # the same-actor copy counts once
    assert tass["actor_documents"].tolist() == [1]
    rt = per_actor[(per_actor["actor"] == "RT") & (per_actor["narrative"] == SANCTIONS)]
    assert rt["documents"].tolist() == [1]                   # RT reprinted it: it counts for RT
    assert rt["share"].tolist() == [0.5]                     # RT published 2 documents in June 2022
    first_only = prevalence(corpus, HitQuery(narrative=SANCTIONS, reprints="first", period="all"))
    assert first_only.groupby("narrative")["documents"].sum()[SANCTIONS] == 1
    assert set(first_only["actor"]) == {"TASS"}
    every_copy = prevalence(corpus, HitQuery(narrative=SANCTIONS, reprints="all", period="all"))
    assert every_copy[every_copy["actor"] == "TASS"]["documents"].tolist() == [2]


def test_level_filter_and_first_appearance(tagged):
    corpus, _ = tagged
    top = prevalence(corpus, HitQuery(level=1, period="year"))
    book = load_codebook()
    assert "west-subversion" in set(top["narrative"])
    assert all(book.level(n) == 1 for n in top["narrative"])
    first = first_appearance(corpus, HitQuery(narrative="west-subversion.colour-revolutions"))
    by_actor = dict(zip(first["actor"], first["first_published"]))
    assert by_actor == {"RT": "2022-03-01", "TASS": "2022-03-05", "Xinhua": "2022-04-02"}


def test_evidence_quotes_spans_and_exports_carry_the_version(tagged, tmp_path):
    corpus, report = tagged
    frame = evidence(corpus, HitQuery(narrative="west-subversion.colour-revolutions"), limit=5)
    assert len(frame) == 3 and frame["spans"].str.contains("«").all()
    table = hits(corpus, HitQuery())
    assert (table["codebook_version"] == report.codebook_version).all()
    assert {"score", "threshold", "evidence", "hit_id"} <= set(table.columns)


def test_cli_prevalence_writes_json(tagged, tmp_path):
    corpus, _ = tagged
    corpus.con.execute("CHECKPOINT")
    copy = tmp_path / "copy.duckdb"                  # the CLI opens the store read-only in its own connection
    shutil.copy(corpus.path, copy)
    out = tmp_path / "prevalence.json"
    result = CliRunner().invoke(app, ["prevalence", "--db", str(copy), "--period", "year", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert {"actor", "period", "narrative", "documents", "share"} <= set(rows[0])


def test_semeval_format(tagged):
    from lockstep.narratives.semeval import document_labels, format_labels

    corpus, _ = tagged
    labels = document_labels(corpus).set_index("doc_id")
    assert "URW: Negative Consequences for the West" in labels.loc["ru-sanctions", "narratives"]
    assert ("URW: Negative Consequences for the West: Sanctions imposed by Western countries will backfire"
            in labels.loc["ru-sanctions", "subnarratives"])
    assert labels.loc["en-bridge", "narratives"] == "Other" and labels.loc["en-bridge", "subnarratives"] == "Other"
    assert format_labels({"URW: Praise of Russia"}, set()) == {"narratives": "URW: Praise of Russia",
                                                              "subnarratives": "URW: Praise of Russia: Other"}
