"""Run ``xlgoals`` commands as a user runs them — each in a process of its own, with its own stdio,
working folder, environment and limits — without paying the interpreter's start and the package's
imports for every run.

A *zygote* process imports the command line once (``python -m tests.forkrun``) and forks one child
per command. The child is a fresh process as far as the command can tell: a new pid and process
group, stdin from /dev/null, stdout and stderr to files, the environment and folder it is given, an
address-space cap and a CPU-time cap. Results carry the child's CPU time (its own and that of the
worker processes it waited for, from ``wait4``), so "never hangs" is asserted as a CPU budget, which
a busy machine cannot fail; a generous wall-clock backstop only catches a run blocked forever.

The zygote runs no thread (forking a threaded process is unsafe); requests and results are JSON
lines on its stdin and stdout. A pytest process (each xdist worker) starts one zygote on first use.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PRELOAD = (  # what the commands may need: imported once, in the zygote, not in every run
    "xlgoals.cli",
    "xlgoals.batch",
    "xlgoals.annotate",
    "xlgoals.convert",
    "xlgoals.summary",
    "xlgoals.report",
    "xlgoals.distributed",
    "multiprocessing.popen_fork",  # the guarded pool's worker start
    "encodings.cp437",  # zipfile's, for names without the UTF-8 flag
    "docx",
)
# Every module of these packages too: the command line loads readers, writers and subcommands on
# first use, which in a forked run means once per run (xlgoals.io.xw is xlwings' glue: not a command's).
PRELOAD_PACKAGES = ("xlgoals.commands", "xlgoals.formats", "xlgoals.io", "xlgoals.rules", "xlgoals.template")
PRELOAD_SKIP = ("xlgoals.io.xw",)
WALL_BACKSTOP = 1800.0  # seconds: only a run blocked forever (no CPU used) gets this far


@dataclass(frozen=True)
class Completed:
    args: tuple[str, ...]
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    cpu_seconds: float  # user + system, the command and every process it waited for
    wall_seconds: float
    hung: bool = False  # the wall-clock backstop stopped it


# --- the zygote (its own process) --------------------------------------------------------------


def _child(request: dict[str, Any], out: str, err: str) -> None:
    """In the forked child: become the command's process and run it; never returns."""
    code = 70
    try:
        os.setpgid(0, 0)  # its own group: a kill reaches the workers it started
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python sets it at start
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        os.closerange(3, 256)
        if request.get("memory"):
            resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
        if request.get("cpu"):
            cpu = int(request["cpu"])
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["xlgoals", *request["args"]]
        from xlgoals.cli import main

        try:
            code = main(request["args"])
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError):
                stream.flush()
    except BaseException:  # a failure of the harness itself, not of the command: say so on stderr
        import traceback

        with contextlib.suppress(OSError):
            os.write(2, ("forkrun: " + traceback.format_exc()).encode())
    os._exit(code)


def _zygote() -> None:
    """Read requests, fork a child for each, report each child's end (never runs a thread)."""
    import importlib
    import pkgutil

    for module in PRELOAD:
        importlib.import_module(module)
    for name in PRELOAD_PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.iter_modules(package.__path__, f"{name}."):
            if info.name not in PRELOAD_SKIP:
                importlib.import_module(info.name)
    gc.collect()
    gc.freeze()  # the children's collector leaves the preloaded objects alone: no copy-on-write of them
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: os.write(wake_w, b"x"))
    control = sys.stdin.buffer.raw
    running: dict[int, tuple[str, float]] = {}  # pid → (request id, start)
    pending = b""
    sys.stdout.write(json.dumps({"ready": os.getpid()}) + "\n")
    sys.stdout.flush()
    while True:
        try:
            ready, _, _ = select.select([control, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in ready:
            os.read(wake_r, 4096)
        while True:  # reap every child that ended
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            rid, start = running.pop(pid, ("", 0.0))
            code = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            sys.stdout.write(
                json.dumps({"id": rid, "code": code, "cpu": cpu, "wall": time.monotonic() - start})
            )
            sys.stdout.write("\n")
            sys.stdout.flush()
        if control in ready:
            chunk = os.read(control.fileno(), 65536)
            if not chunk:
                for pid in running:
                    _kill_group(pid)
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                if request.get("kill"):
                    pid = next((p for p, (r, _) in running.items() if r == request["kill"]), None)
                    if pid is not None:
                        _kill_group(pid)
                    continue
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    os.close(wake_r)
                    os.close(wake_w)
                    _child(request, request["stdout"], request["stderr"])
                running[pid] = (request["id"], time.monotonic())


def _kill_group(pid: int) -> None:
    for target in (-pid, pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(target, signal.SIGKILL)


# --- the client (in the pytest process) -------------------------------------------------------


class Zygote:
    """One zygote process and the runs it has under way (safe to use from several threads)."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.forkrun"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        first = self.process.stdout.readline()
        if not first.startswith(b'{"ready"'):
            raise RuntimeError(f"the zygote did not start: {first!r}")
        self.lock = threading.Lock()
        self.futures: dict[str, Future[dict[str, Any]]] = {}
        self.counter = 0
        self.folder = Path(tempfile.mkdtemp(prefix="xlgoals-forkrun-"))
        threading.Thread(target=self._read, name="forkrun-results", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            done = json.loads(line)
            with self.lock:
                future = self.futures.pop(done["id"], None)
            if future is not None:
                future.set_result(done)
        with self.lock:  # the zygote is gone: fail whatever still waits
            for future in self.futures.values():
                future.set_exception(RuntimeError("the zygote died"))
            self.futures.clear()

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        with self.lock:
            self.process.stdin.write((json.dumps(message) + "\n").encode())
            self.process.stdin.flush()

    def run(
        self,
        args: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        memory: int | None,
        cpu: float | None,
        wall: float,
    ) -> Completed:
        with self.lock:
            self.counter += 1
            rid = str(self.counter)
            future: Future[dict[str, Any]] = Future()
            self.futures[rid] = future
        out, err = self.folder / f"{rid}.out", self.folder / f"{rid}.err"
        request = {
            "id": rid,
            "args": args,
            "cwd": str(cwd),
            "env": env,
            "memory": memory,
            "cpu": cpu,
            "stdout": str(out),
            "stderr": str(err),
        }
        start = time.monotonic()
        self._send(request)
        hung = False
        try:
            done = future.result(timeout=wall)
        except TimeoutError:
            hung = True
            self._send({"kill": rid})
            done = future.result(timeout=60)
        result = Completed(
            tuple(args),
            int(done["code"]),
            _read_text(out),
            _read_text(err),
            float(done["cpu"]),
            time.monotonic() - start,
            hung,
        )
        for p in (out, err):
            p.unlink(missing_ok=True)
        return result

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


_zygote_lock = threading.Lock()
_instance: Zygote | None = None


def zygote() -> Zygote:
    global _instance
    with _zygote_lock:
        if _instance is None or _instance.process.poll() is not None:
            _instance = Zygote()
            atexit.register(_instance.close)
        return _instance


def xlgoals(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    memory: int | None = None,
    cpu: float | None = None,
    wall: float = WALL_BACKSTOP,
) -> Completed:
    """``xlgoals ARGS`` in a process of its own (forked from the zygote). ``env``: extra variables;
    ``memory``: an address-space cap in bytes; ``cpu``: a CPU-time cap in seconds (per process)."""
    full = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return zygote().run(list(args), cwd=cwd or ROOT, env=full, memory=memory, cpu=cpu, wall=wall)


if __name__ == "__main__":
    _zygote()
