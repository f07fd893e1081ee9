"""Pipeline stages as pure functions over Arrow record batches.

    raw batch --clean_stage--> document batch --enrich_stage--> --fingerprint_stage--> ready to store

Every stage takes and returns a `pyarrow.RecordBatch`, holds no global state beyond per-process caches
(the language model, the actor registry) and is picklable, so `engines/local.py` runs it in a process pool
and `engines/ray.py` runs it with Ray Data `map_batches`. A record that yields no document produces a row
with an empty `id` and its `skip_reason`, so skips travel with the data on every engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from lockstep.actors import load_registry
from lockstep.clean import clean_record
from lockstep.clean.limits import DEFAULT_MAX_FIELD_CHARS, cap_document, losses, record_cuts
from lockstep.dedup.provenance import find_original_source
from lockstep.errors import SkipInput
from lockstep.model import DOCUMENT_SCHEMA, Document, RawRecord, batch_to_raw, documents_to_batch
from lockstep.sources.encoding import valid_text

STAGE_SCHEMA = (
    DOCUMENT_SCHEMA.append(pa.field("actor_country", pa.string()))
    .append(pa.field("actor_type", pa.string()))
    .append(pa.field("skip_reason", pa.string()))
    .append(pa.field("text_hash", pa.string()))
    .append(pa.field("minhash", pa.binary()))
)


@dataclass(slots=True, frozen=True, kw_only=True)
class StageOptions:
    """Options every stage may need; frozen and small so it pickles cheaply to workers."""

    actors_file: str | None = None
    detect_language: bool = True
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS  # a document's text is cut to this (noted)


def clean_stage(batch: pa.RecordBatch, options: StageOptions = StageOptions()) -> pa.RecordBatch:
    """Raw records -> documents (one raw record may give several, or a skip row). A document stored in part
    (its text cut, lines no encoding fits) carries what it lost in `skip_reason`."""
    rows: list[dict] = []
    for raw in batch_to_raw(batch):
        rows.extend(clean_one(raw, options))
    return rows_to_batch(rows)


def clean_one(raw: RawRecord, options: StageOptions) -> list[dict]:
    """The rows of one record: its documents, or one skip row; nothing it holds stops the batch."""
    where = f"{raw.source} {raw.position}".strip()
    try:
        cuts = record_cuts(raw) if raw.kind == "row" else []
        docs = clean_record(raw)
        rows = []
        for doc in docs:
            doc.removed.extend(cuts)
            cap_document(doc, options.max_field_chars)
            row = doc_row(doc, options)
            lost = losses(doc)
            row["skip_reason"] = f"{where}: stored in part: {lost}" if lost else None
            rows.append(row)
        return rows
    except SkipInput as exc:
        return [skip_row(raw.source, raw.position, valid_text(str(exc)))]
    except RecursionError:
        return [skip_row(raw.source, raw.position, f"{where}: nested too deep to clean")]
    except Exception as exc:  # a cleaner bug must not lose the rest of the batch
        return [skip_row(raw.source, raw.position, valid_text(f"{where}: internal error while cleaning "
                                                              f"({type(exc).__name__}: {str(exc)[:120]})"))]


def rows_to_batch(rows: list[dict]) -> pa.RecordBatch:
    """Stage rows as a batch; a row Arrow cannot hold becomes a skip row instead of failing the batch."""
    try:
        return pa.RecordBatch.from_pylist(rows, schema=STAGE_SCHEMA)
    except (pa.ArrowException, UnicodeError, ValueError, TypeError, OverflowError):
        pass
    safe = []
    for row in rows:
        try:
            pa.RecordBatch.from_pylist([row], schema=STAGE_SCHEMA)
            safe.append(row)
        except (pa.ArrowException, UnicodeError, ValueError, TypeError, OverflowError) as exc:
            source, position = valid_text(str(row.get("source") or "")), valid_text(str(row.get("source_position") or ""))
            safe.append(skip_row(source, position, f"{source} {position}: cannot be stored ({type(exc).__name__})"))
    return pa.RecordBatch.from_pylist(safe, schema=STAGE_SCHEMA)


def skip_row(source: str, position: str, reason: str) -> dict:
    return {"id": "", "source": source, "source_position": position, "skip_reason": reason, "removed": "[]",
            "paywalled": False}


def doc_row(doc: Document, options: StageOptions) -> dict:
    registry = load_registry(options.actors_file)
    actor = registry.resolve(doc.outlet, doc.url)
    if actor:
        doc.actor = actor.name
        doc.outlet = doc.outlet or actor.name
    if doc.original_source is None:
        doc.original_source = find_original_source(doc.text)
    row = doc.to_row()
    row["actor_country"] = actor.country if actor else None
    row["actor_type"] = actor.type if actor else None
    return row


def enrich_stage(batch: pa.RecordBatch, options: StageOptions = StageOptions()) -> pa.RecordBatch:
    """Fill the language of each document that lacks one, with its actor's languages as a prior."""
    if not options.detect_language or batch.num_rows == 0:
        return batch
    from lockstep.actors import load_registry
    from lockstep.enrich.language import detect_language

    registry = load_registry(options.actors_file)
    known = {name: actor.languages for name, actor in registry.actors.items()}
    faults: dict[int, str] = {}
    languages = [
        lang or (guarded(detect_language, text, i, faults, "detecting its language", known.get(actor) or ())
                 if doc_id and text else None)
        for i, (doc_id, text, lang, actor) in enumerate(zip(
            batch.column("id").to_pylist(), batch.column("text").to_pylist(),
            batch.column("language").to_pylist(), batch.column("actor").to_pylist()))
    ]
    batch = set_column(batch, "language", pa.array(languages, pa.string()))
    return as_skips(batch, faults)


def fingerprint_stage(batch: pa.RecordBatch, options: StageOptions = StageOptions()) -> pa.RecordBatch:
    """Normalised-text hash and MinHash signature for deduplication."""
    from lockstep.dedup.fingerprint import fingerprint

    texts = batch.column("text").to_pylist()
    ids = batch.column("id").to_pylist()
    faults: dict[int, str] = {}
    prints = [(guarded(fingerprint, t, n, faults, "fingerprinting it") or (None, None)) if i else (None, None)
              for n, (i, t) in enumerate(zip(ids, texts))]
    hashes, signatures = [h for h, _ in prints], [b for _, b in prints]
    batch = set_column(batch, "text_hash", pa.array(hashes, pa.string()))
    batch = set_column(batch, "minhash", pa.array(signatures, pa.binary()))
    return as_skips(batch, faults)


def guarded(fn, text: str, row: int, faults: dict[int, str], doing: str, *args):
    """fn(text, *args), or None with the fault noted for `row`: one document's fault never fails its batch."""
    try:
        return fn(text, *args)
    except Exception as exc:  # noqa: BLE001 - recorded as that document's skip reason
        faults[row] = f"internal error while {doing} ({type(exc).__name__}: {str(exc)[:120]})"
        return None


def as_skips(batch: pa.RecordBatch, faults: dict[int, str]) -> pa.RecordBatch:
    """The rows in `faults` turned into skip rows (empty id, the fault as reason)."""
    if not faults:
        return batch
    rows = batch.to_pylist()
    for row_no, fault in faults.items():
        row = rows[row_no]
        where = f"{row['source']} {row['source_position'] or ''}".strip()
        rows[row_no] = skip_row(row["source"], row["source_position"], valid_text(f"{where}: {fault}"))
    return pa.RecordBatch.from_pylist(rows, schema=batch.schema)


def set_column(batch: pa.RecordBatch, name: str, values: pa.Array) -> pa.RecordBatch:
    index = batch.schema.get_field_index(name)
    return batch.set_column(index, batch.schema.field(index), values)


def process_raw(batch: pa.RecordBatch, options: StageOptions = StageOptions()) -> pa.RecordBatch:
    """All per-record stages in one call: what a worker runs on a raw batch."""
    return fingerprint_stage(enrich_stage(clean_stage(batch, options), options), options)


def empty_documents() -> pa.RecordBatch:
    return documents_to_batch([], STAGE_SCHEMA)
