"""Builders for alignment tests: stores built from constructed documents whose alignment, lags and echo chains
are known, a small real store from the shared headline sets, and the embedding backend loaded once."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import lockstep
from lockstep.store.writer import insert_documents

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "tests" / "data"  # slices of ../shared, same layout
ACTOR_OF = {"rt": "RT", "tass": "TASS", "mfa": "MFA Russia", "xinhua": "Xinhua", "cgtn": "CGTN",
            "globaltimes": "Global Times", "chinadaily": "China Daily", "bbc": "BBC", "a": "A", "b": "B", "c": "C"}


def doc(text: str, outlet: str, when: datetime | str, *, language: str = "en", actor: str | None = None,
        cluster: str | None = None) -> dict:
    """A document row as the pipeline stores it (paragraphs split on blank lines)."""
    published = when if isinstance(when, str) else when.isoformat()
    ident = hashlib.sha1(f"{outlet}|{published}|{text}".encode()).hexdigest()[:16]
    return {"id": ident, "title": text.split("\n")[0][:80], "text": text, "outlet": outlet,
            "actor": actor or ACTOR_OF.get(outlet, outlet), "actor_country": None, "actor_type": None,
            "author": None, "published": published, "published_precision": "second", "published_source": "metadata",
            "language": language, "paywalled": False, "source": "test", "source_position": None, "url": None,
            "original_source": None, "duplicate_of": None if cluster in (None, ident) else cluster,
            "cluster_id": cluster or ident, "text_hash": ident, "raw_sha": ident, "removed": None}


def build_store(path: Path, docs: list[dict]) -> lockstep.Corpus:
    corpus = lockstep.open(path)
    insert_documents(corpus.con, docs)
    return corpus


def days(start: datetime, n: float) -> datetime:
    return start + timedelta(days=n)
