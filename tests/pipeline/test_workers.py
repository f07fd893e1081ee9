"""No orphans: the worker processes of `ingest --workers N` end when the ingest is killed (kill -9), and a batch
whose worker dies is run again record by record, so only the record at fault is skipped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from lockstep.engines.local import result_or_rerun
from lockstep.engines.stages import StageOptions, process_raw
from lockstep.engines.workers import Workers
from lockstep.model import RawRecord, raw_to_batch
from tests.pipeline.builders import ARTICLE_EN, write

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process tables from /proc (Linux)")


def children(pid: int) -> dict[int, str]:
    """Live child processes of `pid` (zombies, which have ended, left out) with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(entry.name)] = cmdline
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_exit_when_the_ingest_is_killed(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(3000):  # enough work that the ingest is still running when it is killed
        write(pages / f"page{i:04d}.txt", f"Headline {i}\n\n" + "\n\n".join(f"{i}: {p}" for p in ARTICLE_EN))
    ingest = subprocess.Popen([sys.executable, "-m", "lockstep.cli", "ingest", str(pages), "--db", "c.duckdb",
                               "--workers", "2"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    left: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 180
        workers: dict[int, str] = {}
        while time.monotonic() < deadline and ingest.poll() is None:
            workers = {pid: cmd for pid, cmd in children(ingest.pid).items() if "spawn_main" in cmd}
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        assert len(workers) >= 2, "the ingest ended or started no workers: give it more pages"
        time.sleep(2)  # the workers are busy cleaning pages
        assert ingest.poll() is None, "the ingest finished before it could be killed: give it more pages"
        left = children(ingest.pid)
        os.kill(ingest.pid, signal.SIGKILL)
        ingest.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(alive(pid) for pid in left):
            time.sleep(0.2)
        assert not [left[pid] for pid in left if alive(pid)], "processes outlived the killed ingest"
    finally:
        if ingest.poll() is None:
            ingest.kill()
        for pid in [*left, *children(ingest.pid)]:  # never leave them behind, even when the test fails
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def die_on_the_second(batch: pa.RecordBatch, options: StageOptions) -> pa.RecordBatch:
    """Stands in for a crash in a C library on one page: the worker process running it dies."""
    if any("crash me" in source for source in batch.column("source").to_pylist()):
        os._exit(70)
    return process_raw(batch, options)


def test_a_worker_that_dies_costs_only_its_record():
    records = [RawRecord(source=name, data=("Headline\n\n" + "\n\n".join(f"{name}: {p}" for p in ARTICLE_EN)).encode(),
                         kind="text", raw_sha=name) for name in ("first.txt", "crash me.txt", "third.txt")]
    raw = raw_to_batch(records)
    with Workers(2) as pool:
        future = pool.submit(die_on_the_second, raw, StageOptions())
        batch = result_or_rerun(pool, future, raw, StageOptions(), process=die_on_the_second)
        after = pool.submit(process_raw, raw_to_batch(records[:1]), StageOptions()).result()  # the pool still works
    rows = batch.to_pylist()
    assert [row["source"] for row in rows if row["id"]] == ["first.txt", "third.txt"]
    crashed = [row for row in rows if not row["id"]]
    assert len(crashed) == 1 and "a worker process died" in crashed[0]["skip_reason"]
    assert after.column("source").to_pylist() == ["first.txt"]
