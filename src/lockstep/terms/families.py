"""Term families: one concept with its members per language, from YAML (shipped defaults + a user file)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


from lockstep.config import yaml_list
from lockstep.errors import ConfigError

@dataclass(slots=True, frozen=True)
class Family:
    """A concept (`id`, shown as `label`) and the words and phrases that express it in each language."""

    id: str
    label: str
    members: tuple[tuple[str, str], ...]  # (lang, word or phrase)

    def languages(self) -> list[str]:
        return list(dict.fromkeys(lang for lang, _ in self.members))


def load_families(path: str | Path | None = None) -> dict[str, Family]:
    """The shipped families, overlaid by those in `path` (an entry with the same id replaces the shipped one)."""
    families = dict(shipped_families())
    if path:
        path = Path(path)
        try:
            user_text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read term families ({exc.strerror or exc})") from exc
        families.update(parse_families(user_text, str(path)))
    return families


@lru_cache(maxsize=1)
def shipped_families() -> dict[str, Family]:
    text = resources.files("lockstep.data").joinpath("term_families.yaml").read_text(encoding="utf-8")
    return parse_families(text, "term_families.yaml (shipped)")


def parse_families(text: str, name: str) -> dict[str, Family]:
    entries = yaml_list(text, name, "families")
    families = {}
    for number, entry in enumerate(entries, 1):
        family = parse_entry(entry, f"{name} family #{number}")
        families[family.id] = family
    return families


def parse_entry(entry: object, where: str) -> Family:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
        raise ConfigError(f"{where}: each family needs an 'id' (a short name such as colour-revolution)")
    members = []
    for lang, words in entry.items():
        if lang in ("id", "label", "description"):
            continue
        if not (isinstance(lang, str) and len(lang) in (2, 3)):
            raise ConfigError(f"{where} ({entry['id']}): unknown key {lang!r}; use language codes such as en, ru, zh")
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ConfigError(f"{where} ({entry['id']}): '{lang}' must be a list of words or phrases")
        members.extend((lang, w.strip()) for w in words)
    if not members:
        raise ConfigError(f"{where} ({entry['id']}): no members; give words per language (en: [...], ru: [...])")
    return Family(id=entry["id"].strip(), label=str(entry.get("label") or entry["id"]), members=tuple(members))


def chinese_phrases(families: dict[str, Family]) -> tuple[str, ...]:
    """Chinese members, for the segmenter's dictionary (each stays one token)."""
    return tuple(sorted({word for f in families.values() for lang, word in f.members if lang == "zh"}))
