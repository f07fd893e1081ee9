"""Walk input paths into the regular files to read; everything else is listed with the reason it is skipped.

Only regular files are ever opened: a FIFO, socket or device (which would block a reader or never end), a
dangling or looping symlink, or an unreadable folder is reported up front with a one-line reason. Folders are
walked recursively in name order; hidden entries (names starting with `.`, `_` or `~`) are left out; symlinked
folders are followed once each (a folder reached again through a link is listed as a loop).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

HIDDEN_PREFIXES = (".", "_", "~")
SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(slots=True)
class InputFile:
    """A regular file to read (missing_reason empty), or a path skipped with its reason."""

    path: Path
    size: int
    missing_reason: str = ""
    name: str = field(default="")  # the path as text fit to print and store (undecodable bytes escaped)

    def __post_init__(self) -> None:
        self.name = self.name or display_path(self.path)


def display_path(path: Path | str) -> str:
    """The path as valid text: bytes of a file name that are not UTF-8 become `\\xff` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def iter_inputs(paths: list[str]) -> Iterator[InputFile]:
    """Expand files and folders (recursively); missing paths and special files come with their reason."""
    for raw in paths:
        path = Path(raw)
        info = stat_of(path)
        if isinstance(info, str):
            yield skipped(path, info)
        elif stat.S_ISDIR(info.st_mode):
            yield from walk_folder(path, visited={(info.st_dev, info.st_ino)})
        else:
            yield classify(path, info)


def stat_of(path: Path) -> os.stat_result | str:
    """The stat of what `path` points to, or why there is nothing to read there."""
    try:
        return path.stat()
    except FileNotFoundError:
        return "dangling symlink (its target does not exist)" if path.is_symlink() else "no such file or directory"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop (the link points back to itself)"
        return f"cannot read ({exc.strerror or exc})"


def classify(path: Path, info: os.stat_result) -> InputFile:
    if stat.S_ISREG(info.st_mode):
        return InputFile(path, info.st_size)
    kind = next((name for test, name in SPECIAL_KINDS if test(info.st_mode)), "not a regular file")
    return skipped(path, f"{kind}, not a regular file: not opened")


def skipped(path: Path, reason: str) -> InputFile:
    item = InputFile(path, 0)
    item.missing_reason = f"{item.name}: {reason}"
    return item


def walk_folder(folder: Path, visited: set[tuple[int, int]]) -> Iterator[InputFile]:
    try:
        children = sorted(os.scandir(folder), key=lambda entry: os.fsencode(entry.name))
    except OSError as exc:
        yield skipped(folder, f"cannot list the folder ({exc.strerror or exc})")
        return
    for entry in children:
        if entry.name.startswith(HIDDEN_PREFIXES):
            continue
        path = Path(entry.path)
        info = stat_of(path)
        if isinstance(info, str):
            yield skipped(path, info)
        elif stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in visited:
                yield skipped(path, "symlink loop (a folder already walked)")
                continue
            yield from walk_folder(path, visited | {key})
        else:
            yield classify(path, info)
