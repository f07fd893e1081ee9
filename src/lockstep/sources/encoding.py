"""Decode text in the encodings analysts meet: UTF-8 (with or without BOM), UTF-16, Windows-1251, KOI8-R,
GB18030/GBK, Big5, and whatever else charset-normalizer recognises."""

from __future__ import annotations

import codecs

from lockstep.errors import SkipInput

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Cyrillic/CJK legacy encodings tried in order when UTF-8 fails and detection is unsure.
CYRILLIC = ("cp1251", "koi8_r")
CJK = ("gb18030", "big5")


def decode_text(data: bytes, name: str = "") -> tuple[str, str]:
    """Return (text, encoding) or raise SkipInput with the reason."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    detected = detect(data)
    if detected:
        return data.decode(detected, errors="replace"), detected
    raise SkipInput(f"{name}: undecodable bytes (not UTF-8 and no known encoding fits)")


def detect(data: bytes) -> str | None:
    """Pick the legacy encoding whose decoding looks most like real text."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    candidates = [best.encoding] if best else []
    candidates += [e for e in CYRILLIC + CJK if e not in candidates]
    scored = [(plausibility(data[:20_000], enc), enc) for enc in candidates]
    scored = [s for s in scored if s[0] > 0.6]
    return max(scored)[1] if scored else None


def plausibility(data: bytes, encoding: str) -> float:
    """Share of decoded characters that are letters, digits, spaces or common punctuation of one script."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return 0.0
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isalnum() or ch.isspace() or ch in ".,;:!?«»\"'()-–—…%/“”„‘’、。，：；！？（）《》")
    score = good / len(text)
    return score * script_coherence(text)


def script_coherence(text: str) -> float:
    """Penalise mixes of Cyrillic case patterns typical of a wrong Cyrillic code page (e.g. KOI8 read as 1251)."""
    letters = [ch for ch in text if ch.isalpha() and ord(ch) > 127]
    if not letters:
        return 1.0
    if all("\u0400" <= ch <= "\u04ff" for ch in letters[:2000]):
        upper = sum(ch.isupper() for ch in letters) / len(letters)
        return 1.0 if upper < 0.5 else 0.7
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in letters) / len(letters)
    return 1.0 if cjk > 0.8 or cjk < 0.05 else 0.9
