"""Labelled examples for training narrative detectors, read from three kinds of source.

* a folder in the SemEval-2025 Task 10 subtask-2 layout: ``raw-documents/<id>.txt`` and the tab-separated
  ``subtask-2-annotations.txt`` (article id, narratives joined by ``;``, sub-narratives joined by ``;``), for any
  of the task's languages (a folder holding one such folder per language, EN/ RU/ ..., works too);
* a CSV or JSONL file with a ``text`` column and a ``labels`` column (codebook ids or SemEval label names joined by
  ``;``; empty = no narrative), optional ``id`` and ``language``;
* the accept/reject decisions of ``lockstep narratives review`` in a store: an accepted tag is a positive example
  of its narrative for that paragraph, a rejected one a negative; the paragraph's other narratives stay unknown.

Every problem names the file and line: a label the codebook lacks, an empty label, a row without text, a
language with no examples. Nothing is trained on nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from lockstep.errors import InputError
from lockstep.narratives.codebook import Codebook

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

ANNOTATIONS = "subtask-2-annotations.txt"
RAW = "raw-documents"
SEMEVAL_LANGUAGES = {"EN": "en", "RU": "ru", "BG": "bg", "PT": "pt", "HI": "hi", "ZH": "zh"}
NONE_LABELS = {"", "other", "none"}


@dataclass(slots=True, frozen=True)
class Example:
    """One labelled document (or paragraph): its paragraphs, language and narratives.

    `known` is None when every codebook narrative is decided (absent = negative); for review decisions it holds
    the narratives that were decided, the rest are unknown and left out of training."""

    doc_id: str
    paragraphs: tuple[str, ...]
    language: str | None
    labels: frozenset[str]
    source: str                          # file:line
    known: frozenset[str] | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def data_hash(examples: Iterable[Example]) -> str:
    """A hash of the training data (texts, languages, labels), stored with every model."""
    digest = hashlib.sha1()
    for ex in sorted(examples, key=lambda e: e.doc_id):
        digest.update(repr((ex.doc_id, ex.paragraphs, ex.language, sorted(ex.labels),
                            sorted(ex.known) if ex.known is not None else None)).encode())
    return digest.hexdigest()[:12]


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs of a raw document: blank-line blocks, or lines when the file has no blank lines."""
    parts = [p.strip() for p in (re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n"))]
    return tuple(p for p in parts if p)


# ---- label names -----------------------------------------------------------------------------------------------


def resolve_label(names: dict[str, str], raw: str, where: str, version: str) -> str | None:
    """The codebook id of a codebook id or SemEval label name (case-insensitive, any spacing around ':'), None for
    "Other"/"none"; an InputError naming `where` and the codebook `version` when the codebook has no such label."""
    label = raw.strip()
    if label.lower() in NONE_LABELS:
        return None
    found = names.get(label.lower()) or names.get(re.sub(r"\s*:\s*", ": ", label).lower())
    if found is None:
        raise InputError(f"{where}: label {label!r} is not in the codebook ({version}; codebook ids or SemEval "
                         "names, see `lockstep narratives list`)")
    return found


class LabelIndex:
    """Codebook ids and SemEval label names -> codebook id."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self.names = {n.id.lower(): n.id for n in codebook.narratives.values()}
        self.names.update({n.semeval.lower(): n.id for n in codebook.narratives.values() if n.semeval})

    def resolve(self, raw: str, where: str) -> str | None:
        """The codebook id for a label, None for "Other"/"none"; InputError naming `where` when unknown."""
        return resolve_label(self.names, raw, where, f"codebook {self.codebook.version}")

    def resolve_all(self, cell: str, where: str) -> set[str]:
        if not cell.strip():
            return set()
        parts = cell.split(";")
        if any(not p.strip() for p in parts):
            raise InputError(f"{where}: empty label in {cell!r} (labels are joined by ';')")
        return {lab for lab in (self.resolve(p, where) for p in parts) if lab}


# ---- SemEval-2025 Task 10 folders ------------------------------------------------------------------------------


def read_semeval(folder: str | Path, codebook: Codebook) -> list[Example]:
    """Examples from a SemEval-2025 T10 subtask-2 folder (or a folder of such folders, one per language)."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder (expected {RAW}/ and {ANNOTATIONS})")
    files = [root / ANNOTATIONS] if (root / ANNOTATIONS).exists() else sorted(root.glob(f"*/{ANNOTATIONS}"))
    if not files:
        raise InputError(f"{root}: no {ANNOTATIONS} here or in a language subfolder")
    labels = LabelIndex(codebook)
    examples = [ex for path in files for ex in read_annotation_file(path, labels)]
    if not examples:
        raise InputError(f"{root}: the annotation files hold no documents")
    return examples


def read_annotation_file(path: Path, labels: LabelIndex) -> list[Example]:
    raw_dir = path.parent / RAW
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        cells = line.split("\t")
        if len(cells) < 3:
            raise InputError(f"{where}: expected 3 tab-separated fields (article id, narratives, subnarratives), "
                             f"found {len(cells)}")
        article, narratives, subs = cells[0].strip(), cells[1], cells[2]
        if not narratives.strip() or not subs.strip():
            raise InputError(f"{where}: {article}: empty narrative or sub-narrative field (the task writes 'Other')")
        found = labels.resolve_all(narratives, where) | labels.resolve_all(subs, where)
        out.append(Example(article, read_raw(raw_dir, article, where), semeval_language(path, article),
                           frozenset(found), where))
    return out


def read_raw(raw_dir: Path, article: str, where: str) -> tuple[str, ...]:
    path = raw_dir / article
    if not path.exists() and (raw_dir / f"{article}.txt").exists():
        path = raw_dir / f"{article}.txt"
    if not path.is_file():
        raise InputError(f"{where}: no document {article!r} in {raw_dir}")
    paragraphs = split_paragraphs(path.read_text(encoding="utf-8", errors="replace"))
    if not paragraphs:
        raise InputError(f"{where}: document {path} is empty")
    return paragraphs


def semeval_language(path: Path, article: str) -> str | None:
    """The language from the article id (EN_UA_123.txt) or the folder name (EN/, RU/)."""
    prefix = article.split("_", 1)[0].upper()
    if prefix in SEMEVAL_LANGUAGES:
        return SEMEVAL_LANGUAGES[prefix]
    return SEMEVAL_LANGUAGES.get(path.parent.name.upper())


# ---- CSV / JSONL -----------------------------------------------------------------------------------------------


def read_table(path: str | Path, codebook: Codebook) -> list[Example]:
    """Examples from a CSV or JSONL file with `text` and `labels` (optional `id`, `language`)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    rows = jsonl_rows(path) if path.suffix.lower() in (".jsonl", ".json", ".ndjson") else csv_rows(path)
    labels = LabelIndex(codebook)
    out = []
    for lineno, row in rows:
        where = f"{path}:{lineno}"
        text = str(row.get("text") or "").strip()
        if not text:
            raise InputError(f"{where}: no text (every row needs a `text` and a `labels` field)")
        if "labels" not in row:
            raise InputError(f"{where}: no `labels` field (codebook ids joined by ';', empty for none)")
        cell = ";".join(row["labels"]) if isinstance(row["labels"], list) else str(row["labels"] or "")
        found = labels.resolve_all(cell, where)
        doc_id = str(row.get("id") or hashlib.sha1(text.encode()).hexdigest()[:16])
        language = str(row.get("language") or "").strip() or detect(text)
        out.append(Example(doc_id, split_paragraphs(text), language, frozenset(found), where))
    if not out:
        raise InputError(f"{path}: no labelled rows")
    return out


def csv_rows(path: Path) -> list[tuple[int, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise InputError(f"{path}:1: the header needs `text` and `labels` columns (found {reader.fieldnames})")
        return [(reader.line_num, row) for row in reader]


def jsonl_rows(path: Path) -> list[tuple[int, dict]]:
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: not a JSON object ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{path}:{lineno}: each line is a JSON object with `text` and `labels`")
        out.append((lineno, row))
    return out


def detect(text: str) -> str | None:
    from lockstep.enrich.language import detect_language

    return detect_language(text)


# ---- review decisions ------------------------------------------------------------------------------------------


def read_reviews(corpus: "Corpus", codebook: Codebook) -> list[Example]:
    """One example per reviewed paragraph: accepted narratives positive, rejected ones negative (majority of
    coders; ties count as rejected), every other narrative unknown. Narratives not in `codebook` are skipped."""
    import lockstep.narratives.tables as tables

    tables.ensure_tables(corpus)
    rows = tables.reviewed_paragraph_majorities(corpus.con)
    if not rows:
        raise InputError(f"{corpus.path}: no reviewed tags (use `lockstep narratives review` first)")
    by_paragraph: dict[tuple[str, int], dict] = {}
    for doc_id, idx, narrative, accepted, text, language in rows:
        if narrative not in codebook.narratives:
            continue
        entry = by_paragraph.setdefault((doc_id, idx), {"text": text, "language": language, "pos": set(), "known": set()})
        entry["known"].update([narrative, *([] if not accepted else codebook.ancestors(narrative))])
        if accepted:
            entry["pos"].update([narrative, *codebook.ancestors(narrative)])
    return [Example(f"{doc_id}#{idx}", (e["text"],), e["language"], frozenset(e["pos"]), f"{corpus.path}:review",
                    frozenset(e["known"])) for (doc_id, idx), e in by_paragraph.items()]


# ---- checks ----------------------------------------------------------------------------------------------------


def check_examples(examples: list[Example], languages: Iterable[str] = ()) -> None:
    """Refuse an empty training set, or a requested language with no examples."""
    if not examples:
        raise InputError("no labelled examples: nothing to train on")
    present = {ex.language for ex in examples}
    files = ", ".join(sorted({ex.source.rsplit(":", 1)[0] for ex in examples}))
    for lang in languages:
        if lang not in present:
            raise InputError(f"{files}: no examples in language {lang!r} (the data holds: "
                             f"{', '.join(sorted(str(p) for p in present))})")
    if not any(ex.labels for ex in examples):
        raise InputError(f"{examples[0].source.rsplit(':', 1)[0]}: no example carries a narrative: "
                         "nothing to learn from")


def only_languages(examples: list[Example], languages: Iterable[str]) -> list[Example]:
    wanted = set(languages)
    if not wanted:
        return examples
    check_examples(examples, wanted)
    return [ex for ex in examples if ex.language in wanted]
