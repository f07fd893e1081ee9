"""`lockstep narratives tag --detector llm`: tag a store with a language model behind an OpenAI-compatible endpoint.

Documents are read in chunks (`documents_per_chunk`); each chunk's paragraphs are looked up in the cache
(`narrative_llm_cache`, keyed by model, prompt version and paragraph hash), the rest packed into calls
(`llm_batches`) and sent with at most `concurrency` requests in flight. Each answer is validated (`llm_answer`);
each hit's quote must occur in its paragraph (`llm_evidence`), else the hit is dropped and counted. A hit row is
like the other detectors': the narrative, its level, `score` = the model's confidence, `above` = confidence >=
`min_confidence` (hits below are kept as candidates for review), `threshold` = `min_confidence`, one evidence span
per quote in document offsets (`kind` "quote"), the codebook version, `model` = the LLM's name and `detector` =
`llm:<model>`. A sub-narrative implies its narrative: the parent gets a row with the child's evidence (marked with
the child's id) unless the model gave it too, as the zero-shot detector does, so prevalence by level works alike.

Writes: each chunk's finished documents in one transaction — their old hits of this codebook version replaced by
the new ones, together with the cache rows of every answer received. A document some of whose paragraphs got no
valid answer is skipped with the reason (its old hits stay) and counted; a failing endpoint ends the run with a
one-line error after what was finished is written, so the same command resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

from lockstep.ui import progress_bar
from lockstep.errors import InputError
import lockstep.narratives.llm_answer as llm_answer
import lockstep.narratives.llm_prompt as llm_prompt
import lockstep.narratives.tables as tables
from lockstep.narratives.codebook import Codebook
from lockstep.narratives.llm_batches import Call, Pending, pack
from lockstep.narratives.llm_client import ChatClient, EndpointError, EndpointOptions, Reply, safe_url
from lockstep.narratives.llm_evidence import locate
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

log = logging.getLogger(__name__)
COMPLETION_PER_PARAGRAPH = 12   # dry-run assumption: about one 35-token hit for every third paragraph


@dataclass(slots=True, kw_only=True)
class LLMOptions:
    """How the LLM detector runs."""

    endpoint: EndpointOptions = field(default_factory=EndpointOptions)
    prompt: llm_prompt.PromptOptions = field(default_factory=llm_prompt.PromptOptions)
    concurrency: int = 4                    # requests in flight
    batch_chars: int = 4000                 # paragraph text per call (see llm_batches)
    min_confidence: float = 0.5             # hits below are stored as candidates (above = false)
    price_prompt: float | None = None       # per 1,000 prompt tokens, for the cost summary
    price_completion: float | None = None   # per 1,000 completion tokens
    malformed_retries: int = 1              # asks again when an answer is not valid JSON hits
    max_failures: int = 5                   # calls in a row without a valid answer before the run stops
    documents_per_chunk: int = 200
    progress: bool = False


@dataclass(slots=True)
class LLMReport:
    """What a run did and what it cost."""

    codebook_version: str
    model: str
    endpoint: str
    prompt_version: str
    documents: int = 0
    paragraphs: int = 0
    from_cache: int = 0
    sent: int = 0
    calls: int = 0
    retries: int = 0
    malformed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    hits: int = 0
    candidates: int = 0
    written: int = 0
    skipped: int = 0
    dropped: Counter = field(default_factory=Counter)
    skip_reasons: Counter = field(default_factory=Counter)
    response_format: str = ""
    seconds: float = 0.0
    prices: tuple[float | None, float | None] = (None, None)

    @property
    def detector(self) -> str:
        return f"llm:{self.model}"

    def cost(self) -> float | None:
        return cost(self.prompt_tokens, self.completion_tokens, self.prices)

    def frame(self) -> "pd.DataFrame":
        import pandas as pd

        rows: list[tuple[str, Any]] = [
            ("codebook version", self.codebook_version), ("detector", self.detector),
            ("endpoint", self.endpoint), ("prompt version", self.prompt_version),
            ("response format", self.response_format or "-"),
            ("documents", self.documents), ("documents written", self.written),
            ("documents skipped", self.skipped), ("paragraphs", self.paragraphs),
            ("paragraphs answered from the cache", self.from_cache), ("paragraphs sent", self.sent),
            ("calls", self.calls), ("retries (timeouts, 429, 5xx)", self.retries),
            ("answers malformed", self.malformed),
            ("prompt tokens", self.prompt_tokens), ("of which cached by the server", self.cached_tokens),
            ("completion tokens", self.completion_tokens),
            ("cost", "-" if self.cost() is None else round(self.cost(), 4)),
            ("hits (confidence >= threshold)", self.hits), ("candidates below threshold", self.candidates)]
        rows += [(f"dropped: {reason}", n) for reason, n in sorted(self.dropped.items())]
        rows += [(f"skipped: {reason}", n) for reason, n in sorted(self.skip_reasons.items())]
        rows.append(("seconds", round(self.seconds, 2)))
        return pd.DataFrame(rows, columns=["", "value"]).astype({"value": str})


def cost(prompt_tokens: int, completion_tokens: int, prices: tuple[float | None, float | None]) -> float | None:
    """Cost from prices per 1,000 tokens; None when no price is given."""
    if prices[0] is None and prices[1] is None:
        return None
    return prompt_tokens / 1000 * (prices[0] or 0.0) + completion_tokens / 1000 * (prices[1] or 0.0)


# ---- reading the store --------------------------------------------------------------------------------------------


def document_ids(corpus: "Corpus", filters: DocumentFilter | None) -> list[str]:
    return corpus.documents(filters, columns="d.id")["id"].tolist()


def document_chunks(corpus: "Corpus", filters: DocumentFilter | None, size: int,
                    ids: list[str] | None = None) -> Iterator["pd.DataFrame"]:
    """Paragraphs of the (filtered) documents, `size` documents at a time, each document's paragraphs in order."""
    ids = document_ids(corpus, filters) if ids is None else ids
    for start in range(0, len(ids), size):
        frame = corpus.paragraphs(DocumentFilter(ids=ids[start:start + size]))
        yield frame.assign(key=[tables.paragraph_hash(t) for t in frame["text"]])


# ---- turning answers into hit rows ------------------------------------------------------------------------------


def paragraph_hits(codebook: Codebook, items: list[dict], text: str, actor: str | None,
                   dropped: Counter) -> dict[str, tuple[float, list[dict]]]:
    """narrative -> (confidence, evidence spans inside the paragraph) for the model's items on one paragraph,
    parents implied by sub-narratives included; items whose quote is not in the text are dropped and counted."""
    own: dict[str, tuple[float, list[dict]]] = {}
    for item in items:
        narrative = codebook.narratives.get(item["narrative"])
        if narrative is None:
            dropped["unknown narrative"] += 1
            continue
        if narrative.actors and actor not in narrative.actors:
            dropped["outside the narrative's actors"] += 1
            continue
        span = locate(item["quote"], text)
        if span is None:
            dropped["quote not in text"] += 1
            continue
        score, evidence = own.get(narrative.id, (0.0, []))
        evidence.append({"kind": "quote", "start": span[0], "end": span[1], "match": item["quote"][:300]})
        own[narrative.id] = (max(score, float(item["confidence"])), evidence)
    found = dict(own)
    for nid, (score, evidence) in own.items():
        for parent in codebook.ancestors(nid):
            if parent in own:
                continue
            best, spans = found.get(parent, (0.0, []))
            found[parent] = (max(best, score), spans + [{**e, "narrative": nid} for e in evidence])
    return found


def hit_rows(codebook: Codebook, version: str, paragraph: dict, found: dict[str, tuple[float, list[dict]]],
             model: str, min_confidence: float) -> list[dict]:
    offset = int(paragraph["start_char"])
    rows = []
    for nid, (score, evidence) in found.items():
        spans = [{**e, "start": e["start"] + offset, "end": e["end"] + offset} for e in evidence]
        rows.append({"hit_id": tables.hit_id(paragraph["doc_id"], int(paragraph["idx"]), nid, version),
                     "doc_id": paragraph["doc_id"], "idx": int(paragraph["idx"]), "narrative": nid,
                     "level": codebook.level(nid), "score": round(score, 4), "semantic": None,
                     "threshold": min_confidence, "above": score >= min_confidence, "claim": None,
                     "evidence": json.dumps(spans, ensure_ascii=False), "codebook_version": version,
                     "model": model, "detector": f"llm:{model}"})
    return rows


# ---- one call -------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    call: Call
    replies: list[Reply]
    answer: llm_answer.Answer | None
    reason: str = ""


def ask(client: ChatClient, prompt: llm_prompt.Prompt, call: Call, retries: int) -> Outcome:
    """One call, asked again up to `retries` times while the answer is malformed."""
    replies: list[Reply] = []
    reason = ""
    user = call.user_message()
    for _ in range(retries + 1):
        reply = client.complete(prompt.system, user, prompt.schema)
        replies.append(reply)
        try:
            return Outcome(call, replies, llm_answer.parse(reply.content, set(prompt.offered), len(call.paragraphs)))
        except llm_answer.MalformedAnswer as exc:
            reason = str(exc) + (" (cut at the token limit)" if reply.finish_reason == "length" else "")
    return Outcome(call, replies, None, f"malformed answer: {reason}")


# ---- a run ----------------------------------------------------------------------------------------------------------


def finished_documents(waiting: dict[str, set[str]], call: Call) -> int:
    """Take a call's paragraphs off the waiting lists; the number of documents that waited for nothing else."""
    keys = {p.key for p in call.paragraphs}
    done = 0
    for pending in waiting.values():
        if pending & keys:
            pending -= keys
            done += not pending
    return done


class Run:
    """The state of one tagging run: answers of the current chunk, consecutive failures, the report."""

    def __init__(self, corpus: "Corpus", codebook: Codebook, prompt: llm_prompt.Prompt, client: ChatClient,
                 options: LLMOptions, report: LLMReport):
        self.corpus, self.codebook, self.prompt, self.client = corpus, codebook, prompt, client
        self.options, self.report = options, report
        self.version = codebook.version
        self.failures = 0

    def chunk(self, frame: "pd.DataFrame", pool: ThreadPoolExecutor, tick: Callable[[int], None]) -> None:
        report, model = self.report, self.options.endpoint.model
        cached = {k: json.loads(v) for k, v in
                  tables.llm_cached(self.corpus, model, self.prompt.version, frame["key"].tolist()).items()}
        report.documents += frame["doc_id"].nunique()
        report.paragraphs += len(frame)
        report.from_cache += int(frame["key"].isin(list(cached)).sum())
        todo: dict[str, Pending] = {}
        for doc_id, key, text in zip(frame["doc_id"], frame["key"], frame["text"]):
            if key not in cached and key not in todo:
                todo[key] = Pending(doc_id, key, text)
        report.sent += len(todo)
        fresh: dict[str, list[dict]] = {}
        failed: dict[str, str] = {}
        futures: list[Future] = [pool.submit(ask, self.client, self.prompt, call, self.options.malformed_retries)
                                 for call in pack(list(todo.values()), self.options.batch_chars)]
        waiting = self.waiting(frame, set(todo))
        ticked = sum(1 for keys in waiting.values() if not keys)
        tick(ticked)
        try:
            for future in as_completed(futures):
                outcome = future.result()
                self.record(outcome, fresh, failed)
                done = finished_documents(waiting, outcome.call)
                ticked += done
                tick(done)
        except (EndpointError, KeyboardInterrupt):
            for future in futures:
                future.cancel()
            self.write(frame, cached, fresh, failed)
            raise
        self.write(frame, cached, fresh, failed)
        tick(len(waiting) - ticked)

    @staticmethod
    def waiting(frame: "pd.DataFrame", todo: set[str]) -> dict[str, set[str]]:
        """Per document, the paragraphs (keys) it waits for."""
        out: dict[str, set[str]] = {}
        for doc_id, key in zip(frame["doc_id"], frame["key"]):
            out.setdefault(doc_id, set())
            if key in todo:
                out[doc_id].add(key)
        return out

    def record(self, outcome: Outcome, fresh: dict[str, list[dict]], failed: dict[str, str]) -> None:
        report = self.report
        for reply in outcome.replies:
            report.calls += 1
            report.retries += reply.retries
            report.prompt_tokens += reply.prompt_tokens
            report.completion_tokens += reply.completion_tokens
            report.cached_tokens += reply.cached_tokens
        report.malformed += len(outcome.replies) - (outcome.answer is not None)
        if outcome.answer is None:
            self.failures += 1
            for p in outcome.call.paragraphs:
                failed[p.key] = outcome.reason
            log.warning("%s: %d paragraphs not tagged: %s", report.endpoint, len(outcome.call.paragraphs),
                        outcome.reason)
            if self.failures >= self.options.max_failures:
                raise EndpointError(f"{report.endpoint}: {self.failures} calls in a row got no valid answer "
                                    f"(last: {outcome.reason}); try --llm-format json_object or none, or "
                                    "another model")
            return
        self.failures = 0
        report.dropped.update(outcome.answer.dropped)
        for number, p in enumerate(outcome.call.paragraphs, start=1):
            fresh[p.key] = [h.model_dump(exclude={"paragraph"}) for h in outcome.answer.hits.get(number, [])]

    def write(self, frame: "pd.DataFrame", cached: dict[str, list[dict]], fresh: dict[str, list[dict]],
              failed: dict[str, str]) -> None:
        """Finished documents with their hits, and every answer received, in one transaction."""
        answers = {**cached, **fresh}
        report, model = self.report, self.options.endpoint.model
        rows: list[dict] = []
        finished: list[str] = []
        by_document: dict[str, list[dict]] = {}
        for record in frame[["doc_id", "idx", "start_char", "text", "actor", "key"]].to_dict(orient="records"):
            by_document.setdefault(record["doc_id"], []).append(record)
        for doc_id, paragraphs in by_document.items():
            if not all(p["key"] in answers for p in paragraphs):
                reasons = {failed[p["key"]] for p in paragraphs if p["key"] in failed}
                if reasons:
                    report.skipped += 1
                    report.skip_reasons[sorted(reasons)[0].split(":")[0]] += 1
                continue
            finished.append(str(doc_id))
            for p in paragraphs:
                found = paragraph_hits(self.codebook, answers[p["key"]], p["text"], p.get("actor"), report.dropped)
                rows.extend(hit_rows(self.codebook, self.version, p, found, model, self.options.min_confidence))
        cache_rows = [(model, self.prompt.version, key, json.dumps(items, ensure_ascii=False))
                      for key, items in fresh.items()]
        if finished or cache_rows:
            tables.write_llm_documents(self.corpus, self.version, finished, rows, cache_rows)
        report.written += len(finished)
        report.hits += sum(r["above"] for r in rows)
        report.candidates += sum(not r["above"] for r in rows)


def check_options(options: LLMOptions, *, need_endpoint: bool = True) -> None:
    if not options.endpoint.model:
        raise InputError("--detector llm needs --llm-model NAME (the model name the endpoint serves)")
    if need_endpoint and not options.endpoint.endpoint:
        raise InputError("--detector llm needs --endpoint URL (e.g. http://127.0.0.1:8080/v1 for llama.cpp, "
                         "http://127.0.0.1:11434/v1 for Ollama)")
    if options.concurrency < 1 or options.batch_chars < 1:
        raise InputError("--llm-concurrency and --llm-batch-chars must be at least 1")


def tag(corpus: "Corpus", codebook: Codebook, filters: DocumentFilter | None, options: LLMOptions) -> LLMReport:
    """Tag the (filtered) documents with the model; returns what was done and what it cost."""
    check_options(options)
    prompt = llm_prompt.build(codebook, options.prompt)
    tables.ensure_tables(corpus)
    tables.record_codebook(corpus, codebook)
    report = LLMReport(codebook.version, options.endpoint.model, safe_url(options.endpoint.endpoint), prompt.version,
                       prices=(options.price_prompt, options.price_completion))
    started = time.perf_counter()
    ids = document_ids(corpus, filters)
    pool = ThreadPoolExecutor(options.concurrency, thread_name_prefix="llm")
    with ChatClient(options.endpoint) as client, \
            progress_bar(options.progress and bool(ids), len(ids), label="llm", unit="documents") as tick:
        run = Run(corpus, codebook, prompt, client, options, report)
        try:
            for frame in document_chunks(corpus, filters, options.documents_per_chunk, ids):
                run.chunk(frame, pool, tick)
        except EndpointError as exc:
            raise EndpointError(f"{exc} ({report.written} documents tagged and cached before it stopped; "
                                "the same command resumes from there)") from None
        finally:   # on an error or Ctrl-C, do not wait for requests still in flight
            pool.shutdown(wait=False, cancel_futures=True)
            report.response_format = client.format
            report.seconds = time.perf_counter() - started
    return report


# ---- dry run --------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Plan:
    """What a run would send, estimated without calling anything (`--dry-run`)."""

    model: str
    prompt_version: str
    documents: int = 0
    paragraphs: int = 0
    cached: int = 0
    calls: int = 0
    system_tokens: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prices: tuple[float | None, float | None] = (None, None)
    system: str = ""
    first_user: str = ""

    def frame(self) -> "pd.DataFrame":
        import pandas as pd

        estimate = cost(self.prompt_tokens, self.completion_tokens, self.prices)
        rows: list[tuple[str, Any]] = [
            ("model", self.model), ("prompt version", self.prompt_version), ("documents", self.documents),
            ("paragraphs", self.paragraphs), ("paragraphs answered from the cache", self.cached),
            ("calls", self.calls), ("system prompt tokens (estimated, each call)", self.system_tokens),
            ("prompt tokens (estimated)", self.prompt_tokens),
            (f"completion tokens (assumed {COMPLETION_PER_PARAGRAPH} a paragraph)", self.completion_tokens),
            ("cost (estimated)", "-" if estimate is None else round(estimate, 4))]
        return pd.DataFrame(rows, columns=["", "value"]).astype({"value": str})


def plan(corpus: "Corpus", codebook: Codebook, filters: DocumentFilter | None, options: LLMOptions) -> Plan:
    """The calls a run would make now (the cache taken into account) and their estimated tokens; sends nothing."""
    check_options(options, need_endpoint=False)
    prompt = llm_prompt.build(codebook, options.prompt)
    tables.ensure_tables(corpus)
    result = Plan(options.endpoint.model, prompt.version, system_tokens=llm_prompt.estimate_tokens(prompt.system),
                  prices=(options.price_prompt, options.price_completion), system=prompt.system)
    seen: set[str] = set()
    for frame in document_chunks(corpus, filters, options.documents_per_chunk):
        cached = tables.llm_cached(corpus, options.endpoint.model, prompt.version, frame["key"].tolist())
        result.documents += frame["doc_id"].nunique()
        result.paragraphs += len(frame)
        todo: list[Pending] = []
        for doc_id, key, text in zip(frame["doc_id"], frame["key"], frame["text"]):
            if key in cached or key in seen:
                result.cached += key in cached
                continue
            seen.add(key)
            todo.append(Pending(doc_id, key, text))
        for call in pack(todo, options.batch_chars):
            user = call.user_message()
            result.first_user = result.first_user or user
            result.calls += 1
            result.prompt_tokens += result.system_tokens + llm_prompt.estimate_tokens(user)
            result.completion_tokens += COMPLETION_PER_PARAGRAPH * len(call.paragraphs)
    return result
