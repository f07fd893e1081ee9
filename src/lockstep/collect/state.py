"""Resuming: which URLs earlier runs already wrote, from the WARC itself and a sidecar `<output>.state` file.

The WARC gives the final URL of each page; the sidecar (one JSON line per page, appended after the record is
flushed) adds the URL that was asked for, so a feed link that redirects is not fetched again either.
Skipped URLs are not remembered: a timeout or a 5xx may well succeed next time.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from lockstep.collect.options import Fetched
from lockstep.collect.warc import fetched_urls


def state_path(output: Path) -> Path:
    return output.with_name(output.name + ".state")


class CollectState:
    """URLs already collected into this output, kept up to date as pages are written."""

    def __init__(self, output: Path):
        self.path = state_path(output)
        self.done: set[str] = fetched_urls(output) | read_sidecar(self.path)
        self.lock = threading.Lock()

    def __contains__(self, url: str) -> bool:
        with self.lock:
            return url in self.done

    def add(self, page: Fetched) -> None:
        line = json.dumps({"url": page.url, "final_url": page.final_url, "status": page.status}) + "\n"
        with self.lock:
            self.done.update((page.url, page.final_url))
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)


def read_sidecar(path: Path) -> set[str]:
    urls: set[str] = set()
    if not path.exists():
        return urls
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue   # a line torn by an interrupted run
        if isinstance(row, dict):
            urls.update(str(row[k]) for k in ("url", "final_url") if row.get(k))
    return urls
