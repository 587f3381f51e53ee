"""The xlgoals template workbook → Document, every value located at its sheet!cell.

The reader finds the header labels of each project sheet by searching for them (``layout.PROJECT
.anchors``), not at fixed rows, so a workbook a user edited — rows inserted, blank rows inside the
indicator block, stray spaces, numbers typed as text ("2,800.00"), merged cells — still reads. It
refuses a workbook with an unknown layout version, and a project sheet whose header block is gone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from xlgoals import layout as L
from xlgoals.errors import NotATableError, XlgoalsInputError
from xlgoals.fields import PLAN_POINTS, IndicatorField, MetaField, TableField, attribute
from xlgoals.formats.cells import money, number, plan_point, raw_text, text
from xlgoals.formula import cell_value
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.model import (
    Budget,
    Document,
    DocumentMeta,
    GoalTable,
    Indicator,
    Layout,
    ListedItem,
    Location,
    PlanMode,
    PlanPoint,
    SheetRow,
    SheetView,
    SourceFormat,
    SpendPlan,
    TocEntry,
    infer_region_and_year,
)

P = L.PROJECT


class _SheetReader:
    def __init__(self, path: str, sheet: SheetGrid) -> None:
        self.path = path
        self.s = sheet

    def loc(self, row: int, col: int) -> Location:
        return Location(file=self.path, sheet=self.s.name, cell=L.cell_name(col, row))

    def fail(self, message: str, cell: str | None = None) -> XlgoalsInputError:
        return XlgoalsInputError(message, file=self.path, sheet=self.s.name, cell=cell)

    def find_row(self, col: int, label: str, start: int = 1, *, prefix: bool = False) -> int | None:
        for r in range(start, min(self.s.max_row, L.SCAN_ROWS + start) + 1):
            found = L.label_key(self.s.value(r, col))
            if found == label or (prefix and found.startswith(label)):
                return r
        return None

    def anchor_rows(self) -> dict[L.CellRef, int]:
        """Where each anchor label of the layout is on this sheet (its row)."""
        rows: dict[L.CellRef, int] = {}
        previous: L.Anchor | None = None
        for anchor in P.anchors:
            start = rows[previous.at] if previous is not None else 1
            r = self.find_row(anchor.at.col, anchor.label, start, prefix=anchor.prefix)
            if r is None and anchor.required:
                raise self.fail(
                    f"项目表的表头不完整：未找到“{anchor.label}”（模板中位于{anchor.at.a1}）。"
                    "请从模板复制完整的表头后重试。",
                    anchor.at.a1,
                )
            if r is None:
                assert previous is not None
                r = rows[previous.at] + anchor.at.row - previous.at.row
            rows[anchor.at] = r
            previous = anchor
        return rows


def project_sheet_markers(sheet: SheetGrid) -> set[str]:
    """The project sheet's column-A labels (预算单位, 项目编码 …) this sheet holds."""
    col_a = {L.label_key(sheet.value(r, 1)) for r in range(1, min(sheet.max_row, L.SCAN_ROWS) + 1)}
    return col_a & L.PROJECT_SHEET_MARKERS


def is_project_sheet(sheet: SheetGrid) -> bool:
    return sheet.name not in L.RESERVED_SHEETS and bool(project_sheet_markers(sheet))


def read_project(path: str, sheet: SheetGrid, index: int) -> GoalTable:
    rd = _SheetReader(path, sheet)
    rows = rd.anchor_rows()

    def where(f: TableField) -> tuple[int, int]:
        item = P.input(f)
        if item.anchor is None:
            return item.at.row, item.at.col
        return rows[item.anchor] + item.at.row - item.anchor.row, item.at.col

    def value(f: TableField) -> Any:
        return sheet.value(*where(f))

    t = GoalTable(index=index)
    locs = t.locations
    for f in (
        TableField.TITLE,
        TableField.UNIT_CODE,
        TableField.UNIT_NAME,
        TableField.PROJECT_CODE,
        TableField.PROJECT_NAME,
        *(TableField.BUDGET_TOTAL, TableField.BUDGET_FISCAL, TableField.BUDGET_OTHER),
        TableField.FUND_USE,
    ):
        locs[f] = rd.loc(*where(f))
    title = text(value(TableField.TITLE))
    t.title = "" if title == L.Label.TITLE else title
    t.unit_code = re.sub(r"\s+", "", text(value(TableField.UNIT_CODE)))
    t.unit_name = text(value(TableField.UNIT_NAME))
    t.project_code = re.sub(r"\s+", "", text(value(TableField.PROJECT_CODE)))
    t.project_name = text(value(TableField.PROJECT_NAME))
    budget = Budget()
    budget.total, budget.total_raw = money(value(TableField.BUDGET_TOTAL))
    budget.fiscal, budget.fiscal_raw = money(value(TableField.BUDGET_FISCAL))
    budget.other, budget.other_raw = money(value(TableField.BUDGET_OTHER))
    t.budget = budget
    t.fund_use = text(value(TableField.FUND_USE))

    header = text(value(TableField.SPEND_PLAN))
    percent = text(value(TableField.PLAN_MODE)) != L.PLAN_MODE_AMOUNT
    points: list[PlanPoint] = []
    for f in PLAN_POINTS:
        points.append(plan_point(value(f), percent))
        locs[f] = rd.loc(*where(f))
    filled = any(p.raw for p in points)
    mode = (PlanMode.PERCENT if percent else PlanMode.AMOUNT) if filled else PlanMode.UNKNOWN
    t.spend_plan = SpendPlan(header="" if header == L.Label.PLAN else header, mode=mode, points=points)
    locs[TableField.SPEND_PLAN] = rd.loc(*where(TableField.SPEND_PLAN))

    t.goals = [ln.strip() for ln in text(value(TableField.GOALS)).split("\n") if ln.strip()]
    locs[TableField.GOALS] = rd.loc(*where(TableField.GOALS))

    head = rows[P.anchors[-1].at]
    locs[TableField.INDICATORS] = rd.loc(head, 1)
    view = SheetView(header={f: cell_value(value(f)) for f in _VIEW_FIELDS})
    t.indicators = _indicators(rd, head + 1, view)
    inputs = {where(f) for f in _VIEW_FIELDS}
    columns = {col for col, _ in block_columns(sheet, head).values()}
    rows_of_block = {r.row for r in view.rows}
    view.unknown = [
        L.cell_name(c, r)
        for r, c in sorted(sheet.unknown)
        if (r, c) in inputs or (r in rows_of_block and c in columns)
    ]
    t.sheet = view
    return t


# The header cells the live checks read (everything but the title and the plan's label).
_VIEW_FIELDS = tuple(
    i.field
    for i in P.header
    if i.field is not None and i.field not in (TableField.TITLE, TableField.SPEND_PLAN)
)


def block_columns(sheet: SheetGrid, head: int) -> dict[IndicatorField, tuple[int, int]]:
    """Where each column of the indicator block is on this sheet: (first, last column), found by its
    label on the block's header row — a column a clerk inserted (a 备注 after 指标值确定依据) moves
    the ones after it — or where the template puts it when its label is not there."""
    found: dict[str, int] = {}
    cells = sheet.rows[head - 1] if 0 < head <= sheet.max_row else []
    for col, value in enumerate(cells, start=1):
        found.setdefault(L.label_key(value), col)
    out: dict[IndicatorField, tuple[int, int]] = {}
    for c in (*P.columns, *P.extra_columns):
        col = found.get(L.label_key(c.header), c.col)
        out[c.field] = (col, col + c.right - c.col)
    return out


def _indicators(rd: _SheetReader, first: int, view: SheetView) -> list[Indicator]:
    """The indicator rows below the header row; every row of the block also goes into ``view``."""
    sheet = rd.s
    out: list[Indicator] = []
    level1 = level2 = ""
    at = block_columns(sheet, first - 1)
    block = [(f, col) for f, (col, _) in at.items()]
    # text typed into the second column of a merged pair on an inserted (unmerged) row
    spills = [col for c in P.columns for col in range(at[c.field][0] + 1, at[c.field][1] + 1)]
    read = {col for _, col in block} | set(spills)
    mains = {c.field for c in P.columns}  # located even when empty; optional columns only where filled
    levels = (IndicatorField.LEVEL1, IndicatorField.LEVEL2)  # forward-filled, set below
    kept = [
        (c.field, c.col, at[c.field][0], c.field in mains, attribute(c.field))
        for c in (*P.columns, *P.extra_columns)
    ]
    blank = dict.fromkeys(at)
    for rr in range(first, sheet.max_row + 1):
        if L.label_key(sheet.value(rr, 1)) == L.Label.FOOTER:
            break
        got = sheet.filled(rr, read)  # what ``sheet.value`` gives for each column read, where filled
        if not got:
            view.rows.append(SheetRow(row=rr, cells=dict(blank)))  # a blank row: nothing to read
            continue
        row = SheetRow(row=rr, cells={f: cell_value(got.get(col)) for f, col in block})
        view.rows.append(row)
        texts = {f: text(got.get(col)) for f, col in block}
        spill = "".join(text(got.get(col)) for col in spills)
        if not any(texts.values()) and not spill:
            continue  # a blank row inside the block (spaces only)
        level1 = texts[IndicatorField.LEVEL1] or level1
        level2 = texts[IndicatorField.LEVEL2] or level2
        fields: dict[str, Any] = {"level1": level1, "level2": level2}
        locations: dict[IndicatorField, Location] = {}
        for f, col, where, main, name in kept:
            if f in levels:
                pass
            elif f == IndicatorField.VALUE:
                fields[name] = raw_text(got.get(col))  # as typed: its spaces are a finding
            else:
                fields[name] = texts[f]
            if texts[f] or main:
                locations[f] = rd.loc(rr, where)
        if spill and spill != fields["description"]:
            fields["description"] += spill
        row.indicator = len(out)
        out.append(Indicator(**fields, locations=locations))
    while view.rows and view.rows[-1].indicator is None:
        view.rows.pop()  # the empty rows prepared below the last indicator are not "blank rows"
    return out


@dataclass
class Meta:
    """What the hidden _xlgoals sheet says."""

    version: int
    layout: Layout | None  # None in version 1, which did not record it
    notes: dict[str, str]  # sheet name → why that table is incomplete


def read_meta(path: str, grid: WorkbookGrid) -> Meta:
    """The hidden version sheet; refuses a workbook without it or of an unknown version."""
    meta = grid.get(L.META_SHEET)
    if meta is None or text(meta.value(1, 1)) != L.META_MARKER:
        # A sheet that looks like a 绩效目标表 makes it a table we cannot read (met in a folder: listed
        # as unreadable); without one it is some other workbook (met in a folder: skipped).
        looks_like_a_table = any(is_project_sheet(s) for s in grid.sheets)
        raise (XlgoalsInputError if looks_like_a_table else NotATableError)(
            "不是 xlgoals 绩效目标表模板（缺少隐藏的版本信息工作表 _xlgoals）。"
            "请使用 workbook_templates 中的模板填写，或用 xlgoals convert 把公开文本转换为模板格式。",
            file=path,
        )
    version_cell = meta.value(L.META_VERSION.row, L.META_VERSION.col)
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
            cell=L.META_VERSION.a1,
        )
    notes: dict[str, str] = {}
    layout: Layout | None = None
    for r in range(L.META_FIRST_NOTE_ROW - 1, meta.max_row + 1):
        key = text(meta.value(r, 1))
        if key == L.META_INCOMPLETE:
            notes[text(meta.value(r, 2))] = text(meta.value(r, 3))
        elif key == L.META_LAYOUT_KEY and text(meta.value(r, 2)) in Layout._value2member_map_:
            layout = Layout(text(meta.value(r, 2)))
    return Meta(version, layout, notes)


def read_document_sheet(path: str, sheet: SheetGrid) -> DocumentMeta:
    rd = _SheetReader(path, sheet)
    v = sheet.value
    meta = DocumentMeta()
    for label, f in L.DOC.fields:
        r = rd.find_row(1, L.label_key(label))
        if r is None:
            continue
        cell = v(r, 2)
        if f in (MetaField.BUDGET_YEAR, MetaField.STATED_COUNT):
            n = number(cell)
            setattr(meta, f.value, int(n) if n is not None else None)
        elif f == MetaField.STATED_TOTAL:
            meta.stated_total = number(cell)
        else:
            setattr(meta, f.value, text(cell))
        if cell is not None:
            meta.locations[f] = rd.loc(r, 2)
    head = _items_header(sheet)
    if head is None:
        return meta
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
    toc = L.DOC.toc_first_col
    for r in range(head + 1, sheet.max_row + 1):
        if v(r, toc + 1) is None:
            break
        n = number(v(r, toc))
        meta.toc.append(
            TocEntry(
                number=int(n) if n is not None else None,
                title=text(v(r, toc + 1)),
                page=text(v(r, toc + 2)),
                location=rd.loc(r, toc + 1),
            )
        )
    return meta


def _items_header(sheet: SheetGrid) -> int | None:
    first, second = (L.label_key(x) for x in L.DOC.items_columns[:2])
    for r in range(1, min(sheet.max_row, 200) + 1):
        if L.label_key(sheet.value(r, 1)) == first and L.label_key(sheet.value(r, 2)) == second:
            return r
    return None


def _layout_of_version_1(tables: list[GoalTable]) -> Layout:
    """Version 1 did not record the layout: a workbook converted from the flat layout has its
    度量单位/指标值类型/分值 columns filled."""
    flat = any(i.unit_column or i.value_type or i.score for t in tables for i in t.indicators)
    return Layout.FLAT if flat else Layout.HEBEI


def is_template(grid: WorkbookGrid) -> bool:
    return grid.get(L.META_SHEET) is not None


def _outside_totals(order: list[str], projects: list[str]) -> list[str]:
    """The project sheets the 项目清单's amount totals do not sum: those not between the two sheets
    of ``layout.PROJECT_SPAN`` (a sheet moved "to the end" lands after the hidden ones)."""
    first, last = L.PROJECT_SPAN
    if first not in order or last not in order:
        return []
    lo, hi = order.index(first), order.index(last)
    return [name for name in projects if name in order and not lo < order.index(name) < hi]


def _listed_sheets(sheet: SheetGrid | None) -> list[tuple[int, str]] | None:
    """(row, sheet name) of the 项目清单's project rows, down to its 合计 row."""
    if sheet is None:
        return None
    col = next(k for k, c in enumerate(L.LIST.columns, start=1) if c.kind == L.ListKind.SHEET)
    out = []
    for r in range(L.LIST.first_row, sheet.max_row + 1):
        name = text(sheet.value(r, col))
        if name == L.LIST.total_label:
            break
        if name:
            out.append((r, name))
    return out


def _listed_shown(sheet: SheetGrid | None, listed: list[tuple[int, str]]) -> dict[int, tuple[str, str]]:
    """Row → the (项目编码, 项目名称) a 项目清单 row shows: what its formulas last computed."""
    if sheet is None:
        return {}
    col = {c.field: k for k, c in enumerate(L.LIST.columns, start=1) if c.field is not None}
    code, name = col[TableField.PROJECT_CODE], col[TableField.PROJECT_NAME]
    return {r: (text(sheet.value(r, code)), text(sheet.value(r, name))) for r, _ in listed}


def read_template(grid: WorkbookGrid) -> Document:
    meta_sheet = read_meta(grid.path, grid)
    notes = meta_sheet.notes
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
        raise XlgoalsInputError(
            "工作簿中没有项目表（含“项目编码”“一级指标”的工作表）：请在 xlgoals 模板中填写，或恢复被删除的项目表。",
            file=grid.path,
        )
    layout = meta_sheet.layout or _layout_of_version_1(tables)
    doc = Document(
        source=grid.path,
        layout=layout,
        format=SourceFormat.WORKBOOK,
        meta=meta,
        tables=tables,
        layout_version=meta_sheet.version,
    )
    doc.listed_sheets = _listed_sheets(grid.get(L.LIST_SHEET))
    doc.listed_shown = _listed_shown(grid.get(L.LIST_SHEET), doc.listed_sheets or [])
    read = {loc.sheet for t in tables for loc in t.locations.values()}
    doc.other_sheets = [s.name for s in grid.sheets if s.name not in read]
    doc.outside_totals = _outside_totals(grid.order, [t.sheet_name for t in tables])
    config = grid.get(L.CONFIG_SHEET)
    if config is not None:
        doc.settings = [(text(config.value(r, 1)), config.value(r, 2)) for r in range(1, config.max_row + 1)]
    infer_region_and_year(doc)
    return doc
