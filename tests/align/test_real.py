"""Alignment, echoes and statements on a slice of the real headline sets (July 2022), through the real ingest."""

from __future__ import annotations

import csv
import gzip

import pytest
from tests.align.builders import SHARED

import lockstep
from lockstep.align.chains import EchoOptions, find_echoes
from lockstep.align.alignment_index import AlignOptions, alignment
from lockstep.align.reuse import StatementOptions, find_statements

CN = SHARED / "corpus" / "cn-state-media-2022" / "headlines.csv.gz"
RU = SHARED / "corpus" / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz"
PER_OUTLET = 150


def slice_rows(path, date_column: str, outlets: set[str]) -> tuple[list[str], list[dict]]:
    kept, seen = [], {o: 0 for o in outlets}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = sorted((r for r in reader if r["outlet"] in outlets and r[date_column].startswith("2022-07")),
                      key=lambda r: r[date_column])
        for row in rows:
            if seen[row["outlet"]] < PER_OUTLET:
                seen[row["outlet"]] += 1
                kept.append(row)
        return reader.fieldnames, kept


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    if not CN.exists() or not RU.exists():
        pytest.fail(f"shared headline sets not found under {SHARED}")
    folder = tmp_path_factory.mktemp("real")
    for path, column, outlets, name in ((CN, "published_iso", {"cgtn", "xinhuanet", "chinadaily", "bbc"}, "cn.csv"),
                                        (RU, "date", {"rt", "mfa"}, "ru.csv")):
        fields, rows = slice_rows(path, column, outlets)
        with (folder / name).open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    corpus = lockstep.open(folder / "real.duckdb")
    corpus.ingest([folder / "cn.csv", folder / "ru.csv"])
    yield corpus
    corpus.close()


def test_real_store_has_the_actors(real):
    actors = set(real.documents(columns="d.actor")["actor"])
    assert {"RT", "MFA Russia", "CGTN", "Xinhua", "China Daily", "BBC"} <= actors


def test_chinese_state_outlets_share_key_terms_more_than_with_rt(real):
    # English only: headlines misdetected as other languages would each load another lemmatiser
    result = alignment(real, AlignOptions(actors=["CGTN", "Xinhua", "RT", "BBC"], on="terms", period="all",
                                          language="en", n_boot=50, n_perm=50))
    terms = result[result["measure"] == "terms_cosine"].set_index(["actor_a", "actor_b"])
    assert terms["value"].between(0, 1).all() and (terms["ci_low"] <= terms["value"]).all()
    # what the full demo finds (docs/alignment-demo.md): Xinhua and CGTN headline alike, RT apart
    assert terms.loc[("CGTN", "Xinhua"), "value"] > 1.5 * terms.loc[("Xinhua", "RT"), "value"]
    assert terms.loc[("CGTN", "Xinhua"), "relative"] > terms.loc[("Xinhua", "RT"), "relative"]


def test_xinhua_headlines_are_republished(real):
    result = find_echoes(real, EchoOptions(kinds=("verbatim", "near"), store=False))
    assert len(result.chains) >= 10
    first = result.chains["first_outlet"].value_counts()
    assert first.index[0] == "xinhuanet"
    sample = result.members.iloc[0]
    text = real.document(sample["doc_id"])["text"]
    assert sample["text"] in text  # every member traces to its document


def test_real_statements_link_officials(real):
    frame = find_statements(real, StatementOptions(registered_only=True, reuse=False))
    assert len(frame) >= 5
    assert frame["official"].notna().all()
    row = frame.iloc[0]
    text = real.document(row["doc_id"])["text"]
    assert text[row["start_char"] : row["end_char"]] == row["content"]
