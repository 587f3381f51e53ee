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
