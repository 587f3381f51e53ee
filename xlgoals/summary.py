"""``xlgoals summary``: read every file, check it, and build the county 汇总 workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgoals.atomic import write_atomic
from xlgoals.check import check_document, collect_inputs, config_of
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import Severity
from xlgoals.formats import read_document
from xlgoals.formats.summary_workbook import build_summary
from xlgoals.totals import ProjectRow, project_row


def _status(findings: list[Any], index: int) -> str:
    mine = [f for f in findings if f.table in (index, None)]
    if any(f.severity == Severity.ERROR for f in mine):
        return "有错误"
    if any(f.severity == Severity.WARNING for f in mine):
        return "有警告"
    return "通过"


def collect_rows(
    paths: list[Path], *, pattern: str | None = None, explicit_config: Path | None = None, fast: bool = True
) -> tuple[list[ProjectRow], list[tuple[str, str]]]:
    inputs = collect_inputs(paths, pattern)
    if not inputs:
        raise XlgoalsInputError(
            "没有找到可汇总的文件（.xlsx、.xlsm、.txt、.json）。", file="、".join(map(str, paths))
        )
    rows: list[ProjectRow] = []
    unreadable: list[tuple[str, str]] = []
    for path, _root in inputs:
        try:
            doc = read_document(path, fast=fast)
            findings = check_document(doc, config_of(path, doc, explicit_config))
        except XlgoalsInputError as exc:
            unreadable.append((str(path), str(exc)))
            continue
        rows.extend(project_row(str(path), t, _status(findings, t.index)) for t in doc.tables)
    return rows, unreadable


def write_summary(paths: list[Path], out: Path, **kw: Any) -> tuple[list[ProjectRow], list[tuple[str, str]]]:
    if out.suffix.lower() != ".xlsx":
        raise XlgoalsInputError("汇总文件名应以 .xlsx 结尾。", file=str(out))
    rows, unreadable = collect_rows(paths, **kw)
    if any(out.resolve() == p.resolve() for p in paths if p.is_file()):
        raise XlgoalsInputError("汇总文件不能与输入文件相同（不会覆盖原文件）。", file=str(out))
    write_atomic(out, build_summary(rows, unreadable))
    return rows, unreadable
