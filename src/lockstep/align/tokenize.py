"""Token rows for many texts at once: each distinct (text, language) tokenised once, in worker processes when there
are many, with a progress bar on a terminal.

A reprint across actors is common in state media (the alignment signal itself), so distinct texts are often far
fewer than documents; lemmas are cached per process by `lockstep.enrich.tokens`.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable

from lockstep.ui import on_terminal, progress_bar

Rows = list[tuple[str, bool, int]]
PARALLEL_FROM = 20_000  # distinct texts from which worker processes pay for their start-up
CHUNK = 2_000


def token_rows_many(items: Iterable[tuple[str, str | None]], workers: int | None = None,
                    label: str = "tokens") -> list[Rows]:
    """(lemma, is_stopword, sentence) rows for each (text, language), in order."""
    items = list(items)
    distinct = list(dict.fromkeys(items))
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    chunks = [distinct[i : i + CHUNK] for i in range(0, len(distinct), CHUNK)]
    done: list[list[Rows]] = []
    show = on_terminal(len(distinct), PARALLEL_FROM)
    with progress_bar(show, len(distinct), label=label, unit="texts") as advance:
        if workers > 1 and len(distinct) >= PARALLEL_FROM:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                for rows in pool.map(tokenize_chunk, chunks):
                    done.append(rows)
                    advance(len(rows))
        else:
            for chunk in chunks:
                done.append(tokenize_chunk(chunk))
                advance(len(chunk))
    found = {item: rows for chunk, rows in zip(chunks, done) for item, rows in zip(chunk, rows)}
    return [found[item] for item in items]


def tokenize_chunk(chunk: list[tuple[str, str | None]]) -> list[Rows]:
    from lockstep.align.features import token_rows  # here: a worker process imports only what it needs

    return [token_rows(text or "", lang) for text, lang in chunk]


