"""`lockstep align` (index, leads, drill), `lockstep echoes` and `lockstep statements`: parse arguments, call the
library, print a table or write it with --output. No analysis here."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click
import typer
from typer.core import TyperCommand, TyperGroup

from lockstep.cli.options import ACTOR, DB, OUTPUT, SINCE, UNTIL, actor_option
from lockstep.report.numbers import p_text

MULTI_VALUE = ("--actor", "--actors")


def spread_multi_values(args: list[str]) -> list[str]:
    """`--actor A B C` -> `--actor A --actor B --actor C` (click options take one value each)."""
    out, current = [], None
    for arg in args:
        if arg in MULTI_VALUE:
            current = arg
            continue
        if current and not arg.startswith("-"):
            out += [current, arg]
            continue
        current = None
        out.append(arg)
    return out


class MultiValueGroup(TyperGroup):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spread_multi_values(args))


class MultiValueCommand(TyperCommand):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spread_multi_values(args))


app = typer.Typer(cls=MultiValueGroup, invoke_without_command=True, no_args_is_help=False, add_completion=False,
                  help="How closely actors move together: alignment index per period (default), who leads "
                       "(`leads`), and what drives a cell (`drill`).")

ACTORS = actor_option("Actors to compare: --actor RT CGTN BBC, --actor RT,CGTN or repeated (quote names with "
                      "spaces).")


def open_store(db: Path, *, write: bool = False):
    import lockstep
    from lockstep.errors import InputError

    if not db.exists():
        raise InputError(f"{db}: no such store (run `lockstep ingest ... --db {db}` first)")
    return lockstep.open(db, read_only=not write)


def show(frame, output: Optional[Path], title: str, columns: list[str] | None = None) -> None:
    from lockstep.output import print_table, write_table

    if output is not None:
        path = write_table(frame, output)
        typer.echo(f"wrote {len(frame)} rows to {path}", err=True)
        return
    print_table(frame[columns] if columns else frame, title=title)


@app.callback()
def align(
    ctx: typer.Context,
    db: Path = DB,
    actors: Optional[list[str]] = ACTORS,
    period: str = typer.Option("month", help="day, week, month, quarter, year or all."),
    on: str = typer.Option("both", help="narratives, terms (key terms and phrases) or both."),
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    lang: Optional[str] = typer.Option(None, "--lang", help="Only documents in this language (ISO 639-1)."),
    boot: int = typer.Option(200, "--boot", min=0, help="Bootstrap resamples for the confidence interval."),
    perm: int = typer.Option(200, "--perm", min=0, help="Label shuffles for the permutation baseline."),
    min_docs: int = typer.Option(10, "--min-docs", min=1, help="Documents an actor needs in a period."),
    seed: int = typer.Option(0, help="Random seed (results are reproducible)."),
    families: bool = typer.Option(True, "--families/--no-families", help="Count term-family members as their "
                                  "concept across languages (sovereignty = суверенитет = 主权)."),
    bridges: bool = typer.Option(True, "--bridges/--no-bridges", help="Count a name or cognate spelled in Latin "
                                 "and Cyrillic as one term (Pelosi = Пелоси, president = президент)."),
    meaning_bridges: bool = typer.Option(False, "--meaning-bridges", help="Also count words of different "
                                         "languages that translate each other as one term (mutual nearest "
                                         "neighbours in the multilingual embedding space, cosine >= 0.8: "
                                         "сотрудничество = cooperation = 合作)."),
    matrix: bool = typer.Option(False, "--matrix", help="Print an actor x actor matrix per period and measure."),
    output: Optional[Path] = OUTPUT,
) -> None:
    """Alignment index per pair of actors and period, with bootstrap CI and permutation baseline."""
    if ctx.invoked_subcommand:
        return
    from lockstep.align.alignment_index import AlignOptions, alignment, alignment_matrix

    options = AlignOptions(actors=actors, period=period, on=on, since=since, until=until, language=lang,
                           n_boot=boot, n_perm=perm,
                           min_units=min_docs, seed=seed, families=families, bridges=bridges,
                           meaning_bridges=meaning_bridges)
    with open_store(db) as corpus:
        result = alignment(corpus, options)
        skipped = skipped_measures(corpus, options)
    if skipped:
        typer.echo(skipped, err=True)
    if matrix and output is None:
        from lockstep.output import print_table

        for measure in result["measure"].unique():
            for label in sorted(result["period"].unique()):
                print_table(alignment_matrix(result, measure, label).reset_index(), title=f"{measure} {label}")
        return
    view = result.assign(pair=result["actor_a"] + " ~ " + result["actor_b"],
                         p_distinct=[p_text(p, 1 / (perm + 1)) for p in result["p_distinct"]])
    show(view if output is None else result, output, "alignment",
         ["period", "pair", "measure", "value", "ci_low", "ci_high", "baseline", "relative", "p_distinct", "n_a",
          "n_b", "note"])


def skipped_measures(corpus, options) -> str:
    """Why a measure the user asked for (through --on both) is not in the result, or ''."""
    from lockstep.align.inputs import has_narratives

    if options.on == "both" and not has_narratives(corpus):
        return ("narratives_jsd not computed: no narrative hits in this store (run `lockstep narratives tag`); "
                "terms_cosine and phrases_shared follow")
    return ""


@app.command("leads", cls=MultiValueCommand)
def leads_command(
    db: Path = DB,
    narrative: Optional[str] = typer.Option(None, "--narrative", help="Narrative id (its sub-narratives count)."),
    term: Optional[list[str]] = typer.Option(None, "--term", help="A term; repeat for its forms in other "
                                             "languages; * is a wildcard (--term denazif* --term денацифик*)."),
    actors: Optional[list[str]] = ACTORS,
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    freq: str = typer.Option("day", help="Series step: day or week."),
    max_lag: Optional[int] = typer.Option(None, "--max-lag", min=0, help="Largest lag tried, in steps "
                                          "(default 14 days, 4 weeks)."),
    surrogates: int = typer.Option(1000, min=0, help="Block-shuffled surrogates for the p-value (the smallest "
                                   "p they can give is 1 / (surrogates + 1))."),
    min_mentions: int = typer.Option(10, "--min-mentions", min=1, help="Documents with the item an actor needs "
                                     "before its lead is tested (fewer: the pair is listed with a note)."),
    min_step_docs: int = typer.Option(3, "--min-step-docs", min=1, help="A day (week) with fewer documents of an "
                                      "actor has no share: it is left out, not read as 0 or 100 %."),
    seed: int = typer.Option(0),
    all_narratives: bool = typer.Option(False, "--narratives", help="Overview: every tagged narrative."),
    top_terms: int = typer.Option(0, "--top-terms", min=0, help="Overview: the N terms key for two or more actors."),
    expand: bool = typer.Option(True, "--expand/--no-expand", help="Add the term's family members and its "
                                "spelling in the other script (Kramatorsk -> краматорск*)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write the pairs table here and first use to <stem>-first-use."),
) -> None:
    """Who used a narrative or term first, how long the others took, and the lag that best aligns their series.
    Without --narrative or --term: one row per tagged narrative (--narratives) or per key term (--top-terms N)."""
    import lockstep.align.leadlag as leadlag

    options = leadlag.LeadOptions(narrative=narrative, terms=term, actors=actors, since=since, until=until,
                                  freq=freq, max_lag=max_lag, n_surrogates=surrogates, min_mentions=min_mentions,
                                  min_step_documents=min_step_docs, seed=seed, expand=expand)
    if not narrative and not term:
        with open_store(db) as corpus:
            named = leadlag.tagged_narratives(corpus) if all_narratives else None
            keys = leadlag.key_terms(corpus, options, top_terms) if top_terms else None
            if not named and not keys:
                from lockstep.errors import InputError

                raise InputError("give --narrative ID or --term T, or ask for an overview with --narratives or "
                                 "--top-terms N")
            table = leadlag.overview(corpus, options, narratives=named, terms=keys)
        show(table, output, "who leads: first use, follow-up and the strongest significant lag")
        return
    with open_store(db) as corpus:
        result = leadlag.leads(corpus, options)
    if output is not None:
        from lockstep.output import write_table

        write_table(result.first_use, output.with_name(f"{output.stem}-first-use{output.suffix}"))
    show(result.first_use, None, f"first use: {result.item}",
         ["actor", "first_published", "days_after_first", "mentions", "documents", "first_outlet", "first_doc_id"])
    show(result.pairs, output, f"lead-lag ({options.freq}): positive best_lag = actor_a first; a leader only where "
         f"significant (p_adjusted < {options.alpha})")


@app.command("drill", cls=MultiValueCommand)
def drill_command(
    db: Path = DB,
    actors: list[str] = actor_option("The two actors of the cell: --actor RT CGTN.", required=True),
    period: str = typer.Option(..., "--period", help="The cell's period label: 2022-03, 2022Q1, all ..."),
    period_kind: str = typer.Option("month", "--period-kind", help="How the index cut periods (month ...)."),
    on: str = typer.Option("both"),
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    top: int = typer.Option(20, min=1),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write <stem>-narratives, -terms, "
                                          "-phrases and -paragraphs next to this path."),
) -> None:
    """The narratives, terms, phrases and paragraphs that drive one cell of the alignment index."""
    from lockstep.align.drilldown import DrillOptions, drill
    from lockstep.errors import InputError

    if len(actors) != 2:
        raise InputError("drill takes exactly two actors: --actor A B")
    options = DrillOptions(actors=(actors[0], actors[1]), period=period, period_kind=period_kind, on=on,
                           since=since, until=until, top=top)
    with open_store(db) as corpus:
        result = drill(corpus, options)
    for name in ("narratives", "terms", "phrases", "paragraphs"):
        frame = getattr(result, name)
        if frame.empty:
            continue
        target = output.with_name(f"{output.stem}-{name}{output.suffix}") if output else None
        show(frame, target, f"{name}: {actors[0]} ~ {actors[1]}, {period}")


def echoes(
    db: Path = DB,
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    actor: Optional[list[str]] = ACTOR,
    lang: Optional[list[str]] = typer.Option(None, "--lang", help="Languages matched for translations "
                                             "(repeatable; default every detected language)."),
    window_days: float = typer.Option(7.0, "--window-days", min=0, help="Largest gap between two echoes."),
    min_similarity: float = typer.Option(0.55, "--min-similarity", help="Embedding cosine for a cross-lingual "
                                         "link (0.15 more when it shares no number, name or place)."),
    translation_similarity: float = typer.Option(0.7, "--translation-similarity", help="Cosine from which a "
                                                 "cross-lingual link is called a translation."),
    near_threshold: float = typer.Option(0.6, "--near-threshold", help="Shingle Jaccard for a near-duplicate."),
    min_chars: int = typer.Option(40, "--min-chars", min=1, help="Shorter paragraphs are not matched."),
    kinds: str = typer.Option("verbatim,near,translation", help="Link kinds to look for."),
    across: str = typer.Option("outlet", help="Link paragraphs of different outlets, or of different actors."),
    members: bool = typer.Option(False, "--members", help="One row per chain member instead of per chain."),
    store: bool = typer.Option(True, "--store/--no-store", help="Keep the chains in the store (echo_* tables)."),
    output: Optional[Path] = OUTPUT,
) -> None:
    """Paragraph-level echoes across outlets (reprints, near-duplicates, translations), grouped into chains."""
    from lockstep.align.chains import EchoOptions, find_echoes

    options = EchoOptions(since=since, until=until, actors=actor, languages=lang, window_days=window_days,
                          min_similarity=min_similarity, translation_similarity=translation_similarity,
                          near_threshold=near_threshold, min_chars=min_chars,
                          kinds=tuple(k.strip() for k in kinds.split(",") if k.strip()), across=across, store=store)
    with open_store(db, write=store) as corpus:
        result = find_echoes(corpus, options)
    if members:
        show(result.members, output, "echo chain members",
             ["chain_id", "position", "outlet", "language", "published_at", "lag_hours", "kind", "similarity", "text"])
    else:
        show(result.chains, output, f"echo chains ({len(result.chains)})",
             ["first_published", "path", "n_members", "languages", "kinds", "span_hours", "text"])


def statements(
    db: Path = DB,
    speaker: Optional[str] = typer.Option(None, "--speaker", help="An official (any name form: 'Wang Yi', "
                                          "王毅, Захарова) or a name as written."),
    actor: Optional[list[str]] = ACTOR,
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    lang: Optional[str] = typer.Option(None, "--lang", help="Only paragraphs in this language."),
    officials: Optional[Path] = typer.Option(None, "--officials", help="YAML file extending the officials registry."),
    registered: bool = typer.Option(False, "--registered", help="Only speakers in the officials registry."),
    reuse: bool = typer.Option(True, "--reuse/--no-reuse", help="Group reuses and translations of a statement."),
    list_officials: bool = typer.Option(False, "--list-officials", help="Print the officials registry and exit."),
    output: Optional[Path] = OUTPUT,
) -> None:
    """Quotations and reported speech with their speaker, linked to officials, and where each statement travelled."""
    from lockstep.align.officials import load_officials, officials_table

    if list_officials:
        show(officials_table(load_officials(str(officials) if officials else None)), output, "officials")
        return
    from lockstep.align.reuse import StatementOptions, find_statements

    options = StatementOptions(speaker=speaker, actors=actor, since=since, until=until, language=lang,
                               officials_file=str(officials) if officials else None, registered_only=registered,
                               reuse=reuse)
    with open_store(db) as corpus:
        frame = find_statements(corpus, options)
    columns = ["published_at", "outlet", "speaker", "official", "verb", "content"]
    if reuse:
        columns += ["reuse_size", "reuse_kind"]
    show(frame, output, f"statements ({len(frame)})", columns)
