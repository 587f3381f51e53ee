"""Check many files at once: worker processes with a per-file budget, a progress line, each file's
failure its own.

Every command that reads files (check, summary, convert) runs the reading here, in a
``pool.GuardedPool``: a file that hangs, exhausts memory or crashes a reader is reported as that
file's problem — "超时", "过大", "处理时意外退出" — and the run goes on. Workers return only the small
result of each file, so memory stays flat however many files a folder holds; inputs are only read.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from xlgoals import errorlog
from xlgoals.check import check_file
from xlgoals.config import Sources
from xlgoals.crossfile import CrossFile
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import FileResult, Report, status_of
from xlgoals.firstuse import function
from xlgoals.inputs import Input, Skipped, collect
from xlgoals.model import Document
from xlgoals.oserrors import describe, read_failure, resolved
from xlgoals.pool import DIED, MEMORY, TIMEOUT, GuardedPool, cpu_count
from xlgoals.runcontext import DEFAULT, RunContext
from xlgoals.safetext import path_text
from xlgoals.totals import ProjectRow, project_row

# What only --annotate needs — the marks' writer, with openpyxl and the template builder — loaded
# when a run annotates: a check alone starts without them.
ANNOTATE = "xlgoals.annotate:annotate_result"
PLAN = "xlgoals.annotate:plan_targets"
TARGET = "xlgoals.annotate:annotation_target"


@dataclass(frozen=True)
class Job:
    path: Path
    root: Path
    in_folder: bool
    context: RunContext = DEFAULT
    sources: Sources | None = None  # its configuration files, already read (a remote worker has no folders)
    annotate_to: Path | None = None  # where its annotated copy goes (annotate.plan_targets), if asked for


@dataclass
class Outcome:
    result: FileResult
    annotated: Path | None = None
    rows: list[ProjectRow] = field(default_factory=list)


def _status(result: FileResult, index: int) -> str:
    """A table's status in the 汇总: its own findings and the document's."""
    return status_of(f for f in result.findings if f.table in (index, None))


def run_job(job: Job) -> Outcome:
    """Check one file (and annotate it, and total it, if asked); every failure becomes that file's."""
    shown = path_text(job.path)
    try:
        result, doc = check_file(job.path, job.context, skip_non_tables=job.in_folder, sources=job.sources)
        if doc is None:
            return Outcome(result)
        outcome = Outcome(result)
        if job.context.rows:
            outcome.rows = [project_row(shown, t, _status(result, t.index)) for t in doc.tables]
        if job.annotate_to is not None:
            outcome.annotated = _annotate(job, job.annotate_to, doc, result)
        return outcome
    except XlgoalsInputError as exc:
        return Outcome(FileResult(path=shown, error=str(exc)))
    except MemoryError:
        raise  # the pool reports it ("过大") and replaces the worker
    except OSError as exc:
        return Outcome(FileResult(path=shown, error=read_failure(shown, exc)))
    except RecursionError:
        return Outcome(FileResult(path=shown, error=f"{shown}：结构嵌套过深，无法读取。"))
    except Exception as exc:  # a bug: isolate the file, one bad file must not stop a county's batch
        return Outcome(FileResult(path=shown, error=errorlog.internal(shown, exc)))


def _annotate(job: Job, target: Path, doc: Document, result: FileResult) -> Path | None:
    try:
        return function(ANNOTATE)(  # type: ignore[no-any-return]
            job.path,
            target,
            doc,
            findings=result.findings,
            policy=job.context.config,
            sources=job.sources,
        )
    except XlgoalsInputError as exc:
        result.error = f"标注副本未写出：{exc}"
    except OSError as exc:
        result.error = f"标注副本未写出：{path_text(target)}：{describe(exc)}。"
    return None


def failed(job: Job, why: str) -> Outcome:
    """The outcome of a file whose worker ran out of time or memory, or died."""
    shown = path_text(job.path)
    text = {
        TIMEOUT: "处理超时（超过每个文件的时间上限），已停止处理该文件；文件可能过大或结构异常。",
        MEMORY: "文件过大：处理时超出内存上限，已停止处理该文件。",
        DIED: "处理该文件时程序意外退出（文件可能过大或已损坏），已跳过该文件，其余文件照常检查。",
    }.get(why, "处理该文件时出错，已跳过该文件，其余文件照常检查。")
    return Outcome(FileResult(path=shown, error=f"{shown}：{text}"))


class Progress:
    """One self-overwriting line on a terminal, on stderr; silent when not a TTY or when asked to be.
    ``clear`` wipes it before anything else is printed on the terminal."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled and stream.isatty() and total > 1
        self.start = time.monotonic()
        self.done = 0
        self.shown = False

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
        self.shown = True

    def clear(self) -> None:
        if self.enabled and self.shown:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
            self.shown = False


@dataclass
class Batch:
    report: Report
    annotated: list[Path] = field(default_factory=list)  # the annotated copies written
    annotated_from: dict[Path, Path] = field(default_factory=dict)  # each copy's planned place → its file
    renamed: dict[Path, str] = field(default_factory=dict)  # a copy not under its usual name → why
    rows: list[ProjectRow] = field(default_factory=list)
    repeated: set[str] = field(default_factory=set)  # 项目编码 found in several files (CODE-005)


Runner = Callable[[list[Job], RunContext], Iterator[Outcome]]


def outcomes(jobs: list[Job], context: RunContext) -> Iterator[Outcome]:
    """Run ``run_job`` over the jobs in guarded worker processes; outcomes in job order."""
    workers = context.workers if context.workers is not None else cpu_count()
    pool: GuardedPool[Job, Outcome] = GuardedPool(
        run_job, failed, min(workers, len(jobs)) or 1, context.budget
    )
    yield from pool.map(jobs)


def check_paths(
    paths: list[Path], context: RunContext = DEFAULT, *, pattern: str | None = None, **options: Any
) -> Batch:
    """Check every file named and every file found in the folders named (``check_inputs``)."""
    inputs, skipped = collect(paths, pattern)
    if not inputs:
        raise XlgoalsInputError(
            "没有找到可检查的文件（.xlsx、.xlsm、.txt、.docx、.json）。",
            file="、".join(map(path_text, paths)),
        )
    return check_inputs(inputs, skipped, context, **options)


def check_inputs(
    inputs: list[Input],
    skipped: list[Skipped],
    context: RunContext = DEFAULT,
    *,
    progress: bool = True,
    stream: TextIO | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    keep: bool = True,
    forbidden: tuple[Path, ...] = (),
    runner: Runner | None = None,
) -> Batch:
    """Check every input as ``context`` says. Each FileResult goes to ``on_result`` as it arrives (in
    input order); with ``keep=False`` the Report keeps only counts and the unreadable or skipped files
    (flat memory). ``forbidden``: output paths no input may be (a report must never overwrite what it
    reports on). ``runner`` runs the jobs (default: a local guarded pool; Dask; the service's resident
    workers)."""
    annotate_dir = context.annotate_dir
    _refuse_overwrites(inputs, annotate_dir, forbidden)
    if annotate_dir is not None:
        try:  # before any file is read: a folder that cannot be made fails the run, not every file
            annotate_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise XlgoalsInputError(
                f"无法创建标注文件夹：{describe(exc)}。", file=path_text(annotate_dir)
            ) from None
    plan: list[tuple[Path | None, str | None]] = [(None, None)] * len(inputs)
    if annotate_dir is not None:
        plan = list(function(PLAN)([(i.path, i.root) for i in inputs], annotate_dir))
    jobs = [
        Job(i.path, i.root, i.in_folder, context, annotate_to=to)
        for i, (to, _) in zip(inputs, plan, strict=True)
    ]
    bar = Progress(len(jobs), stream or sys.stderr, progress)
    batch = Batch(Report())
    batch.renamed = {to: why for to, why in plan if to is not None and why is not None}
    batch.annotated_from = {to: i.path for i, (to, _) in zip(inputs, plan, strict=True) if to is not None}
    run = runner or outcomes
    across = CrossFile()
    try:
        for s in skipped:
            result = FileResult(path=path_text(s.path), skipped=s.reason)
            if on_result is not None:
                on_result(result)
            batch.report.add(result, keep=keep)
        for outcome in run(jobs, context):
            bar.clear()
            if on_result is not None:
                on_result(outcome.result)
            batch.report.add(outcome.result, keep=keep)
            across.add(outcome.result)
            if outcome.annotated is not None:
                batch.annotated.append(outcome.annotated)
            batch.rows.extend(outcome.rows)
            bar.step(outcome.result.path)
    finally:
        bar.clear()
    found = across.result(context.config.across_files())
    if found is not None:
        batch.repeated = across.repeated
        if on_result is not None:
            on_result(found)
        batch.report.add(found, keep=keep, counted=False)
    return batch


def _refuse_overwrites(inputs: list[Input], annotate_dir: Path | None, forbidden: tuple[Path, ...]) -> None:
    """Refuse, before anything runs, an output that would land on an input."""
    originals = {resolved(i.path) for i in inputs}
    for out in forbidden:
        if resolved(out) in originals:
            raise XlgoalsInputError(
                "输出文件不能是被检查的文件（不会覆盖原文件），请换一个输出文件名。", file=path_text(out)
            )
    if annotate_dir is None:
        return
    for i in inputs:
        target = resolved(function(TARGET)(i.path, i.root, annotate_dir))
        if target in originals:
            raise XlgoalsInputError(
                "标注副本会写到原文件的位置（会覆盖原文件），请换一个 --annotate 文件夹。",
                file=path_text(i.path),
            )
