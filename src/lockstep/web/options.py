"""How the dashboard runs: which store, where it listens, whether it may record reviews."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(slots=True, kw_only=True)
class ServeOptions:
    db: Path = Path("corpus.duckdb")
    host: str = "127.0.0.1"
    port: int = 8765
    allow_remote: bool = False
    review: bool = False  # open the store writable so that narrative reviews can be recorded

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS
