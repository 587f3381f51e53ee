"""A pool of worker processes that survives its workers.

Each job runs in a worker process under a budget: a limit on the CPU time the job uses (the worker
is killed past it) and, where the system allows, a memory limit (RLIMIT_AS: an allocation past it
fails inside the worker). CPU time, not time on the clock: a machine busy with other work slows a
file down but does not make it fail. A job that uses no CPU and never ends (blocked on a read) is
stopped by a clock limit of ``WALL_FACTOR`` times the budget. Where the CPU time of another process
cannot be read (not Linux), the clock is the budget.
A worker that dies — a native abort in a reader, the kernel killing it, a hang cut short — is
replaced, and only its job is reported as failed; every other job goes on. Results come back in the
order the jobs were given, as soon as each is ready.

``concurrent.futures.ProcessPoolExecutor`` cannot do this: one dead worker breaks the whole pool
(BrokenProcessPool) and a hung job cannot be cancelled.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

J = TypeVar("J")  # a job
R = TypeVar("R")  # its result

TIMEOUT = "timeout"
DIED = "died"
READY = "ready"
STARTUP_SECONDS = 600.0  # a worker that has not started by then (imports hanging) is given up
MEMORY = "memory"
ERROR = "error"

try:
    import resource  # POSIX: a worker's memory can be capped; on Windows the time limit is the guard
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]


WALL_FACTOR = 4  # a job blocked without using CPU is stopped after this many times its CPU budget
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") and "SC_CLK_TCK" in os.sysconf_names else 100


@dataclass(frozen=True)
class Budget:
    seconds: float  # CPU seconds per job; 0 = no limit
    memory_mb: int  # per worker process; 0 = no limit


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) process ``pid`` has used, or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    try:
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15)
    except (IndexError, ValueError):
        return None


@dataclass
class _Clock:
    """How much of its budget a job has used: its worker's CPU time since the job started (or the
    clock where CPU time cannot be read), and the clock, for the backstop."""

    pid: int
    started: float = field(default_factory=time.monotonic)
    cpu_start: float | None = None

    def __post_init__(self) -> None:
        self.cpu_start = cpu_seconds(self.pid)

    def used(self) -> float:
        now = cpu_seconds(self.pid) if self.cpu_start is not None else None
        if now is None or self.cpu_start is None:
            return time.monotonic() - self.started
        return now - self.cpu_start

    def over(self, limit: float) -> bool:
        return limit > 0 and (self.used() > limit or time.monotonic() - self.started > WALL_FACTOR * limit)

    def wait_at_most(self, limit: float) -> float | None:
        """How long to wait before looking again: CPU time never runs ahead of the clock, so the
        budget left is a safe wait."""
        if limit <= 0:
            return None
        wall_left = WALL_FACTOR * limit - (time.monotonic() - self.started)
        return max(0.05, min(limit - self.used(), wall_left))


def _limit_memory(memory_mb: int) -> None:
    if memory_mb <= 0 or resource is None:
        return
    limit = memory_mb * (1 << 20)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the process that started it dies (killed, say), even
    in the middle of a job. Elsewhere the closed pipe ends an idle worker (``_worker``). The signal
    follows the *thread* that forked: workers are forked only by a single-threaded process's main
    thread (``context``) or by the forkserver's, which lives as long as its process."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the line above: do not outlive it
            os._exit(0)


def _worker(
    conn: Connection, fn: Callable[[J], R], memory_mb: int, parent_end: Connection | None = None
) -> None:
    """A worker: run jobs until told to stop (or until the parent is gone); after a MemoryError,
    report it and stop."""
    if parent_end is not None:  # fork gave this process the parent's end too: keep only ours, so the
        parent_end.close()  # pipe reports EOF when the parent dies and an idle worker ends
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory(memory_mb)
    try:
        _serve(conn, fn)
    except (BrokenPipeError, ConnectionResetError):  # the parent is gone: nobody wants the result
        return


def _serve(conn: Connection, fn: Callable[[J], R]) -> None:
    conn.send((READY, None))  # started (its imports done): a job's budget counts from here
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = fn(job)
        except MemoryError:
            conn.send((MEMORY, None))
            return
        except Exception:  # the job function is meant to catch everything; if not, say so, quietly
            conn.send((ERROR, None))
            return
        conn.send(("ok", result))


def context() -> Any:  # a multiprocessing context: fork, forkserver or spawn
    """fork where it is safe (POSIX, one thread: fast, the imports are inherited); else a fresh
    interpreter per worker (forkserver on Linux, spawn on macOS and Windows)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods and sys.platform.startswith("linux"):
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


@dataclass
class _Slot:
    process: BaseProcess
    conn: Connection
    job: tuple[int, object] | None = None  # (index, job) it is running
    clock: _Clock | None = None  # the budget the running job has used
    started: bool = False  # it said it is ready

    def send(self, job: object) -> None:
        """Give the worker a job once it has started (its start-up is not the job's budget). Raises
        OSError when the worker died before starting."""
        if not self.started:
            if not self.conn.poll(STARTUP_SECONDS):
                raise OSError("the worker did not start")
            try:
                status, _ = self.conn.recv()
            except EOFError:
                raise OSError("the worker died while starting") from None
            if status != READY:
                raise OSError(f"the worker said {status} while starting")
            self.started = True
        self.conn.send(job)
        self.clock = _Clock(self.process.pid or 0)


def _spawn(ctx: Any, fn: Callable[[Any], Any], memory_mb: int) -> _Slot:
    parent, child = ctx.Pipe()
    forked = ctx.get_start_method() == "fork"
    process = ctx.Process(
        target=_worker, args=(child, fn, memory_mb, parent if forked else None), daemon=True
    )
    process.start()
    child.close()
    return _Slot(process, parent)


def _stop(slot: _Slot, kill: bool) -> None:
    if kill and slot.process.is_alive():
        slot.process.kill()
    slot.process.join(timeout=5)
    slot.conn.close()


class _Guarded(Generic[J, R]):
    """What both pools hold: the job function, the result of a failed job, the workers' budget."""

    def __init__(
        self, fn: Callable[[J], R], on_failure: Callable[[J, str], R], workers: int, budget: Budget
    ) -> None:
        self.fn = fn
        self.on_failure = on_failure
        self.workers = max(1, workers)
        self.budget = budget


class GuardedPool(_Guarded[J, R]):
    """``map(jobs)`` runs ``fn(job)`` in up to ``workers`` processes; ``on_failure(job, why)`` gives the
    result of a job whose worker timed out (why = TIMEOUT), ran out of memory (MEMORY) or died (DIED)."""

    def __init__(
        self, fn: Callable[[J], R], on_failure: Callable[[J, str], R], workers: int, budget: Budget
    ) -> None:
        super().__init__(fn, on_failure, workers, budget)
        self.ctx = context()
        self.slots: list[_Slot] = []

    def _start(self) -> _Slot:
        slot = _spawn(self.ctx, self.fn, self.budget.memory_mb)
        self.slots.append(slot)
        return slot

    def _retire(self, slot: _Slot, kill: bool) -> None:
        self.slots.remove(slot)
        _stop(slot, kill)

    def map(self, jobs: Iterable[J]) -> Iterator[R]:
        todo: Iterator[tuple[int, J]] = iter(enumerate(jobs))
        done: dict[int, R] = {}
        next_out = 0
        exhausted = False
        try:
            todo, exhausted = self._feed(todo, exhausted)
            while True:
                busy = [s for s in self.slots if s.job is not None]
                if not busy and exhausted:
                    break
                self._collect(busy, done)
                # The next jobs go out before the results are handed on: a worker does not sit idle
                # while the caller writes its report of the last file.
                todo, exhausted = self._feed(todo, exhausted)
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
        finally:
            self.close()

    def _feed(self, todo: Iterator[tuple[int, J]], exhausted: bool) -> tuple[Iterator[tuple[int, J]], bool]:
        """Give every idle worker a job (starting workers as needed); the jobs left, and whether
        they ran out."""
        while not exhausted:
            idle = next((s for s in self.slots if s.job is None), None)
            if idle is None and len(self.slots) < self.workers:
                idle = self._start()
            if idle is None:
                break
            item = next(todo, None)
            if item is None:
                exhausted = True
                break
            idle.job = item
            try:
                idle.send(item[1])
            except OSError:  # it died before it started: the job goes to a new worker
                idle.job = None
                self._retire(idle, kill=True)
                todo = itertools.chain([item], todo)
        return todo, exhausted

    def _collect(self, busy: list[_Slot], done: dict[int, R]) -> None:
        """Wait for a result, a death or a timeout among the busy workers."""
        limit = self.budget.seconds
        waits = [s.clock.wait_at_most(limit) for s in busy if s.clock is not None]
        wait_for = None if limit <= 0 or not waits else min(w for w in waits if w is not None)
        waitables: list[object] = [s.conn for s in busy] + [s.process.sentinel for s in busy]
        ready = wait(waitables, timeout=wait_for)  # type: ignore[arg-type]
        for slot in busy:
            assert slot.job is not None
            index, job = slot.job
            if slot.conn in ready:
                try:
                    status, result = slot.conn.recv()
                except (EOFError, OSError):
                    status, result = DIED, None
                if status == "ok":
                    done[index] = result
                    slot.job = None
                    continue
                done[index] = self.on_failure(job, status)  # type: ignore[arg-type]
                self._retire(slot, kill=True)
            elif slot.process.sentinel in ready:
                done[index] = self.on_failure(job, DIED)  # type: ignore[arg-type]
                self._retire(slot, kill=False)
            elif slot.clock is not None and slot.clock.over(limit):
                done[index] = self.on_failure(job, TIMEOUT)  # type: ignore[arg-type]
                self._retire(slot, kill=True)

    def close(self) -> None:
        for slot in list(self.slots):
            try:
                if slot.job is None:
                    slot.conn.send(None)
            except OSError:
                pass
            self._retire(slot, kill=slot.job is not None)


class ResidentPool(_Guarded[J, R]):
    """Long-lived guarded workers shared by many threads (the service, ``xlgoals serve``).

    ``call(job)`` waits, in its own thread, for a free worker, runs the job under the budget and gives
    its result — or ``on_failure(job, why)`` when the worker ran over time or memory or died; that
    worker is replaced and the others go on. At most ``workers`` jobs run at once however many
    requests wait, so a flood of uploads queues instead of exhausting the machine. The workers start
    once, in fresh interpreters (forkserver on Linux, spawn elsewhere): forking a process that runs
    threads is unsafe.
    """

    def __init__(
        self,
        fn: Callable[[J], R],
        on_failure: Callable[[J, str], R],
        workers: int,
        budget: Budget,
        preload: tuple[str, ...] = (),
    ) -> None:
        super().__init__(fn, on_failure, workers, budget)
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods and sys.platform.startswith("linux") else "spawn"
        self.ctx = multiprocessing.get_context(method)
        if method == "forkserver" and preload:
            self.ctx.set_forkserver_preload(list(preload))  # each new worker starts with them imported
        self.idle: queue.Queue[_Slot] = queue.Queue()
        self.replaced = 0  # workers replaced after a timeout, memory exhaustion or death
        for _ in range(self.workers):
            self.idle.put(_spawn(self.ctx, self.fn, budget.memory_mb))

    def call(self, job: J) -> R:
        slot = self.idle.get()
        try:
            slot.send(job)
        except OSError:  # it died while idle or starting: replace it, then run the job on the new one
            _stop(slot, kill=True)
            slot = _spawn(self.ctx, self.fn, self.budget.memory_mb)
            slot.send(job)
        limit = self.budget.seconds
        clock = slot.clock
        assert clock is not None
        while True:
            ready = wait([slot.conn, slot.process.sentinel], timeout=clock.wait_at_most(limit))
            if ready or clock.over(limit):
                break
        status: str = TIMEOUT
        result: Any = None
        if slot.conn in ready:
            try:
                status, result = slot.conn.recv()
            except (EOFError, OSError):
                status = DIED
        elif slot.process.sentinel in ready:
            status = DIED
        if status == "ok":
            self.idle.put(slot)
            return result  # type: ignore[no-any-return]
        _stop(slot, kill=True)
        self.replaced += 1
        self.idle.put(_spawn(self.ctx, self.fn, self.budget.memory_mb))
        return self.on_failure(job, status)

    def close(self) -> None:
        for _ in range(self.workers):
            try:
                slot = self.idle.get(timeout=self.budget.seconds or None)
            except queue.Empty:
                break
            with contextlib.suppress(OSError):
                slot.conn.send(None)
            _stop(slot, kill=False)


def cpu_count() -> int:
    return os.cpu_count() or 1
