"""The local engine's worker processes: a pool whose workers die with their parent, and batches that survive
a worker's crash.

* A worker exits as soon as the ingest that started it is gone, even after `kill -9` of the parent: on Linux
  the kernel sends it SIGKILL (PR_SET_PDEATHSIG), and on every system a watch thread sees its parent process
  change and ends it. So an interrupted ingest leaves no process behind, holding memory or waiting forever.
* `run_isolated` runs a batch; if the batch fails as a whole (a worker killed by the OS, a crash in a C
  extension), its records are run again one by one in a fresh pool, so only the record that fails is skipped.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

PARENT_POLL_S = 0.5
PR_SET_PDEATHSIG = 1


class InlineExecutor:
    """Runs stages in this process (workers=1): no pickling, same results."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:  # noqa: BLE001 - delivered through the future, as a process pool would
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        return None


def executor(workers: int) -> InlineExecutor | ProcessPoolExecutor:
    """workers <= 1: stages run inline; else a spawn pool whose workers end when this process ends."""
    if workers <= 1:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=watch_parent, initargs=(os.getpid(),))


def watch_parent(parent_pid: int) -> None:
    """Pool initializer: end this worker when `parent_pid` is no longer its parent."""
    if sys.platform.startswith("linux"):
        die_with_parent()
    if os.getppid() != parent_pid:  # the parent died before the watch started
        os._exit(1)
    thread = threading.Thread(target=poll_parent, args=(parent_pid,), name="lockstep-parent-watch", daemon=True)
    thread.start()


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (best effort: the poll is the fallback)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def poll_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


class Workers:
    """The pool an ingest uses, replaced by a fresh one when a worker dies."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = executor(workers)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        try:
            return self.pool.submit(fn, *args)
        except BrokenProcessPool:
            self.restart()
            return self.pool.submit(fn, *args)

    def restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = executor(self.workers)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fault_of(exc: BaseException) -> str:
    if isinstance(exc, BrokenProcessPool):
        return "a worker process died while cleaning it (killed by the system, or a crash in a library)"
    return f"internal error ({type(exc).__name__}: {str(exc)[:120]})"
