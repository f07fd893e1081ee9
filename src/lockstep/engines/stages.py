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

from lockstep.errors import SkipInput
from lockstep.model import DOCUMENT_SCHEMA, Document, batch_to_raw, documents_to_batch

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


def clean_stage(batch: pa.RecordBatch, options: StageOptions = StageOptions()) -> pa.RecordBatch:
    """Raw records -> documents (one raw record may give several, or a skip row)."""
    from lockstep.clean import clean_record

    rows: list[dict] = []
    for raw in batch_to_raw(batch):
        try:
            docs = clean_record(raw)
        except SkipInput as exc:
            rows.append(skip_row(raw.source, raw.position, str(exc)))
            continue
        except Exception as exc:  # a cleaner bug must not lose the rest of the batch
            rows.append(skip_row(raw.source, raw.position, f"{raw.source} {raw.position}: internal error "
                                 f"while cleaning ({type(exc).__name__}: {str(exc)[:120]})"))
            continue
        rows.extend(doc_row(doc, options) for doc in docs)
    return pa.RecordBatch.from_pylist(rows, schema=STAGE_SCHEMA)


def skip_row(source: str, position: str, reason: str) -> dict:
    return {"id": "", "source": source, "source_position": position, "skip_reason": reason, "removed": "[]",
            "paywalled": False}


def doc_row(doc: Document, options: StageOptions) -> dict:
    from lockstep.actors import load_registry
    from lockstep.dedup.provenance import find_original_source

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
    languages = [
        lang or (detect_language(text, known.get(actor) or ()) if doc_id and text else None)
        for doc_id, text, lang, actor in zip(batch.column("id").to_pylist(), batch.column("text").to_pylist(),
                                             batch.column("language").to_pylist(), batch.column("actor").to_pylist())
    ]
    return set_column(batch, "language", pa.array(languages, pa.string()))


def fingerprint_stage(batch: pa.RecordBatch, options: StageOptions = StageOptions()) -> pa.RecordBatch:
    """Normalised-text hash and MinHash signature for deduplication."""
    from lockstep.dedup.fingerprint import fingerprint

    texts = batch.column("text").to_pylist()
    ids = batch.column("id").to_pylist()
    prints = [fingerprint(t) if i else (None, None) for i, t in zip(ids, texts)]
    hashes, signatures = [h for h, _ in prints], [b for _, b in prints]
    batch = set_column(batch, "text_hash", pa.array(hashes, pa.string()))
    return set_column(batch, "minhash", pa.array(signatures, pa.binary()))


def set_column(batch: pa.RecordBatch, name: str, values: pa.Array) -> pa.RecordBatch:
    index = batch.schema.get_field_index(name)
    return batch.set_column(index, batch.schema.field(index), values)


def process_raw(batch: pa.RecordBatch, options: StageOptions = StageOptions()) -> pa.RecordBatch:
    """All per-record stages in one call: what a worker runs on a raw batch."""
    return fingerprint_stage(enrich_stage(clean_stage(batch, options), options), options)


def empty_documents() -> pa.RecordBatch:
    return documents_to_batch([], STAGE_SCHEMA)
