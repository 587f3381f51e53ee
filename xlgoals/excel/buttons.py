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
from xlgoals.atomic import write_atomic
from xlgoals.check import check_document
from xlgoals.config import NEARBY, Config, ConfigPolicy
from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import TableField
from xlgoals.findings import Severity
from xlgoals.formats.csv import build_csv
from xlgoals.formats.document_json import dumps
from xlgoals.formats.docx import build_docx
from xlgoals.formats.template_workbook import is_project_sheet
from xlgoals.formats.workbook import read_grid_document
from xlgoals.io.grid import SheetGrid
from xlgoals.io.xw import apply_marks, grid_from_book, supports_copy_sheet, unprotected
from xlgoals.model import Document
from xlgoals.template import formulas as F
from xlgoals.totals import grand_total, plan_amounts, project_row

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


def _document_and_config(book: Any, policy: ConfigPolicy) -> tuple[Document, Config]:
    doc = read_grid_document(grid_from_book(book))
    return doc, policy.checking(Path(str(book.fullname)), doc)


def _protection(book: Any) -> Callable[[str], dict[str, bool] | None]:
    """The template's protection of each sheet of ``book`` (project sheets recognised by content)."""
    projects = {s.name for s in grid_from_book(book).sheets if is_project_sheet(s)}
    return lambda name: L.protection_of(name, project=name in projects)


def validate_book(book: Any, policy: ConfigPolicy = NEARBY) -> str:
    doc, config = _document_and_config(book, policy)
    findings = check_document(doc, config)
    apply_marks(book, findings, {t.index: t.label for t in doc.tables}, _protection(book))
    e = sum(f.severity == Severity.ERROR for f in findings)
    w = sum(f.severity == Severity.WARNING for f in findings)
    if not findings:
        return "未发现问题。"
    return f"发现 {e} 个错误、{w} 个警告，详见『{L.RESULTS_SHEET}』"


def totals_book(book: Any, policy: ConfigPolicy = NEARBY) -> str:
    doc, _ = _document_and_config(book, policy)
    rows = [project_row(str(book.fullname), t, "") for t in doc.tables]
    sheet = book.sheets[L.LIST_SHEET]
    header = [
        L.LIST_TOTALS_TITLE,
        *(
            L.field_name(f)
            for f in (TableField.BUDGET_TOTAL, TableField.BUDGET_FISCAL, TableField.BUDGET_OTHER)
        ),
        *L.Label.PLAN_POINTS,
    ]

    def num(v: Decimal | None) -> float | None:
        return None if v is None else float(v)

    body: list[list[Any]] = [header]
    for t, r in zip(doc.tables, rows, strict=True):
        body.append([t.label, num(r.total), num(r.fiscal), num(r.other), *[num(x) for x in plan_amounts(t)]])
    total = grand_total(rows)
    body.append(
        [
            L.LIST.total_label,
            num(total.total),
            num(total.fiscal),
            num(total.other),
            *[num(x) for x in total.plan],
        ]
    )
    top, left = L.LIST.header_row, L.LIST_TOTALS_COLUMN
    with unprotected(book, [L.LIST_SHEET], _protection(book)):
        sheet.range((top, left), (top + 200, left + 7)).clear_contents()
        sheet.range((top, left)).value = body
        sheet.range((top + 1, left + 1), (top + len(body), left + 7)).number_format = "0.00"
    return f"已汇总 {len(rows)} 个项目：预算数合计 {total.total:.2f} 万元（见『{L.LIST_SHEET}』{L.column_letter(L.LIST_TOTALS_COLUMN)}列起）。"


def export_book(book: Any, policy: ConfigPolicy = NEARBY) -> str:
    doc, _ = _document_and_config(book, policy)
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


def new_project_book(book: Any, policy: ConfigPolicy = NEARBY) -> str:
    grid = grid_from_book(book)
    projects = [s.name for s in grid.sheets if is_project_sheet(s)]
    if not projects:
        raise XlgoalsInputError("工作簿中没有可复制的项目表。")
    index = len(projects) + 1
    name = L.project_sheet_name(index, "", {s.name for s in book.sheets})
    source = book.sheets[projects[-1]]
    if not supports_copy_sheet(book):
        raise XlgoalsInputError("当前连接方式不支持复制工作表，请在桌面版 Excel 中使用“新增项目”。")
    footer = _footer_row(next(s for s in grid.sheets if s.name == projects[-1]))
    new = source.copy(after=source, name=name)  # a copy keeps the source's protection
    protection = _protection(book)
    with unprotected(
        book, [name, L.LIST_SHEET], lambda n: L.protection_of(n, project=True) if n == name else protection(n)
    ):
        _clear_project(new, footer)
        _add_to_list(book, index, name, footer - 1)
    return f"已新增项目表『{name}』，并已加入『{L.LIST_SHEET}』。"


def _footer_row(sheet: SheetGrid) -> int:
    """The 表内校验 row of a project sheet: after every indicator row, however many were inserted."""
    P = L.PROJECT
    found = P.find_footer([sheet.value(r, 1) for r in range(1, sheet.max_row + 1)])
    return found if found is not None else P.footer_row(P.indicator_rows)


def _clear_project(new: Any, footer: int) -> None:
    """Empty the copied project sheet's inputs (every indicator row above the footer), keeping the
    table title and the plan's mode."""
    P = L.PROJECT
    kept = (TableField.TITLE, TableField.SPEND_PLAN, TableField.PLAN_MODE)
    for item in P.header:
        if item.field is not None and item.field not in kept:
            new.range((item.at.row, item.at.col)).clear_contents()
    title = P.input(TableField.TITLE).at
    new.range((title.row, title.col)).value = L.Label.TITLE
    last = footer - 1
    new.range((P.first_indicator_row, 1), (last, P.print_columns)).clear_contents()
    extra = P.extra_columns
    new.range((P.first_indicator_row, extra[0].col), (last, extra[-1].col)).clear_contents()


def _add_to_list(book: Any, index: int, name: str, last_row: int) -> None:
    """A complete 项目清单 row for the new sheet (its formulas, not only its name), and the 合计 of
    the counted columns widened to it (inserting at the 合计 row does not widen a SUM above it)."""
    spec = L.LIST
    lst = book.sheets[L.LIST_SHEET]
    row = spec.first_row + _list_row_count(lst)
    width = len(spec.columns)
    lst.range((row, 1), (row, width)).insert("down")
    lst.range((row, 1)).value = [F.list_row(index, name, last_row)]
    lst.range((row, 2)).add_hyperlink(f"#{L.quote_sheet(name)}!{L.cell_name(1, 1)}", name)
    for col, c in enumerate(spec.columns, start=1):
        if c.total and c.kind != L.ListKind.FIELD:  # amounts are summed over every sheet already
            lst.range((row + 1, col)).value = F.list_sum(col, spec.first_row, row)


def _list_row_count(sheet: Any) -> int:
    values = sheet.range((L.LIST.first_row, 2), (L.LIST.first_row + 500, 2)).value
    n = 0
    for v in values:
        if v in (None, "", L.LIST.total_label):
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
