"""Fingerprints in bounded memory: the same signatures, bit for bit, as the whole-text computation of commit 2f2ad26
(every shingle x 128 permutations at once) on real text, and no step that grows with the text.

The known signatures in tests/data/fingerprints-2f2ad26.json were written by that commit's fingerprint module:
`python -m tests.pipeline.test_fingerprint 2f2ad26` (reads the old module with `git show`)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from datasketch import MinHash

from lockstep.dedup import fingerprint as fp
from lockstep.dedup.text import NON_WORD, normalise_pieces, normalise_text, raw_pieces
from tests.conftest import DATA, ROOT, SEEDS

KNOWN = DATA / "fingerprints-2f2ad26.json"


def rows(name: str) -> list[dict]:
    with gzip.open(DATA / "corpus" / name, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def real_texts() -> list[str]:
    """Seed pages, benchmark gold texts (en), Channel One leads and titles (ru), People's Daily articles (zh),
    state-media headlines (en), and all of them in one long text (several pieces)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    gold = json.loads((DATA / "corpus" / "extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    texts += [gold[key]["articleBody"] for key in sorted(gold)]
    for row in rows("ru-state-media/1tv_news_leads_ru.csv.gz")[:300]:
        texts += [row["content"], row["title"]]
    texts += [r["title"] + "\n\n" + r["body"] for r in rows("peoples-daily-zh/data/cpcnews_gjwj.csv.gz")]
    texts += [r["headline"] for r in rows("cn-state-media-2022/headlines.csv.gz")[:100]]
    return texts + ["\n\n".join(texts), "".join(texts[-112:-100])]  # all; the Chinese articles run together


def key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def record(fingerprint) -> dict[str, list[str]]:
    """text sha1 -> [normalised-text hash, sha1 of the signature bytes]."""
    out = {}
    for text in real_texts():
        text_hash, signature = fingerprint(text)
        out[key(text)] = [text_hash, hashlib.sha1(signature).hexdigest()]
    return out


def whole_text_signature(text: str) -> bytes:
    """The signature computed as before: every shingle of the whole normalised text in one `update_batch`."""
    nfkc = unicodedata.normalize("NFKC", text)
    normalised = normalise_text(text)
    words = normalised.split()
    size = fp.shingle_size(len(words))
    if size:
        grams = [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    else:
        compact = normalised.replace(" ", "")
        grams = [compact[i : i + 4] for i in range(max(1, len(compact) - 3))]
    mh = MinHash(num_perm=128, seed=1, hashfunc=fp.crc_hash, scheme="affine32")
    mh.update_batch([g.encode() for g in grams])
    numbers = hashlib.blake2b(" ".join(sorted(fp.NUMBER.findall(nfkc))).encode(), digest_size=8).digest()
    head = bytes([fp.length_class(len(normalised), len(words))]) + numbers
    return head + mh.hashvalues.astype("uint32").tobytes()


def test_signatures_are_those_of_commit_2f2ad26_on_real_text():
    known = json.loads(KNOWN.read_text(encoding="utf-8"))
    texts = real_texts()
    assert len(texts) == 3 + 5 + 600 + 12 + 100 + 2 and set(known) == {key(t) for t in texts}
    assert record(fp.fingerprint) == known
    assert {fp.minhash_bytes(t)[0] for t in texts} == {fp.LONG, fp.SHORT, fp.MEDIUM}  # every length class


@pytest.mark.parametrize("chars", [1, 5, 64, 3000])
def test_pieces_of_any_size_give_the_whole_text_signature(chars):
    texts = real_texts()
    rng = random.Random(chars)
    alphabet = " \t\n.,;:!?()'\"-_ΣΟΔσς0123456789аёЁбвabcDEF中国人。、，！？ﬁ①\u0301\u0308Å"
    texts = rng.sample(texts[:-2], 40) + texts[-1 if chars < 64 else -2 :] + ["", " ", "ab", "...", "１，０００ ５.５", "ΟΔΟΣ.ΟΔΟΣ Σ:a"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for _ in range(100)]
    for text in texts:
        norm = normalise_pieces(text, chars)
        assert " ".join(norm.pieces) == normalise_text(text)
        head = bytes([fp.length_class(norm.n_chars, norm.n_words)]) + fp.numbers_key(norm.numbers)
        values = fp.minhash_values(fp.shingle_pieces(norm, fp.shingle_size(norm.n_words), chars))
        assert head + values.tobytes() == whole_text_signature(text), text[:60]
        assert fp.hash_pieces(norm.pieces) == hashlib.sha1(normalise_text(text).encode()).hexdigest()


def test_a_long_text_is_hashed_in_bounded_pieces(monkeypatch):
    long_text = "\n\n".join(real_texts()[:-2]) * 4  # ~616,000 characters of real en/ru/zh text
    batches: list[int] = []
    update = MinHash.update_batch
    monkeypatch.setattr(MinHash, "update_batch", lambda self, b: (batches.append(len(b)), update(self, b))[1])
    tracemalloc.start()
    try:
        text_hash, signature = fp.fingerprint(long_text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sum(batches) > 80_000 and max(batches) <= fp.PIECE_CHARS // 2  # shingles, in pieces of ~10,000 words
    assert max(len(p) for p in raw_pieces(long_text, fp.PIECE_CHARS)) < 2 * fp.PIECE_CHARS
    # 616,000 characters (1.2 MB as UCS-2): the whole-text computation of 2f2ad26 peaks at 105 MB, this at 13 MB
    assert peak < 25 * 2**20, f"{peak / 2**20:.0f} MB"
    assert signature == whole_text_signature(long_text)


def test_cut_characters_are_stable_and_never_inside_a_word_or_number():
    from lockstep.dedup.text import SAFE_CUT

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if SAFE_CUT.fullmatch(char):
            assert unicodedata.normalize("NFKC", char) == char and unicodedata.combining(char) == 0
            assert NON_WORD.fullmatch(char) and not char.isdigit() and char not in ".,:'^`"
            assert char.lower() == char.upper() == char


def write_known(commit: str) -> None:
    """Record the signatures of real_texts() with the fingerprint module of `commit`."""
    source = subprocess.run(["git", "show", f"{commit}:src/lockstep/dedup/fingerprint.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old_fingerprint.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("old_fingerprint", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    target = DATA / f"fingerprints-{commit}.json"
    known = record(module.fingerprint)
    target.write_text(json.dumps(known, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{target}: {len(known)} texts")


if __name__ == "__main__":
    write_known(sys.argv[1])
