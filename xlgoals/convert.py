"""``xlgoals convert``: read any supported input, write the format the output's extension names.

The reading and writing run in a guarded worker process (``pool``), so a hostile input costs at most
the per-file time and memory budget; the output is written by this process, atomically, only when
the whole conversion succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlgoals import errorlog
from xlgoals.atomic import write_atomic
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats import by_name, output_format, read_document
from xlgoals.model import Document, relocate
from xlgoals.oserrors import read_failure, resolved
from xlgoals.pool import DIED, MEMORY, TIMEOUT, GuardedPool
from xlgoals.runcontext import DEFAULT, RunContext
from xlgoals.safetext import path_text
from xlgoals.synonyms import DEFAULT as DEFAULT_LABELS
from xlgoals.synonyms import Synonyms


@dataclass(frozen=True)
class Job:
    src: Path
    format: str  # the name of the output Format
    fast: bool
    shown: str = ""  # the name the output records as its source (the service: the uploaded name)
    synonyms: Synonyms = DEFAULT_LABELS  # the labels of a region's own tables (``labels`` in xlgoals.toml)


@dataclass(frozen=True)
class Result:
    data: bytes = b""
    error: str = ""


def render(job: Job) -> Result:
    """Read ``job.src`` and write it in the output format (in a worker process)."""
    fmt = by_name(job.format)
    try:
        doc = read_document(job.src, fast=job.fast, synonyms=job.synonyms)
        if job.shown:
            _rename(doc, path_text(job.src), job.shown)
        return Result(data=fmt.write(doc))
    except XlgoalsInputError as exc:
        return Result(error=str(exc))
    except OSError as exc:
        return Result(error=read_failure(path_text(job.src), exc))
    except MemoryError:
        raise  # the pool reports it ("过大") and replaces the worker
    except RecursionError:
        return Result(error=f"{path_text(job.src)}：结构嵌套过深，无法读取。")
    except Exception as exc:  # a bug: one sentence (and a log), not "处理时出错"
        return Result(error=errorlog.internal(path_text(job.src), exc, "转换"))


def _rename(doc: Document, temporary: str, shown: str) -> None:
    """Record ``shown`` instead of a temporary copy's path as the source and in every location."""
    doc.source = shown
    relocate(doc, lambda loc: loc.model_copy(update={"file": shown}) if loc.file == temporary else loc)


def failure_text(why: str) -> str:
    """What to say of one piece of work whose worker ran out of time or memory, or died."""
    return {
        TIMEOUT: "处理超时（超过时间上限），已停止。文件可能过大或结构异常。",
        MEMORY: "文件过大：处理时超出内存上限，已停止。",
        DIED: "处理时程序意外退出（文件可能过大或已损坏）。",
    }.get(why, "处理时出错。")


def failed(job: Job, why: str) -> Result:
    return Result(error=f"{path_text(job.src)}：{failure_text(why)}")


def convert(src: Path, dst: Path, context: RunContext = DEFAULT, *, layout: str = "template") -> None:
    """``src`` → ``dst``; the labels of a region's tables come from the configuration ``context`` gives
    ``src`` (the xlgoals.toml beside it, or ``--config``)."""
    fmt = output_format(dst, layout)
    synonyms = context.config.reading(src).synonyms()
    if dst.exists() and src.exists() and resolved(dst) == resolved(src):
        raise XlgoalsInputError("输出文件不能与输入文件相同（不会覆盖原文件）。", file=path_text(dst))
    pool: GuardedPool[Job, Result] = GuardedPool(render, failed, 1, context.budget)
    (result,) = pool.map([Job(src, fmt.name, context.fast, synonyms=synonyms)])
    if result.error:
        raise XlgoalsInputError(result.error)
    write_atomic(dst, result.data)
