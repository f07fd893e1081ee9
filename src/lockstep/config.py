"""Reading the YAML files analysts write (actors, officials, term families): errors name the file and line."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import yaml

from lockstep.errors import ConfigError

T = TypeVar("T")


def error_line(exc: yaml.YAMLError) -> int | None:
    """1-based line of a YAML parse error, when PyYAML knows it."""
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark else None


def yaml_list(text: str, where: str, key: str) -> list[Any]:
    """The top-level `key:` list of a YAML document, or a ConfigError that says where it went wrong."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line = error_line(exc)
        at = f" line {line}" if line else ""
        raise ConfigError(f"{where}:{at}: invalid YAML ({getattr(exc, 'problem', exc)})") from exc
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: expected a top-level '{key}:' list")
    return entries


def packaged_then_user(packaged: str, user_file: str | None, parse: Callable[[Path | None, str], list[T]],
                       what: str) -> Iterator[T]:
    """Entries of a packaged data file (`lockstep/data/<packaged>`), then those of the user's file, in that
    order, so a user entry with the same name replaces the packaged one when the caller adds them in turn."""
    yield from parse(None, resources.files("lockstep.data").joinpath(packaged).read_text(encoding="utf-8"))
    if user_file:
        path = Path(user_file)
        if not path.exists():
            raise ConfigError(f"{path}: {what} file not found")
        yield from parse(path, path.read_text(encoding="utf-8"))
