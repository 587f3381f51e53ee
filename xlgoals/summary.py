"""``xlgoals summary``: read and check every file (in the guarded worker pool) and write the
county 汇总 workbook: one row per project, a subtotal per 预算单位, a grand total."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgoals.atomic import write_atomic
from xlgoals.batch import Batch, check_paths
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats.summary_workbook import build_summary
from xlgoals.runcontext import DEFAULT, RunContext
from xlgoals.safetext import path_text


def write_summary(paths: list[Path], out: Path, context: RunContext = DEFAULT, **options: Any) -> Batch:
    """Write the 汇总 of every readable file; unreadable ones are listed on a sheet of their own. When
    nothing could be read, nothing is written (the first file's reason is raised)."""
    if out.suffix.lower() != ".xlsx":
        raise XlgoalsInputError("汇总文件名应以 .xlsx 结尾。", file=path_text(out))
    batch = check_paths(paths, context.but(rows=True), keep=False, forbidden=(out,), **options)
    unreadable = [(f.path, f.error) for f in batch.report.files if f.error]
    if not batch.rows and unreadable:
        raise XlgoalsInputError(unreadable[0][1].split("：", 1)[-1], file=unreadable[0][0])
    write_atomic(out, build_summary(batch.rows, unreadable, batch.repeated))
    return batch
