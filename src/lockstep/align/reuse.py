"""Statements across a corpus: who said what, where, and where the same statement travelled.

`find_statements` runs the extractor of :mod:`lockstep.align.statements` over the stored paragraphs (only those
that name a speaker, found with a cheap SQL pre-filter) and links each speaker to the officials registry. Every row
keeps the document, paragraph and character offsets of the statement's content.

`statement_reuse` groups statements of the same speaker whose content is the same statement reused, lightly edited
(character 4-gram Jaccard from MinHash) or translated (multilingual embeddings across languages), and statements
whose paragraphs are in one stored echo chain. Each group gets an id, its first outlet, the outlets in order, and each
statement's lag behind the first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

import lockstep.align.shingles as shingles
from lockstep.align.chains import stored_chains
from lockstep.align.officials import OfficialsRegistry, load_officials, needle
from lockstep.align.inputs import embed
from lockstep.align.statements import extract_statements
from lockstep.dedup.fingerprint import normalise_text
from lockstep.store.corpus import DocumentFilter
from lockstep.store.tables import paragraphs_naming

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

COLUMNS = ["speaker", "official", "role", "country", "verb", "form", "content", "outlet", "actor", "language",
           "published_at", "doc_id", "idx", "start_char", "end_char"]
REUSE_COLUMNS = ["reuse_id", "reuse_size", "reuse_outlets", "reuse_first_outlet", "reuse_lag_hours", "reuse_kind"]


@dataclass(slots=True, kw_only=True)
class StatementOptions:
    speaker: str | None = None          # a registered official (any name form) or a name as written
    actors: list[str] | None = None
    since: str | None = None
    until: str | None = None
    language: str | None = None
    officials_file: str | None = None
    registered_only: bool = False       # only speakers in the registry
    reuse: bool = True
    near_threshold: float = 0.5         # content Jaccard (character 4-grams) for an edited reuse
    min_similarity: float = 0.75        # content cosine for a translated reuse
    backend: str | None = None


def find_statements(corpus: "Corpus", options: StatementOptions | None = None) -> "pd.DataFrame":
    """One row per statement: speaker (as written), official, role, verb, form, content, where and when."""
    import pandas as pd

    options = options or StatementOptions()
    registry = load_officials(options.officials_file)
    official = registry.resolve(options.speaker) if options.speaker else None
    para = candidate_paragraphs(corpus, options, registry, official)
    rows = []
    for rec in para.itertuples(index=False):
        for st in extract_statements(rec.text, rec.language, registry):
            rows.append({"speaker": st.speaker, "official": st.official, "verb": st.verb, "form": st.form,
                         "content": st.content, "outlet": rec.outlet, "actor": rec.actor, "language": rec.language,
                         "published_at": rec.published_at, "doc_id": rec.doc_id, "idx": int(rec.idx),
                         "start_char": int(rec.start_char) + st.start, "end_char": int(rec.start_char) + st.end})
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("role", "country")])
    frame = keep_speaker(frame, options, official)
    people = registry.officials
    frame.insert(2, "role", frame["official"].map(lambda n: people[n].role if n in people else None))
    frame.insert(3, "country", frame["official"].map(lambda n: people[n].country if n in people else None))
    frame = frame.sort_values(["published_at", "doc_id", "idx", "start_char"]).reset_index(drop=True)
    if options.reuse and len(frame):
        frame = statement_reuse(corpus, frame, options)
    return frame


def keep_speaker(frame: "pd.DataFrame", options: StatementOptions, official) -> "pd.DataFrame":
    if options.registered_only:
        frame = frame[frame["official"].notna()]
    if official is not None:
        return frame[frame["official"] == official.name]
    if options.speaker:
        return frame[frame["speaker"].str.lower().str.contains(options.speaker.lower(), regex=False)]
    return frame


def candidate_paragraphs(corpus: "Corpus", options: StatementOptions, registry: OfficialsRegistry,
                         official) -> "pd.DataFrame":
    """Paragraphs that may hold a statement: those naming the speaker (or any official, or carrying a speech verb)."""
    where, params = DocumentFilter(actor=options.actors, since=options.since, until=options.until,
                                   language=options.language).where()
    if official is not None:
        needles = [needle(form, lang) for lang, forms in official.names for form in forms]
    elif options.speaker:
        needles = [options.speaker]
    else:
        needles = []
    return paragraphs_naming(corpus.con, where, params, needles)


# ---- reuse ---------------------------------------------------------------------------------------------------------


def statement_reuse(corpus: "Corpus | None", frame: "pd.DataFrame", options: StatementOptions,
                    vectors: np.ndarray | None = None) -> "pd.DataFrame":
    """Add reuse groups: the same statement (same speaker) reused, edited, translated or echoed."""
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components


    frame = frame.reset_index(drop=True)
    who = frame["official"].fillna(frame["speaker"].str.lower())
    links, kinds = [], []
    normalised = [normalise_text(c) for c in frame["content"]]
    sigs = shingles.signatures(shingles.shingle_hashes(normalised))
    times = np.zeros(len(frame), np.int64)
    same = shingles.neighbours_in_buckets(shingles.band_keys(sigs, *shingles.band_rows(options.near_threshold)),
                                          times, 64)
    if len(same):
        jac = shingles.estimated_jaccard(sigs, same)
        ok = (jac >= options.near_threshold) & (who.to_numpy()[same[:, 0]] == who.to_numpy()[same[:, 1]])
        links.append(same[ok])
        kinds += ["reused" if j >= 0.95 else "edited" for j in jac[ok]]
    translated = translation_links(frame, who, options, vectors)
    links.append(translated)
    kinds += ["translated"] * len(translated)
    echoed = echo_links(corpus, frame, who)
    links.append(echoed)
    kinds += ["echoed"] * len(echoed)
    pairs = np.concatenate(links) if links else np.zeros((0, 2), np.int64)
    n = len(frame)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    kind_of = pd.DataFrame({"row": np.concatenate([pairs[:, 0], pairs[:, 1]]) if len(pairs) else [],
                            "kind": kinds * 2}).drop_duplicates("row").set_index("row")["kind"]
    return add_groups(frame, label, kind_of)


def translation_links(frame: "pd.DataFrame", who: "pd.Series", options: StatementOptions,
                      vectors: np.ndarray | None) -> np.ndarray:
    """Pairs of the same speaker's statements in different languages whose contents embed close together."""
    found = []
    for _, rows in frame.groupby(who, sort=False).indices.items():
        langs = frame["language"].to_numpy()[rows]
        if len(rows) < 2 or len(set(langs) - {None}) < 2:
            continue
        if vectors is None:
            block = embed(frame["content"].iloc[rows].tolist(), options.backend)
        else:
            block = vectors[rows]
        sims = block @ block.T
        i, j = np.nonzero(np.triu(sims >= options.min_similarity, k=1))
        cross = langs[i] != langs[j]
        found.append(np.stack([rows[i[cross]], rows[j[cross]]], axis=1))
    return np.concatenate(found).astype(np.int64) if found else np.zeros((0, 2), np.int64)


def echo_links(corpus: "Corpus | None", frame: "pd.DataFrame", who: "pd.Series") -> np.ndarray:
    """Pairs of the same speaker's statements whose paragraphs sit in one stored echo chain."""
    if corpus is None:
        return np.zeros((0, 2), np.int64)

    chains = stored_chains(corpus)
    if chains.empty:
        return np.zeros((0, 2), np.int64)
    chain_of = {(d, int(i)): c for d, i, c in zip(chains["doc_id"], chains["idx"], chains["chain_id"])}
    keyed = [(chain_of.get((d, int(i))), w) for d, i, w in zip(frame["doc_id"], frame["idx"], who)]
    first: dict[tuple, int] = {}
    pairs = []
    for row, key in enumerate(keyed):
        if key[0] is None:
            continue
        if key in first:
            pairs.append((first[key], row))
        else:
            first[key] = row
    return np.array(pairs, np.int64).reshape(-1, 2)


def add_groups(frame: "pd.DataFrame", label: np.ndarray, kind_of: "pd.Series") -> "pd.DataFrame":
    out = frame.assign(_group=label)
    size = out.groupby("_group")["doc_id"].transform("size")
    first_time = out.groupby("_group")["published_at"].transform("min")
    out["reuse_size"] = size
    out["reuse_id"] = out.groupby("_group")["doc_id"].transform("first") + ":" + \
        out.groupby("_group")["start_char"].transform("first").astype(str)
    out["reuse_id"] = out["reuse_id"].map(lambda s: hashlib.sha1(s.encode()).hexdigest()[:10])
    outlets = out.groupby("_group")["outlet"].agg(lambda s: " -> ".join(dict.fromkeys(s.fillna("?"))))
    out["reuse_outlets"] = out["_group"].map(outlets)
    out["reuse_first_outlet"] = out["_group"].map(out.groupby("_group")["outlet"].first())
    out["reuse_lag_hours"] = (out["published_at"] - first_time).dt.total_seconds() / 3600
    out["reuse_kind"] = [kind_of.get(i, "single") if s > 1 else "single" for i, s in zip(out.index, size)]
    return out.drop(columns="_group")
