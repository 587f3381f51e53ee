"""Checking beyond one machine: ``xlgoals check DIR --scheduler tcp://HOST:PORT`` runs the files on
a Dask distributed cluster instead of local worker processes (optional: ``pip install xlgoals[dask]``).

How a file reaches a worker: this process (the client) lists the folder, skips what a folder run
skips, reads each file's bytes and its configuration files (pyproject.toml / xlgoals.toml / --config:
``config.Sources``) and sends both; the worker writes the bytes to a private temporary folder under
the file's own name, checks it in a guarded worker process of its own (the same per-file time and
memory budget as a local run: a hostile file cannot take the Dask worker down — this needs workers
started with DASK_DISTRIBUTED__WORKER__DAEMON=False, else the file is checked in the worker itself
and Dask's nanny restarts a worker a file killed) and sends back the small result, with the
temporary path replaced by the original. Workers therefore need only xlgoals
installed (same version) — no shared disk, no access to the reviewers' folders. Reports, statuses
and exit codes are those of a local run.
"""

from __future__ import annotations

import importlib
import multiprocessing
import socket
import tempfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from xlgoals import limits
from xlgoals.batch import Job, Outcome, Runner, failed, outcomes, run_job
from xlgoals.config import Sources
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import FileResult
from xlgoals.io.container import open_regular
from xlgoals.oserrors import describe, read_failure
from xlgoals.pool import DIED
from xlgoals.runcontext import RunContext
from xlgoals.safetext import path_text

MAX_SHIPPED = max(
    limits.MAX_WORKBOOK_BYTES, limits.MAX_TEXT_BYTES, limits.MAX_JSON_BYTES, limits.MAX_DOCX_BYTES
)


@dataclass(frozen=True)
class Shipment:
    """One file as sent to a worker: its original name, content, configuration and the run's options."""

    shown: str  # the original path, as reports show it
    name: str  # the file name (the worker keeps it: the suffix and name decide how it is read)
    data: bytes
    in_folder: bool
    sources: Sources  # its configuration files, read here
    context: RunContext


def check_shipment(shipment: Shipment) -> FileResult:
    """Runs on a Dask worker: check the shipped file under the run's budget, report it by its original path."""
    with tempfile.TemporaryDirectory(prefix="xlgoals-") as folder:
        path = Path(folder) / shipment.name
        path.write_bytes(shipment.data)
        job = Job(path, Path(folder), shipment.in_folder, shipment.context, shipment.sources)
        if multiprocessing.current_process().daemon:
            # A daemonic Dask worker may not start processes: check in the worker itself (its nanny
            # restarts it if a file kills it; the time budget needs DASK_DISTRIBUTED__WORKER__DAEMON=False).
            outcome = run_job(job)
        else:
            (outcome,) = outcomes([job], shipment.context.but(workers=1))
        return outcome.result.renamed(path_text(path), shipment.shown)


def _ship(job: Job) -> Shipment | FileResult:
    """The shipment of one job, or the result of a file that cannot even be sent (missing, too big, a FIFO)."""
    shown = path_text(job.path)
    try:
        data = open_regular(job.path, MAX_SHIPPED, "文件")
        sources = job.context.config.sources(job.path)
    except XlgoalsInputError as exc:
        return FileResult(path=shown, error=str(exc))
    except OSError as exc:
        return FileResult(path=shown, error=read_failure(shown, exc))
    return Shipment(shown, job.path.name, data, job.in_folder, sources, job.context)


def _refused_at_once(address: str) -> None:
    """Raise the refusal of a TCP address where nothing listens, before Dask spends its whole
    timeout retrying it (a mistyped port waited 10 s for the same sentence)."""
    url = urlsplit(address if "://" in address else f"tcp://{address}")
    if url.scheme != "tcp" or not url.hostname or url.port is None:
        return
    with socket.create_connection((url.hostname, url.port), timeout=3):
        pass


def dask_runner(address: str, window: int = 64) -> Runner:
    """A ``batch.check_paths`` runner that sends the jobs to the Dask scheduler at ``address``; at most
    ``window`` files are in flight at once, so neither this process nor the scheduler holds a whole
    province's files in memory."""

    def run(jobs: list[Job], _context: RunContext) -> Iterator[Outcome]:
        try:  # the optional extra, loaded only when asked for
            client_class = importlib.import_module("distributed").Client
        except ImportError:
            raise XlgoalsInputError(
                '--scheduler 需要 Dask：请先安装 pip install "xlgoals[dask]"。', file=address
            ) from None
        try:
            _refused_at_once(address)
            client = client_class(address, timeout=10)
        except (OSError, TimeoutError) as exc:
            raise XlgoalsInputError(f"无法连接 Dask 调度器：{describe(exc)}。", file=address) from None
        with client:
            pending: deque[tuple[Job, Any]] = deque()
            queue = iter(jobs)

            def submit_next() -> None:
                job = next(queue, None)
                if job is None:
                    return
                shipment = _ship(job)
                if isinstance(shipment, FileResult):
                    pending.append((job, shipment))
                else:
                    pending.append((job, client.submit(check_shipment, shipment, pure=False, retries=1)))

            for _ in range(window):
                submit_next()
            while pending:
                job, item = pending.popleft()
                submit_next()
                if isinstance(item, FileResult):
                    yield Outcome(item)
                    continue
                try:
                    yield Outcome(item.result())
                except Exception:  # the worker running it was lost (twice): that file's problem only
                    yield failed(job, DIED)
                finally:
                    item.release()

    return run
