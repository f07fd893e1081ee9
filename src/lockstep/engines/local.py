"""The local engine: stream inputs through the stages with a process pool and write them to the store.

Memory stays bounded: files are read lazily, records go to workers in batches, at most `2 x workers`
batches are in flight, and the single writer (this process) stores the batches in order as they come back,
about `write_rows` rows per transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter, deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

import pyarrow as pa

from lockstep.dedup.clusters import DedupIndex, point_to_earliest
from lockstep.clean.limits import DEFAULT_MAX_FIELD_CHARS
from lockstep.engines.stages import StageOptions, process_raw, rows_to_batch, skip_row
from lockstep.engines.workers import Workers, fault_of
from lockstep.errors import SkipInput
from lockstep.model import RawRecord, raw_to_batch
from lockstep.sources.encoding import valid_text
from lockstep.sources.files import InputFile, ReadOptions, file_sha, iter_inputs, read_input
from lockstep.store.writer import (BatchResult, capped_memory, record_inputs, stored_inputs, tick_base,
                                   write_batch)

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

SPLIT_POSITION = re.compile(r"(?:^|\s)article \d+$")
RAW_KEEP_MAX = 100 * 1024 * 1024  # raw bytes of inputs up to this size are kept in the store


@dataclass(slots=True, kw_only=True)
class IngestOptions:
    workers: int = 1
    batch_size: int = 64  # records a worker processes at once
    write_rows: int = 1024  # processed rows the store writes in one transaction (amortises DuckDB's per-call cost)
    store_memory: str | None = "256MB"  # DuckDB's buffer pool while ingesting (None: DuckDB's default, 80 % of RAM)
    actors_file: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    max_bytes: int = 100 * 1024 * 1024
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS  # a document's text is cut to this many characters (noted)
    keep_raw: bool = True
    detect_language: bool = True
    progress: Callable[[str, int], None] | None = None  # (event, amount): "file", "documents"


@dataclass(slots=True)
class IngestReport:
    files_read: int = 0
    files_already_ingested: int = 0
    records: int = 0
    documents_stored: int = 0
    pages_split: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    already_stored: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (input, reason): inputs and records not stored
    partial: list[tuple[str, str]] = field(default_factory=list)  # (input, what was lost): documents stored in part
    seconds: float = 0.0

    def add(self, result: BatchResult) -> None:
        self.documents_stored += result.stored
        self.exact_duplicates += result.exact_duplicates
        self.near_duplicates += result.near_duplicates
        self.already_stored += result.already_stored
        self.skipped.extend(result.skipped)
        self.partial.extend(result.partial)

    @property
    def complete(self) -> bool:
        """True when every input was read and stored in full: nothing skipped, nothing cut."""
        return not self.skipped and not self.partial

    def summary(self) -> dict[str, int | float]:
        return {
            "files read": self.files_read,
            "files already ingested": self.files_already_ingested,
            "records": self.records,
            "documents stored": self.documents_stored,
            "pages split into several articles": self.pages_split,
            "exact duplicates": self.exact_duplicates,
            "near duplicates": self.near_duplicates,
            "already in store": self.already_stored,
            "skipped": len(self.skipped),
            "documents stored in part": len(self.partial),
            "seconds": round(self.seconds, 2),
        }


@dataclass(slots=True)
class FileState:
    """One input file in flight: its identity, how many batches remain, and what it produced."""

    input: InputFile
    raw_sha: str
    kind: str = ""
    pending: int = 0
    documents: int = 0
    fault: str = ""
    closed: bool = False
    data: bytes | None = None
    records: int = 0


def empty_input_fault(path: object, records: int, fault: str) -> str:
    """A file that read without error but held no record (a WARC without records, a table without rows) is
    reported, never dropped silently."""
    return fault or ("" if records else f"{path}: nothing to read (no pages, records or rows found)")


def stage_options_of(options: IngestOptions) -> StageOptions:
    return StageOptions(actors_file=options.actors_file, detect_language=options.detect_language,
                        max_field_chars=options.max_field_chars)


def read_options_of(options: IngestOptions) -> ReadOptions:
    return ReadOptions(column_map=options.column_map, max_bytes=options.max_bytes,
                       max_field_chars=options.max_field_chars)


def run_ingest(corpus: "Corpus", paths: list[str], options: IngestOptions) -> IngestReport:
    report = IngestReport()
    started = time.perf_counter()
    index = DedupIndex.load(corpus.con)
    stage_options, read_options = stage_options_of(options), read_options_of(options)
    with capped_memory(corpus.con, options.store_memory), Workers(options.workers) as pool:
        pipeline = Pipeline(corpus, index, pool, stage_options, options, report, seen=stored_inputs(corpus.con))
        for item in iter_inputs(paths):
            pipeline.feed_file(item, read_options)
        pipeline.finish()
    point_to_earliest(corpus.con)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class Pipeline:
    """Streams records into batches that may span several files (a directory of small pages makes full
    batches, not one batch a page), keeps at most 2 x workers batches in flight, and records each input file
    once every batch holding its records is stored."""

    corpus: "Corpus"
    index: DedupIndex
    pool: Workers
    stage_options: StageOptions
    options: IngestOptions
    report: IngestReport
    in_flight: deque = field(default_factory=deque)
    buffer: list = field(default_factory=list)  # records waiting for a full batch
    buffer_files: dict = field(default_factory=dict)  # raw_sha -> FileState of the records in the buffer
    finished: list = field(default_factory=list)  # input rows to record with the next write
    seen: set = field(default_factory=set)  # raw_sha of inputs stored by earlier runs or opened in this one
    processed: list = field(default_factory=list)  # (batch, file states) processed, waiting to be written
    submitted: int = 0  # input batches sent to the stages: each batch's number is its documents' tick
    base: object = None  # ingested_at of this run's first batch; batch n is stamped base + n microseconds

    def __post_init__(self) -> None:
        self.base = tick_base(self.corpus.con)

    def feed_file(self, item: InputFile, read_options: ReadOptions) -> None:
        if item.missing_reason:
            self.report.skipped.append((item.name, item.missing_reason))
            return
        state = self.open_file(item)
        if state is None:
            return
        try:
            for record in read_input(item.path, state.raw_sha, read_options, source=item.name):
                state.kind = state.kind or record.kind
                state.records += 1
                self.report.records += 1
                self.buffer.append(record)
                self.buffer_files[state.raw_sha] = state
                if len(self.buffer) >= self.options.batch_size:
                    self.submit_buffer()
        except SkipInput as exc:
            state.fault = valid_text(str(exc))
        state.fault = empty_input_fault(item.name, state.records, state.fault)
        state.closed = True
        if state.pending == 0 and state.raw_sha not in self.buffer_files:
            self.finish_file(state)

    def finish(self) -> None:
        """Submit what is buffered, store everything in flight, record the last inputs."""
        self.submit_buffer()
        self.drain(0)
        self.record_finished()

    def open_file(self, item: InputFile) -> FileState | None:
        try:
            if item.size <= RAW_KEEP_MAX:
                data = item.path.read_bytes()
                raw_sha = hashlib.sha256(data).hexdigest()
            else:
                data, raw_sha = None, file_sha(item.path)
        except OSError as exc:
            self.report.skipped.append((item.name, f"{item.name}: cannot read ({exc.strerror or exc})"))
            return None
        self.report.files_read += 1
        if raw_sha in self.seen:
            self.report.files_already_ingested += 1
            return None
        self.seen.add(raw_sha)
        return FileState(item, raw_sha, data=data if self.options.keep_raw else None)

    def submit_buffer(self) -> None:
        if not self.buffer:
            return
        self.drain(2 * max(1, self.options.workers) - 1)
        states = list(self.buffer_files.values())
        raw = safe_raw_batch(self.buffer)
        future = self.pool.submit(process_raw, raw, self.stage_options)
        for state in states:
            state.pending += 1
        self.in_flight.append((future, states, self.submitted, raw))
        self.submitted += 1
        self.buffer, self.buffer_files = [], {}

    def drain(self, keep: int) -> None:
        """Collect processed batches until at most `keep` are in flight; write once enough rows wait (and
        always when draining to 0)."""
        while len(self.in_flight) > keep:
            future, states, tick, raw = self.in_flight.popleft()
            batch = result_or_rerun(self.pool, future, raw, self.stage_options)
            self.processed.append((batch.append_column("tick", pa.array([tick] * batch.num_rows, pa.int64())), states))
            if sum(batch.num_rows for batch, _ in self.processed) >= self.options.write_rows:
                self.write_processed()
        if keep == 0:
            self.write_processed()

    def write_processed(self) -> None:
        if not self.processed:
            return
        batch = pa.concat_batches([b for b, _ in self.processed])
        states = [state for _, group in self.processed for state in group]
        self.processed = []
        result = write_batch(self.corpus.con, batch, self.index, base=self.base)
        self.report.add(result)
        self.report.pages_split += count_split_pages(batch)
        produced = Counter(sha for doc_id, sha in zip(batch.column("id").to_pylist(),
                                                      batch.column("raw_sha").to_pylist()) if doc_id)
        for state in states:
            state.documents += produced.get(state.raw_sha, 0)
            produced[state.raw_sha] = 0  # a file in several batches: its documents counted once
            state.pending -= 1
            if state.closed and state.pending == 0:
                self.finish_file(state)
        self.record_finished()
        if self.options.progress:
            self.options.progress("documents", result.stored)

    def finish_file(self, state: FileState) -> None:
        if state.fault:
            self.report.skipped.append((state.input.name, state.fault))
        self.finished.append(state)

    def record_finished(self) -> None:
        """Record finished input files in one statement (a file that gave nothing is re-read next time)."""
        if not self.finished:
            return
        record_inputs(self.corpus.con, [
            {"raw_sha": s.raw_sha, "source": s.input.name, "size": s.input.size, "kind": s.kind,
             "status": "stored" if s.documents else "skipped", "reason": s.fault, "n_documents": s.documents,
             "data": s.data} for s in self.finished])
        if self.options.progress:
            self.options.progress("file", len(self.finished))
        self.finished = []


def result_or_rerun(pool: Workers, future: Future, raw: pa.RecordBatch, stage_options: StageOptions,
                    process: Callable = process_raw) -> pa.RecordBatch:
    """The processed batch; when it failed as a whole (a worker died, an unforeseen fault), its records are run
    again one by one (`pool.submit` replaces a broken pool), so only the record at fault becomes a skip row."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a worker crash or an unforeseen fault in a stage
        if raw.num_rows == 1:
            return fault_batch(raw, exc)
    parts = []
    for i in range(raw.num_rows):
        single = raw.slice(i, 1)
        try:
            parts.append(pool.submit(process, single, stage_options).result())
        except Exception as exc:  # noqa: BLE001
            parts.append(fault_batch(single, exc))
    return pa.concat_batches(parts)


def safe_raw_batch(records: list[RawRecord]) -> pa.RecordBatch:
    """The records as a batch; strings Arrow refuses (lone surrogates a reader let through) are made valid."""
    try:
        return raw_to_batch(records)
    except (pa.ArrowException, UnicodeError, ValueError, TypeError):
        return raw_to_batch([valid_record(record) for record in records])


def valid_record(record: RawRecord) -> RawRecord:
    fields = json.loads(valid_text(json.dumps(record.fields, ensure_ascii=False, default=str)))
    return RawRecord(source=valid_text(record.source), position=valid_text(record.position), data=record.data,
                     kind=record.kind, url=valid_text(record.url), fields=fields, raw_sha=record.raw_sha)


def fault_batch(raw: pa.RecordBatch, exc: BaseException) -> pa.RecordBatch:
    """Skip rows for the records of a batch that failed as a whole."""
    rows = [skip_row(source, position, valid_text(f"{source} {position}".strip() + f": {fault_of(exc)}"))
            for source, position in zip(raw.column("source").to_pylist(), raw.column("position").to_pylist())]
    return rows_to_batch(rows)


def batched(records: Iterator[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    """Chunks of `size` records; records read before a reader fault are yielded before the fault is raised."""
    chunk: list[RawRecord] = []
    try:
        for record in records:
            chunk.append(record)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    except (SkipInput, OSError):
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


def count_split_pages(batch) -> int:
    """Pages that became several documents: positions ending in 'article N' share their page prefix."""
    pages = set()
    for source, position in zip(batch.column("source").to_pylist(), batch.column("source_position").to_pylist()):
        match = SPLIT_POSITION.search(position or "")
        if match:
            pages.add((source, position[: match.start()]))
    return len(pages)
