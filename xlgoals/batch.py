"""Check many files at once: a process pool, a progress line, each file's failure isolated.

Workers return only the (small) FileResult of each file, so memory stays flat however many files
the folder holds; originals are only ever read.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from xlgoals.annotate import annotate_result, annotation_target
from xlgoals.check import check_file, collect_inputs
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import FileResult, Report


@dataclass(frozen=True)
class Job:
    path: Path
    root: Path
    explicit_config: Path | None
    cli: dict[str, Any]
    fast: bool
    annotate_dir: Path | None


@dataclass
class Outcome:
    result: FileResult
    annotated: Path | None = None


def run_job(job: Job) -> Outcome:
    """Check one file; any failure becomes that file's error, never the batch's."""
    try:
        result, doc = check_file(job.path, explicit_config=job.explicit_config, cli=job.cli, fast=job.fast)
        annotated = None
        if job.annotate_dir is not None and doc is not None:
            try:
                annotated = annotate_result(
                    job.path,
                    job.root,
                    doc,
                    job.annotate_dir,
                    explicit_config=job.explicit_config,
                    cli=job.cli,
                )
            except XlgoalsInputError as exc:
                result.error = f"标注副本未写出：{exc}"
        return Outcome(result, annotated)
    except XlgoalsInputError as exc:
        return Outcome(FileResult(path=str(job.path), error=str(exc)))
    except Exception as exc:  # isolate the file: one bad file must not stop a county's batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome(
            FileResult(
                path=str(job.path),
                error=f"内部错误（{type(exc).__name__}，{Path(where.filename).name}:{where.lineno}），该文件未能检查。",
            )
        )


class Progress:
    """One self-overwriting line on a terminal; silent when not a TTY or when asked to be."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled and stream.isatty() and total > 1
        self.start = time.monotonic()
        self.done = 0

    def step(self, path: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // self.total
        rate = self.done / max(time.monotonic() - self.start, 1e-6)
        name = Path(path).name
        self.stream.write(
            f"\r校验 [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  {rate:.0f} 个/秒  {name[:30]:<30}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def default_jobs() -> int:
    return os.cpu_count() or 1


def _outcomes(jobs: list[Job], workers: int) -> Iterator[Outcome]:
    if workers <= 1 or len(jobs) <= 1:
        yield from map(run_job, jobs)
        return
    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(run_job, jobs, chunksize=chunk)


def check_paths(
    paths: list[Path],
    *,
    workers: int | None = None,
    pattern: str | None = None,
    explicit_config: Path | None = None,
    cli: dict[str, Any] | None = None,
    fast: bool = True,
    annotate_dir: Path | None = None,
    progress: bool = True,
    stream: TextIO | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    keep: bool = True,
) -> tuple[Report, list[Path]]:
    """Check every input. Each FileResult goes to ``on_result`` as it arrives (in input order);
    with ``keep=False`` the Report keeps only counts and the unreadable files (memory stays flat)."""
    inputs = collect_inputs(paths, pattern)
    if not inputs:
        raise XlgoalsInputError(
            "没有找到可检查的文件（.xlsx、.xlsm、.txt、.json）。", file="、".join(map(str, paths))
        )
    if annotate_dir is not None:
        for p, root in inputs:
            if annotation_target(p, root, annotate_dir).resolve() == p.resolve():
                raise XlgoalsInputError(
                    "标注副本会写到原文件的位置（不会覆盖原文件），请换一个 --annotate 文件夹。", file=str(p)
                )
    jobs = [Job(p, root, explicit_config, dict(cli or {}), fast, annotate_dir) for p, root in inputs]
    bar = Progress(len(jobs), stream or sys.stderr, progress)
    report = Report()
    annotated: list[Path] = []
    try:
        for outcome in _outcomes(jobs, workers if workers is not None else default_jobs()):
            if on_result is not None:
                on_result(outcome.result)
            report.add(outcome.result, keep=keep)
            if outcome.annotated is not None:
                annotated.append(outcome.annotated)
            bar.step(outcome.result.path)
    finally:
        bar.close()
    return report, annotated
