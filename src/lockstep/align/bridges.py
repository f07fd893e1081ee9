"""Term bridges across scripts: one name or cognate written in Latin and in Cyrillic (Pelosi = Пелоси, Kramatorsk
= Краматорск, president = президент, NATO = НАТО) becomes one term, so a Russian-language outlet and an
English-language one can share key terms and a query given in one language finds the other.

Two words bridge when their *skeletons* agree: the Cyrillic word transliterated, both reduced to their first letter
and their consonants after folding spellings that transliteration confuses (kh/h, ts/c/z, ch/c, y/i/j, w/v...),
and their transliterated spellings are alike (difflib ratio ≥ `min_ratio`). Only words of five letters or more
(three for all-capital acronyms) bridge, and each word bridges to its single best partner in the other script.
Chinese has no such path: Chinese terms meet the others through term families (data/term_families.yaml) and, for
echoes, multilingual embeddings.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Iterable

from lockstep.align.crosslingual import TRANSLIT
from lockstep.terms.families import load_families

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN = re.compile(r"^[a-z][a-z\-]*$")
FOLDS = [("shch", "s"), ("sch", "s"), ("sh", "s"), ("zh", "z"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("ch", "c"),
         ("ph", "f"), ("th", "t"), ("ck", "k"), ("qu", "kv"), ("x", "ks"), ("w", "v"), ("j", "i"), ("y", "i"),
         ("z", "s"), ("c", "k"), ("h", "")]
VOWELS = set("aeiou")
MIN_LETTERS = 5


def latin(word: str) -> str:
    """The word in Latin letters (Cyrillic transliterated), lower case."""
    return word.lower().translate(TRANSLIT)


def folded(word: str) -> str:
    """The Latin spelling with the letters transliteration confuses folded together: Тайвань, Taiwan -> taivan."""
    text = latin(word).replace("-", "")
    for old, new in FOLDS:
        text = text.replace(old, new)
    return text


def skeleton(word: str) -> str:
    """First letter and consonants of the folded Latin spelling: Пелоси, Pelosi -> pls; Байден, Biden -> bdn."""
    text = folded(word)
    if not text:
        return ""
    rest = "".join(ch for ch in text[1:] if ch not in VOWELS)
    return text[0] + re.sub(r"(.)\1+", r"\1", rest)


def bridgeable(word: str) -> bool:
    return len(word) >= MIN_LETTERS and (bool(CYRILLIC.search(word)) or bool(LATIN.match(word.lower())))


def script_bridges(words: Iterable[str], min_ratio: float = 0.7) -> dict[str, str]:
    """Word -> bridge term ("~" + the Latin word) for each Cyrillic word and Latin word that bridge (mutual best
    match by spelling among those with the same skeleton)."""
    by_key: dict[str, tuple[list[str], list[str]]] = {}
    for word in set(words):
        if not bridgeable(word):
            continue
        key = skeleton(word)
        if len(key) < 3:
            continue
        side = 0 if CYRILLIC.search(word) else 1
        by_key.setdefault(key, ([], []))[side].append(word)
    out: dict[str, str] = {}
    for cyrillic, latin_words in by_key.values():
        if cyrillic and latin_words:
            out.update(pair_up(cyrillic, latin_words, min_ratio))
    return out


def pair_up(cyrillic: list[str], latin_words: list[str], min_ratio: float) -> dict[str, str]:
    scored = sorted(((SequenceMatcher(None, folded(c), folded(w)).ratio(), c, w) for c in cyrillic
                     for w in latin_words), reverse=True)
    out: dict[str, str] = {}
    used: set[str] = set()
    for ratio, c, w in scored:
        if ratio < min_ratio or c in used or w in used:
            continue
        used |= {c, w}
        out[c] = out[w] = f"~{w.lower()}"
    return out


def bridged(rows: list[tuple[str, bool, int]], bridges: dict[str, str]) -> list[tuple[str, bool, int]]:
    """Token rows (lemma, is_stopword, sentence) with bridged lemmas replaced by their bridge term."""
    if not bridges:
        return rows
    return [(bridges.get(lemma, lemma), stop, sentence) for lemma, stop, sentence in rows]


# ---- bridges by meaning (multilingual word embeddings) -----------------------------------------------------------

PIVOT = ("en", "ru", "zh")   # a bridge term is named after its word in the first of these languages


def embedding_bridges(counts: dict[str, dict[str, int]], min_cosine: float = 0.8, top: int = 5000,
                      min_count: int = 2) -> dict[str, str]:
    """Word -> bridge term ("≈" + its word in the pivot language) for words of different languages that are each
    other's nearest neighbour among the `top` most frequent words of the other language (used `min_count` times
    or more) in the default multilingual embedding space, with cosine ≥ `min_cosine`: сотрудничество =
    cooperation = 合作. Measured on the 2022 headlines: at 0.8 the pairs are translations (президент = president,
    ограничение = restriction); below 0.75 near misses appear (тайвань = thailand), which is why the spelling
    bridges (`script_bridges`) are applied first."""
    from lockstep.enrich.embeddings import get_backend

    languages = sorted((lang for lang in counts if lang in PIVOT), key=PIVOT.index)
    words = {lang: frequent_words(counts[lang], top, min_count) for lang in languages}
    words = {lang: w for lang, w in words.items() if w}
    if len(words) < 2:
        return {}
    backend = get_backend()
    vectors = {lang: backend.embed(w) for lang, w in words.items()}
    out: dict[str, str] = {}
    ordered = list(words)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            for a, b in mutual_neighbours(vectors[first], vectors[second], min_cosine):
                wa, wb = words[first][a], words[second][b]
                term = out.get(wa) or out.get(wb) or f"≈{wa}"
                out.setdefault(wa, term)
                out.setdefault(wb, term)
    return out


def frequent_words(counts: dict[str, int], top: int, min_count: int) -> list[str]:
    """The `top` most used words (letters only, two or more; bridge and family tokens left out)."""
    ranked = sorted(((n, w) for w, n in counts.items() if n >= min_count and len(w) >= 2 and w.isalpha()),
                    reverse=True)
    return [w for _, w in ranked[:top]]


def mutual_neighbours(x, y, min_cosine: float) -> list[tuple[int, int]]:
    """Index pairs (i, j): row i of x and row j of y are each other's nearest neighbour, cosine ≥ min_cosine
    (rows L2-normalised)."""
    similarity = x @ y.T
    best_y, best_x = similarity.argmax(axis=1), similarity.argmax(axis=0)
    return [(i, int(j)) for i, j in enumerate(best_y) if best_x[j] == i and similarity[i, j] >= min_cosine]


# ---- query expansion ---------------------------------------------------------------------------------------------

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def expand_forms(forms: list[str], vocabulary: Iterable[str], min_ratio: float = 0.75) -> list[str]:
    """The forms of a query plus their spellings in the other script found in `vocabulary` (words of the corpus):
    `Kramatorsk` adds `краматорск*`, `biolab*` adds `биолаб*`, `Пелоси` adds `pelosi*`. A form ending in `*`
    matches words that start with it. Term-family members are added by `family_forms`."""
    vocabulary = {w.lower() for w in vocabulary if len(w) >= 3}
    out = list(forms)
    for form in forms:
        stem = form.rstrip("*").strip().lower()
        if " " in stem or len(stem) < 4 or not (CYRILLIC.search(stem) or LATIN.match(stem)):
            continue
        other = [w for w in vocabulary if bool(CYRILLIC.search(w)) != bool(CYRILLIC.search(stem))]
        found = matching_stems(stem, other, min_ratio, wildcard=form.endswith("*"))
        out += [f"{w}*" for w in found]
    return list(dict.fromkeys(out))


def matching_stems(stem: str, words: list[str], min_ratio: float, wildcard: bool) -> list[str]:
    """The other script's spelling of `stem`: the shortest common prefix of the words whose transliterated start
    matches it (so inflected forms of one word collapse into one stem)."""
    target = latin(stem)
    hits = []
    for word in words:
        if not CYRILLIC.search(word) and len(word) < len(target):  # буча -> bucha, never the shorter buch
            continue
        head = latin(word)[: len(target) + (0 if wildcard else 2)]
        if head[:1] != target[:1] or skeleton(head)[:3] != skeleton(target)[:3]:
            continue
        if SequenceMatcher(None, head[: len(target)], target).ratio() >= min_ratio and \
                (wildcard or len(latin(word)) <= len(target) + 4):
            hits.append(word)
    if not hits:
        return []
    return sorted({common_stem(word, stem) for word in hits})


def common_stem(word: str, stem: str) -> str:
    """`word` cut to the query's length in the word's script (at least 4 letters), so краматорске, краматорска ->
    краматорск and bucha's -> bucha (not buch, which Buchanan would match)."""
    length = len(latin(stem)) if not CYRILLIC.search(word) else len(stem)
    return word[: max(4, min(len(word), length))]


def family_forms(forms: list[str]) -> list[str]:
    """Members of every term family one of the forms belongs to (all its languages)."""
    wanted = {f.rstrip("*").strip().lower() for f in forms}
    out = []
    for family in load_families().values():
        members = [m for _, m in family.members]
        if any(m.lower() in wanted or any(m.lower().startswith(w) for w in wanted if len(w) >= 5)
               for m in members):
            out += members
    return out
