"""Learned detectors: labelled-data readers (with errors naming file and line), the learner, storing models and
tagging with them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lockstep.errors import InputError
from lockstep.narratives import labelled, learned, models, training
from lockstep.narratives.codebook import load_codebook

from tests.narratives.conftest import build_store, make_doc, sample_documents

DATA = Path(__file__).resolve().parents[2] / "eval" / "data" / "narratives"
SUB = "URW: Discrediting Ukraine: Ukraine is a puppet of the West"


@pytest.fixture(scope="module")
def book():
    return load_codebook()


def semeval_folder(root: Path, rows: list[str], docs: dict[str, str]) -> Path:
    (root / "raw-documents").mkdir(parents=True)
    for name, text in docs.items():
        (root / "raw-documents" / name).write_text(text, encoding="utf-8")
    (root / "subtask-2-annotations.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_semeval_folder_maps_task_labels_to_codebook_ids(tmp_path, book):
    root = semeval_folder(tmp_path / "RU", [
        f"RU-URW-1.txt\tURW: Discrediting Ukraine\t{SUB}",
        "RU-URW-2.txt\tOther\tOther"],
        {"RU-URW-1.txt": "Заголовок\n\nКиев лишь марионетка Запада.\n\nВторой абзац.", "RU-URW-2.txt": "Погода."})
    examples = labelled.read_semeval(tmp_path, book)   # a folder of language folders works too
    first, second = examples
    subs = {n for n in first.labels if book.level(n) == 2}
    assert len(subs) == 1 and book.narratives[subs.pop()].semeval == SUB
    assert first.paragraphs == ("Заголовок", "Киев лишь марионетка Запада.", "Второй абзац.")
    assert first.language == "ru" and second.labels == frozenset()
    assert first.source.endswith("subtask-2-annotations.txt:1")


def test_semeval_unknown_narrative_names_file_and_line(tmp_path, book):
    root = semeval_folder(tmp_path, ["EN_1.txt\tOther\tOther", "EN_2.txt\tURW: Aliens run Kyiv\tOther"],
                          {"EN_1.txt": "a", "EN_2.txt": "b"})
    with pytest.raises(InputError, match=r"subtask-2-annotations.txt:2: label 'URW: Aliens run Kyiv' is not in"):
        labelled.read_semeval(root, book)


def test_semeval_empty_field_and_missing_document(tmp_path, book):
    root = semeval_folder(tmp_path / "a", ["EN_1.txt\t\tOther"], {"EN_1.txt": "text"})
    with pytest.raises(InputError, match=r"annotations.txt:1: EN_1.txt: empty narrative"):
        labelled.read_semeval(root, book)
    root = semeval_folder(tmp_path / "b", ["EN_9.txt\tOther\tOther"], {"EN_1.txt": "text"})
    with pytest.raises(InputError, match=r"annotations.txt:1: no document 'EN_9.txt'"):
        labelled.read_semeval(root, book)


def test_csv_and_jsonl_rows(tmp_path, book):
    path = tmp_path / "labels.csv"
    pd.DataFrame({"text": ["Sanctions hurt Europe more than Russia.", "Rain in Leeds."],
                  "labels": ["war-and-sanctions.sanctions-backfire", ""], "language": ["en", "en"]}).to_csv(path,
                                                                                                     index=False)
    rows = labelled.read_table(path, book)
    assert "war-and-sanctions" in book.ancestors(next(iter(rows[0].labels))) and rows[1].labels == frozenset()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "labels": ["history"]}\n{"text": "x", "labels": "history;;world-order"}\n',
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: empty label"):
        labelled.read_table(bad, book)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("text,labels\nfine,history\nfine too,no-such-narrative\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown.csv:3: label 'no-such-narrative'"):
        labelled.read_table(unknown, book)


def test_language_without_examples_and_nothing_to_learn(book):
    rows = [labelled.Example("a", ("text",), "en", frozenset({"history"}), "f.csv:2")]
    with pytest.raises(InputError, match="f.csv: no examples in language 'zh' \\(the data holds: en\\)"):
        labelled.only_languages(rows, ["zh"])
    with pytest.raises(InputError, match="nothing to learn from"):
        labelled.check_examples([labelled.Example("a", ("t",), "en", frozenset(), "f.csv:2")])


def test_linear_arm_wins_where_zero_shot_is_blind():
    rng = np.random.default_rng(0)
    n, dim = 200, 8
    x = rng.normal(size=(n, dim)).astype(np.float32)
    y = np.zeros((n, 2), dtype=bool)
    y[:, 0] = x[:, 0] > 0.5                                 # learnable from the features
    y[:, 1] = rng.random(n) < 0.3                           # noise: zero-shot is as good as anything
    zero_shot = rng.random((n, 2)).astype(np.float32)       # a zero-shot detector that knows nothing
    model = learned.fit(np.hstack([x, zero_shot]), zero_shot, y, np.ones_like(y), ["a", "b"], np.array([0.5, 0.5]))
    assert model.arms["a"].kind == "linear" and model.arms["a"].cv_f1_linear > 0.8
    assert model.arms["b"].kind == "zero-shot"
    decided, _scores, _t = learned.decide(model, np.hstack([x, zero_shot]), zero_shot, load_codebook().subset("history"))
    assert (decided[:, 0] == y[:, 0]).mean() > 0.9


@pytest.fixture(scope="module")
def hand_examples(book, tmp_path_factory):
    paragraphs = pd.read_csv(DATA / "paragraphs.csv")
    labels = pd.read_csv(DATA / "labels.csv", keep_default_na=False)
    path = tmp_path_factory.mktemp("labels") / "hand.csv"
    paragraphs.merge(labels, on="id")[["id", "text", "labels", "language"]].to_csv(path, index=False)
    return labelled.read_table(path, book)


def test_train_store_and_tag_with_the_learned_model(tmp_path, hand_examples):
    from lockstep.narratives.tagging import TagOptions, tag


    history = [make_doc("The weather was mild on Monday.\n\nWestern textbooks rewrite the history of the Second World "
                        "War and belittle the decisive role of the Soviet Union in the victory over Nazism.",
                        actor="RT", published="2022-05-09", language="en", doc_id="en-history"),
               make_doc("На Западе переписывают историю Второй мировой войны и принижают роль Советского Союза в "
                        "победе над нацизмом.", actor="TASS", published="2022-05-09", language="ru",
                        doc_id="ru-history")]
    corpus = build_store(tmp_path / "c.duckdb", sample_documents() + history)
    # the linear arm of `history` beats its zero-shot arm in CV by less than the default 0.05 (0.82 vs 0.78): keep
    # any gain, so that this test exercises tagging with a linear arm
    options = training.TrainOptions(learn=learned.LearnOptions(min_gain=0.0))
    model = training.train_and_store(corpus, hand_examples, options, "hand.csv")
    assert "history" in [model.narratives[c] for c in model.linear_columns()]
    stored = models.list_models(corpus)
    assert stored["version"].tolist() == [model.version] and model.version.startswith("v1-")
    assert stored["data_hash"][0] == labelled.data_hash(hand_examples) and model.cv["documents"] == 352
    again = models.load(corpus, model.version[:4])
    assert again.narratives == model.narratives and set(again.linear_columns()) == set(model.linear_columns())
    assert model.linear_columns(), "the hand labels give at least one narrative enough positives"
    report = tag(corpus)
    assert report.detector == f"learned:{model.version}"
    detectors = dict(corpus.con.execute("SELECT detector, count(*) FROM narrative_hits GROUP BY 1").fetchall())
    assert set(detectors) <= {"zero-shot", f"learned:{model.version}"} and detectors.get("zero-shot")
    colour = corpus.con.execute("SELECT count(*) FROM narrative_hits WHERE above AND doc_id = 'en-colour' AND "
                                "narrative LIKE 'west-subversion%'").fetchone()[0]
    assert colour > 0
    learned_hits = corpus.con.execute("SELECT h.evidence, h.idx, p.start_char, p.end_char FROM narrative_hits h "
                                      "JOIN paragraphs p USING (doc_id, idx) WHERE h.above AND h.detector LIKE "
                                      "'learned:%'").fetchall()
    assert learned_hits, "the history documents are tagged by the learned arm"
    for evidence, _idx, start, end in learned_hits:   # the paragraph, and a sentence inside it when a claim fits
        spans = json.loads(evidence)
        assert [(s["start"], s["end"]) for s in spans if s["kind"] == "learned"] == [(start, end)]
        assert all(start <= s["start"] < s["end"] <= end for s in spans)
    assert any(s["kind"] == "similar" for e in learned_hits for s in json.loads(e[0]))
    tag(corpus, TagOptions(detector="zero-shot"))
    assert corpus.con.execute("SELECT count(*) FROM narrative_hits WHERE detector <> 'zero-shot'").fetchone()[0] == 0
    corpus.close()


def test_learned_detector_required_but_absent(tmp_path):
    from lockstep.narratives.tagging import TagOptions, tag

    corpus = build_store(tmp_path / "c.duckdb", sample_documents()[:2])
    with pytest.raises(InputError, match="no learned model"):
        tag(corpus, TagOptions(detector="learned"))
    corpus.close()


def test_training_from_review_decisions(tagged, book):
    corpus, _report = tagged
    from lockstep.narratives.review import review_tag

    rows = corpus.con.execute("SELECT hit_id, doc_id, idx, narrative FROM narrative_hits ORDER BY hit_id LIMIT 4"
                              ).fetchall()
    try:
        for k, (hit_id, *_rest) in enumerate(rows):
            review_tag(corpus, hit_id, "accept" if k % 2 == 0 else "reject", "tester")
        examples = {ex.doc_id: ex for ex in labelled.read_reviews(corpus, book)}
        for k, (_hit, doc_id, idx, narrative) in enumerate(rows):
            example = examples[f"{doc_id}#{idx}"]
            assert narrative in example.known
            assert (narrative in example.labels) == (k % 2 == 0)
    finally:
        corpus.con.execute("DELETE FROM narrative_reviews WHERE coder = 'tester'")


def cli_main(*args: str, cwd: Path | None = None):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-c", "from lockstep.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_cli_train_models_tag_and_scorer_file(tmp_path, hand_examples):
    from typer.testing import CliRunner

    from lockstep.cli.narratives import app

    rows, docs = [], {}
    book = load_codebook()
    for k, ex in enumerate(e for e in hand_examples if e.language == "en"):
        name = f"EN_UA_{k:03d}.txt"
        docs[name] = ex.text + "\n\nThe ministry published the statement on Monday."
        tops = sorted({book.narratives[book.top(n)].semeval for n in ex.labels if book.narratives[book.top(n)].semeval})
        subs = sorted({book.narratives[n].semeval for n in ex.labels if book.level(n) == 2 and book.narratives[n].semeval})
        rows.append(f"{name}\t{';'.join(tops) or 'Other'}\t{';'.join(subs) or 'Other'}")
    folder = semeval_folder(tmp_path / "EN", rows, docs)
    db = tmp_path / "c.duckdb"
    build_store(db, sample_documents()).close()
    runner = CliRunner()
    result = runner.invoke(app, ["train", "--db", str(db), "--semeval", str(folder), "--lang", "en"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["models", "--db", str(db), "-o", str(tmp_path / "models.csv")])
    assert listed.exit_code == 0
    table = pd.read_csv(tmp_path / "models.csv")
    assert len(table) == 1 and table["documents"][0] == len(rows)
    version = table["version"][0]
    detail = runner.invoke(app, ["models", "--db", str(db), "--version", version, "-o", str(tmp_path / "cv.csv")])
    assert detail.exit_code == 0, detail.output
    cv = pd.read_csv(tmp_path / "cv.csv")
    assert set(cv["arm"]) <= {"linear", "zero-shot"} and (cv["positives"] > 0).all()
    tagged = runner.invoke(app, ["tag", "--db", str(db), "--detector", version])
    assert tagged.exit_code == 0, tagged.output
    scorer = tmp_path / "pred.txt"
    assert runner.invoke(app, ["semeval", "--db", str(db), "--scorer-file", str(scorer)]).exit_code == 0
    lines = [line.split("\t") for line in scorer.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(sample_documents()) and all(len(cells) == 3 for cells in lines)


def test_cli_bad_label_file_is_one_clear_line(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("text,labels\nSanctions hurt Europe.,war-and-sanctions\nMoon,urw.moon-landing-hoax\n",
                   encoding="utf-8")
    result = cli_main("narratives", "train", "--db", str(tmp_path / "c.duckdb"), "--labels", str(bad))
    assert result.returncode == 2
    squeezed = "".join((result.stdout + result.stderr).split())        # the console wraps long lines
    assert "labels.csv:3:label'urw.moon-landing-hoax'isnotinthecodebook" in squeezed
    assert "Traceback" not in result.stdout + result.stderr


def test_too_few_examples_are_refused(book):
    rows = [labelled.Example(str(k), ("Sanctions hurt Europe.",), "en", frozenset({"war-and-sanctions"}),
                             f"f.csv:{k + 2}") for k in range(3)]
    with pytest.raises(InputError, match="f.csv: 3 labelled examples; 5-fold cross-validation needs at least 10"):
        training.train(rows, book)


def test_documents_are_never_split_between_chunks():
    from lockstep.narratives.learned_tagging import whole_documents

    ids = ["a"] * 3 + ["b"] * 4 + ["c"] * 2 + ["d"]
    frames = [pd.DataFrame({"doc_id": ids[i:i + 3]}) for i in range(0, len(ids), 3)]
    chunks = [(f, np.arange(len(f))[:, None].astype(np.float32)) for f in frames]
    out = list(whole_documents(iter(chunks)))
    seen = [f["doc_id"].tolist() for f, _v in out]
    assert sum(seen, []) == ids
    assert all(len(set(chunk) & set(other)) == 0 for k, chunk in enumerate(seen) for other in seen[k + 1:])
    assert all(len(f) == len(v) for f, v in out)


def test_learned_tagging_is_the_same_in_small_chunks(tmp_path, hand_examples):
    from lockstep.narratives.tagging import TagOptions, tag

    corpus = build_store(tmp_path / "c.duckdb", sample_documents())
    training.train_and_store(corpus, hand_examples, training.TrainOptions(), "hand.csv")
    query = "SELECT hit_id, round(score, 3), above, detector FROM narrative_hits ORDER BY hit_id"
    tag(corpus)
    whole = corpus.con.execute(query).fetchall()
    tag(corpus, TagOptions(chunk_rows=2))
    assert corpus.con.execute(query).fetchall() == whole
    corpus.close()


def languages_apart(n: int = 240, seed: int = 1):
    """Documents in two languages whose embeddings sit around different centres; the label depends only on what
    the text says (dimension 0), which a Russian document carries shifted by the language's offset."""
    rng = np.random.default_rng(seed)
    said = rng.normal(size=n)
    languages = np.array(["en", "ru"] * (n // 2))
    emb = rng.normal(scale=0.5, size=(n, 6)).astype(np.float32)
    emb[:, 0] = said + np.where(languages == "ru", 1.6, 0.0)
    y = (said > 0.7)[:, None]
    zero_shot = rng.random((n, 1)).astype(np.float32)           # a zero-shot detector that knows nothing
    return np.hstack([emb, emb, zero_shot]), zero_shot, y, languages


def test_language_centring_carries_a_classifier_across_languages():
    x, zero_shot, y, languages = languages_apart()
    train, test = np.arange(len(y)) < 160, np.arange(len(y)) >= 160
    prior = np.array([0.5])
    fitted = {mode: learned.fit(x[train], zero_shot[train], y[train], np.ones_like(y[train]), ["a"], prior,
                                learned.LearnOptions(centre=mode, gate="never"), languages=languages[train])
              for mode in ("never", "always", "auto")}
    book = load_codebook().subset("history")
    f1 = {mode: learned.f1_score(y[test, 0], learned.decide(model, x[test], zero_shot[test], book,
                                                             languages=languages[test])[0][:, 0])
          for mode, model in fitted.items()}
    assert fitted["always"].centred and not fitted["never"].centred
    assert f1["always"] > f1["never"] + 0.1, f1
    assert fitted["auto"].centred, fitted["auto"].selection     # kept: it helps on held-out training folds
    arm = fitted["always"].arms["a"]
    assert arm.kind == "linear" and set(arm.language_bias) == {"en", "ru"}
    unseen = learned.decide(fitted["always"], x[test], zero_shot[test], book, languages=np.array(["de"] * test.sum()))
    assert unseen[0].shape == (test.sum(), 1)                  # a language unseen in training: the overall centre


def hierarchy_case(parent_seen: float, child_leaks: float, seed: int = 2):
    """A narrative and its sub-narrative decided by zero-shot scores: the parent's score sees `parent_seen` of its
    documents, the sub-narrative's score also fires on `child_leaks` of the documents outside the parent."""
    rng = np.random.default_rng(seed)
    n = 300
    parent = rng.random(n) < 0.4
    child = parent & (rng.random(n) < 0.5)
    leak = ~parent & (rng.random(n) < child_leaks)
    zero_shot = rng.normal(0.3, 0.05, size=(n, 2)).astype(np.float32)
    zero_shot[:, 0] += 0.4 * (parent & (rng.random(n) < parent_seen))
    zero_shot[:, 1] += 0.4 * (child | leak)
    x = np.hstack([rng.normal(size=(n, 4)), rng.normal(size=(n, 4)), zero_shot]).astype(np.float32)
    return x, zero_shot, np.stack([parent, child], axis=1)


def test_parent_gating_is_kept_only_where_it_helps():
    book = load_codebook().subset("history")
    names = ["history", "history.victory-legacy"]
    options = learned.LearnOptions(centre="never", min_positives=1000)    # zero-shot arms only: the hierarchy decides
    for parent_seen, child_leaks, expect in ((0.95, 0.3, True), (0.3, 0.0, False)):
        x, zero_shot, y = hierarchy_case(parent_seen, child_leaks)
        model = learned.fit(x, zero_shot, y, np.ones_like(y), names, np.array([0.5, 0.5]), options, codebook=book)
        chosen = model.selection["gating"]
        assert model.gated is expect, chosen
        assert (chosen["gated"] > chosen["implied"]) is expect
        decided = learned.decide(model, x, zero_shot, book)[0]
        if expect:
            assert not (decided[:, 1] & ~decided[:, 0]).any()          # no sub-narrative outside its parent
        else:
            assert (decided[:, 0] >= decided[:, 1]).all()               # a sub-narrative implies its parent
    implied = learned.apply_hierarchy(np.array([[False, True]]), names, book, gated=False)
    gated = learned.apply_hierarchy(np.array([[False, True]]), names, book, gated=True)
    assert implied.tolist() == [[True, True]] and gated.tolist() == [[False, False]]


def test_centred_and_gated_models_survive_the_store(tmp_path):
    x, zero_shot, y, languages = languages_apart()
    model = learned.fit(x, zero_shot, y, np.ones_like(y), ["a"], np.array([0.5]),
                        learned.LearnOptions(centre="always", gate="always"), languages=languages,
                        codebook=load_codebook().subset("history"))
    model.codebook_version, model.embedding_model, model.data_hash = "book#1", "use-multilingual-v3", "abc"
    corpus = build_store(tmp_path / "c.duckdb", sample_documents()[:1])
    version = models.save(corpus, model)
    again = models.load(corpus, version)
    assert again.centred and again.gated and again.arms["a"].language_bias == model.arms["a"].language_bias
    book = load_codebook().subset("history")
    first = learned.decide(model, x, zero_shot, book, languages=languages)
    second = learned.decide(again, x, zero_shot, book, languages=languages)
    assert (first[0] == second[0]).all() and np.allclose(first[1], second[1], atol=1e-4)
    corpus.close()


def test_variant_modes_are_checked(book):
    with pytest.raises(InputError, match="centre 'sideways': use one of auto, always, never"):
        learned.LearnOptions(centre="sideways")
    with pytest.raises(InputError, match="gate 'up': use one of"):
        learned.LearnOptions(gate="up")
