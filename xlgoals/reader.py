"""A workbook Grid → Document, every value located at its sheet!cell.

The reader finds the header labels of each project sheet by searching for them (not at fixed rows),
so a workbook a user edited — rows inserted, blank rows inside the indicator block, stray spaces,
numbers typed as text ("2,800.00"), merged cells — still reads. It refuses a workbook without the
xlgoals version sheet or with an unknown layout version, and a project sheet whose header block is gone.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlgoals import layout as L
from xlgoals.errors import XlgoalsInputError
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.model import (
    Budget,
    Document,
    DocumentMeta,
    GoalTable,
    Indicator,
    ListedItem,
    Location,
    PlanMode,
    PlanPoint,
    SpendPlan,
    TocEntry,
    infer_region_and_year,
)
from xlgoals.values import parse_amount, parse_plan_point

RESERVED = {
    L.INSTRUCTIONS_SHEET,
    L.LIST_SHEET,
    L.DOCUMENT_SHEET,
    L.LISTS_SHEET,
    L.META_SHEET,
    L.CONFIG_SHEET,
    L.RESULTS_SHEET,
    "xlwings.conf",
    "_xlwings.conf",
}
SCAN_ROWS = 40  # how far down the header labels are searched for
CENT = Decimal("0.01")


def label_key(v: Any) -> str:
    """A label cell as compared: no white space, full-width colon."""
    return re.sub(r"\s+", "", str(v)).replace(":", "：") if v is not None else ""


def text(v: Any) -> str:
    """A cell as text: numbers without a spurious ".0", strings stripped of outer white space."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def raw_text(v: Any) -> str:
    """Like ``text`` but keeps outer spaces: an indicator value is reported as the user typed it."""
    if isinstance(v, str):
        return v
    return text(v)


def money(v: Any) -> tuple[Decimal | None, str]:
    """A money cell → (value, raw). Numbers get two decimals ("2800.00"); text is parsed as typed."""
    if v is None:
        return None, ""
    if isinstance(v, str):
        return parse_amount(v), v.strip()
    d = parse_amount(v)
    if d is None:
        return None, text(v)
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        d = d.quantize(CENT)
    return d, f"{d:f}"


def number(v: Any) -> Decimal | None:
    if v is None or isinstance(v, str):
        return parse_amount(v) if isinstance(v, str) else None
    d = parse_amount(v)
    if d is not None and d == d.to_integral_value():
        return Decimal(int(d))
    return d


class _SheetReader:
    def __init__(self, path: str, sheet: SheetGrid) -> None:
        self.path = path
        self.s = sheet

    def loc(self, row: int, col: int) -> Location:
        return Location(file=self.path, sheet=self.s.name, cell=f"{L.column_letter(col)}{row}")

    def fail(self, message: str, cell: str | None = None) -> XlgoalsInputError:
        return XlgoalsInputError(message, file=self.path, sheet=self.s.name, cell=cell)

    def find_row(
        self, col: int, label: str, start: int = 1, *, prefix: bool = False, stop: int | None = None
    ) -> int | None:
        end = min(self.s.max_row, stop if stop is not None else SCAN_ROWS + start)
        for r in range(start, end + 1):
            lab = label_key(self.s.value(r, col))
            if lab == label or (prefix and lab.startswith(label)):
                return r
        return None


def is_project_sheet(sheet: SheetGrid) -> bool:
    if sheet.name in RESERVED:
        return False
    col_a = {label_key(sheet.value(r, 1)) for r in range(1, min(sheet.max_row, SCAN_ROWS) + 1)}
    return bool(col_a & {"项目编码", "一级指标", "预算规模及资金用途", "预算单位"})


def read_project(path: str, sheet: SheetGrid, index: int) -> GoalTable:
    rd = _SheetReader(path, sheet)
    v = sheet.value
    need = (
        ("预算单位", "A2"),
        ("项目编码", "A3"),
        ("预算规模及资金用途", "A4"),
        ("绩效目标", "A8"),
        ("一级指标", "A9"),
    )
    rows: dict[str, int] = {}
    for label, cell in need:
        r = rd.find_row(1, label)
        if r is None:
            raise rd.fail(
                f"项目表的表头不完整：未找到“{label}”（模板中位于{cell}）。请从模板复制完整的表头后重试。",
                cell,
            )
        rows[label] = r
    r_plan = rd.find_row(1, L.PLAN_HEADER_PREFIX, prefix=True)
    if r_plan is None:
        raise rd.fail("项目表的表头不完整：未找到“资金支出计划”（模板中位于A6）。", "A6")
    r_use = rd.find_row(2, "资金用途", rows["预算规模及资金用途"]) or rows["预算规模及资金用途"] + 1

    t = GoalTable(index=index)
    locs = t.locations
    title = text(v(1, 1))
    t.title = "" if title == L.DEFAULT_TITLE else title
    locs["title"] = rd.loc(1, 1)
    r = rows["预算单位"]
    t.unit_code, t.unit_name = re.sub(r"\s+", "", text(v(r, 2))), text(v(r, 3))
    locs["unit_code"], locs["unit_name"] = rd.loc(r, 2), rd.loc(r, 3)
    r = rows["项目编码"]
    t.project_code = re.sub(r"\s+", "", text(v(r, 2)))
    t.project_name = text(v(r, 5))
    locs["project_code"], locs["project_name"] = rd.loc(r, 2), rd.loc(r, 5)
    r = rows["预算规模及资金用途"]
    budget = Budget()
    budget.total, budget.total_raw = money(v(r, 3))
    budget.fiscal, budget.fiscal_raw = money(v(r, 5))
    budget.other, budget.other_raw = money(v(r, 7))
    t.budget = budget
    locs["budget.total"], locs["budget.fiscal"], locs["budget.other"] = (
        rd.loc(r, 3),
        rd.loc(r, 5),
        rd.loc(r, 7),
    )
    t.fund_use = text(v(r_use, 3))
    locs["fund_use"] = rd.loc(r_use, 3)

    header = text(v(r_plan, 1))
    mode_cell = text(v(r_plan, 3))
    percent = mode_cell != L.PLAN_MODE_AMOUNT
    points: list[PlanPoint] = []
    for k in range(4):
        cell = v(r_plan + 1, 4 + k)
        points.append(_plan_point(cell, percent))
        locs[f"spend_plan.{k}"] = rd.loc(r_plan + 1, 4 + k)
    filled = any(p.raw for p in points)
    mode = (PlanMode.PERCENT if percent else PlanMode.AMOUNT) if filled else PlanMode.UNKNOWN
    t.spend_plan = SpendPlan(
        header="" if header == L.PLAN_HEADER_PREFIX else header, mode=mode, points=points
    )
    locs["spend_plan"] = rd.loc(r_plan, 1)

    r = rows["绩效目标"]
    t.goals = [ln.strip() for ln in text(v(r, 2)).split("\n") if ln.strip()]
    locs["goals"] = rd.loc(r, 2)

    head = rows["一级指标"]
    locs["indicators"] = rd.loc(head, 1)
    level1 = level2 = ""
    last_row = sheet.max_row
    for rr in range(head + 1, last_row + 1):
        if label_key(v(rr, 1)) == L.FOOTER_LABEL:
            break
        cells = {name: v(rr, col) for name, col in L.IND_COLS.items()}
        extra_desc = text(v(rr, L.IND_DESC_EXTRA_COL))
        flat = {name: text(v(rr, col)) for name, col in L.IND_FLAT_COLS.items()}
        if all(text(x) == "" for x in cells.values()) and not extra_desc and not any(flat.values()):
            continue  # a blank row inside the block
        if text(cells["level1"]):
            level1 = text(cells["level1"])
        if text(cells["level2"]):
            level2 = text(cells["level2"])
        description = text(cells["description"])
        if extra_desc and extra_desc != description:
            description = f"{description}{extra_desc}" if description else extra_desc
        ind = Indicator(
            level1=level1,
            level2=level2,
            name=text(cells["name"]),
            description=description,
            value_raw=raw_text(cells["value"]),
            basis=text(cells["basis"]),
            **flat,
        )
        for name, col in L.IND_COLS.items():
            ind.locations[name] = rd.loc(rr, col)
        for name, col in L.IND_FLAT_COLS.items():
            if flat[name]:
                ind.locations[name] = rd.loc(rr, col)
        t.indicators.append(ind)
    return t


def _plan_point(cell: Any, percent: bool) -> PlanPoint:
    if cell is None:
        return PlanPoint()
    if isinstance(cell, str):
        value, is_percent = parse_plan_point(cell)
        if percent and value is not None and not is_percent and value <= 1:
            value = value * 100
        return PlanPoint(
            raw=cell.strip(), value=value.normalize() if value is not None and percent else value
        )
    d = parse_amount(cell)
    if d is None:
        return PlanPoint(raw=text(cell))
    if percent:
        points = (d * 100 if d <= 1 else d).normalize()
        points = Decimal(int(points)) if points == points.to_integral_value() else points
        return PlanPoint(raw=f"{points:f}%", value=points)
    value, raw = money(cell)
    return PlanPoint(raw=raw, value=value)


def read_meta(path: str, grid: WorkbookGrid) -> tuple[dict[str, str], int]:
    """The hidden version sheet: (incomplete-table notes by sheet name, layout version)."""
    meta = grid.get(L.META_SHEET)
    if meta is None or text(meta.value(1, 1)) != L.META_MARKER:
        raise XlgoalsInputError(
            "不是 xlgoals 绩效目标表模板（缺少隐藏的版本信息工作表 _xlgoals）。"
            "请使用 workbook_templates 中的模板填写，或用 xlgoals convert 把公开文本转换为模板格式。",
            file=path,
        )
    version_cell = meta.value(1, 2)
    try:
        version = int(float(str(version_cell)))
    except (TypeError, ValueError):
        version = -1
    if version not in L.SUPPORTED_VERSIONS:
        raise XlgoalsInputError(
            f"模板版本“{text(version_cell)}”不受支持（本程序支持版本 {', '.join(map(str, L.SUPPORTED_VERSIONS))}）。"
            "请更新 xlgoals，或使用最新模板。",
            file=path,
            sheet=L.META_SHEET,
            cell="B1",
        )
    notes: dict[str, str] = {}
    for r in range(3, meta.max_row + 1):
        if text(meta.value(r, 1)) == "incomplete":
            notes[text(meta.value(r, 2))] = text(meta.value(r, 3))
    return notes, version


def read_document_sheet(path: str, sheet: SheetGrid) -> DocumentMeta:
    rd = _SheetReader(path, sheet)
    v = sheet.value
    meta = DocumentMeta()
    fields = {
        "标题": "title",
        "预算年度": "budget_year",
        "区划代码": "region_code",
        "发文单位": "issuer",
        "落款日期": "issue_date",
        "文号": "doc_number",
        "说明正文": "intro",
        "说明中的项目个数": "stated_count",
        "说明中的资金合计（万元）": "stated_total",
        "部门整体绩效目标": "department_goals",
    }
    for label, attr in fields.items():
        r = rd.find_row(1, label_key(label))
        if r is None:
            continue
        cell = v(r, 2)
        if attr in ("budget_year", "stated_count"):
            n = number(cell)
            setattr(meta, attr, int(n) if n is not None else None)
        elif attr == "stated_total":
            meta.stated_total = number(cell)
        else:
            setattr(meta, attr, text(cell))
        if cell is not None:
            meta.locations[attr] = rd.loc(r, 2)
    head = None
    for r in range(1, min(sheet.max_row, 200) + 1):
        if label_key(v(r, 1)) == "序号" and label_key(v(r, 2)) == "说明中列出的项目":
            head = r
            break
    if head is not None:
        for r in range(head + 1, sheet.max_row + 1):
            if v(r, 1) is None and v(r, 2) is None:
                break
            n = number(v(r, 1))
            meta.listed_items.append(
                ListedItem(
                    number=int(n) if n is not None else r - head,
                    name=text(v(r, 2)),
                    amount=number(v(r, 3)),
                    raw=text(v(r, 4)),
                    location=rd.loc(r, 2),
                )
            )
        for r in range(head + 1, sheet.max_row + 1):
            if v(r, 7) is None:
                break
            n = number(v(r, 6))
            meta.toc.append(
                TocEntry(
                    number=int(n) if n is not None else None,
                    title=text(v(r, 7)),
                    page=text(v(r, 8)),
                    location=rd.loc(r, 7),
                )
            )
    return meta


def read_grid_document(grid: WorkbookGrid) -> Document:
    if grid.get(L.META_SHEET) is None:
        from xlgoals.importers.flat_xlsx import read_flat_grid

        flat = read_flat_grid(grid)
        if flat is not None:
            return flat
    notes, _version = read_meta(grid.path, grid)
    doc_sheet = grid.get(L.DOCUMENT_SHEET)
    meta = read_document_sheet(grid.path, doc_sheet) if doc_sheet is not None else DocumentMeta()
    tables: list[GoalTable] = []
    for sheet in grid.sheets:
        if not is_project_sheet(sheet):
            continue
        table = read_project(grid.path, sheet, len(tables) + 1)
        if sheet.name in notes:
            table.complete = False
            table.incomplete_reason = notes[sheet.name]
        tables.append(table)
    if not tables:
        raise XlgoalsInputError("工作簿中没有项目表（含“项目编码”“一级指标”的工作表）。", file=grid.path)
    doc = Document(source=grid.path, layout="workbook", meta=meta, tables=tables)
    infer_region_and_year(doc)
    return doc


def read_workbook(path: Path, *, fast: bool = True) -> Document:
    """Read a filled workbook. ``fast`` uses python-calamine; otherwise openpyxl. Same Document either way."""
    if path.suffix.lower() == ".xls":
        from xlgoals.io.sniff import check_workbook

        check_workbook(path)  # the old binary format (or a password): say so in Chinese
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise XlgoalsInputError(f"不是 .xlsx/.xlsm 工作簿（扩展名为“{path.suffix}”）。", file=str(path))
    if fast:
        from xlgoals.io.fast import read_grid
    else:
        from xlgoals.io.xlsx import read_grid
    return read_grid_document(read_grid(path))
