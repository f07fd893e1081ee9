"""`lockstep narratives ...`: commands parse arguments and call the library; no analysis here."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

import lockstep
from lockstep.errors import InputError
from lockstep.narratives.corrected import MIN_REVIEWS, CorrectedQuery, corrected_prevalence
from lockstep.narratives.prevalence import HitQuery
from lockstep.narratives.review import import_reviews, review_document, review_labels
from lockstep.narratives.sampling import SampleOptions, draw_sample, sample_documents, write_review_file
from lockstep.narratives.tables import samples as stored_samples
from lockstep.cli.options import ACTOR, DB, LANG, OUTPUT, SINCE, UNTIL

app = typer.Typer(help="Narratives: codebook, detection with evidence, discovery, human review.",
                  no_args_is_help=True, add_completion=False)
out = Console()
err = Console(stderr=True)

CODEBOOK = typer.Option(None, "--codebook", "-c", help="Codebook YAML merged over the packaged one (repeatable).")
NARRATIVE = typer.Option(None, "--narrative", "-n", help="A narrative id or id prefix (e.g. urw, west-subversion).")
LEVEL = typer.Option(None, "--level", help="1 = narratives, 2 = sub-narratives.")
VERSION = typer.Option(None, "--version", help="Codebook version of the tags (default: the latest tagged).")
LLM_ENDPOINT = typer.Option(None, "--endpoint", help="--detector llm: the OpenAI-compatible API's base URL "
                            "(llama.cpp http://127.0.0.1:8080/v1, Ollama http://127.0.0.1:11434/v1, vLLM "
                            "http://127.0.0.1:8000/v1, or a hosted API).")
LLM_MODEL = typer.Option(None, "--llm-model", help="--detector llm: the model name the endpoint serves.")
LLM_KEY_ENV = typer.Option("LOCKSTEP_LLM_KEY", "--api-key-env", help="Environment variable holding the API key "
                           "(sent as a Bearer header; never stored or logged). Unset: no key is sent.")
LLM_CONCURRENCY = typer.Option(4, "--llm-concurrency", min=1, help="Requests in flight.")
LLM_BATCH = typer.Option(4000, "--llm-batch-chars", min=200, help="Paragraph text per call, in characters "
                         "(short documents share a call; a longer one is split).")
LLM_TIMEOUT = typer.Option(120.0, "--llm-timeout", min=1.0, help="Seconds per request.")
LLM_RETRIES = typer.Option(4, "--llm-retries", min=0, help="Retries on timeouts, 429 and 5xx (exponential "
                           "backoff with jitter; Retry-After honoured).")
LLM_MAX_WAIT = typer.Option(120.0, "--llm-max-wait", min=0.0, help="Longest wait, in seconds, honoured from "
                            "Retry-After or backoff.")
LLM_FORMAT = typer.Option("auto", "--llm-format", help="auto (JSON schema, falling back to json_object, then to "
                          "instructions only), json_schema, json_object or none.")
LLM_MIN_CONFIDENCE = typer.Option(0.5, "--llm-min-confidence", min=0.0, max=1.0, help="Hits the model gives a "
                                  "lower confidence are kept as candidates below threshold.")
LLM_EXAMPLES = typer.Option(2, "--llm-examples", min=0, help="Example claims per narrative in the prompt.")
PRICE_PROMPT = typer.Option(None, "--price-prompt", min=0.0, help="Price per 1,000 prompt tokens, for the cost "
                            "summary.")
PRICE_COMPLETION = typer.Option(None, "--price-completion", min=0.0, help="Price per 1,000 completion tokens.")
DRY_RUN = typer.Option(False, "--dry-run", help="--detector llm: print one prompt and the estimated tokens (and cost) "
                       "of the whole run; send nothing.")
REPRINTS = typer.Option("per-actor", "--reprints", help="per-actor (a story counts once per actor), first "
                        "(only each duplicate cluster's first document) or all.")


def filters(actor: list[str] | None, lang: str | None, since: str | None, until: str | None):
    from lockstep.store.corpus import DocumentFilter

    return DocumentFilter(actor=actor or None, language=lang, since=since, until=until)


def show(frame, output: Path | None, title: str, max_rows: int = 50) -> None:
    from lockstep.output import print_table, write_table

    if output:
        path = write_table(frame, output)
        err.print(f"wrote {len(frame)} rows to {escape(str(path))}")
    else:
        print_table(frame, title=title, max_rows=max_rows)


@app.command()
def check(files: list[Path] = typer.Argument(..., help="Codebook YAML files to validate.")) -> None:
    """Validate codebook files; every problem is printed as FILE:LINE: message."""
    from lockstep.narratives.codebook import check_file

    failed = False
    for path in files:
        problems = check_file(path)
        for problem in problems:
            out.print(escape(str(problem)), highlight=False)
        if not problems:
            out.print(f"{escape(str(path))}: ok", highlight=False)
        failed = failed or bool(problems)
    raise typer.Exit(1 if failed else 0)


@app.command("list")
def list_(codebook: Optional[list[Path]] = CODEBOOK, output: Optional[Path] = OUTPUT,
          only: Optional[str] = typer.Option(None, "--only", help="Only narratives under this id prefix.")) -> None:
    """The codebook: narratives, parents, levels, how many claims and phrases each has."""
    from lockstep.narratives.codebook import load_codebook

    book = load_codebook(codebook or []).subset(only)
    err.print(f"codebook version {escape(book.version)}")
    show(book.frame(), output, "codebook", max_rows=200)


@app.command()
def tag(db: Path = DB, codebook: Optional[list[Path]] = CODEBOOK,
        only: Optional[str] = typer.Option(None, "--only", help="Only narratives under this id prefix."),
        actor: Optional[list[str]] = ACTOR, lang: Optional[str] = LANG, since: Optional[str] = SINCE,
        until: Optional[str] = UNTIL,
        model: str = typer.Option("use-multilingual-v3", "--model", help="Embedding backend "
                                  "(use-multilingual-v3 or sentence-transformers:/local/path)."),
        workers: int = typer.Option(1, "--workers", "-w", min=1, help="Embedding processes."),
        aggregate: str = typer.Option("max", "--aggregate", help="max or top2 claim similarity."),
        detector: str = typer.Option("auto", "--detector", help="auto (the newest learned model for this codebook "
                                     "if the store holds one, else zero-shot), zero-shot, learned, llm (a language "
                                     "model at --endpoint), or a model version from `narratives models`."),
        endpoint: Optional[str] = LLM_ENDPOINT, llm_model: Optional[str] = LLM_MODEL,
        api_key_env: str = LLM_KEY_ENV, llm_concurrency: int = LLM_CONCURRENCY, llm_batch_chars: int = LLM_BATCH,
        llm_timeout: float = LLM_TIMEOUT, llm_retries: int = LLM_RETRIES, llm_max_wait: float = LLM_MAX_WAIT,
        llm_format: str = LLM_FORMAT, llm_min_confidence: float = LLM_MIN_CONFIDENCE,
        llm_examples: int = LLM_EXAMPLES, price_prompt: Optional[float] = PRICE_PROMPT,
        price_completion: Optional[float] = PRICE_COMPLETION, dry_run: bool = DRY_RUN) -> None:
    """Tag paragraphs and documents with the codebook's narratives (embeddings are computed once, cached)."""
    import lockstep
    from lockstep.enrich.embeddings import EmbeddingOptions
    from lockstep.narratives.detect import DetectOptions
    from lockstep.narratives.llm_client import EndpointOptions
    from lockstep.narratives.llm_detector import LLMOptions, plan
    from lockstep.narratives.llm_prompt import PromptOptions
    from lockstep.narratives.tagging import TagOptions, load_for, tag as run_tag

    llm = LLMOptions(endpoint=EndpointOptions(endpoint=endpoint or "", model=llm_model or "", api_key_env=api_key_env,
                                              timeout=llm_timeout, retries=llm_retries, max_wait=llm_max_wait,
                                              response_format=llm_format),
                     prompt=PromptOptions(examples_per_narrative=llm_examples), concurrency=llm_concurrency,
                     batch_chars=llm_batch_chars, min_confidence=llm_min_confidence, price_prompt=price_prompt,
                     price_completion=price_completion, progress=True)
    options = TagOptions(codebook_files=list(codebook or []), only=only, filters=filters(actor, lang, since, until),
                         embedding=EmbeddingOptions(backend=model, workers=workers, progress=True),
                         detect=DetectOptions(aggregate=aggregate), progress=True, detector=detector, llm=llm)
    if dry_run:
        if detector != "llm":
            err.print("--dry-run is for --detector llm")
            raise typer.Exit(2)
        with lockstep.open(db) as corpus:
            estimate = plan(corpus, load_for(options), options.filters, llm)
        out.rule("system prompt")
        typer.echo(estimate.system)
        out.rule("first user message")
        typer.echo(estimate.first_user or "(nothing to send: every paragraph is answered from the cache)")
        show(estimate.frame(), None, "dry run: nothing was sent")
        return
    with lockstep.open(db) as corpus:
        report = run_tag(corpus, options)
    show(report.frame(), None, "narrative tagging")


@app.command()
def train(db: Path = DB, codebook: Optional[list[Path]] = CODEBOOK,
          semeval_dir: Optional[Path] = typer.Option(None, "--semeval", help="A SemEval-2025 T10 subtask-2 folder "
                                                     "(raw-documents/ + subtask-2-annotations.txt), or a folder of "
                                                     "them (EN/, RU/, ...)."),
          labels: Optional[Path] = typer.Option(None, "--labels", help="CSV or JSONL with `text` and `labels` "
                                                "(codebook ids or SemEval names joined by ';'), optional `language`."),
          from_review: bool = typer.Option(False, "--from-review", help="Learn from the tags accepted/rejected "
                                           "with `narratives review` in this store."),
          lang: Optional[list[str]] = typer.Option(None, "--lang", help="Only examples in this language (repeatable); "
                                                   "by default every language trains one model together."),
          centre: str = typer.Option("auto", "--centre", help="Centre each language's features: auto (kept when it "
                                     "helps on held-out folds), always, never."),
          gate: str = typer.Option("auto", "--gate", help="Decide sub-narratives only where their parent is: auto, "
                                   "always, never."),
          only: Optional[str] = typer.Option(None, "--only", help="Only narratives under this id prefix."),
          model: str = typer.Option("use-multilingual-v3", "--model", help="Embedding backend."),
          workers: int = typer.Option(1, "--workers", "-w", min=1, help="Embedding processes."),
          folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds for thresholds and arms."),
          output: Optional[Path] = OUTPUT) -> None:
    """Fit per-narrative classifiers from labelled examples and store the model, versioned; `tag` then uses it."""
    import lockstep
    import lockstep.narratives.labelled as labelled
    import lockstep.narratives.training as training
    from lockstep.narratives.learned import LearnOptions

    chosen = [x for x in (semeval_dir, labels, from_review or None) if x]
    if len(chosen) != 1:
        err.print("give exactly one of --semeval DIR, --labels FILE, --from-review")
        raise typer.Exit(2)
    options = training.TrainOptions(codebook_files=list(codebook or []), only=only, languages=list(lang or []),
                                    backend=model, workers=workers, progress=True,
                                    learn=LearnOptions(folds=folds, centre=centre, gate=gate))
    book = training.codebook_for(options)
    with lockstep.open(db) as corpus:
        if semeval_dir:
            examples, source = labelled.read_semeval(semeval_dir, book), f"semeval:{semeval_dir}"
        elif labels:
            examples, source = labelled.read_table(labels, book), f"labels:{labels}"
        else:
            examples, source = labelled.read_reviews(corpus, book), "review"
        fitted = training.train_and_store(corpus, examples, options, source)
    err.print(f"stored learned model {escape(fitted.version)} ({fitted.cv['linear']} linear arms, "
              f"{fitted.cv['documents']} documents, {fitted.cv['seconds']['total']} s; language centring "
              f"{'kept' if fitted.centred else 'not kept'}, parent gating {'kept' if fitted.gated else 'not kept'})")
    show(training.cv_frame(fitted), output, f"cross-validation, model {fitted.version}", max_rows=200)


@app.command()
def models(db: Path = DB, output: Optional[Path] = OUTPUT,
           version: Optional[str] = typer.Option(None, "--version", help="One model: its arm, threshold and "
                                                 "cross-validated F1 per narrative.")) -> None:
    """The learned models in the store, newest first, with their codebook version, data hash and CV figures."""
    import lockstep
    from lockstep.narratives.models import list_models, load
    from lockstep.narratives.training import cv_frame

    with lockstep.open(db, read_only=True) as corpus:
        if version:
            model = load(corpus, version)
            show(cv_frame(model), output, f"cross-validation, model {model.version}", max_rows=200)
        else:
            show(list_models(corpus), output, "learned narrative models")


@app.command()
def prevalence(db: Path = DB, narrative: Optional[str] = NARRATIVE, level: Optional[int] = LEVEL,
               period: str = typer.Option("month", "--period", help="day, week, month, quarter, year or all."),
               reprints: str = REPRINTS, actor: Optional[list[str]] = ACTOR, lang: Optional[str] = LANG,
               since: Optional[str] = SINCE, until: Optional[str] = UNTIL, version: Optional[str] = VERSION,
               output: Optional[Path] = OUTPUT,
               corrected: bool = typer.Option(False, "--corrected", help="Correct the shares for the detector's "
                                              "errors with the reviews of a sample (`narratives sample`, "
                                              "`narratives review-docs`): raw_share, share, ci_low, ci_high, "
                                              "reviewed."),
               sample_id: Optional[str] = typer.Option(None, "--sample", help="With --corrected: the review "
                                                       "sample (default: the newest)."),
               coder: Optional[str] = typer.Option(None, "--coder", help="With --corrected: only this coder's "
                                                   "reviews (default: each document's latest review)."),
               by_language: bool = typer.Option(False, "--by-language", help="With --corrected: groups are "
                                                "actor x period x language."),
               estimator: str = typer.Option("tuned", "--estimator", help="With --corrected: tuned (PPI++, the "
                                             "default), difference (PPI) or reviews (the reviews alone)."),
               confidence: float = typer.Option(0.95, "--confidence", help="With --corrected: interval level."),
               min_reviews: int = typer.Option(MIN_REVIEWS, "--min-reviews", min=1, help="With --corrected: "
                                               "reviews a stratum needs before its group is corrected.")) -> None:
    """Narrative prevalence by actor x period: documents carrying it and their share of the actor's output;
    with --corrected, the share corrected for the detector's errors and its interval."""
    from lockstep.narratives.prevalence import prevalence as run

    query = HitQuery(filters=filters(actor, lang, since, until), narrative=narrative, level=level, version=version,
                     reprints=reprints, period=period)
    with lockstep.open(db, read_only=True) as corpus:
        if not corrected:
            show(run(corpus, query), output, "narrative prevalence")
            return
        table = corrected_prevalence(corpus, CorrectedQuery(
            hits=query, sample_id=sample_id, coder=coder, by_language=by_language, confidence=confidence,
            min_reviews=min_reviews, estimator=estimator))
    print_correction_notes(table)
    show(table, output, "narrative prevalence, corrected for detector error")


def print_correction_notes(table) -> None:
    if table.attrs.get("sample_id") is None:
        err.print("no review sample in the store: every share below is the detector's, [bold]uncorrected[/bold] "
                  "(draw one with `lockstep narratives sample`, review it with `lockstep narratives review-docs`)")
    else:
        corrected = int(table["corrected"].sum()) if len(table) else 0
        rest = "" if corrected == len(table) else "; the others show the raw share, uncorrected, and say why in `note`"
        err.print(f"reviews of sample {escape(str(table.attrs['sample_id']))}: {corrected} of {len(table)} rows "
                  f"corrected{rest}")
    if table.attrs.get("unknown_labels"):
        err.print(f"{table.attrs['unknown_labels']} review labels are not in this codebook version and were left out")


@app.command()
def sample(db: Path = DB, actor: Optional[list[str]] = ACTOR, lang: Optional[str] = LANG,
           since: Optional[str] = SINCE, until: Optional[str] = UNTIL,
           per_stratum: int = typer.Option(30, "--per-stratum", min=0, help="Documents drawn in each stratum "
                                           "(actor x language [x period]); all of a smaller stratum."),
           fraction: float = typer.Option(0.0, "--fraction", min=0.0, max=1.0, help="Or this share of each "
                                          "stratum, when it is more than --per-stratum."),
           seed: int = typer.Option(0, "--seed", help="The same seed and options draw the same documents; a "
                                    "larger sample with the same seed contains the smaller one."),
           period: Optional[str] = typer.Option(None, "--period", help="Also stratify by day, week, month, quarter "
                                                "or year (use the period you will report prevalence by)."),
           reprints: str = REPRINTS,
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the documents for review "
                                                 "(CSV or JSONL by suffix): fill `reviewed` and `labels`, then "
                                                 "`narratives review-docs --import`.")) -> None:
    """Draw a reproducible stratified random sample of documents for review and record it in the store."""
    options = SampleOptions(filters=filters(actor, lang, since, until), per_stratum=per_stratum, fraction=fraction,
                            seed=seed, period=period, reprints=reprints)
    with lockstep.open(db) as corpus:
        drawn = draw_sample(corpus, options)
        documents = sample_documents(corpus.con, drawn.sample_id)
    err.print(f"sample {escape(drawn.sample_id)}: {len(drawn.members)} documents from {drawn.strata} strata "
              f"({drawn.units} units in all)")
    show(drawn.summary(), None, f"sample {drawn.sample_id}: strata", max_rows=100)
    if output:
        path = write_review_file(documents, output)
        err.print(f"wrote {len(documents)} documents for review to {escape(str(path))}")


@app.command()
def samples(db: Path = DB, output: Optional[Path] = OUTPUT) -> None:
    """The review samples in the store, newest first, with how many of their documents are reviewed."""
    with lockstep.open(db, read_only=True) as corpus:
        show(stored_samples(corpus.con), output, "review samples")


@app.command("review-docs")
def review_docs(db: Path = DB,
                coder: Optional[str] = typer.Option(None, "--coder", help="Your name, stored with each review "
                                                    "(an imported file may carry a `coder` column instead)."),
                import_file: Optional[Path] = typer.Option(None, "--import", help="A CSV or JSONL of `doc_id` and "
                                                           "`labels` (codebook ids or SemEval names joined by ';'; "
                                                           "empty = carries none), optional `reviewed` (blank = not "
                                                           "yet), `coder`, `note`."),
                doc: Optional[str] = typer.Option(None, "--doc", help="Review this one document (with --labels)."),
                labels: Optional[str] = typer.Option(None, "--labels", help="With --doc: the narratives it carries, "
                                                     "joined by ';'; 'none' or '' = carries none."),
                sample_id: Optional[str] = typer.Option(None, "--sample", help="Interactive: the sample to review "
                                                        "(default: the newest)."),
                limit: int = typer.Option(20, "--limit", help="Interactive: documents to review.")) -> None:
    """Say which narratives sampled documents carry: import a file, review one document, or go through the
    sample's unreviewed documents in order (labels, 'none', s = skip, q = quit)."""
    with lockstep.open(db) as corpus:
        if import_file:
            report = import_reviews(corpus, import_file, coder)
            show(report.frame(), None, "imported document reviews")
        elif doc:
            if labels is None:
                err.print("give --labels with --doc ('none' when the document carries no narrative)")
                raise typer.Exit(2)
            stored = review_document(corpus, doc, labels, coder or "")
            out.print(f"{escape(doc)}: {escape(', '.join(stored['labels']) or 'carries none')} "
                      f"(by {escape(stored['coder'])})")
        else:
            interactive_document_review(corpus, coder or typer.prompt("coder name"), sample_id, limit)


def interactive_document_review(corpus, coder: str, sample_id: str | None, limit: int) -> None:
    index = review_labels(corpus.con)
    pending = sample_documents(corpus.con, sample_id, status="pending", coder=coder, limit=limit)
    if pending.empty:
        out.print("nothing left to review in this sample")
        return
    for row in pending.to_dict(orient="records"):
        out.rule(f"{row['doc_id']}  {row['actor'] or ''} {row['language'] or ''} {str(row['published'] or '')[:10]}")
        out.print(f"[bold]{escape(str(row['title'] or ''))}[/bold]")
        out.print(escape(row["excerpt"]))
        out.print(f"[dim]detector: {escape(row['detector'] or 'no narrative')}[/dim]")
        answer = typer.prompt("narratives (ids or SemEval names joined by ';', 'none', s = skip, q = quit)",
                              default="s").strip()
        if answer.lower() == "q":
            break
        if answer.lower() == "s":
            continue
        try:
            stored = review_document(corpus, row["doc_id"], "" if answer.lower() == "none" else answer, coder)
        except InputError as exc:
            out.print(f"[red]{escape(str(exc))}[/red] (skipped; known ids: `lockstep narratives list`)")
            continue
        out.print(f"stored: {escape(', '.join(index.titles.get(n, n) for n in stored['labels']) or 'carries none')}")


@app.command()
def first(db: Path = DB, narrative: Optional[str] = NARRATIVE, level: Optional[int] = LEVEL,
          actor: Optional[list[str]] = ACTOR, lang: Optional[str] = LANG, version: Optional[str] = VERSION,
          output: Optional[Path] = OUTPUT) -> None:
    """First appearance of each narrative per actor, with the paragraph."""
    import lockstep
    from lockstep.narratives.prevalence import HitQuery, first_appearance

    query = HitQuery(filters=filters(actor, lang, None, None), narrative=narrative, level=level, version=version)
    with lockstep.open(db, read_only=True) as corpus:
        show(first_appearance(corpus, query), output, "first appearance")


@app.command()
def evidence(db: Path = DB, narrative: Optional[str] = NARRATIVE, level: Optional[int] = LEVEL,
             limit: int = typer.Option(10, "--limit", help="Paragraphs per narrative."),
             candidates: bool = typer.Option(False, "--candidates", help="Include hits below threshold."),
             actor: Optional[list[str]] = ACTOR, lang: Optional[str] = LANG, since: Optional[str] = SINCE,
             until: Optional[str] = UNTIL, version: Optional[str] = VERSION, output: Optional[Path] = OUTPUT) -> None:
    """The strongest paragraphs per narrative with their evidence spans (hit ids for `review`)."""
    import lockstep
    from lockstep.narratives.prevalence import HitQuery, evidence as run

    query = HitQuery(filters=filters(actor, lang, since, until), narrative=narrative, level=level, version=version)
    with lockstep.open(db, read_only=True) as corpus:
        frame = run(corpus, query, limit=limit, include_candidates=candidates)
    if output:
        show(frame, output, "evidence")
    else:
        show(frame[["hit_id", "narrative", "parent", "score", "precision", "actor", "published", "spans", "text"]],
             None, "evidence")


@app.command()
def hits(db: Path = DB, narrative: Optional[str] = NARRATIVE, level: Optional[int] = LEVEL,
         candidates: bool = typer.Option(False, "--candidates", help="Include hits below threshold."),
         actor: Optional[list[str]] = ACTOR, lang: Optional[str] = LANG, since: Optional[str] = SINCE,
         until: Optional[str] = UNTIL, version: Optional[str] = VERSION, output: Optional[Path] = OUTPUT) -> None:
    """Every hit (paragraph x narrative) with score, threshold, evidence and codebook version; for export."""
    import lockstep
    from lockstep.narratives.prevalence import HitQuery, hits as run

    query = HitQuery(filters=filters(actor, lang, since, until), narrative=narrative, level=level, version=version)
    with lockstep.open(db, read_only=True) as corpus:
        show(run(corpus, query, include_candidates=candidates), output, "narrative hits")


@app.command()
def semeval(db: Path = DB, actor: Optional[list[str]] = ACTOR, lang: Optional[str] = LANG,
            since: Optional[str] = SINCE, until: Optional[str] = UNTIL, version: Optional[str] = VERSION,
            output: Optional[Path] = OUTPUT,
            scorer_file: Optional[Path] = typer.Option(None, "--scorer-file", help="Also write the task's "
                                                       "submission file (article id, narratives, sub-narratives; "
                                                       "tab-separated) for its official scorer.")) -> None:
    """Document tags in the SemEval-2025 Task 10 label format (narratives; sub-narratives; "Other")."""
    import lockstep
    from lockstep.narratives.prevalence import HitQuery
    from lockstep.narratives.semeval import document_labels, scorer_lines

    query = HitQuery(filters=filters(actor, lang, since, until), version=version)
    with lockstep.open(db, read_only=True) as corpus:
        labels = document_labels(corpus, query)
        if scorer_file:
            scorer_file.write_text("".join(line + "\n" for line in scorer_lines(corpus, labels)), encoding="utf-8")
            err.print(f"wrote {len(labels)} lines to {escape(str(scorer_file))}")
        show(labels, output, "SemEval-2025 T10 labels")


@app.command()
def discover(db: Path = DB, actor: Optional[list[str]] = ACTOR, lang: Optional[str] = LANG,
             since: Optional[str] = SINCE, until: Optional[str] = UNTIL,
             min_cluster_size: int = typer.Option(8, "--min-cluster-size", min=2),
             max_paragraphs: int = typer.Option(20_000, "--max-paragraphs", min=10),
             seed: int = typer.Option(0, "--seed"),
             assign: Optional[float] = typer.Option(None, "--assign-outliers", help="Put an outlier into the "
                                                    "nearest cluster when their cosine is at least this (e.g. 0.5)."),
             output: Optional[Path] = OUTPUT) -> None:
    """Cluster paragraphs the codebook does not explain; shows terms, actors, languages, first date, outliers."""
    import lockstep
    from lockstep.narratives.discover import DiscoverOptions, discover as run

    options = DiscoverOptions(filters=filters(actor, lang, since, until), min_cluster_size=min_cluster_size,
                              max_paragraphs=max_paragraphs, seed=seed, assign_outliers=assign)
    with lockstep.open(db) as corpus:
        result = run(corpus, options)
    show(result.summary(), None, "discovery")
    show(result.clusters.drop(columns=["representatives"]), output, f"clusters (run {result.run_id})")


@app.command()
def promote(cluster: int = typer.Argument(..., help="Cluster number from `discover`."),
            narrative_id: str = typer.Option(..., "--id", help="Id for the new narrative."),
            title: str = typer.Option(..., "--title", help="Title for the new narrative."),
            to: Path = typer.Option(..., "--to", help="Codebook YAML to write (created or appended)."),
            parent: Optional[str] = typer.Option(None, "--parent"), run_id: Optional[str] = typer.Option(None, "--run"),
            db: Path = DB) -> None:
    """Turn a discovered cluster into a draft narrative in a codebook file (then edit and `check` it)."""
    import lockstep
    from lockstep.narratives.discover import Promotion, promote as run

    with lockstep.open(db) as corpus:
        entry = run(corpus, cluster, Promotion(narrative_id=narrative_id, title=title, parent=parent, run_id=run_id), to)
    out.print(f"draft narrative {escape(entry['id'])} written to {escape(str(to))}")


@app.command()
def review(db: Path = DB, coder: str = typer.Option(..., "--coder", help="Your name, stored with each decision."),
           accept: Optional[list[str]] = typer.Option(None, "--accept", help="Accept this hit id (repeatable)."),
           reject: Optional[list[str]] = typer.Option(None, "--reject", help="Reject this hit id (repeatable)."),
           narrative: Optional[str] = NARRATIVE, note: Optional[str] = typer.Option(None, "--note"),
           limit: int = typer.Option(20, "--limit", help="Hits to review interactively."),
           recalibrate: bool = typer.Option(True, "--recalibrate/--no-recalibrate",
                                            help="Refit thresholds from all reviews afterwards.")) -> None:
    """Accept or reject tags. With --accept/--reject it records those decisions and exits; otherwise it shows
    hits one by one (a = accept, r = reject, s = skip, q = quit)."""
    import lockstep
    import lockstep.narratives.calibrate as calibrate
    from lockstep.narratives.review import review_tag

    with lockstep.open(db) as corpus:
        decisions = [(h, "accept") for h in accept or []] + [(h, "reject") for h in reject or []]
        for hit_id, decision in decisions:
            stored = review_tag(corpus, hit_id, decision, coder, note)
            out.print(f"{stored['hit_id']} {stored['narrative']}: {decision}ed by {escape(coder)}")
        if not decisions:
            interactive_review(corpus, coder, narrative, limit)
        if recalibrate:
            changes = calibrate.recalibrate(corpus)
            if len(changes):
                show(changes, None, "recalibrated thresholds")


def interactive_review(corpus, coder: str, narrative: str | None, limit: int) -> None:
    from lockstep.narratives.prevalence import quote_spans
    from lockstep.narratives.review import ReviewQueue, review_queue, review_tag

    queue = review_queue(corpus, ReviewQueue(coder=coder, narrative=narrative, limit=limit))
    if queue.empty:
        out.print("nothing to review")
        return
    for row in queue.to_dict(orient="records"):
        doc = corpus.document(row["doc_id"])
        out.rule(f"{row['hit_id']}  {row['narrative']}  score {row['score']:.3f} (threshold {row['threshold']:.3f})")
        out.print(f"[dim]{escape(str(row['actor']))} {escape(str(row['published']))}[/dim]")
        out.print(escape(row["text"]))
        out.print(f"[dim]evidence: {escape(quote_spans(doc['text'], row['evidence']) if doc else '')}[/dim]")
        answer = typer.prompt("accept / reject / skip / quit [a/r/s/q]", default="s").strip().lower()
        if answer.startswith("q"):
            break
        if answer[:1] in ("a", "r"):
            review_tag(corpus, row["hit_id"], answer[:1], coder)


@app.command()
def calibrate(db: Path = DB, min_reviews: int = typer.Option(5, "--min-reviews", min=2),
              output: Optional[Path] = OUTPUT) -> None:
    """Refit per-narrative thresholds from reviewed tags and re-mark the hits."""
    import lockstep
    from lockstep.narratives.calibrate import recalibrate

    with lockstep.open(db) as corpus:
        show(recalibrate(corpus, min_reviews=min_reviews), output, "recalibrated thresholds")


@app.command()
def agreement(db: Path = DB, coder: Optional[list[str]] = typer.Option(None, "--coder", help="Only these coders."),
              output: Optional[Path] = OUTPUT) -> None:
    """Inter-coder agreement per narrative: Cohen's kappa and Krippendorff's alpha."""
    import lockstep
    from lockstep.narratives.agreement import agreement as run

    with lockstep.open(db, read_only=True) as corpus:
        show(run(corpus, coder), output, "agreement")
