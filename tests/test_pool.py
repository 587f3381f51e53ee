"""The guarded pool of a batch: a file's budget is CPU time, so a machine busy with other work slows a
file down without failing it, while a file that spins or blocks forever is stopped."""

from __future__ import annotations

import time

from xlgoals.pool import TIMEOUT, Budget, GuardedPool, cpu_seconds


def _job(what: str) -> str:
    if what == "spin":
        while True:
            pass
    if what == "hang":
        time.sleep(600)
    if what == "wait":  # long on the clock, cheap in CPU: what a loaded machine does to a file
        time.sleep(2.5)
    return what


def test_cpu_time_is_the_budget_and_the_clock_only_a_backstop() -> None:
    pool: GuardedPool[str, str] = GuardedPool(_job, lambda job, why: f"{job}:{why}", 2, Budget(1, 1024))
    start = time.monotonic()
    got = list(pool.map(["spin", "wait", "hang", "ok"]))
    assert got == [f"spin:{TIMEOUT}", "wait", f"hang:{TIMEOUT}", "ok"]
    assert time.monotonic() - start < 30


def test_the_cpu_time_of_a_process_can_be_read() -> None:
    import os

    before = cpu_seconds(os.getpid())
    assert before is not None
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    after = cpu_seconds(os.getpid())
    assert after is not None and after - before >= 0.2


_KILLED_PARENT = """
import os, signal, sys
sys.path.insert(0, {root!r})
from tests.test_pool import _job
from xlgoals.pool import Budget, GuardedPool
import multiprocessing
pool = GuardedPool(_job, lambda job, why: why, 2, Budget(900, 0))
results = pool.map(["ok", "hang"])
next(results)  # one worker is idle now, the other in the middle of a job
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_no_worker_outlives_a_killed_command() -> None:
    """A killed run's workers used to live on for good: an idle one blocked reading a pipe that its
    own copy of the parent's end kept open, a busy one finished its file first (300–400 MB each)."""
    import subprocess
    import sys
    from pathlib import Path

    if not Path("/proc/self/stat").exists():
        import pytest

        pytest.skip("needs /proc (Linux)")
    root = str(Path(__file__).resolve().parent.parent)
    # not capture_output: a surviving worker holds the output pipe open, the test must not wait for it
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_PARENT.format(root=root)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    proc.wait(timeout=120)
    proc.stdout.close()
    pids = [int(p) for p in line.split()]
    assert len(pids) == 2, line
    for _ in range(300):  # a worker that is told of its parent's death goes within a moment
        if not any(_alive(p) for p in pids):
            break
        time.sleep(0.1)
    alive = [p for p in pids if _alive(p)]
    for p in alive:
        import os
        import signal

        os.kill(p, signal.SIGKILL)
    assert not alive, "workers outlived the killed command"


def _mark(path: str) -> str:
    from pathlib import Path

    Path(path).write_text("started", encoding="ascii")
    return path


def test_a_worker_has_its_next_job_while_the_caller_handles_a_result(tmp_path) -> None:
    """With one worker, the second file is already being checked while the caller still holds the
    first one's result (writing its report): the worker does not wait for the caller."""
    jobs = [str(tmp_path / f"{k}.started") for k in range(3)]
    pool: GuardedPool[str, str] = GuardedPool(_mark, lambda job, why: why, 1, Budget(60, 0))
    results = pool.map(jobs)
    assert next(results) == jobs[0]
    deadline = time.monotonic() + 60  # only a broken pool waits this long: the job never comes
    while not (tmp_path / "1.started").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / "1.started").exists(), "the next job was not given before the result was handed on"
    assert list(results) == jobs[1:]
