"""The actor registry: which actor speaks through an outlet, a domain or an official channel.

The packaged registry (data/actors.yaml) is overlaid by user files; an entry with the same name replaces
the packaged one. Invalid YAML is reported with file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from lockstep.config import packaged_then_user, yaml_list
from lockstep.errors import ConfigError

LANGUAGE_CODE = re.compile(r"[a-z]{2}")
ACTOR_TYPES = ("state media", "ministry/government", "independent media", "think tank", "aggregator",
               "public broadcaster")


@dataclass(slots=True, frozen=True)
class Actor:
    name: str
    country: str = ""
    type: str = ""
    outlets: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1, the main language first


@dataclass(slots=True)
class ActorRegistry:
    actors: dict[str, Actor] = field(default_factory=dict)
    by_outlet: dict[str, Actor] = field(default_factory=dict)
    by_domain: dict[str, Actor] = field(default_factory=dict)

    def add(self, actor: Actor) -> None:
        self.actors[actor.name] = actor
        for alias in (actor.name, *actor.outlets):
            self.by_outlet[normalise(alias)] = actor
        for domain in actor.domains:
            self.by_domain[domain.lower().removeprefix("www.")] = actor

    def by_name(self, name: str) -> Actor | None:
        return self.actors.get(name) or self.by_outlet.get(normalise(name))

    def resolve(self, outlet: str | None = None, url: str | None = None) -> Actor | None:
        """Actor for an outlet name, a bare domain or a URL; None when unknown (never guessed)."""
        if outlet:
            hit = self.by_outlet.get(normalise(outlet)) or self.domain_actor(outlet)
            if hit:
                return hit
        return self.domain_actor(url) if url else None

    def domain_actor(self, text: str) -> Actor | None:
        host = host_of(text)
        while host:
            if host in self.by_domain:
                return self.by_domain[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return None


def normalise(name: str) -> str:
    return re.sub(r"[\s\W_]+", " ", name.lower()).strip()


def host_of(text: str) -> str:
    text = text.strip().lower()
    if "//" not in text:
        if " " in text or "." not in text:
            return ""
        text = "//" + text
    try:
        return (urlsplit(text).hostname or "").removeprefix("www.")
    except ValueError:  # not a URL after all ("http://[::1"): no host, no actor
        return ""


def parse_actor_file(path: Path | None, text: str) -> list[Actor]:
    where = str(path) if path else "packaged actors.yaml"
    entries = yaml_list(text, where, "actors")
    return [actor_from_entry(entry, where, i) for i, entry in enumerate(entries)]


def actor_from_entry(entry: object, where: str, index: int) -> Actor:
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ConfigError(f"{where}: actor #{index + 1} needs a 'name'")
    kind = entry.get("type", "")
    if kind and kind not in ACTOR_TYPES:
        raise ConfigError(f"{where}: actor {entry['name']!r}: type {kind!r} is not one of {', '.join(ACTOR_TYPES)}")
    return Actor(name=str(entry["name"]), country=str(entry.get("country") or ""), type=kind,
                 outlets=tuple(str(o) for o in entry.get("outlets") or ()),
                 domains=tuple(str(d) for d in entry.get("domains") or ()),
                 languages=actor_languages(entry, where))


def actor_languages(entry: dict, where: str) -> tuple[str, ...]:
    """The `languages:` list of an entry: ISO 639-1 codes (two lower-case letters), or a ConfigError."""
    raw = entry.get("languages") or ()
    codes = [raw] if isinstance(raw, str) else raw
    if not isinstance(codes, (list, tuple)) or not all(isinstance(c, str) and LANGUAGE_CODE.fullmatch(c)
                                                       for c in codes):
        raise ConfigError(f"{where}: actor {entry['name']!r}: languages must be a list of ISO 639-1 codes such as "
                          f"[en, ru], not {raw!r}")
    return tuple(codes)


@lru_cache(maxsize=8)
def load_registry(user_file: str | None = None) -> ActorRegistry:
    """Packaged registry, overlaid by `user_file` when given."""
    registry = ActorRegistry()
    for actor in packaged_then_user("actors.yaml", user_file, parse_actor_file, "actor"):
        registry.add(actor)
    return registry
