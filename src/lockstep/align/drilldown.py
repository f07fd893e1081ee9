"""Drill-down from one cell of the alignment index to what drives it: narratives, terms, phrases and paragraphs.

* ``narratives``: each narrative's share of the two actors' narrative hits, the part it shares (min of the
  shares) and its part of the divergence (the `jsd_parts`, which sum to JSD = 1 - narratives_jsd);
* ``terms``: each lemma's weight (log-ratio against the pair's reference, every other actor) for both actors and its contribution to the cosine (the products of the
  normalised weights; they sum to terms_cosine);
* ``phrases``: distinctive phrases of either actor, whether both use them;
* ``paragraphs``: the paragraphs of both actors that carry the top drivers, with document id, paragraph number and
  character offsets, so each number goes back to text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

import lockstep.align.measures as stats
from lockstep.align.features import as_families, family_lexicon, phrases_of, terms_of, token_rows
from lockstep.align.alignment_index import AlignOptions, Profiles, build_profiles
from lockstep.align.inputs import has_narratives
from lockstep.align.inputs import narrative_hits
from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus


@dataclass(slots=True, kw_only=True)
class DrillOptions:
    actors: tuple[str, str]
    period: str                       # the period label of the cell: 2022-03, 2022-03-07 (week), 2022Q1, all
    period_kind: str = "month"
    on: str = "both"
    since: str | None = None          # the window the alignment ran on (it fixes the background)
    until: str | None = None
    top: int = 20
    paragraphs_per_actor: int = 10
    min_count: int = 2
    narrative_level: int | None = 1
    families: bool = True


@dataclass(slots=True)
class Drill:
    narratives: "pd.DataFrame"
    terms: "pd.DataFrame"
    phrases: "pd.DataFrame"
    paragraphs: "pd.DataFrame"
    sizes: dict[str, int] = field(default_factory=dict)


def drill(corpus: "Corpus", options: DrillOptions, profiles: Profiles | None = None) -> Drill:
    """The narratives, terms, phrases and paragraphs behind one pair of actors in one period."""
    import pandas as pd


    a, b = options.actors
    align = AlignOptions(actors=[a, b], period=options.period_kind, on=options.on, since=options.since,
                         until=options.until, min_count=options.min_count, narrative_level=options.narrative_level,
                         families=options.families)
    measures = align.measures(has_narratives(corpus))
    profiles = profiles or build_profiles(corpus, align, measures)
    units = profiles.units
    in_period = units["period"] == options.period
    rows_a = np.flatnonzero(in_period & (units["actor"] == a))
    rows_b = np.flatnonzero(in_period & (units["actor"] == b))
    if not len(rows_a) or not len(rows_b):
        periods = ", ".join(sorted(units["period"].unique())[:12])
        raise InputError(f"no documents of both {a} and {b} in period {options.period!r} "
                         f"({len(rows_a)} and {len(rows_b)}; periods: {periods})")
    empty = pd.DataFrame()
    narratives = narrative_drivers(profiles, rows_a, rows_b, a, b) if "narratives" in profiles.views else empty
    terms = term_drivers(profiles, rows_a, rows_b, a, b) if "terms" in profiles.views else empty
    phrases = phrase_drivers(profiles, rows_a, rows_b, a, b, options.min_count) if "phrases" in profiles.views \
        else empty
    paragraphs = driving_paragraphs(corpus, units, rows_a, rows_b, narratives, terms, phrases, options)
    return Drill(narratives.head(options.top) if len(narratives) else narratives,
                 terms.head(options.top) if len(terms) else terms,
                 phrases.head(options.top) if len(phrases) else phrases, paragraphs,
                 {a: len(rows_a), b: len(rows_b)})


def view_counts(profiles: Profiles, view: str, rows: np.ndarray) -> np.ndarray:
    return np.asarray(profiles.views[view].matrix[rows].sum(axis=0)).ravel()


def narrative_drivers(profiles: Profiles, rows_a, rows_b, a: str, b: str) -> "pd.DataFrame":
    import pandas as pd

    ca, cb = view_counts(profiles, "narratives", rows_a), view_counts(profiles, "narratives", rows_b)
    used = (ca + cb) > 0
    names = profiles.views["narratives"].names[used]
    ca, cb = ca[used], cb[used]
    pa, pb = ca / max(ca.sum(), 1), cb / max(cb.sum(), 1)
    frame = pd.DataFrame({"narrative": names, f"docs_{a}": ca.astype(int), f"docs_{b}": cb.astype(int),
                          f"share_{a}": pa, f"share_{b}": pb, "shared": np.minimum(pa, pb),
                          "divergence_part": stats.jsd_parts(ca, cb) if len(ca) else []})
    return frame.sort_values(["shared", "divergence_part"], ascending=[False, True]).reset_index(drop=True)


def term_drivers(profiles: Profiles, rows_a, rows_b, a: str, b: str) -> "pd.DataFrame":
    import pandas as pd

    ca, cb = view_counts(profiles, "terms", rows_a), view_counts(profiles, "terms", rows_b)
    cols = np.flatnonzero((ca + cb) > 0)
    reference, total, _ = profiles.reference("terms", (a, b), cols)
    wa, wb = np.zeros(len(ca)), np.zeros(len(cb))
    wa[cols] = stats.log_ratio_weights(ca[cols], reference, total)[0]
    wb[cols] = stats.log_ratio_weights(cb[cols], reference, total)[0]
    norm = np.linalg.norm(wa) * np.linalg.norm(wb)
    contribution = wa * wb / norm if norm else np.zeros_like(wa)
    used = (wa > 0) | (wb > 0)
    frame = pd.DataFrame({"term": profiles.views["terms"].names[used], f"count_{a}": ca[used].astype(int),
                          f"count_{b}": cb[used].astype(int), f"keyness_{a}": wa[used], f"keyness_{b}": wb[used],
                          "contribution": contribution[used]})
    frame["shared"] = (frame[f"keyness_{a}"] > 0) & (frame[f"keyness_{b}"] > 0)
    order = frame[f"keyness_{a}"] + frame[f"keyness_{b}"]
    return frame.assign(_o=order).sort_values(["contribution", "_o"], ascending=False).drop(columns="_o") \
        .reset_index(drop=True)


def phrase_drivers(profiles: Profiles, rows_a, rows_b, a: str, b: str, min_count: int) -> "pd.DataFrame":
    import pandas as pd

    ca, cb = view_counts(profiles, "phrases", rows_a), view_counts(profiles, "phrases", rows_b)
    reference, total, _ = profiles.reference("phrases", (a, b), np.arange(len(ca)))
    da = stats.distinctive(ca, reference, total, min_count=min_count)[0] if total else ca >= min_count
    db = stats.distinctive(cb, reference, total, min_count=min_count)[0] if total else cb >= min_count
    used = da | db
    frame = pd.DataFrame({"phrase": profiles.views["phrases"].names[used], f"count_{a}": ca[used].astype(int),
                          f"count_{b}": cb[used].astype(int), f"distinctive_{a}": da[used],
                          f"distinctive_{b}": db[used]})
    frame["shared"] = frame[f"distinctive_{a}"] & frame[f"distinctive_{b}"]
    frame["uses"] = frame[f"count_{a}"] + frame[f"count_{b}"]
    return frame.sort_values(["shared", "uses"], ascending=False).drop(columns="uses").reset_index(drop=True)


def driving_paragraphs(corpus: "Corpus", units: "pd.DataFrame", rows_a, rows_b, narratives, terms, phrases,
                       options: DrillOptions) -> "pd.DataFrame":
    """Paragraphs of either actor that carry the shared drivers, most drivers first."""
    import pandas as pd


    shared_terms = set(terms.loc[terms["shared"], "term"].head(options.top)) if len(terms) else set()
    shared_phrases = set(phrases.loc[phrases["shared"], "phrase"].head(options.top)) if len(phrases) else set()
    shared_narr = set(narratives.loc[narratives["shared"] > 0, "narrative"].head(options.top)) if len(narratives) \
        else set()
    hits = narrative_paragraphs(corpus, shared_narr, options.narrative_level)
    out = []
    for rows in (rows_a, rows_b):
        ids = units.loc[rows, "doc_id"].tolist()
        para = corpus.paragraphs(DocumentFilter(ids=ids))
        for rec in para.itertuples(index=False):
            tokens = token_rows(rec.text, rec.language)
            tokens = as_families(tokens, family_lexicon()) if options.families else tokens
            found = sorted(set(terms_of(tokens)) & shared_terms) + sorted(set(phrases_of(tokens)) & shared_phrases)
            found += sorted(hits.get((rec.doc_id, int(rec.idx)), set()))
            if found:
                out.append({"actor": rec.actor, "outlet": rec.outlet, "doc_id": rec.doc_id, "idx": int(rec.idx),
                            "start_char": int(rec.start_char), "end_char": int(rec.end_char),
                            "published_at": rec.published_at, "drivers": ", ".join(found),
                            "n_drivers": len(found), "text": rec.text})
    frame = pd.DataFrame(out, columns=["actor", "outlet", "doc_id", "idx", "start_char", "end_char", "published_at",
                                       "drivers", "n_drivers", "text"])
    frame = frame.sort_values(["actor", "n_drivers", "published_at"], ascending=[True, False, True])
    return frame.groupby("actor", sort=False).head(options.paragraphs_per_actor).reset_index(drop=True)


def narrative_paragraphs(corpus: "Corpus", narratives: set[str],
                         level: int | None) -> dict[tuple[str, int], set[str]]:
    if not narratives:
        return {}

    hits = narrative_hits(corpus, None, level)
    hits = hits[hits["narrative"].isin(narratives)]
    out: dict[tuple[str, int], set[str]] = {}
    for doc, idx, narrative in zip(hits["doc_id"], hits["idx"], hits["narrative"]):
        out.setdefault((doc, int(idx)), set()).add(str(narrative))
    return out
