"""`lockstep narratives tag`: run the detector over a store and keep hits with their evidence.

Paragraph embeddings come from the shared cache (computed once). Paragraphs are read in chunks, so memory
stays bounded whatever the corpus size; each chunk's hits are written in one transaction. Re-tagging with the
same codebook version replaces that version's hits for the filtered documents (reviews stay attached: hit ids
are stable); hits made with other versions are kept, each row names its version.

Detector (`TagOptions.detector`): `auto` uses the newest learned model trained for this codebook version when the
store holds one (`lockstep narratives train`), else zero-shot; `zero-shot`, `learned` (newest, required) or a
model version; `llm` asks a language model behind an OpenAI-compatible endpoint (`TagOptions.llm`, see
`llm_detector.py`; no embeddings needed). Every hit row names its detector: `zero-shot`, `learned:<version>` for
the narratives whose learned arm decides them (see `learned_tagging.py`), or `llm:<model>`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np

from lockstep.enrich.embeddings import EmbeddingOptions, batch_to_frame, compute_missing, get_backend
import lockstep.narratives.learned_tagging as learned_tagging
import lockstep.narratives.llm_detector as llm_detector
import lockstep.narratives.tables as tables
from lockstep.narratives.calibrate import thresholds_for
from lockstep.narratives.codebook import Codebook, load_codebook
from lockstep.narratives.detect import DetectOptions, Detector, Hit, sentence_spans
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus


@dataclass(slots=True, kw_only=True)
class TagOptions:
    """What to tag and how."""

    codebook_files: list[str | Path] = field(default_factory=list)
    include_default: bool = True
    only: str | None = None                   # a narrative id prefix, e.g. "urw" or "west-subversion"
    filters: "DocumentFilter | None" = None
    embedding: EmbeddingOptions = field(default_factory=EmbeddingOptions)
    detect: DetectOptions = field(default_factory=DetectOptions)
    sentence_evidence: bool = True            # point semantic evidence at the most similar sentence
    chunk_rows: int = 20_000
    progress: bool = False
    detector: str = "auto"                    # auto | zero-shot | learned | llm | a model version
    llm: llm_detector.LLMOptions = field(default_factory=llm_detector.LLMOptions)   # for detector "llm"


@dataclass(slots=True)
class TagReport:
    codebook_version: str
    model: str
    detector: str = "zero-shot"
    paragraphs: int = 0
    embedded: int = 0
    hits: int = 0
    candidates: int = 0
    documents: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def frame(self) -> "pd.DataFrame":
        import pandas as pd

        rows = [("codebook version", self.codebook_version), ("embedding model", self.model),
                ("detector", self.detector),
                ("paragraphs tagged", self.paragraphs), ("paragraphs embedded now", self.embedded),
                ("hits (above threshold)", self.hits), ("candidates below threshold", self.candidates),
                ("documents with a narrative", self.documents)]
        rows += [(f"seconds: {k}", round(v, 2)) for k, v in self.seconds.items()]
        return pd.DataFrame(rows, columns=["", "value"])


def load_for(options: TagOptions) -> Codebook:
    return load_codebook(options.codebook_files, include_default=options.include_default).subset(options.only)


def tag(corpus: "Corpus", options: TagOptions | None = None) -> "TagReport | llm_detector.LLMReport":
    """Tag the paragraphs of the (filtered) corpus; returns what was done."""
    options = options or TagOptions()
    codebook = load_for(options)
    if options.detector == "llm":
        return llm_detector.tag(corpus, codebook, options.filters, options.llm)
    tables.ensure_tables(corpus)
    backend = get_backend(options.embedding.backend)
    report = TagReport(codebook.version, backend.name)
    started = time.perf_counter()
    report.embedded = compute_missing(corpus, options.filters, options.embedding)
    report.seconds["embedding"] = time.perf_counter() - started
    detector = Detector(codebook, backend, options.detect, thresholds_for(corpus, codebook, options.detect))
    model = learned_tagging.resolve(corpus, codebook, options.detector, backend.name)
    if model is not None:
        learned_tagging.use_thresholds(detector, model)
        report.detector = f"learned:{model.version}"
    tables.record_codebook(corpus, codebook)
    clear_version(corpus, codebook.version, options.filters)
    started = time.perf_counter()
    chunks = paragraph_chunks(corpus, backend.name, options)
    for chunk, vectors in (learned_tagging.whole_documents(chunks) if model is not None else chunks):
        scores = detector.score(chunk["text"].tolist(), vectors, chunk["language"].tolist(), chunk["actor"].tolist())
        hits = detector.hits(scores)
        if model is not None:
            hits = learned_tagging.hits(model, detector, chunk, vectors, scores, hits)
        if options.sentence_evidence:
            add_sentence_evidence(detector, chunk, hits)
        write_hits(corpus, chunk, hits, codebook, backend.name)
        report.paragraphs += len(chunk)
        report.hits += sum(h.above for h in hits)
        report.candidates += sum(not h.above for h in hits)
    report.seconds["tagging"] = time.perf_counter() - started
    report.documents = tables.tagged_document_count(corpus.con, codebook.version)
    return report


def clear_version(corpus: "Corpus", version: str, filters: "DocumentFilter | None") -> None:
    where, params = (filters or DocumentFilter()).where()
    tables.clear_hits(corpus.con, version, where, params)


def paragraph_chunks(corpus: "Corpus", model: str, options: TagOptions) -> Iterator[tuple["pd.DataFrame", np.ndarray]]:
    """(paragraph rows, their vectors) in chunks of `chunk_rows`, read through a separate cursor."""
    where, params = (options.filters or DocumentFilter()).where()
    for batch in tables.paragraph_vector_batches(corpus.con, where, params, model, options.chunk_rows):
        _keys, vectors = batch_to_frame(batch)
        frame = batch.drop_columns(["vector"]).to_pandas() if hasattr(batch, "drop_columns") else \
            batch.to_pandas().drop(columns=["vector"])
        yield frame, vectors


def add_sentence_evidence(detector: Detector, chunk: "pd.DataFrame", hits: list[Hit]) -> None:
    """For hits above threshold, the sentence most similar to the matched claim (one batched embed call)."""
    texts = chunk["text"].tolist()
    wanted = [h for h in hits if h.above and h.claim is not None]
    spans_by_row = {h.row: sentence_spans(texts[h.row]) for h in wanted}
    multi = {row: spans for row, spans in spans_by_row.items() if len(spans) > 1}
    vectors: dict[tuple[int, int], np.ndarray] = {}
    if multi and detector.backend is not None:
        keys = [(row, k) for row, spans in multi.items() for k in range(len(spans))]
        embedded = detector.backend.embed([texts[row][multi[row][k][0]:multi[row][k][1]] for row, k in keys])
        vectors = {key: embedded[i] for i, key in enumerate(keys)}
    claim_index = {text: i for i, (_n, _l, text) in enumerate(detector.claims)}
    for hit in wanted:
        spans = spans_by_row[hit.row]
        best, similarity = spans[0], hit.semantic
        if hit.row in multi:
            claim_vec = detector.claim_vectors[claim_index[hit.claim]]
            sims = [float(vectors[(hit.row, k)] @ claim_vec) for k in range(len(spans))]
            best, similarity = spans[int(np.argmax(sims))], max(sims)
        hit.evidence.append({"kind": "similar", "start": best[0], "end": best[1], "match": hit.claim,
                             "similarity": round(similarity, 4)})


def write_hits(corpus: "Corpus", chunk: "pd.DataFrame", hits: list[Hit], codebook: Codebook, model: str) -> None:
    if not hits:
        return
    import pyarrow as pa

    version = codebook.version
    doc_ids, idxs, starts = chunk["doc_id"].tolist(), chunk["idx"].tolist(), chunk["start_char"].tolist()
    rows = []
    for hit in hits:
        offset = int(starts[hit.row])
        evidence = [{**e, "start": e["start"] + offset, "end": e["end"] + offset} for e in hit.evidence]
        rows.append({
            "hit_id": tables.hit_id(doc_ids[hit.row], int(idxs[hit.row]), hit.narrative, version),
            "doc_id": doc_ids[hit.row], "idx": int(idxs[hit.row]), "narrative": hit.narrative,
            "level": codebook.level(hit.narrative), "score": hit.score, "semantic": hit.semantic,
            "threshold": hit.threshold, "above": hit.above, "claim": hit.claim,
            "evidence": json.dumps(evidence, ensure_ascii=False), "codebook_version": version, "model": model,
            "detector": hit.detector,
        })
    tables.insert_hits(corpus.con, pa.Table.from_pylist(rows))
