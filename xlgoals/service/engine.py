"""The service's work, done by the CLI's engine: ``batch.check_inputs`` (check, annotate, 汇总 rows)
and ``convert.render``, run on resident guarded worker processes shared by every request.

A file that hangs, exhausts memory or kills its reader costs one worker, which is replaced; the
request gets that file's one sentence, every other request goes on. Each request also has a
deadline: files not started by then are reported as not checked instead of holding the client.
Reports name the files as the user named them, never by their temporary copies.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from xlgoals import convert
from xlgoals.annotate import annotated_name
from xlgoals.batch import Batch, Job, Outcome, Runner, check_inputs, failed, run_job
from xlgoals.config import ConfigPolicy
from xlgoals.crossfile import ACROSS_FILES
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import FileResult, Report
from xlgoals.formats import output_format
from xlgoals.formats.summary_workbook import build_summary
from xlgoals.pool import Budget, ResidentPool
from xlgoals.report import JsonStream, render_xlsx
from xlgoals.runcontext import RunContext
from xlgoals.safetext import path_text
from xlgoals.service.buttons import PressCall, PressResult, failed_press, run_press
from xlgoals.service.uploads import Uploads

Task = Job | convert.Job | PressCall
Done = Outcome | convert.Result | PressResult
LATE = "late"
ANNOTATED = "annotated"  # the request's folder of annotated copies


def run_task(task: Task) -> Done:
    """In a worker: check (and annotate, and total) one file, convert one, or answer a button."""
    if isinstance(task, Job):
        return run_job(task)
    if isinstance(task, PressCall):
        return run_press(task)
    return convert.render(task)


def task_failed(task: Task, why: str) -> Done:
    if isinstance(task, Job):
        if why == LATE:
            shown = path_text(task.path)
            text = "本次请求的处理时间已用完，该文件未检查；请减少一次上传的文件数后重试。"
            return Outcome(FileResult(path=shown, error=f"{shown}：{text}"))
        return failed(task, why)
    if isinstance(task, PressCall):
        return failed_press(task, convert.failure_text(why))
    return convert.failed(task, why)


@dataclass(frozen=True)
class Limits:
    workers: int  # checking processes shared by all requests
    budget: Budget  # per file
    request_seconds: float  # per request: files not started by then are not checked


class Engine:
    def __init__(self, limits: Limits, config: ConfigPolicy) -> None:
        self.limits = limits
        # One context for every request: serve --config, never a file found near an upload's copy.
        self.context = RunContext(config, budget=limits.budget, workers=limits.workers)
        self.pool: ResidentPool[Task, Done] = ResidentPool(
            run_task, task_failed, limits.workers, limits.budget, preload=("xlgoals.service.engine",)
        )

    def close(self) -> None:
        self.pool.close()

    def _runner(self, uploads: Uploads) -> Runner:
        deadline = time.monotonic() + self.limits.request_seconds

        def one(job: Job) -> Outcome:
            done = task_failed(job, LATE) if time.monotonic() > deadline else self.pool.call(job)
            assert isinstance(done, Outcome)
            temporary, original = path_text(job.path), uploads.display(job.path)
            done.result = done.result.renamed(temporary, original)
            for row in done.rows:
                row.source = original
            return done

        def run(jobs: list[Job], _context: RunContext) -> Iterator[Outcome]:
            # A request uses all workers but one: however many files one upload brings (a zip of huge
            # texts, say), a worker stays free for the other clerks' uploads and buttons.
            share = max(1, self.limits.workers - 1)
            with ThreadPoolExecutor(max_workers=max(1, min(share, len(jobs)))) as threads:
                for future in [threads.submit(one, job) for job in jobs]:
                    yield future.result()

        return run

    def check(
        self,
        uploads: Uploads,
        *,
        annotate: bool = False,
        rows: bool = False,
        on_result: Callable[[FileResult], None] | None = None,
    ) -> Batch:
        """Check every upload, as ``xlgoals check`` checks files and folders."""
        if not uploads.inputs and not uploads.skipped:
            raise XlgoalsInputError("没有收到文件：请选择要校验的工作簿、公开文本、Word 文件或 zip 压缩包。")
        annotate_dir = uploads.folder / ANNOTATED if annotate else None
        return check_inputs(
            uploads.inputs,
            uploads.skipped,
            self.context.but(annotate_dir=annotate_dir, rows=rows),
            progress=False,
            on_result=on_result,
            runner=self._runner(uploads),
        )

    def press(self, call: PressCall) -> PressResult:
        """A button of a client (Excel's VBA, the WPS add-in, LibreOffice): the encoded answer."""
        done = self.pool.call(call)
        assert isinstance(done, PressResult)
        return done

    def convert(self, uploads: Uploads, to: str) -> tuple[str, bytes]:
        """The one uploaded file in the format ``to`` (docx, json, csv, xlsx): (download name, bytes)."""
        (src,) = uploads.inputs  # the app refuses any other number
        shown = uploads.display(src.path)
        name = f"{PurePosixPath(shown).stem or '未命名'}.{to}"
        fmt = output_format(Path(name))
        synonyms = self.context.config.reading(src.path).synonyms()
        done = self.pool.call(convert.Job(src.path, fmt.name, True, shown, synonyms))
        assert isinstance(done, convert.Result)
        if done.error:
            raise XlgoalsInputError(done.error.replace(path_text(src.path), shown))
        return name, done.data


def json_report(report: Report) -> str:
    """The report exactly as ``xlgoals check --format json`` writes it."""
    out = io.StringIO()
    stream = JsonStream(out)
    for fr in report.files:
        stream.add(fr)
    stream.close(report)
    return out.getvalue()


def xlsx_report(batch: Batch) -> bytes:
    return render_xlsx(batch.report, Path("."))


def summary_workbook(batch: Batch) -> bytes:
    unreadable = [(f.path, f.error) for f in batch.report.files if f.error]
    if not batch.rows and unreadable:
        raise XlgoalsInputError(unreadable[0][1])
    return build_summary(batch.rows, unreadable, batch.repeated)


MARKED = "（已标注）"  # in a marked copy's name
FILE_LIST = "文件清单.txt"  # in the zip of marked copies: every file, its status and its copy


def marked_name(shown: str) -> str:
    """The name a marked copy is downloaded under: "单位A/000（已标注）.xlsx" for "单位A/000.txt" — never
    the original's name (in a Downloads folder it would become "000 (1).xlsx" beside the unmarked
    one), and no folder named after the uploaded zip ("全县.zip/…" → "全县/…")."""
    path = PurePosixPath(shown)
    parts = [PurePosixPath(p).stem if p.lower().endswith(".zip") else p for p in path.parent.parts]
    copy = PurePosixPath(annotated_name(Path(path.name)))
    return str(PurePosixPath(*parts, f"{copy.stem}{MARKED}{copy.suffix}"))


def _file_list(files: Sequence[FileResult], copies: Sequence[tuple[str, Path]]) -> str:
    """Every uploaded file with its status and counts, or why it has no marked copy (CRLF: Notepad
    on old Windows)."""
    files = [f for f in files if f.path != ACROSS_FILES]
    lines = [f"共 {len(files)} 个文件；标注副本 {len(copies)} 个。", ""]
    for f in files:
        if f.error:
            lines.append(f"{f.path}：无法读取，没有标注副本。{f.error}")
        elif f.skipped:
            lines.append(f"{f.path}：已跳过（{f.skipped}）")
        else:
            lines.append(f"{f.path}：{f.status}（{f.counts_text()}）")
    return "\r\n".join(lines) + "\r\n"


def annotated_copies(batch: Batch, uploads: Uploads) -> tuple[str, bytes]:
    """The annotated copy (one file) or a zip of them, named as the user's files are, with a list of
    every file: its status, or why it could not be marked."""
    copies = []
    for path in batch.annotated:
        source = batch.annotated_from.get(path)
        copies.append((marked_name(uploads.display(source) if source is not None else path.name), path))
    errors = [(f.path, f.error) for f in batch.report.files if f.error]
    if not copies:
        raise XlgoalsInputError(errors[0][1] if errors else "上传的文件中没有可标注的绩效目标表。")
    if len(copies) == 1 and len(uploads.inputs) == 1:
        name, path = copies[0]
        return PurePosixPath(name).name, path.read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        taken: set[str] = set()
        for name, path in copies:
            unique, k = name, 1
            while unique in taken:
                k += 1
                unique = f"{PurePosixPath(name).parent / PurePosixPath(name).stem}（{k}）{PurePosixPath(name).suffix}"
            taken.add(unique)
            archive.writestr(unique, path.read_bytes())
        archive.writestr(FILE_LIST, _file_list(batch.report.files, copies))
    return "标注副本.zip", buf.getvalue()
