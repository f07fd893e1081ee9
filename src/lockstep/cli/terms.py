"""`lockstep terms ...`: key terms across actors and languages. Commands parse arguments and call the functions
of ``lockstep.terms``; every table can be written with --output (CSV, Parquet, JSON, JSONL by suffix)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.console import Console

from lockstep.output import print_table, write_table
from lockstep.report.numbers import readable
from lockstep.store.corpus import DocumentFilter, open as open_corpus
from lockstep.cli.options import ACTOR, DB, OUTPUT, SINCE, UNTIL, actor_option

app = typer.Typer(
    name="terms",
    help="Key terms across actors and languages: frequencies, keyness, concordances, collocations, usage "
         "divergence. Terms are words (all inflections: their lemma), phrases, lemma:X, form:X, globs (sovereign*), "
         "re:REGEX, or @family (a concept across languages; `lockstep terms families`). Reprints count once per "
         "counting unit (actor, outlet or corpus) unless --count-reprints.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

OUTLET = typer.Option(None, "--outlet", help="Only this outlet.")
LANG = typer.Option(None, "--lang", help="Only documents in this language (ISO 639-1); 'any' for all.")
REPRINTS = typer.Option(False, "--count-reprints",
                        help="Count every copy of a reprinted story (default: once per actor/outlet/corpus).")
FAMILIES = typer.Option(None, "--families", help="YAML file of term families extending the shipped ones.")
BY_HELP = "Group by actor, outlet or language (repeatable; 'none' for the whole corpus)."


def filters(actor: Optional[list[str]], outlet: Optional[str], lang: Optional[str], since: Optional[str],
            until: Optional[str]) -> DocumentFilter:
    return DocumentFilter(actor=actor or None, outlet=outlet, language=None if lang in (None, "any") else lang,
                          since=since, until=until)


def groups(by: Optional[list[str]], default: tuple[str, ...]) -> tuple[str, ...]:
    if by is None:
        return default
    return tuple(b for b in by if b != "none")


def show(frame: pd.DataFrame, output: Optional[Path], *, title: str, columns: list[str] | None = None,
         max_rows: int = 60) -> None:
    if output:
        write_table(frame, output)
        err.print(f"wrote {len(frame)} rows to {output}")
    view = frame
    if "example_doc" in frame:
        from lockstep.terms.trace import example_label

        view = frame.assign(example=frame.apply(example_label, axis=1) if len(frame) else "")
    if "period" in view and pd.api.types.is_datetime64_any_dtype(view["period"]):
        view = view.assign(period=view["period"].dt.strftime("%Y-%m-%d"))
    if columns:
        view = view[[c for c in columns if c in view]]
    print_table(readable(view), title=title, max_rows=max_rows)


# ---- commands --------------------------------------------------------------------------------------------------


@app.command()
def index(
    db: Path = DB,
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and tokenise everything again."),
    no_fold_yo: bool = typer.Option(False, "--keep-yo", help="Keep ё distinct from е (default: fold ё to е)."),
    lemmatizer: str = typer.Option("pymorphy3", "--ru-lemmatizer", help="pymorphy3 (default) or simplemma."),
    families: Optional[Path] = FAMILIES,
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes that tokenise (Chinese segmentation is "
                                                                   "the slow part)."),
) -> None:
    """Tokenise documents into the store (once; later runs add only new documents) and build the aggregates.

    Queries do this automatically on first use; run it explicitly after a large ingest or to change settings.
    """
    from lockstep.terms.token_index import IndexOptions, update_index

    with open_corpus(db) as corpus:
        report = update_index(corpus, IndexOptions(rebuild=rebuild, fold_yo=not no_fold_yo,
                                                   russian_lemmatizer=lemmatizer,
                                                   families_file=str(families) if families else None,
                                                   workers=workers))
    print_table(pd.DataFrame([report.summary()]), title="term index")


@app.command()
def families(families_file: Optional[Path] = FAMILIES, output: Optional[Path] = OUTPUT) -> None:
    """The term families: each concept with its members per language (use as @id)."""
    from lockstep.terms.families import load_families

    rows = [{"id": f"@{f.id}", "label": f.label, "lang": lang, "members": "; ".join(w for lg, w in f.members if lg == lang)}
            for f in load_families(families_file).values() for lang in f.languages()]
    show(pd.DataFrame(rows), output, title="term families", max_rows=400)


@app.command()
def top(
    db: Path = DB,
    by: Optional[list[str]] = typer.Option(None, "--by", help=BY_HELP + " Default: actor."),
    period: str = typer.Option("none", "--period", help="none, day, week, month, quarter or year."),
    limit: int = typer.Option(20, "--limit", "-n", help="Terms per group."),
    min_freq: int = typer.Option(1, "--min-freq", help="Leave out terms rarer than this."),
    stopwords: bool = typer.Option(False, "--stopwords", help="Keep stop words and numbers."),
    actor: Optional[list[str]] = ACTOR, outlet: Optional[str] = OUTLET, lang: Optional[str] = LANG,
    since: Optional[str] = SINCE, until: Optional[str] = UNTIL, count_reprints: bool = REPRINTS,
    output: Optional[Path] = OUTPUT,
) -> None:
    """The most frequent lemmas per group and period.

    freq = occurrences; per_10k = freq x 10,000 / tokens in the group; docs = documents containing the lemma;
    doc_share = docs / documents in the group. example = one occurrence (document, paragraph, character offsets).
    """
    from lockstep.terms.frequency import TopOptions, top as run

    with open_corpus(db) as corpus:
        frame = run(corpus, TopOptions(filters=filters(actor, outlet, lang, since, until), by=groups(by, ("actor",)),
                                       period=period, limit=limit, min_freq=min_freq, include_stopwords=stopwords,
                                       count_reprints=count_reprints))
    show(frame, output, title="top terms", columns=[*groups(by, ("actor",)), "period", "rank", "term", "lang", "freq",
                                                    "per_10k", "docs", "doc_share", "example"])


@app.command()
def keyness(
    target: str = typer.Option(..., "--target", help="The actor (or outlet/language with --by) whose keywords to find."),
    reference: str = typer.Option("rest", "--reference",
                                  help="Another actor, 'rest' (all others), or a CSV frequency list FILE (term,count)."),
    by: str = typer.Option("actor", "--by", help="What --target and --reference name: actor, outlet or language."),
    measure: str = typer.Option(
        "ll", "--measure",
        help="Ranking measure. With a = target freq, b = reference freq, c, d = their sizes in tokens, "
             "E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d): "
             "ll = log-likelihood G2 = 2 \\[a ln(a/E1) + b ln(b/E2)] (Rayson & Garside); "
             "chi2 = Pearson chi-squared on the 2x2 table \\[\\[a, b], \\[c-a, d-b]]; chi2-yates = with Yates' continuity "
             "correction; log-ratio = log2((a/c)/(b/d)), zeros as 0.5 (Hardie; effect size: +1 = twice as frequent); "
             "pdiff = %DIFF = 100 (a/c - b/d)/(b/d) (Gabrielatos & Marchi); bic = G2 - ln(c+d) (Wilson). "
             "All are reported; p-values from chi-squared with 1 d.f."),
    correction: str = typer.Option("bh", "--correction",
                                   help="Multiple-comparison correction of the p-values over all tested terms: "
                                        "bh (Benjamini–Hochberg false discovery rate), holm (family-wise), none."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level for the adjusted p-value."),
    min_freq: int = typer.Option(5, "--min-freq", help="Test only terms with a + b at least this."),
    limit: int = typer.Option(30, "--limit", "-n", help="Rows per direction (positive, negative)."),
    no_negative: bool = typer.Option(False, "--no-negative", help="Leave out negative keywords (used less by target)."),
    significant: bool = typer.Option(False, "--significant", help="Only rows with adjusted p < alpha."),
    stopwords: bool = typer.Option(False, "--stopwords", help="Keep stop words and numbers."),
    db: Path = DB, actor: Optional[list[str]] = ACTOR, outlet: Optional[str] = OUTLET, lang: Optional[str] = LANG,
    since: Optional[str] = SINCE, until: Optional[str] = UNTIL, count_reprints: bool = REPRINTS,
    output: Optional[Path] = OUTPUT,
) -> None:
    """Keywords: lemmas the target uses significantly more (+) or less (-) than the reference."""
    from lockstep.terms.keyness import KeynessOptions, keyness as run

    options = KeynessOptions(target=target, reference=reference, by=by, measure=measure, correction=correction,
                             alpha=alpha, min_freq=min_freq, limit=limit, negative=not no_negative,
                             only_significant=significant, include_stopwords=stopwords,
                             count_reprints=count_reprints, filters=filters(actor, outlet, lang, since, until))
    with open_corpus(db) as corpus:
        frame = run(corpus, options)
    from lockstep.terms.keyness import COLUMN_OF

    figures = list(dict.fromkeys([COLUMN_OF.get(measure, "ll"), "log_ratio", "p_adjusted"]))  # first: 80 columns
    show(frame, output, title=f"keyness: {target} vs {reference}",
         columns=["direction", "rank", "term", *figures, "freq_target", "freq_reference", "per_10k_target",
                  "per_10k_reference", "lang", "example"])


@app.command()
def kwic(
    term: str = typer.Argument(..., help="Word, phrase, lemma:X, form:X, glob, re:REGEX or @family."),
    window: int = typer.Option(8, "--window", "-w", help="Tokens of context each side (within the paragraph)."),
    sentence: bool = typer.Option(False, "--sentence", help="Show the whole sentence instead of a token window."),
    by: Optional[list[str]] = typer.Option(None, "--by", help="With --limit: that many lines per actor/outlet/language."),
    limit: int = typer.Option(50, "--limit", "-n", help="Lines (per group with --by); 0 for all."),
    sort: str = typer.Option("date", "--sort", help="date, left (word before), right (word after) or random."),
    seed: int = typer.Option(0, "--seed", help="Seed of --sort random."),
    db: Path = DB, actor: Optional[list[str]] = ACTOR, outlet: Optional[str] = OUTLET, lang: Optional[str] = LANG,
    since: Optional[str] = SINCE, until: Optional[str] = UNTIL, count_reprints: bool = REPRINTS,
    families_file: Optional[Path] = FAMILIES, output: Optional[Path] = OUTPUT,
) -> None:
    """Concordance lines: each occurrence with its context and where it is (document, paragraph, start-end
    character offsets into the document text: text\\[start:end] is the match)."""
    from lockstep.terms.concordance import KwicOptions, kwic as run

    options = KwicOptions(term=term, window=window, sentence=sentence, by=groups(by, ()), limit=limit or None,
                          sort=sort, seed=seed, count_reprints=count_reprints,
                          families_file=str(families_file) if families_file else None,
                          filters=filters(actor, outlet, lang, since, until))
    with open_corpus(db) as corpus:
        frame = run(corpus, options)
    if output:
        write_table(frame, output)
        err.print(f"wrote {len(frame)} rows to {output}")
    view = frame.assign(date=frame.published_at.astype(str).str.slice(0, 10),
                        where=frame.doc_id.astype(str) + " ¶" + frame.paragraph.astype(str) + " "
                        + frame.start.astype(str) + "-" + frame.end.astype(str))
    print_table(view[["actor", "date", "left", "match", "right", "where"]],
                title=f"{term}: {len(frame)} of {frame.attrs.get('total', len(frame))} occurrences",
                max_rows=limit or 200, max_width=48)


@app.command()
def collocates(
    term: str = typer.Argument(..., help="Word, phrase, lemma:X, form:X, glob, re:REGEX or @family."),
    measure: str = typer.Option(
        "logdice", "--measure",
        help="Ranking. f_x = occurrences of the term, f_xy = co-occurrences with y, f_y = frequency of y, W = context "
             "tokens, N = tokens, E11 = W f_y / N. logdice = 14 + log2(2 f_xy/(f_x + f_y)) (Rychlý; max 14, "
             "stable across corpus sizes); pmi = log2(f_xy/E11) (favours rare pairs: see --min-freq, "
             "--min-collocate-freq); ll = G2 over \\[\\[f_xy, W-f_xy], \\[f_y-f_xy, N-W-f_y+f_xy]] (Dunning), negative "
             "when y is repelled."),
    window: int = typer.Option(5, "--window", "-w", help="Tokens each side, inside the paragraph."),
    sentence: bool = typer.Option(False, "--sentence", help="Use the term's sentence as context instead of a window."),
    by: Optional[list[str]] = typer.Option(None, "--by", help=BY_HELP + " Default: none."),
    min_freq: int = typer.Option(3, "--min-freq", help="Frequency floor for co-occurrences f_xy."),
    min_collocate_freq: int = typer.Option(3, "--min-collocate-freq", help="Frequency floor for collocates f_y."),
    limit: int = typer.Option(30, "--limit", "-n", help="Collocates per group."),
    stopwords: bool = typer.Option(False, "--stopwords", help="Keep stop words and numbers as collocates."),
    db: Path = DB, actor: Optional[list[str]] = ACTOR, outlet: Optional[str] = OUTLET, lang: Optional[str] = LANG,
    since: Optional[str] = SINCE, until: Optional[str] = UNTIL, count_reprints: bool = REPRINTS,
    families_file: Optional[Path] = FAMILIES, output: Optional[Path] = OUTPUT,
) -> None:
    """Collocates: the lemmas found near a term more often than chance."""
    from lockstep.terms.collocation import CollocateOptions, collocates as run

    options = CollocateOptions(term=term, measure=measure, window=window, sentence=sentence, by=groups(by, ()),
                               min_freq=min_freq, min_collocate_freq=min_collocate_freq, limit=limit,
                               include_stopwords=stopwords, count_reprints=count_reprints,
                               families_file=str(families_file) if families_file else None,
                               filters=filters(actor, outlet, lang, since, until))
    with open_corpus(db) as corpus:
        frame = run(corpus, options)
    show(frame, output, title=f"collocates of {term}",
         columns=[*groups(by, ()), "rank", "collocate", "lang", "f_xy", "f_y", "logdice", "pmi", "ll", "example"])


@app.command()
def usage(
    term: str = typer.Argument(..., help="Word, phrase, lemma:X, form:X, glob, re:REGEX or @family."),
    actors: list[str] = actor_option("What to compare, repeated or comma-separated: --actor RT,CGTN.", required=True),
    by: str = typer.Option("actor", "--by", help="What --actor names: actor, outlet or language."),
    window: int = typer.Option(5, "--window", "-w", help="Tokens each side, inside the paragraph."),
    sentence: bool = typer.Option(False, "--sentence", help="Use the term's sentence as context."),
    min_freq: int = typer.Option(2, "--min-freq", help="A collocate enters a profile when f_xy is at least this."),
    bootstrap: int = typer.Option(200, "--bootstrap", help="Bootstrap resamples (documents, within each actor)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    top: int = typer.Option(10, "--top", help="Separating collocates per pair and side."),
    lines: int = typer.Option(5, "--lines", help="Concordance lines per actor."),
    embeddings: bool = typer.Option(False, "--embeddings",
                                    help="Also compare centroids of sentence embeddings (lockstep.enrich.embeddings)."),
    db: Path = DB, lang: Optional[str] = LANG, since: Optional[str] = SINCE, until: Optional[str] = UNTIL,
    count_reprints: bool = REPRINTS, families_file: Optional[Path] = FAMILIES, output: Optional[Path] = OUTPUT,
) -> None:
    """Usage divergence: does each actor use the term in the same contexts?

    Each actor's profile = logDice of the term's collocates (0 below 0 or under --min-freq). js = Jensen–Shannon
    divergence of the normalised profiles (base 2: 0 same, 1 disjoint); cosine = cosine similarity of the profiles;
    \\[low, high] = percentile bootstrap interval (documents resampled within each actor, seeded). Profiles in
    different languages share no collocates (js = 1): use --embeddings to compare across languages. Then the
    collocates that most separate each pair and the lines that carry them. --output FILE writes the scores;
    FILE's stem + '.collocates' and '.lines' get the other two tables.
    """
    from lockstep.terms.usage import UsageOptions, usage as run

    options = UsageOptions(term=term, actors=tuple(actors), by=by, window=window, sentence=sentence, min_freq=min_freq,
                           bootstrap=bootstrap, seed=seed, top=top, lines=lines, embeddings=embeddings,
                           count_reprints=count_reprints, families_file=str(families_file) if families_file else None,
                           filters=filters(None, None, lang, since, until))
    with open_corpus(db) as corpus:
        result = run(corpus, options)
    show(result.scores, output, title=f"usage of {term}")
    if output:
        for name, frame in (("collocates", result.collocates), ("lines", result.lines)):
            write_table(frame, output.with_name(f"{output.stem}.{name}{output.suffix}"))
    show(result.collocates, None, title="collocates that separate them",
         columns=["actor_a", "actor_b", "favoured_by", "collocate", "logdice_a", "logdice_b", "f_xy_a", "f_xy_b"])
    show(result.lines, None, title="lines carrying each actor's distinctive collocates",
         columns=["for", "doc_id", "paragraph", "start", "end", "left", "match", "right"])
    for note in result.notes:
        err.print(f"[dim]{note}[/dim]")


@app.command()
def trend(
    terms: list[str] = typer.Argument(..., help="One or more terms (word, phrase, @family, ...)."),
    by: Optional[list[str]] = typer.Option(None, "--by", help=BY_HELP + " Default: actor."),
    period: str = typer.Option("month", "--period", help="none, day, week, month, quarter or year."),
    members: bool = typer.Option(False, "--members", help="For families, also one row per member."),
    db: Path = DB, actor: Optional[list[str]] = ACTOR, outlet: Optional[str] = OUTLET, lang: Optional[str] = LANG,
    since: Optional[str] = SINCE, until: Optional[str] = UNTIL, count_reprints: bool = REPRINTS,
    families_file: Optional[Path] = FAMILIES, output: Optional[Path] = OUTPUT,
) -> None:
    """Frequency of terms per group and period (zero where a group did not use them).

    freq, per_10k (per 10,000 tokens of the group and period), docs and doc_share as in `top`; members shows a
    family's per-language members with their counts.
    """
    from lockstep.terms.frequency import TrendOptions, trend as run

    options = TrendOptions(terms=tuple(terms), by=groups(by, ("actor",)), period=period, members=members,
                           count_reprints=count_reprints, families_file=str(families_file) if families_file else None,
                           filters=filters(actor, outlet, lang, since, until))
    with open_corpus(db) as corpus:
        frame = run(corpus, options)
    show(frame, output, title="trend",
         columns=["term", "member", *groups(by, ("actor",)), "period", "freq", "per_10k", "docs", "members", "example"],
         max_rows=200)
