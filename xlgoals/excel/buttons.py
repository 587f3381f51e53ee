"""RunPython targets of the template's buttons: 校验, 汇总, 导出, 新增项目.

Each gets the workbook from ``xw.Book.caller()`` and goes through the same reader, rules and marks
as headless mode. Any failure shows one Chinese sentence and writes the traceback to
``xlgoals-error.log`` beside the workbook — never a raw traceback in a box.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlwings as xw

from xlgoals import layout as L
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import Severity

TITLE = "xlgoals"


def _log_path(book: Any) -> Path:
    folder = Path(str(book.fullname)).resolve().parent
    return (folder if folder.is_dir() else Path(tempfile.gettempdir())) / "xlgoals-error.log"


def run_guarded(book: Any, action: Callable[[Any], str]) -> str:
    """Run a button action; show its message, or one Chinese sentence when it fails."""
    try:
        message = action(book)
    except XlgoalsInputError as exc:
        message = f"无法完成：{exc.message}" + (f"（{exc.where}）" if exc.where else "")
    except Exception:
        log = _log_path(book)
        try:
            log.write_text(traceback.format_exc(), encoding="utf-8")
            message = f"xlgoals 出错了，未能完成操作。详细信息已写入 {log}，请把该文件发给维护者。"
        except OSError:
            message = "xlgoals 出错了，未能完成操作，且无法写入错误日志。"
    book.app.alert(message, title=TITLE)
    return message


def _document_and_config(book: Any) -> tuple[Any, Any]:
    from xlgoals.config import config_for, sheet_overrides
    from xlgoals.io.xw import grid_from_book
    from xlgoals.reader import read_grid_document

    grid = grid_from_book(book)
    doc = read_grid_document(grid)
    sheet = grid.get(L.CONFIG_SHEET)
    rows = (
        [(str(sheet.value(r, 1) or ""), sheet.value(r, 2)) for r in range(1, sheet.max_row + 1)]
        if sheet
        else []
    )
    return doc, config_for(Path(str(book.fullname)), None, sheet_overrides(rows))


def validate_book(book: Any) -> str:
    from xlgoals.check import check_document
    from xlgoals.io.xw import apply_marks

    doc, config = _document_and_config(book)
    findings = check_document(doc, config)
    apply_marks(book, findings, {t.index: t.label for t in doc.tables})
    e = sum(f.severity == Severity.ERROR for f in findings)
    w = sum(f.severity == Severity.WARNING for f in findings)
    if not findings:
        return "未发现问题。"
    return f"发现 {e} 个错误、{w} 个警告，详见『{L.RESULTS_SHEET}』"


TOTALS_COLUMN = 12  # L: the core's totals sit beside the live formulas of 项目清单


def totals_book(book: Any) -> str:
    from xlgoals.totals import grand_total, plan_amounts, project_row

    doc, _ = _document_and_config(book)
    rows = [project_row(str(book.fullname), t, "") for t in doc.tables]
    sheet = book.sheets[L.LIST_SHEET]
    header = [
        "xlgoals 汇总（核心计算）",
        "预算数",
        "财政资金",
        "其他资金",
        "3月底",
        "6月底",
        "10月底",
        "12月底",
    ]

    def num(v: Decimal | None) -> float | None:
        return None if v is None else float(v)

    body: list[list[Any]] = [header]
    for t, r in zip(doc.tables, rows, strict=True):
        body.append([t.label, num(r.total), num(r.fiscal), num(r.other), *[num(x) for x in plan_amounts(t)]])
    total = grand_total(rows)
    body.append(
        ["合计", num(total.total), num(total.fiscal), num(total.other), *[num(x) for x in total.plan]]
    )
    anchor = sheet.range((L.LIST_HEADER_ROW, TOTALS_COLUMN))
    sheet.range(
        (L.LIST_HEADER_ROW, TOTALS_COLUMN), (L.LIST_HEADER_ROW + 200, TOTALS_COLUMN + 7)
    ).clear_contents()
    anchor.value = body
    sheet.range(
        (L.LIST_HEADER_ROW + 1, TOTALS_COLUMN + 1), (L.LIST_HEADER_ROW + len(body), TOTALS_COLUMN + 7)
    ).number_format = "0.00"
    return f"已汇总 {len(rows)} 个项目：预算数合计 {total.total:.2f} 万元（见『{L.LIST_SHEET}』L列起）。"


def export_book(book: Any) -> str:
    from xlgoals.atomic import write_atomic
    from xlgoals.exporters.csv import build_csv
    from xlgoals.exporters.docx import build_docx
    from xlgoals.exporters.json import dumps

    doc, _ = _document_and_config(book)
    full = Path(str(book.fullname))
    if not full.parent.is_dir():
        raise XlgoalsInputError("请先保存工作簿，再导出（导出文件写在工作簿旁边）。")
    written = []
    for suffix, data in (
        (".json", dumps(doc).encode("utf-8")),
        (".docx", build_docx(doc)),
        (".csv", build_csv(doc)),
    ):
        target = full.with_suffix(suffix)
        write_atomic(target, data)
        written.append(target.name)
    return f"已导出到 {full.parent}：{'、'.join(written)}"


def new_project_book(book: Any) -> str:
    from xlgoals.io.xw import grid_from_book, supports_copy_sheet
    from xlgoals.reader import is_project_sheet

    grid = grid_from_book(book)
    projects = [s.name for s in grid.sheets if is_project_sheet(s)]
    if not projects:
        raise XlgoalsInputError("工作簿中没有可复制的项目表。")
    index = len(projects) + 1
    name = L.project_sheet_name(index, "", {s.name for s in book.sheets})
    source = book.sheets[projects[-1]]
    if not supports_copy_sheet(book):
        raise XlgoalsInputError("当前连接方式不支持复制工作表，请在桌面版 Excel 中使用“新增项目”。")
    new = source.copy(after=source, name=name)
    inputs = [L.UNIT_CODE, L.UNIT_NAME, L.PROJECT_CODE, L.PROJECT_NAME, L.BUDGET_TOTAL, L.BUDGET_FISCAL,
              L.BUDGET_OTHER, L.FUND_USE, *L.PLAN_POINTS, L.GOALS]  # fmt: skip
    for cell in inputs:
        new[cell.a1].clear_contents()
    new["A1"].value = L.DEFAULT_TITLE
    last = L.IND_FIRST_ROW + L.INDICATOR_ROWS - 1
    new.range((L.IND_FIRST_ROW, 1), (last, 7)).clear_contents()
    new.range((L.IND_FIRST_ROW, 9), (last, 12)).clear_contents()
    lst = book.sheets[L.LIST_SHEET]
    list_rows = _list_row_count(lst)
    row = L.LIST_FIRST_ROW + list_rows
    lst.range((row, 1), (row, 1)).insert("down")
    lst.range((row, 1)).value = [[index, name]]
    lst.range((row, 2)).add_hyperlink(f"#{L.quote_sheet(name)}!A1", name)
    return f"已新增项目表『{name}』，并已加入『{L.LIST_SHEET}』。"


def _list_row_count(sheet: Any) -> int:
    values = sheet.range((L.LIST_FIRST_ROW, 2), (L.LIST_FIRST_ROW + 500, 2)).value
    n = 0
    for v in values:
        if v in (None, "", L.LIST_TOTAL_LABEL):
            break
        n += 1
    return n


# --- RunPython targets (one parameterless function per button) ----------------------------------


def validate_button() -> None:
    run_guarded(xw.Book.caller(), validate_book)


def totals_button() -> None:
    run_guarded(xw.Book.caller(), totals_book)


def export_button() -> None:
    run_guarded(xw.Book.caller(), export_book)


def new_project_button() -> None:
    run_guarded(xw.Book.caller(), new_project_book)
