"""Reading the YAML files analysts write (actors, officials, term families): errors name the file and line."""

from __future__ import annotations

from typing import Any

import yaml

from lockstep.errors import ConfigError


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
