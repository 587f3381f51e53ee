"""The marks of ``xlgoals.marks`` written through openpyxl's load and save: for a package the XML
editor (``xlgoals.io.xml_marks``) does not handle. Slower, and the parts openpyxl does not know are
lost; the marks a person sees are the same (tests/test_xml_marks.py holds the two together)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from xlgoals import layout as L
from xlgoals import printing
from xlgoals.errors import UnloadableWorkbook
from xlgoals.findings import Finding
from xlgoals.marks import cell_marks, fill, footer_formulas, link_target, note_text, result_rows, worst
from xlgoals.safetext import xml_safe


def _solid(color: str) -> PatternFill:
    return PatternFill("solid", start_color=color, end_color=color)


def annotate(
    data: bytes,
    keep_vba: bool,
    findings: Sequence[Finding],
    labels: dict[int, str],
    properties: dict[str, str],
) -> bytes:
    """The package ``data`` with 校验's marks for ``findings``, as ``xml_marks.annotate`` makes them,
    through openpyxl's load and save (parts openpyxl does not know are lost); ``properties`` added to
    the custom document properties it does not have yet. ``keep_vba``: an .xlsm's macros are kept."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba)
    except Exception as exc:  # openpyxl refuses what the checking readers tolerated (an INF cell, say)
        raise UnloadableWorkbook(
            f"工作簿可以检查，但无法写出标注副本（{type(exc).__name__}：工作簿中有 Excel 无法识别的内容）。"
            "请在 Excel 或 WPS 中打开并另存后重试。"
        ) from None
    for name, value in properties.items():
        if name not in wb.custom_doc_props.names:
            wb.custom_doc_props.append(StringProperty(name=name, value=value))
    meta = wb[L.META_SHEET] if L.META_SHEET in wb.sheetnames else None
    _clear_previous(wb, meta)
    if L.RESULTS_SHEET in wb.sheetnames:
        del wb[L.RESULTS_SHEET]

    recorded: list[tuple[str, str]] = []
    width, base, per, cap = L.NOTE_SIZE
    for (sheet, cell), fs in cell_marks(findings).items():
        if sheet not in wb.sheetnames:
            continue
        target: Any = wb[sheet][cell]
        if type(target).__name__ == "MergedCell":
            continue
        target.fill = _solid(fill(worst(fs)))
        comment = Comment(xml_safe(note_text(fs)), L.NOTE_AUTHOR)
        comment.width, comment.height = width, min(base + per * len(fs), cap)
        target.comment = comment
        recorded.append((sheet, cell))
    _results_sheet(wb, findings, labels)
    _printed_marks(wb, findings)
    if meta is not None:
        start = meta.max_row + 1
        for k, (sheet, cell) in enumerate(recorded):
            for col, value in enumerate((L.MARK_KEY, sheet, cell), start=1):
                meta.cell(start + k, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _results_sheet(wb: Any, findings: Sequence[Finding], labels: dict[int, str]) -> None:
    spec = L.RESULTS
    ws = wb.create_sheet(L.RESULTS_SHEET, index=min(spec.position, len(wb.sheetnames)))
    head_fill = _solid(L.HEADER_FILL.lstrip("#"))
    for k, (label, width) in enumerate(zip(spec.columns, spec.widths, strict=True), start=1):
        c = ws.cell(1, k, label)
        c.font = Font(bold=True, name=L.FONT)
        c.fill = head_fill
        ws.column_dimensions[L.column_letter(k)].width = width
    ws.page_setup.orientation = "landscape" if spec.page.landscape else "portrait"
    ws.page_setup.paperSize = spec.page.paper
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = spec.page.fit_height
    ws.print_title_rows = f"1:{spec.freeze_rows}"
    for r, (f, row) in enumerate(zip(findings, result_rows(findings, labels), strict=True), start=2):
        for k, value in enumerate(row, start=1):
            c = ws.cell(r, k, xml_safe(value))
            c.alignment = Alignment(wrap_text=k >= spec.wrap_from, vertical="top")
        ws.row_dimensions[r].height = printing.row_height(
            [v if k >= spec.wrap_from else "" for k, v in enumerate(row, start=1)], spec.widths
        )
        ws.cell(r, 1).fill = _solid(fill(f.severity))
        target = link_target(f)
        if target is not None:
            link = ws.cell(r, spec.link_column)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target)
            link.font = Font(color=L.LINK_COLOR, underline="single")
    ws.freeze_panes = ws.cell(spec.freeze_rows + 1, 1).coordinate
    if not findings:
        ws.cell(2, 1, spec.empty)


def _printed_marks(wb: Any, findings: Sequence[Finding]) -> None:
    """On paper too: each project sheet's 表内校验 row says what 校验 found there, the 提示 column
    is printed, and the notes print after the sheet (Excel; LibreOffice prints no notes)."""
    column_a = {ws.title: [c.value for c in ws["A"]] for ws in wb.worksheets}
    for name, (row, formula) in footer_formulas(column_a, findings).items():
        ws = wb[name]
        ws.cell(row, 2).value = formula
        ws.print_area = f"A1:{L.column_letter(L.PROJECT.flag_column)}{row}"
        ws.page_setup.cellComments = "atEnd"


def _clear_previous(wb: Any, meta: Any) -> None:
    if meta is None:
        return
    rows = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == L.MARK_KEY]
    for r in rows:
        sheet, cell = meta.cell(r, 2).value, meta.cell(r, 3).value
        if sheet in wb.sheetnames:
            target = wb[sheet][cell]
            if type(target).__name__ != "MergedCell":
                target.fill = PatternFill(fill_type=None)
                if target.comment is not None and target.comment.author == L.NOTE_AUTHOR:
                    target.comment = None
    for r in reversed(rows):
        meta.delete_rows(r)
