"""The SemEval submission file names each document as the task's scorer knows it: a text file by its name, a row of
a table by the table's name and the row (every row its own id, never the CSV's name for all of them)."""

from __future__ import annotations

import csv

import pandas as pd

import lockstep
from lockstep.narratives.semeval import scorer_lines


def test_each_row_of_a_table_keeps_its_own_article_id(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    with (inputs / "articles.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "text", "published"])
        for k, text in enumerate(["Sanctions will backfire on Europe, officials said in Moscow on Monday.",
                                  "Grain exports resumed through the Black Sea corridor after weeks of talks.",
                                  "The summit in Samarkand ended with a joint statement on regional security."]):
            writer.writerow([f"EN_{k}", f"Headline {k}", text, f"2022-07-0{k + 1}"])
    paragraphs = [f"Paragraph {k} of the article reports that officials met again to discuss energy prices, grain "
                  "exports and the consequences of sanctions for households across Europe this winter." for k in range(6)]
    (inputs / "EN_UA_17.txt").write_text("Energy prices and sanctions\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    corpus = lockstep.open(tmp_path / "store.duckdb")
    try:
        corpus.ingest([inputs])
        docs = corpus.con.execute("SELECT id, source, source_position FROM documents").df()
        labels = pd.DataFrame({"doc_id": docs["id"], "narratives": "Other", "subnarratives": "Other"})
        ids = [line.split("\t")[0] for line in scorer_lines(corpus, labels)]
    finally:
        corpus.close()
    assert len(ids) == 4 and len(set(ids)) == 4
    assert sorted(i for i in ids if i.startswith("articles.csv")) == ["articles.csv:0", "articles.csv:1",
                                                                     "articles.csv:2"]
    assert "EN_UA_17.txt" in ids
