"""What each button does to a workbook — 校验, 汇总, 导出, 新增项目 — said as the operations of the
client protocol (``xlgoals.protocol``), whoever applies them: the service's clients (Excel's VBA,
the WPS add-in, the LibreOffice extension) and Excel with local Python (``excel/buttons.py``).

The answer depends only on what the workbook holds, never on which sheet is active or on the client,
so pressing a button twice gives the workbook pressing it once gives. 校验 finds the marks of the
previous press in the hidden _xlgoals sheet (or, in a workbook without it, in the 校验结果 sheet) and
undoes them — fill and note — on every cell that has no finding any more; a cell that still has one
is marked again; the 校验结果 sheet is rewritten, its old rows emptied. Every sheet written to is
unprotected first and protected again with the template's options by the client.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xlgoals import layout as L
from xlgoals.check import check_document
from xlgoals.config import ConfigPolicy
from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import TableField
from xlgoals.findings import Finding, Severity
from xlgoals.formats.csv import build_csv
from xlgoals.formats.document_json import dump_bytes
from xlgoals.formats.docx import build_docx
from xlgoals.formats.template_workbook import is_project_sheet
from xlgoals.formats.workbook import read_grid_document
from xlgoals.io.grid import SheetGrid, WorkbookGrid, trimmed
from xlgoals.marks import cell_marks, fill, footer_formulas, link_target, note_text, result_rows, worst
from xlgoals.model import Document
from xlgoals.protocol import Answer, Cell, Op, Request
from xlgoals.template import formulas as F
from xlgoals.totals import grand_total, plan_amounts, project_row

EXPORT_ELSEWHERE = (
    "此处无法把导出文件写到您的电脑上：请在校验服务的网页中上传本工作簿，点“生成公开文件”；"
    "或在安装了 xlgoals 的电脑上使用“导出”。"
)
_WHERE = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!([A-Z]{1,3}[0-9]{1,7})$")


def grid_of(req: Request) -> WorkbookGrid:
    """The workbook as the client sent it (every sheet, its values from A1)."""
    grid = WorkbookGrid(req.book or "工作簿")
    grid.sheets = [SheetGrid(s.name, trimmed(s.rows), hidden=s.hidden) for s in req.sheets]
    return grid


def _reading(grid: WorkbookGrid) -> WorkbookGrid:
    """The sheets a reader reads (not the instructions, the dropdown sources or the old results)."""
    order = [s.name for s in grid.sheets]
    return WorkbookGrid(grid.path, [s for s in grid.sheets if s.name not in L.UNREAD_SHEETS], order)


@dataclass
class _Ops:
    """The operations of one answer, each write preceded — once per sheet — by the sheet's
    ``unprotect`` (with the options to protect it again) where the template protects it."""

    protection: Callable[[str], dict[str, bool] | None]
    ops: list[Op] = field(default_factory=list)
    unprotected: set[str] = field(default_factory=set)

    def touch(self, sheet: str) -> None:
        if sheet in self.unprotected:
            return
        self.unprotected.add(sheet)
        options = self.protection(sheet)
        if options is not None:
            self.ops.append(Op("unprotect", sheet, allow=L.protection_text(options)))

    def add(self, op: Op) -> None:
        if op.sheet and op.op != "copy_sheet":  # a copy reads its sheet (and keeps its protection)
            self.touch(op.sheet)
        self.ops.append(op)


def _protection(
    grid: WorkbookGrid, new_projects: Sequence[str] = ()
) -> Callable[[str], dict[str, bool] | None]:
    projects = {s.name for s in grid.sheets if is_project_sheet(s)} | set(new_projects)
    return lambda name: L.protection_of(name, project=name in projects)


def press(req: Request, policy: ConfigPolicy) -> Answer:
    """The answer to one press of a button. What cannot be done is one sentence (``error``)."""
    grid = grid_of(req)
    try:
        return BUTTONS[req.action](grid, policy, req.can)
    except XlgoalsInputError as exc:
        return Answer(error=f"无法完成：{exc.message}" + (f"（{exc.where}）" if exc.where else ""))


def _document(grid: WorkbookGrid) -> Document:
    return read_grid_document(_reading(grid))


# --- 校验 --------------------------------------------------------------------------------------


def previous_marks(grid: WorkbookGrid) -> tuple[list[tuple[str, str]], int | None, int]:
    """The cells the last 校验 marked, the first row of their log in _xlgoals (None: no log yet or no
    _xlgoals) and how many log rows there are. Without _xlgoals, the 单元格 column of 校验结果 lists them."""
    meta = grid.get(L.META_SHEET)
    if meta is not None:
        rows = [r for r in range(1, meta.max_row + 1) if meta.value(r, 1) == L.MARK_KEY]
        marks = [(str(meta.value(r, 2)), str(meta.value(r, 3))) for r in rows]
        return marks, (rows[0] if rows else None), len(rows)
    results = grid.get(L.RESULTS_SHEET)
    marks = []
    if results is not None:
        for r in range(2, results.max_row + 1):
            m = _WHERE.match(str(results.value(r, L.RESULTS.link_column) or ""))
            if m:
                marks.append(((m.group(1) or "").replace("''", "'") or m.group(2), m.group(3)))
    return marks, None, 0


def validate(grid: WorkbookGrid, policy: ConfigPolicy, _can: tuple[str, ...]) -> Answer:
    doc = _document(grid)
    findings = check_document(doc, policy.checking(Path(grid.path), doc))
    out = _Ops(_protection(grid))
    names = set(grid.names)
    marks = {k: v for k, v in cell_marks(findings).items() if k[0] in names}
    earlier, log_start, log_rows = previous_marks(grid)
    for sheet, cell in dict.fromkeys(earlier):
        if sheet in names and (sheet, cell) not in marks:
            out.add(Op("fill", sheet, cell, color=None))
            out.add(Op("note", sheet, cell, text=""))
    for (sheet, cell), fs in marks.items():
        out.add(Op("fill", sheet, cell, color=fill(worst(fs))))
        out.add(Op("note", sheet, cell, text=note_text(fs)))
    meta = grid.get(L.META_SHEET)
    if meta is not None:
        first = log_start if log_start is not None else meta.max_row + 1
        if log_rows:
            out.add(
                Op("clear", L.META_SHEET, f"{L.cell_name(1, first)}:{L.cell_name(3, first + log_rows - 1)}")
            )
        if marks:
            log: list[list[Cell]] = [[L.MARK_KEY, sheet, cell] for sheet, cell in marks]
            out.add(Op("values", L.META_SHEET, L.cell_name(1, first), rows=log))
    _results(out, grid, findings, {t.index: t.label for t in doc.tables})
    column_a = {s.name: [row[0] if row else None for row in s.rows] for s in grid.sheets}
    for name, (row, formula) in footer_formulas(column_a, findings).items():
        out.add(Op("formula", name, L.cell_name(2, row), text=formula))
    errors = sum(f.severity == Severity.ERROR for f in findings)
    warnings = sum(f.severity == Severity.WARNING for f in findings)
    message = (
        f"发现 {errors} 个错误、{warnings} 个警告，详见『{L.RESULTS_SHEET}』" if findings else "未发现问题。"
    )
    return Answer(message, out.ops)


def _results(out: _Ops, grid: WorkbookGrid, findings: Sequence[Finding], labels: dict[int, str]) -> None:
    spec, sheet = L.RESULTS, L.RESULTS_SHEET
    width = len(spec.columns)
    existing = grid.get(sheet)
    if existing is None:
        after = L.LIST_SHEET if grid.get(L.LIST_SHEET) is not None else grid.names[-1]
        out.add(Op("add_sheet", name=sheet, after=after))
    old = existing.max_row if existing is not None else 0
    rows: list[list[Cell]] = [list(r) for r in result_rows(findings, labels)]
    body: list[list[Cell]] = [list(spec.columns), *(rows or [[spec.empty]])]
    height = max(old, len(body))
    out.add(Op("clear", sheet, f"{L.cell_name(1, 1)}:{L.cell_name(width, height)}"))
    if old > len(body):
        out.add(Op("fill", sheet, f"{L.cell_name(1, len(body) + 1)}:{L.cell_name(1, old)}", color=None))
    out.add(Op("values", sheet, L.cell_name(1, 1), rows=body))
    for r, f in enumerate(findings, start=2):
        out.add(Op("fill", sheet, L.cell_name(1, r), color=fill(f.severity)))
        target = link_target(f)
        if target is not None:
            out.add(Op("link", sheet, L.cell_name(spec.link_column, r), text=f.where, target=target))


# --- 汇总 --------------------------------------------------------------------------------------


def totals(grid: WorkbookGrid, _policy: ConfigPolicy, _can: tuple[str, ...]) -> Answer:
    doc = _document(grid)
    if grid.get(L.LIST_SHEET) is None:
        raise XlgoalsInputError(f"工作簿中没有“{L.LIST_SHEET}”工作表：请使用 xlgoals 模板。")
    rows = [project_row(grid.path, t, "") for t in doc.tables]
    fields = (TableField.BUDGET_TOTAL, TableField.BUDGET_FISCAL, TableField.BUDGET_OTHER)
    header: list[Cell] = [L.LIST_TOTALS_TITLE, *(L.field_name(f) for f in fields), *L.Label.PLAN_POINTS]

    def num(v: Decimal | None) -> float | None:
        return None if v is None else float(v)

    body: list[list[Cell]] = [header]
    for t, r in zip(doc.tables, rows, strict=True):
        body.append([t.label, num(r.total), num(r.fiscal), num(r.other), *[num(x) for x in plan_amounts(t)]])
    total = grand_total(rows)
    body.append(
        [L.LIST.total_label, num(total.total), num(total.fiscal), num(total.other), *map(num, total.plan)]
    )
    top, left = L.LIST.header_row, L.LIST_TOTALS_COLUMN
    out = _Ops(_protection(grid))
    area = f"{L.cell_name(left, top)}:{L.cell_name(left + len(header) - 1, top + L.LIST_TOTALS_ROWS)}"
    out.add(Op("clear", L.LIST_SHEET, area))
    out.add(Op("values", L.LIST_SHEET, L.cell_name(left, top), rows=body))
    where = f"见『{L.LIST_SHEET}』{L.column_letter(left)}列起"
    return Answer(f"已汇总 {len(rows)} 个项目：预算数合计 {total.total:.2f} 万元（{where}）。", out.ops)


# --- 导出 --------------------------------------------------------------------------------------


def export(grid: WorkbookGrid, _policy: ConfigPolicy, can: tuple[str, ...]) -> Answer:
    if "save_file" not in can:
        return Answer(EXPORT_ELSEWHERE)
    doc = _document(grid)
    stem = Path(grid.path).stem or L.Label.TITLE
    files = ((".json", dump_bytes(doc)), (".docx", build_docx(doc)), (".csv", build_csv(doc)))
    ops = [Op("save_file", text=stem + suffix, data=data) for suffix, data in files]
    return Answer(f"已导出到工作簿所在的文件夹：{'、'.join(o.text for o in ops)}", ops)


# --- 新增项目 -----------------------------------------------------------------------------------


def new_project(grid: WorkbookGrid, _policy: ConfigPolicy, _can: tuple[str, ...]) -> Answer:
    projects = [s for s in grid.sheets if is_project_sheet(s)]
    if not projects:
        raise XlgoalsInputError("工作簿中没有可复制的项目表。")
    if grid.get(L.LIST_SHEET) is None:
        raise XlgoalsInputError(f"工作簿中没有“{L.LIST_SHEET}”工作表：请使用 xlgoals 模板。")
    source = projects[-1]
    index = len(projects) + 1
    name = L.project_sheet_name(index, "", set(grid.names))
    footer = _footer_row(source)
    out = _Ops(_protection(grid, [name]))
    out.add(Op("copy_sheet", source.name, name=name, after=source.name))
    P = L.PROJECT
    kept = (TableField.TITLE, TableField.SPEND_PLAN, TableField.PLAN_MODE)
    for item in P.header:
        if item.field is not None and item.field not in kept:
            out.add(Op("clear", name, item.at.a1))
    title = P.input(TableField.TITLE).at
    out.add(Op("values", name, L.cell_name(title.col, title.row), rows=[[L.Label.TITLE]]))
    last = footer - 1
    out.add(
        Op("clear", name, f"{L.cell_name(1, P.first_indicator_row)}:{L.cell_name(P.print_columns, last)}")
    )
    extra = P.extra_columns
    first_extra, last_extra = extra[0].col, extra[-1].col
    out.add(
        Op(
            "clear",
            name,
            f"{L.cell_name(first_extra, P.first_indicator_row)}:{L.cell_name(last_extra, last)}",
        )
    )
    _add_to_list(out, grid, index, name, last)
    return Answer(f"已新增项目表『{name}』，并已加入『{L.LIST_SHEET}』。", out.ops)


def _footer_row(sheet: SheetGrid) -> int:
    """The 表内校验 row of a project sheet: after every indicator row, however many were inserted."""
    P = L.PROJECT
    found = P.find_footer([sheet.value(r, 1) for r in range(1, sheet.max_row + 1)])
    return found if found is not None else P.footer_row(P.indicator_rows)


def _add_to_list(out: _Ops, grid: WorkbookGrid, index: int, name: str, last_row: int) -> None:
    """A complete 项目清单 row for the new sheet (its formulas, not only its name), and the 合计 of
    the counted columns written again (a workbook made before they reached down to the 合计 row had
    sums over fixed rows, which inserting at the 合计 row does not widen)."""
    spec = L.LIST
    lst = grid.get(L.LIST_SHEET)
    assert lst is not None
    count = 0
    while lst.value(spec.first_row + count, 2) not in (None, spec.total_label):
        count += 1
    row = spec.first_row + count
    out.add(Op("insert_rows", L.LIST_SHEET, row=row, count=1))
    for col, value in enumerate(F.list_row(index, name, last_row), start=1):
        at = L.cell_name(col, row)
        if isinstance(value, str) and value.startswith("="):
            out.add(Op("formula", L.LIST_SHEET, at, text=value))
        else:
            out.add(
                Op("values", L.LIST_SHEET, at, rows=[[float(value) if isinstance(value, int) else value]])
            )
    out.add(
        Op(
            "link",
            L.LIST_SHEET,
            L.cell_name(2, row),
            text=name,
            target=f"{L.quote_sheet(name)}!{L.cell_name(1, 1)}",
        )
    )
    for col, c in enumerate(spec.columns, start=1):
        if c.total and c.kind != L.ListKind.FIELD:  # amounts are summed over every sheet already
            out.add(
                Op(
                    "formula",
                    L.LIST_SHEET,
                    L.cell_name(col, row + 1),
                    text=F.list_sum(col, spec.first_row),
                )
            )


BUTTONS: dict[str, Callable[[WorkbookGrid, ConfigPolicy, tuple[str, ...]], Answer]] = {
    "validate": validate,
    "totals": totals,
    "export": export,
    "new_project": new_project,
}
