"""Marks on a workbook: each cell with a finding filled by severity with a note, and a 校验结果 sheet.

Works on a copy (openpyxl); the original is never written. Marks made by an earlier run are recorded
in the hidden _xlgoals sheet and cleared first, so annotating twice does not pile up.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlgoals import layout as L
from xlgoals.findings import Finding, Severity

FILL = {
    Severity.ERROR: "FFC7CE",
    Severity.WARNING: "FFEB9C",
    Severity.INFO: "E4DFEC",
}  # info ≠ the header blue
NOTE_AUTHOR = "xlgoals"
MARK_KEY = "mark"
RESULT_COLUMNS = ("严重程度", "代码", "项目", "单元格", "问题", "修改建议")


def _worst(findings: Sequence[Finding]) -> Severity:
    return min((f.severity for f in findings), key=lambda s: s.rank)


def note_text(findings: Sequence[Finding]) -> str:
    lines = [
        f"[{f.severity.label} {f.code}] {f.message}" + (f"\n  修改：{f.hint}" if f.hint else "")
        for f in findings
    ]
    return "xlgoals 校验：\n" + "\n".join(lines)


def result_rows(findings: Sequence[Finding], labels: dict[int, str]) -> list[list[str]]:
    """The 校验结果 table (without header), in report order: the same for headless and Excel."""
    rows = []
    for f in findings:
        project = labels.get(f.table, "") if f.table is not None else "文档"
        rows.append([f.severity.label, f.code, project, f.where, f.message, f.hint])
    return rows


def cell_marks(findings: Sequence[Finding]) -> dict[tuple[str, str], list[Finding]]:
    marks: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        loc = f.location
        if loc is not None and loc.sheet is not None and loc.cell is not None:
            marks.setdefault((loc.sheet, loc.cell), []).append(f)
    return marks


def annotate_bytes(data: bytes, keep_vba: bool, findings: Sequence[Finding], labels: dict[int, str]) -> bytes:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba)
    meta = wb[L.META_SHEET] if L.META_SHEET in wb.sheetnames else None
    _clear_previous(wb, meta)
    if L.RESULTS_SHEET in wb.sheetnames:
        del wb[L.RESULTS_SHEET]

    marks = cell_marks(findings)
    recorded: list[tuple[str, str]] = []
    for (sheet, cell), fs in marks.items():
        if sheet not in wb.sheetnames:
            continue
        target: Any = wb[sheet][cell]
        if type(target).__name__ == "MergedCell":
            continue
        color = FILL[_worst(fs)]
        target.fill = PatternFill("solid", start_color=color, end_color=color)
        comment = Comment(note_text(fs), NOTE_AUTHOR)
        comment.width, comment.height = 360, min(60 + 45 * len(fs), 400)
        target.comment = comment
        recorded.append((sheet, cell))

    ws = wb.create_sheet(L.RESULTS_SHEET, index=min(2, len(wb.sheetnames)))
    head_fill = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    for k, label in enumerate(RESULT_COLUMNS, start=1):
        c = ws.cell(1, k, label)
        c.font = Font(bold=True, name="宋体")
        c.fill = head_fill
    for width, col in zip((8, 11, 30, 40, 60, 50), "ABCDEF", strict=True):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    for r, (f, row) in enumerate(zip(findings, result_rows(findings, labels), strict=True), start=2):
        for k, value in enumerate(row, start=1):
            c = ws.cell(r, k, value)
            c.alignment = Alignment(wrap_text=k >= 5, vertical="top")
        ws.cell(r, 1).fill = PatternFill("solid", start_color=FILL[f.severity], end_color=FILL[f.severity])
        loc = f.location
        if loc is not None and loc.sheet is not None and loc.cell is not None:
            link = ws.cell(r, 4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{L.quote_sheet(loc.sheet)}!{loc.cell}")
            link.font = Font(color="0000FF", underline="single")
    ws.freeze_panes = "A2"
    if not findings:
        ws.cell(2, 1, "未发现问题")
    if meta is not None:
        start = meta.max_row + 1
        for k, (sheet, cell) in enumerate(recorded):
            meta.cell(start + k, 1, MARK_KEY)
            meta.cell(start + k, 2, sheet)
            meta.cell(start + k, 3, cell)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _clear_previous(wb: Any, meta: Any) -> None:
    from openpyxl.styles import PatternFill

    if meta is None:
        return
    rows = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == MARK_KEY]
    for r in rows:
        sheet, cell = meta.cell(r, 2).value, meta.cell(r, 3).value
        if sheet in wb.sheetnames:
            target = wb[sheet][cell]
            if type(target).__name__ != "MergedCell":
                target.fill = PatternFill(fill_type=None)
                if target.comment is not None and target.comment.author == NOTE_AUTHOR:
                    target.comment = None
    for r in reversed(rows):
        meta.delete_rows(r)


def annotated_name(src: Path) -> str:
    suffix = src.suffix.lower()
    return src.name if suffix in (".xlsx", ".xlsm") else f"{src.stem}.xlsx"


def write_annotated(
    src: Path,
    data: bytes,
    findings: Sequence[Finding],
    labels: dict[int, str],
    out_dir: Path,
    name: str | None = None,
) -> Path:
    from xlgoals.atomic import write_atomic
    from xlgoals.errors import XlgoalsInputError

    dst = out_dir / (name or annotated_name(src))
    if dst.exists() and dst.resolve() == src.resolve():
        raise XlgoalsInputError(
            "标注副本不能写到原文件所在位置（不会覆盖原文件），请换一个 --annotate 文件夹。", file=str(src)
        )
    write_atomic(dst, annotate_bytes(data, src.suffix.lower() == ".xlsm", findings, labels))
    return dst
