"""Echoes: the same paragraph published by different outlets within a time window, grouped into chains.

Three kinds of link between paragraphs of different outlets published within `window_days` of each other:

* ``verbatim``     the same normalised text (a reprint);
* ``near``         MinHash-estimated shingle Jaccard of at least `near_threshold` (a lightly edited reprint);
* ``translation``  multilingual embeddings across languages, mutual nearest neighbours at or above
                   `translation_similarity`, with a lexical check (see :mod:`lockstep.align.crosslingual`);
* ``cross-lingual`` the same, between `min_similarity` and `translation_similarity`: the same story told in
                   another language (with this model, Chinese translations of English often land here too).

A near-duplicate must carry the same numbers as its source, so templated headlines ("Chinese mainland records 151
new confirmed COVID-19 cases" one day, "... 38 ..." the next) are not one item.

Linked paragraphs form chains (connected components) ordered by time: the first member is the chain's source,
every other member has its lag behind it and the link that brought it in (its closest earlier member). Chains are
stored in `echo_chains` and `echo_members` (the latest run; `echo_runs` records its options), so other statistics
can count a chain once: join paragraphs on (doc_id, idx) to `echo_members.chain_id`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

import lockstep.align.shingles as shingles
import lockstep.align.tables as tables
from lockstep.align.crosslingual import NUMBER
from lockstep.align.crosslingual import TranslationOptions, candidate_pairs, verified
from lockstep.align.inputs import paragraph_vectors
from lockstep.dedup.fingerprint import normalise_text
from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter
from lockstep.store.tables import dated_paragraphs

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

KINDS = ("verbatim", "near", "translation")  # what to look for; translation also yields cross-lingual links
CORE_LANGUAGES = ("en", "ru", "zh")  # always matched for translations when present (DESIGN: multilingual)
HAN_CHAR = r"[\u4e00-\u9fff]"
HAN_WEIGHT = 3
KIND_RANK = {"verbatim": 0, "near": 1, "translation": 2, "cross-lingual": 3}


@dataclass(slots=True, kw_only=True)
class EchoOptions:
    """Which paragraphs to match, and how closely."""

    since: str | None = None
    until: str | None = None
    actors: list[str] | None = None
    languages: list[str] | None = None      # for translations; None: en, ru, zh and any language with
    min_language_share: float = 0.02        # this share of the paragraphs (a few misdetected as Latvian are not)
    window_days: float = 7.0
    near_threshold: float = 0.6             # shingle Jaccard
    min_similarity: float = 0.55            # embedding cosine for a cross-lingual link
    unanchored_margin: float = 0.10         # more cosine a link needs when the two share no anchor (name, number)
    translation_similarity: float = 0.7     # from here on a cross-lingual link is called a translation
    min_chars: int = 40                     # shorter paragraphs are too generic (a Chinese character counts 3)
    kinds: tuple[str, ...] = KINDS
    across: str = "outlet"                  # links only between different outlets (or actors)
    backend: str | None = None              # embedding backend (default: the shared one)
    max_neighbours: int = 32                # per bucket, each paragraph is paired with its next ones in time
    store: bool = True

    def check(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise InputError(f"unknown echo kind(s) {', '.join(sorted(unknown))}; use {', '.join(KINDS)}")
        if self.across not in ("outlet", "actor"):
            raise InputError("--across: use outlet or actor")
        if not 0 < self.near_threshold <= 1 or not -1 <= self.min_similarity <= 1:
            raise InputError("--near-threshold must be in (0, 1] and --min-similarity in [-1, 1]")


@dataclass(slots=True)
class Echoes:
    chains: "pd.DataFrame"
    members: "pd.DataFrame"
    links: "pd.DataFrame"
    timings: dict[str, float] = field(default_factory=dict)


def find_echoes(corpus: "Corpus", options: EchoOptions | None = None, *,
                paragraphs: "pd.DataFrame | None" = None, vectors: np.ndarray | None = None) -> Echoes:
    """Echo chains in the store (or in the `paragraphs` given, with their `vectors` for translations)."""
    import time

    options = options or EchoOptions()
    options.check()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    para = paragraphs if paragraphs is not None else load_paragraphs(corpus, options)
    para = eligible(para, options)
    timings["load"] = time.perf_counter() - t0
    links = find_links(corpus, para, options, vectors, timings)
    t1 = time.perf_counter()
    chains, members = build_chains(para, links, options)
    timings["chains"] = time.perf_counter() - t1
    if options.store and corpus is not None and not corpus.read_only:
        store_echoes(corpus, chains, members, options)
    return Echoes(chains, members, links, timings)


def load_paragraphs(corpus: "Corpus", options: EchoOptions) -> "pd.DataFrame":
    where, params = DocumentFilter(actor=options.actors, since=options.since, until=options.until).where()
    return dated_paragraphs(corpus.con, where, params, options.min_chars // HAN_WEIGHT)


def eligible(para: "pd.DataFrame", options: EchoOptions) -> "pd.DataFrame":
    para = para[para["published_at"].notna() & (weighted_length(para["text"]) >= options.min_chars)].copy()
    para["group"] = para["outlet" if options.across == "outlet" else "actor"].fillna("?")
    para = para.sort_values(["published_at", "doc_id", "idx"]).reset_index(drop=True)
    para["normalised"] = [normalise_text(t) for t in para["text"]]
    return para


# ---- links --------------------------------------------------------------------------------------------------------


def weighted_length(texts: "pd.Series") -> "pd.Series":
    """Length in characters, a Chinese character counting as HAN_WEIGHT (it carries about a word)."""
    return texts.str.len() + (HAN_WEIGHT - 1) * texts.str.count(HAN_CHAR)


def find_links(corpus: "Corpus | None", para: "pd.DataFrame", options: EchoOptions,
               vectors: np.ndarray | None, timings: dict[str, float]) -> "pd.DataFrame":
    import time

    import pandas as pd

    times = seconds(para["published_at"])
    groups = pd.factorize(para["group"])[0]
    window = options.window_days * 86400
    frames = []
    t = time.perf_counter()
    if "verbatim" in options.kinds:
        keys = pd.factorize(para["normalised"])[0].astype(np.uint64)
        pairs = shingles.neighbours_in_buckets(keys, times, options.max_neighbours)
        frames.append(link_frame(pairs, np.ones(len(pairs)), "verbatim", times, groups, window))
    timings["verbatim"] = time.perf_counter() - t
    t = time.perf_counter()
    if "near" in options.kinds:
        frames.append(near_links(para, times, groups, window, options))
    timings["near"] = time.perf_counter() - t
    t = time.perf_counter()
    if "translation" in options.kinds:
        frames.append(translation_links(corpus, para, times, groups, options, vectors, timings))
    timings["translation"] = time.perf_counter() - t
    links = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) \
        else link_frame(np.zeros((0, 2), np.int64), np.zeros(0), "verbatim", times, groups, window)
    links["rank"] = links["kind"].map(KIND_RANK)
    links = links.sort_values(["rank", "similarity"], ascending=[True, False])
    return links.drop_duplicates(["i", "j"]).drop(columns="rank").reset_index(drop=True)


def link_frame(pairs: np.ndarray, sims: np.ndarray, kind: str, times: np.ndarray, groups: np.ndarray,
               window: float, shared: np.ndarray | None = None) -> "pd.DataFrame":
    """Pairs across groups within the window, as (i, j, kind, similarity, shared_anchors) with i earlier."""
    import pandas as pd

    pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
    keep = (groups[pairs[:, 0]] != groups[pairs[:, 1]]) & (np.abs(times[pairs[:, 0]] - times[pairs[:, 1]]) <= window)
    pairs, sims = pairs[keep], np.asarray(sims, float)[keep]
    shared = np.zeros(len(pairs), np.int64) if shared is None else np.asarray(shared)[keep]
    swap = times[pairs[:, 1]] < times[pairs[:, 0]]
    pairs[swap] = pairs[swap][:, ::-1]
    return pd.DataFrame({"i": pairs[:, 0], "j": pairs[:, 1], "kind": kind, "similarity": sims,
                         "shared_anchors": shared})


def near_links(para: "pd.DataFrame", times: np.ndarray, groups: np.ndarray, window: float,
               options: EchoOptions) -> "pd.DataFrame":
    shingled = shingles.shingle_hashes(para["normalised"].tolist())
    sigs = shingles.signatures(shingled)
    bands, rows = shingles.band_rows(options.near_threshold)
    pairs = shingles.neighbours_in_buckets(shingles.band_keys(sigs, bands, rows), times, options.max_neighbours)
    keep = (groups[pairs[:, 0]] != groups[pairs[:, 1]]) & (np.abs(times[pairs[:, 0]] - times[pairs[:, 1]]) <= window)
    pairs = pairs[keep]
    jaccard = shingles.estimated_jaccard(sigs, pairs)
    jaccard = shingles.exact_near_threshold(shingled, pairs, jaccard, options.near_threshold)
    good = jaccard >= options.near_threshold
    pairs, jaccard = pairs[good], jaccard[good]
    same_numbers = np.array([numbers_agree(para.at[int(a), "text"], para.at[int(b), "text"]) for a, b in pairs],
                            dtype=bool)
    return link_frame(pairs[same_numbers], jaccard[same_numbers], "near", times, groups, window)


def numbers_agree(a: str, b: str) -> bool:
    """An edited reprint keeps its numbers: both texts carry the same ones (or one of them carries none)."""
    left, right = set(NUMBER.findall(a)), set(NUMBER.findall(b))
    return not left or not right or left == right


def translation_links(corpus: "Corpus | None", para: "pd.DataFrame", times: np.ndarray, groups: np.ndarray,
                      options: EchoOptions, vectors: np.ndarray | None, timings: dict[str, float]) -> "pd.DataFrame":
    import time

    import pandas as pd

    languages = para["language"].fillna("").to_numpy(dtype=object)
    if options.languages:
        taking_part = list(options.languages)
    else:
        counts = para["language"].value_counts()
        taking_part = [lang for lang, n in counts.items()
                       if lang in CORE_LANGUAGES or n >= options.min_language_share * len(para)]
    languages = np.where(np.isin(languages, taking_part), languages, "")
    window = options.window_days * 86400
    if len({lang for lang in languages if lang}) < 2:
        return link_frame(np.zeros((0, 2), np.int64), np.zeros(0), "translation", times, groups, window)
    t = time.perf_counter()
    if vectors is None:
        vectors = paragraph_vectors_for(corpus, para, languages, options)
    timings["embed"] = time.perf_counter() - t
    settings = TranslationOptions(min_similarity=options.min_similarity, window_seconds=window,
                                  unanchored_margin=options.unanchored_margin)
    pairs, sims = candidate_pairs(vectors, languages, times.astype(np.float64), groups, settings)
    pairs, sims, shared = verified(pairs, sims, para["text"].tolist(), settings)
    confident = sims >= options.translation_similarity
    return pd.concat([link_frame(pairs[confident], sims[confident], "translation", times, groups, window,
                                 shared[confident]),
                      link_frame(pairs[~confident], sims[~confident], "cross-lingual", times, groups, window,
                                 shared[~confident])], ignore_index=True)


def paragraph_vectors_for(corpus: "Corpus | None", para: "pd.DataFrame", languages: np.ndarray,
                          options: EchoOptions) -> np.ndarray:
    """Vectors for the paragraphs taking part in translation matching (from the store's cache), zero elsewhere."""
    if corpus is None:
        raise InputError("translation matching needs a store (for cached embeddings) or vectors")
    position = {(d, int(i)): n for n, (d, i) in enumerate(zip(para["doc_id"], para["idx"]))}
    out = None
    for lang in sorted({lang for lang in languages if lang}):
        keys, matrix = paragraph_vectors(corpus, DocumentFilter(actor=options.actors, language=lang,
                                                                since=options.since, until=options.until),
                                         options.backend)
        if out is None:
            out = np.zeros((len(para), matrix.shape[1] if matrix.size else 512), np.float32)
        for (d, i), row in zip(zip(keys["doc_id"], keys["idx"]), matrix):
            n = position.get((d, int(i)))
            if n is not None:
                out[n] = row
    return out if out is not None else np.zeros((len(para), 512), np.float32)


def seconds(published: "pd.Series") -> np.ndarray:
    import pandas as pd

    return (pd.to_datetime(published).astype("datetime64[s]").astype(np.int64)).to_numpy()


# ---- chains -------------------------------------------------------------------------------------------------------


MEMBER_COLUMNS = ["chain_id", "doc_id", "idx", "position", "outlet", "actor", "language", "published_at",
                  "lag_hours", "kind", "similarity", "parent_doc_id", "parent_idx", "shared_anchors", "text"]
CHAIN_COLUMNS = ["chain_id", "first_doc_id", "first_idx", "first_outlet", "first_actor", "first_published", "path",
                 "n_members", "n_outlets", "n_actors", "languages", "kinds", "span_hours", "median_lag_hours", "text"]


def build_chains(para: "pd.DataFrame", links: "pd.DataFrame", options: EchoOptions) -> tuple["pd.DataFrame",
                                                                                                "pd.DataFrame"]:
    """Connected components of the links, each ordered by time, with each member's parent link."""
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if links.empty:
        return pd.DataFrame(columns=CHAIN_COLUMNS), pd.DataFrame(columns=MEMBER_COLUMNS)
    n = len(para)
    graph = coo_matrix((np.ones(len(links)), (links["i"], links["j"])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    linked = np.unique(np.concatenate([links["i"].to_numpy(), links["j"].to_numpy()]))
    members = para.loc[linked, ["doc_id", "idx", "outlet", "actor", "language", "published_at", "group", "text"]]
    members = members.assign(component=label[linked], row=linked)
    members = members[members.groupby("component")["group"].transform("nunique") >= 2]
    members = members.sort_values(["component", "published_at", "doc_id", "idx"])
    members["position"] = members.groupby("component").cumcount()
    first = members.groupby("component")["published_at"].transform("min")
    members["lag_hours"] = (members["published_at"] - first).dt.total_seconds() / 3600
    members["chain_id"] = members.groupby("component")["doc_id"].transform("first") + ":" + \
        members.groupby("component")["idx"].transform("first").astype(str)
    members["chain_id"] = members["chain_id"].map(lambda s: hashlib.sha1(s.encode()).hexdigest()[:12])
    members = attach_parents(members, para, links)
    chains = summarise(members)
    return chains, members[MEMBER_COLUMNS].reset_index(drop=True)


def attach_parents(members: "pd.DataFrame", para: "pd.DataFrame", links: "pd.DataFrame") -> "pd.DataFrame":
    """Each member's link into the chain: to an earlier member when it has one (the strongest kind first, then the
    highest similarity), else to the later member it is linked to (a branch that joined through a later echo)."""
    both = pd_concat_links(links)
    both = both[both["child"].isin(set(members["row"]))]
    both["rank"] = both["kind"].map(KIND_RANK)
    best = both.sort_values(["child", "later", "rank", "similarity"], ascending=[True, True, True, False])
    best = best.drop_duplicates("child")
    best = best.set_index("child")
    out = members.copy()
    out["kind"] = out["row"].map(best["kind"]).where(out["position"] > 0, "first")
    out["similarity"] = out["row"].map(best["similarity"]).where(out["position"] > 0)
    out["shared_anchors"] = out["row"].map(best["shared_anchors"]).where(out["position"] > 0)
    parent = out["row"].map(best["parent"])
    out["parent_doc_id"] = parent.map(lambda r: para.at[int(r), "doc_id"] if r == r else None).where(out["position"] > 0)
    out["parent_idx"] = parent.map(lambda r: para.at[int(r), "idx"] if r == r else None).where(out["position"] > 0)
    return out


def pd_concat_links(links: "pd.DataFrame") -> "pd.DataFrame":
    """Links in both directions as (child, parent, later) rows; i is the earlier paragraph of each link."""
    import pandas as pd

    cols = ["kind", "similarity", "shared_anchors"]
    forward = links.rename(columns={"j": "child", "i": "parent"})[["child", "parent", *cols]].assign(later=False)
    backward = links.rename(columns={"i": "child", "j": "parent"})[["child", "parent", *cols]].assign(later=True)
    return pd.concat([forward, backward], ignore_index=True)


def summarise(members: "pd.DataFrame") -> "pd.DataFrame":
    import pandas as pd

    rows = []
    for chain_id, group in members.groupby("chain_id", sort=False):
        head = group.iloc[0]
        path = list(dict.fromkeys(group["outlet"].fillna("?")))
        rows.append({"chain_id": chain_id, "first_doc_id": head["doc_id"], "first_idx": int(head["idx"]),
                     "first_outlet": head["outlet"], "first_actor": head["actor"],
                     "first_published": head["published_at"], "path": " -> ".join(path),
                     "n_members": len(group), "n_outlets": group["outlet"].nunique(),
                     "n_actors": group["actor"].nunique(),
                     "languages": ",".join(dict.fromkeys(group["language"].fillna("?"))),
                     "kinds": ",".join(sorted(set(group["kind"]) - {"first"}, key=KIND_RANK.get)),
                     "span_hours": float(group["lag_hours"].max()),
                     "median_lag_hours": float(group["lag_hours"].iloc[1:].median()),
                     "text": head["text"]})
    frame = pd.DataFrame(rows, columns=CHAIN_COLUMNS)
    return frame.sort_values(["first_published", "chain_id"]).reset_index(drop=True)


# ---- the store ----------------------------------------------------------------------------------------------------


def store_echoes(corpus: "Corpus", chains: "pd.DataFrame", members: "pd.DataFrame", options: EchoOptions) -> None:
    """Replace the stored chains with this run's (one transaction)."""
    settings = json.dumps({k: v for k, v in asdict(options).items() if k != "store"}, default=str, sort_keys=True)
    run_id = hashlib.sha1(settings.encode()).hexdigest()[:12]
    if len(chains):
        chains, members = chains[CHAIN_COLUMNS], members[[c for c in MEMBER_COLUMNS if c != "text"]]
    tables.replace_echoes(corpus.con, chains, members, run_id, settings)


def stored_chains(corpus: "Corpus") -> "pd.DataFrame":
    """Paragraph -> chain map of the latest run: (doc_id, idx, chain_id, position); empty when none was run."""
    return tables.stored_chains(corpus.con)
