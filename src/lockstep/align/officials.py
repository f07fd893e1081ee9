"""The officials registry: the people whose words travel, and how each is named in English, Russian and Chinese.

The packaged registry (data/officials.yaml) is overlaid by user files; an entry with the same name replaces the
packaged one. Names are found in text with one compiled pattern: English and Russian forms on word boundaries and
case-insensitive (the MFA Telegram set is lower-cased), Russian forms with their case endings (Захаровой, Лаврову),
Chinese forms as substrings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


from lockstep.config import packaged_then_user, yaml_list
from lockstep.errors import ConfigError

LANGUAGES = ("en", "ru", "zh")
RU_STEM_VOWELS = "аяеиоуыйь"


@dataclass(slots=True, frozen=True)
class Official:
    name: str
    country: str = ""
    role: str = ""
    actor: str | None = None
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (language, forms)

    def forms(self, language: str | None = None) -> list[str]:
        return [f for lang, forms in self.names if language in (None, lang) for f in forms]


@dataclass(slots=True, frozen=True)
class Mention:
    start: int
    end: int
    official: Official
    text: str


@dataclass(slots=True)
class OfficialsRegistry:
    officials: dict[str, Official] = field(default_factory=dict)
    _patterns: dict[str, re.Pattern[str]] | None = None
    _needles: list[tuple[str, str]] = field(default_factory=list)  # (fixed lower-case substring, official)

    def add(self, official: Official) -> None:
        self.officials[official.name] = official
        self._patterns = None

    def resolve(self, name: str) -> Official | None:
        """The official a name refers to ("Wang Yi", "王毅", "Захаровой"), or None."""
        key = fold(name)
        for official in self.officials.values():
            if fold(official.name) == key:
                return official
        mentions = self.find(name)
        whole = [m for m in mentions if m.end - m.start >= len(name.strip()) - 1]
        return whole[0].official if whole else None

    def find(self, text: str) -> list[Mention]:
        """Every mention of a registered official in the text, longest form first, not overlapping.

        A fixed substring of each form (the surname, a Russian stem) is looked for first, so only the officials
        whose names can be in the text run their patterns."""
        patterns = self.patterns()
        low = fold(text)
        candidates = {name for needle, name in self._needles if needle in low}
        found: list[Mention] = []
        for name in candidates:
            for match in patterns[name].finditer(text):
                found.append(Mention(match.start(), match.end(), self.officials[name], match.group()))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Mention] = []
        for mention in found:
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept

    def patterns(self) -> dict[str, re.Pattern[str]]:
        if self._patterns is None:
            self._patterns, self._needles = {}, []
            for official in self.officials.values():
                forms = sorted(((f, lang) for lang, fs in official.names for f in fs), key=lambda x: -len(x[0]))
                self._patterns[official.name] = re.compile(
                    "|".join(form_pattern(f, lang) for f, lang in forms), re.IGNORECASE)
                self._needles += [(needle(f, lang), official.name) for f, lang in forms]
        return self._patterns


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("ё", "е").strip()


def needle(form: str, language: str) -> str:
    """A fixed lower-case substring every match of the form contains: the form's longest word (for Russian its
    stem, which case endings do not change)."""
    if language == "zh" or re.search(r"[\u4e00-\u9fff]", form):
        return fold(form)
    word = max(form.split(), key=len)
    stem = ru_stem(word) if language == "ru" else None
    return fold(stem or word)


def form_pattern(form: str, language: str) -> str:
    """Regex for one name form: Chinese as written, others on word boundaries, Russian with case endings."""
    if language == "zh" or re.search(r"[\u4e00-\u9fff]", form):
        return re.escape(form)
    words = form.split()
    if language == "ru":
        words = [ru_word_pattern(w) for w in words]
    else:
        words = [re.escape(w) for w in words]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


def ru_word_pattern(word: str) -> str:
    """A Russian name word with its case endings: Захарова -> Захаров\\w{0,3}; short words stay exact."""
    stem = ru_stem(word)
    return re.escape(word) if stem is None else re.escape(stem) + r"\w{0,3}"


def ru_stem(word: str) -> str | None:
    """The part of a Russian name word that case endings do not change, or None for short words (kept exact)."""
    if len(word) < 5:
        return None
    stem = word.rstrip(RU_STEM_VOWELS) if word[-1].lower() in RU_STEM_VOWELS else word
    return stem if len(stem) >= 4 else None


def parse_officials(path: Path | None, text: str) -> list[Official]:
    where = str(path) if path else "packaged officials.yaml"
    entries = yaml_list(text, where, "officials")
    return [official_from_entry(entry, where, i) for i, entry in enumerate(entries)]


def official_from_entry(entry: object, where: str, index: int) -> Official:
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ConfigError(f"{where}: official #{index + 1} needs a 'name'")
    names = entry.get("names") or {}
    if not isinstance(names, dict):
        raise ConfigError(f"{where}: official {entry['name']!r}: 'names' must map a language to a list of forms")
    forms = {str(lang): tuple(str(f) for f in (v if isinstance(v, list) else [v]) if f) for lang, v in names.items()}
    forms.setdefault("en", ())
    if entry["name"] not in forms["en"]:
        forms["en"] = (str(entry["name"]), *forms["en"])
    return Official(name=str(entry["name"]), country=str(entry.get("country") or ""),
                    role=str(entry.get("role") or ""), actor=entry.get("actor"),
                    names=tuple(sorted(forms.items())))


@lru_cache(maxsize=8)
def load_officials(user_file: str | None = None) -> OfficialsRegistry:
    """Packaged registry, overlaid by `user_file` when given."""
    registry = OfficialsRegistry()
    for official in packaged_then_user("officials.yaml", user_file, parse_officials, "officials"):
        registry.add(official)
    return registry


def officials_table(registry: OfficialsRegistry | None = None) -> "pd.DataFrame":  # noqa: F821
    """The registry as a table: one row per official with their name forms per language."""
    import pandas as pd

    registry = registry or load_officials()
    rows = [{"name": o.name, "country": o.country, "role": o.role, "actor": o.actor,
             **{lang: "; ".join(o.forms(lang)) for lang in LANGUAGES}} for o in registry.officials.values()]
    return pd.DataFrame(rows)
