"""Errors lockstep raises for real faults. Expected outcomes (a skipped input) are results, not errors.

Each error carries a short code so reports and logs can name exactly what went wrong.
"""

from __future__ import annotations


class LockstepError(Exception):
    """Base class: the message is one line meant for the user."""

    code = "E000"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.args[0] if self.args else ''}"


class StoreError(LockstepError):
    """The store cannot be opened or written (locked, newer schema, corrupt)."""

    code = "E100"


class InputError(LockstepError):
    """A user-supplied path, mapping or option is unusable."""

    code = "E200"


class ConfigError(LockstepError):
    """A YAML file (actors, codebook, term families) is invalid; the message names file and line."""

    code = "E300"


class MissingExtraError(LockstepError):
    """An optional dependency is not installed; the message says which extra installs it."""

    code = "E400"

    def __init__(self, module: str, extra: str):
        super().__init__(f"{module} is not installed: pip install 'lockstep[{extra}]'")


class SkipInput(LockstepError):
    """Raised inside a reader for one bad input; the engine records it as skipped with the reason."""

    code = "E500"
