"""Tables found by their labels: the national 项目支出绩效目标申报表, the 部门整体支出绩效目标表, and
any 绩效目标表 whose cells say what they are, in any order, with merged cells, title and note rows.

The source is a list of rows of cells (from published text, a Word table or a workbook sheet), each
cell with its location. A header label ("主管部门", "年度资金总额：") names the field of the next cell
to its right, or — when a whole row is labels — of the cells below it; an indicator table starts at a
row of column labels (一级指标 … 指标值) and runs until a label row, a signature or the next table.
Which words mean which field: ``xlgoals.synonyms`` (extendable from xlgoals.toml).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from xlgoals.errors import NotATableError
from xlgoals.fields import PLAN_POINTS, IndicatorField, TableField
from xlgoals.formats.cells import money, plan_point, raw_text
from xlgoals.formats.cells import text as cell_text
from xlgoals.formats.text_cells import PAGE_NUMBER, clean_line
from xlgoals.frameworks import FRAMEWORK_A, canonical_level2
from xlgoals.io.grid import SheetGrid
from xlgoals.io.shown import as_shown
from xlgoals.layout import PLAN_MODE_AMOUNT, Label, cell_name, field_name
from xlgoals.model import (
    Document,
    GoalTable,
    Indicator,
    Layout,
    Location,
    PlanMode,
    SourceFormat,
    SpendPlan,
    infer_region_and_year,
)
from xlgoals.synonyms import END_LABELS, LONG_TEXT, OTHER_PARTS, Synonyms, normal


@dataclass
class GridCell:
    value: Any  # as the source holds it: text, or a number from a workbook
    col: int  # 0-based position in its row (the column, in a workbook)
    location: Location

    @property
    def text(self) -> str:
        return cell_text(self.value)


@dataclass
class GridRow:
    cells: list[GridCell] = field(default_factory=list)  # non-blank cells, left to right
    free: bool = False  # a line outside the table (a title, "填报单位：…")
    locate: Callable[[int], Location] | None = None  # where a blank cell of this row is (a sheet's row)

    def at(self, col: int) -> GridCell | None:
        return next((c for c in self.cells if c.col == col), None)


# Labels that only the national 申报表 has, and those that only the 部门整体 table has.
_NATIONAL = {TableField.IMPLEMENTER, TableField.PERIOD, TableField.LONG_TERM_GOALS, TableField.PROJECT_KIND}
_DEPARTMENT_WORDS = ("整体支出", "部门整体")  # in the form's title
_HEBEI = {TableField.FUND_USE, *PLAN_POINTS}
_LONG_TERM = ("长期", "中长期", field_name(TableField.PERIOD), "总体")
_SCORE_RANGE = re.compile(r"[（(][\d.\-–~分]+[)）]分?$")  # on text without white space
_TICKS = "√☑✓■"
_TITLE = re.compile(r"绩效目标.{0,8}表")
UNIT_CODE = re.compile(r"^\d{6}$")


def kind_of(rows: list[GridRow], synonyms: Synonyms) -> Layout | None:
    """Which table these rows hold, by the labels only one form has; None when no form is recognised
    (no project or department label, or no indicator table)."""
    header: set[TableField] = set()
    department = False
    has_indicators = False
    for row in rows:
        for c in row.cells:
            key = normal(c.text)
            if (f := synonyms.cell_field(c.text)) is not None:
                header.add(f)
            if any(w in key for w in _DEPARTMENT_WORDS) and len(key) <= 30:
                department = True
        if _indicator_header(row, synonyms) is not None:
            has_indicators = True
    if not has_indicators:
        return None
    department = department or TableField.FUNCTIONS in header  # 部门职能, 年度履职目标's columns …
    if department and TableField.PROJECT_NAME not in header:
        return Layout.DEPARTMENT
    if TableField.PROJECT_NAME not in header:
        return None
    if header & _HEBEI and len(header & _NATIONAL) < 2:
        return Layout.HEBEI  # the Hebei table's 资金用途 and 资金支出计划, and no two of the 申报表's rows
    return Layout.NATIONAL


def _indicator_header(row: GridRow, synonyms: Synonyms) -> dict[int, IndicatorField] | None:
    """Column → field of an indicator table's header row; None when the row is not one."""
    columns: dict[int, IndicatorField] = {}
    for c in row.cells:
        f = synonyms.column_field(c.text)
        if f is not None and f not in columns.values():
            columns[c.col] = f
    fields = set(columns.values())
    if IndicatorField.VALUE in fields and fields & {IndicatorField.NAME, IndicatorField.LEVEL1}:
        return columns
    return None


def _is_end(row: GridRow) -> bool:
    return bool(row.cells) and normal(row.cells[0].text).startswith(END_LABELS)


def _anchor(layout: Layout) -> TableField:
    return TableField.UNIT_NAME if layout == Layout.DEPARTMENT else TableField.PROJECT_NAME


def _anchor_rows(rows: list[GridRow], layout: Layout, synonyms: Synonyms) -> list[int]:
    anchor = _anchor(layout)
    out = []
    for k, row in enumerate(rows):
        if any(synonyms.cell_field(c.text) == anchor for c in row.cells):
            out.append(k)
    if layout == Layout.DEPARTMENT:  # 部门名称 may repeat inside one table (填报单位 and 部门名称)
        out = [
            k for j, k in enumerate(out) if j == 0 or _has_indicators_between(rows, out[j - 1], k, synonyms)
        ]
    return out


def _has_indicators_between(rows: list[GridRow], a: int, b: int, synonyms: Synonyms) -> bool:
    return any(_indicator_header(rows[k], synonyms) is not None for k in range(a, b))


def segments(rows: list[GridRow], layout: Layout, synonyms: Synonyms) -> list[tuple[int, int]]:
    """(start, end) of each table: it begins at the title and note rows above its anchor label."""
    anchors = _anchor_rows(rows, layout, synonyms)
    if not anchors:
        return [(0, len(rows))]
    starts = [0]
    for a in anchors[1:]:
        s = a
        while s - 1 > starts[-1] and _heads_table(rows[s - 1], synonyms):
            s -= 1
        starts.append(s)
    return list(zip(starts, [*starts[1:], len(rows)], strict=True))


def _heads_table(row: GridRow, synonyms: Synonyms) -> bool:
    """A row above a table's anchor that belongs to it: a title or note, or more header labels
    ("预算单位 | 316007 | …" above "项目编码 | … | 项目名称 | …")."""
    if row.free or len(row.cells) <= 1:
        return True
    if _is_end(row) or _indicator_header(row, synonyms) is not None:
        return False
    return any(synonyms.cell_field(c.text) is not None for c in row.cells)


@dataclass
class _Found:
    value: str
    raw: Any
    location: Location
    rank: int = 0


class _Table:
    """One table's rows → GoalTable."""

    def __init__(self, rows: list[GridRow], layout: Layout, synonyms: Synonyms) -> None:
        self.rows = rows
        self.layout = layout
        self.syn = synonyms
        self.found: dict[TableField, _Found] = {}
        self.other_parts: list[_Found] = []  # 自有资金, 事业收入, 其他 … listed one by one
        self.blank: dict[TableField, Location] = {}  # labels the form prints with nothing filled in

    def put(self, f: TableField, value: str, raw: Any, location: Location, label: str = "") -> None:
        if not value.strip():
            return
        if f == TableField.BUDGET_OTHER and normal(label) in OTHER_PARTS:
            self.other_parts.append(_Found(value.strip(), raw, location))
        elif f not in self.found or self.syn.rank_of(label) < self.found[f].rank:
            self.found[f] = _Found(value.strip(), raw, location, self.syn.rank_of(label))

    def header(self, end: int) -> None:
        """Every labelled header field in rows[:end] (the rows above the first indicator table)."""
        for k in range(end):
            row = self.rows[k]
            for i, c in enumerate(row.cells):
                inline = self.syn.inline(c.text)
                if inline is not None and self.syn.header_field(c.text) is None:
                    self.put(inline[0], inline[1], inline[1], c.location, c.text.split("：")[0].split(":")[0])
                    continue
                f = self.syn.header_field(c.text)
                if f is None:
                    continue
                self.blank.setdefault(f, c.location)
                right = row.cells[i + 1] if i + 1 < len(row.cells) else None
                after = row.cells[i + 2] if i + 2 < len(row.cells) else None
                if f == TableField.UNIT_NAME and right is not None and UNIT_CODE.match(right.text) and after:
                    # "预算单位 | 316007 | 怀来县社会保险事业管理中心": the code, then the name
                    self.put(TableField.UNIT_CODE, right.text, right.value, right.location, c.text)
                    if not self.syn.is_label(after.text):
                        self.put(f, after.text, after.value, after.location, c.text)
                elif right is not None and not self.syn.is_label(right.text):
                    self.put(f, right.text, right.value, right.location, c.text)
                else:  # a row of labels: the values are below, in the same column
                    self.below(f, c.col, k, end, c.text)

    def below(self, f: TableField, col: int, k: int, end: int, label: str) -> None:
        parts: list[GridCell] = []
        for j in range(k + 1, end):
            row = self.rows[j]
            if row.free or any(self.syn.is_label(c.text) for c in row.cells):
                break
            cell = row.at(col)
            if cell is not None and cell.text:
                parts.append(cell)
                if f not in LONG_TEXT:
                    break  # one value; a column of them below a label is a list, not this field
        if parts:
            self.put(f, "\n".join(p.text for p in parts), parts[0].value, parts[0].location, label)
            return
        # Nothing filled in: the blank is reported where its value belongs — right of a label that ends
        # its row after a value or alone ("主管部门 | 某镇 | 主管部门编码 | ▢"), below a run of labels
        # ("3月底 | 6月底 | 10月底 | 12月底" over ▢ ▢ ▢ ▢).
        row = self.rows[k]
        i = next(n for n, c in enumerate(row.cells) if c.col == col)
        last = i == len(row.cells) - 1
        after_value = i == 0 or not self.syn.is_label(row.cells[i - 1].text)
        if last and after_value and row.locate is not None:
            self.blank[f] = row.locate(col + 1)
        elif k + 1 < len(self.rows) and (locate := self.rows[k + 1].locate) is not None:
            self.blank[f] = locate(col)

    def indicators(self, start: int) -> tuple[list[Indicator], list[Indicator]]:
        """(annual, long-term) indicators of the tables from rows[start:]."""
        annual: list[Indicator] = []
        long_term: list[Indicator] = []
        k = start
        while k < len(self.rows):
            columns = _indicator_header(self.rows[k], self.syn)
            if columns is None:
                k += 1
                continue
            above = self.rows[k - 1].cells if k > 0 else []
            section = " ".join(c.text for c in [*above[:1], *self.rows[k].cells] if c.col not in columns)
            target = long_term if any(w in section for w in _LONG_TERM) and "年度" not in section else annual
            k = self.block(k + 1, columns, target)
        return annual, long_term

    def block(self, k: int, columns: dict[int, IndicatorField], out: list[Indicator]) -> int:
        """The indicator rows from rows[k:] into ``out``; the index of the first row after them."""
        rows: list[GridRow] = []
        first = min(columns)
        while k < len(self.rows):
            row = self.rows[k]
            if row.free or _is_end(row) or _indicator_header(row, self.syn) is not None:
                break
            if any(self.syn.header_field(c.text) for c in row.cells if c.col >= first):
                break
            rows.append(row)
            k += 1
        out.extend(_indicators(rows, columns))
        return k

    def build(self, index: int) -> GoalTable:
        first_ind = next(
            (k for k, r in enumerate(self.rows) if _indicator_header(r, self.syn) is not None), len(self.rows)
        )
        self.header(first_ind)
        annual, long_term = self.indicators(first_ind)
        t = GoalTable(index=index, indicators=annual, long_term_indicators=long_term)
        titles = [
            c for r in self.rows[:first_ind] for c in r.cells if _TITLE.search(c.text) and len(c.text) <= 80
        ]
        title = titles[-1] if titles else None
        if title is not None:
            t.title = re.sub(r"\s*\n\s*", "", title.text).strip()
            t.locations[TableField.TITLE] = title.location
        self.fill(t)
        if self.layout == Layout.DEPARTMENT:
            t.noun = "部门"
        if t.indicators:
            t.locations[TableField.INDICATORS] = next(iter(t.indicators[0].locations.values()))
        elif first_ind < len(self.rows) and self.rows[first_ind].cells:
            t.locations[TableField.INDICATORS] = self.rows[first_ind].cells[0].location
        return t

    def fill(self, t: GoalTable) -> None:
        """The header fields found (``put``) into the table, with their locations."""
        for f, got in self.found.items():
            t.locations[f] = got.location
            if f in (TableField.BUDGET_TOTAL, TableField.BUDGET_FISCAL, TableField.BUDGET_OTHER):
                value, raw = money(got.raw)
                setattr(t.budget, f.value.split(".")[1], value)
                setattr(t.budget, f.value.split(".")[1] + "_raw", raw)
            elif f in (TableField.GOALS, TableField.LONG_TERM_GOALS):
                setattr(t, f.value, [x.strip() for x in got.value.split("\n") if x.strip()])
            elif f in PLAN_POINTS:
                pass  # below, all four together
            elif f == TableField.PROJECT_KIND:
                t.project_kind = _checked(got.value)
            else:
                setattr(t, f.value, got.value)
        for f, where in self.blank.items():
            t.locations.setdefault(f, where)  # a blank field is reported at its label
        self.plan(t)
        self.other(t)

    def other(self, t: GoalTable) -> None:
        """其他资金 as the sum of the other sources a form lists one by one, when it gives no total."""
        if TableField.BUDGET_OTHER in self.found or not self.other_parts:
            return
        parts = [p for p in self.other_parts if money(p.raw)[1]]  # "—", "无": that source has nothing
        if not parts:
            return
        amounts = [money(p.raw) for p in parts]
        if any(v is None for v, _ in amounts):
            t.budget.other_raw = "；".join(p.value for p in parts)
        else:
            t.budget.other = sum((v for v, _ in amounts if v is not None), Decimal(0))
            t.budget.other_raw = f"{t.budget.other:f}"
        t.locations[TableField.BUDGET_OTHER] = parts[0].location

    def plan(self, t: GoalTable) -> None:
        points = [self.found.get(p) for p in PLAN_POINTS]
        if not any(points):
            return
        raws = [p.raw for p in points if p is not None]
        numbers = [x for x in raws if isinstance(x, int | float) and not isinstance(x, bool)]
        # "25%" typed, or a workbook's percent cells, which hold fractions (0.25 shown as 25%)
        percent = any(isinstance(x, str) and x.strip().endswith("%") for x in raws) or (
            bool(numbers) and all(0 <= x <= 1 for x in numbers)
        )
        plan = SpendPlan(points=[plan_point(p.raw if p is not None else None, percent) for p in points])
        plan.mode = PlanMode.PERCENT if percent else PlanMode.AMOUNT
        plan.header = Label.PLAN_PERCENT if percent else f"{Label.PLAN}（{PLAN_MODE_AMOUNT}）"
        t.spend_plan = plan
        t.locations[TableField.SPEND_PLAN] = next(p.location for p in points if p is not None)


def _indicators(rows: list[GridRow], columns: dict[int, IndicatorField]) -> list[Indicator]:
    """The indicators of rows under an indicator header; 一级/二级 carried down from the row above
    (a merged or blank cell), a form's empty slots ("……", "1.") skipped."""
    out: list[Indicator] = []
    level1 = level2 = ""
    for row in rows:
        ind = Indicator()
        for c in row.cells:
            f = columns.get(c.col)
            if f == IndicatorField.VALUE and c.text:
                ind.value_raw = raw_text(c.value)  # as typed: " =100%" is reported with its space
                ind.locations[f] = c.location
            elif f is not None and c.text:
                setattr(ind, f.value, c.text)
                ind.locations[f] = c.location
        if not any((ind.name, ind.value_raw, ind.level2, ind.description)) or _filler(ind):
            level1 = level_name(ind.level1) if ind.level1 else level1
            continue
        if row.locate is not None:  # a sheet's row: an empty cell is reported where it is
            for col, f in columns.items():
                if f not in ind.locations and f not in (IndicatorField.LEVEL1, IndicatorField.LEVEL2):
                    ind.locations[f] = row.locate(col)
        level1 = level_name(ind.level1) if ind.level1 else level1
        level2 = ind.level2 or level2
        ind.level1, ind.level2 = level1, level2
        out.append(ind)
    if IndicatorField.NAME not in columns.values() and _one_level_up(out):
        for ind in out:  # "一级指标 | 二级指标" that hold our 二级 and 三级 (鄂州): move them down
            ind.name, ind.level2 = ind.level2, ind.level1
            ind.level1 = _PARENT[canonical_level2(ind.level2)]
            for here, there in (
                (IndicatorField.LEVEL2, IndicatorField.NAME),
                (IndicatorField.LEVEL1, IndicatorField.LEVEL2),
            ):
                if here in ind.locations:
                    ind.locations[there] = ind.locations.pop(here)
    return out


# 二级 → its 一级 (the 2019 framework, where 成本指标 is an output): for tables one level short.
_PARENT = {l2: l1 for l1, l2s in FRAMEWORK_A.allowed.items() for l2 in l2s}


def _one_level_up(indicators: list[Indicator]) -> bool:
    """Every 一级 cell holds a 二级 name (数量指标, 社会效益指标 …) and the table has no 三级 column."""
    return bool(indicators) and all(canonical_level2(i.level1) in _PARENT for i in indicators)


def level_name(text: str) -> str:
    """ "产出指标（40-50）分" → "产出指标": a form's score range is not part of the indicator's name."""
    return _SCORE_RANGE.sub("", re.sub(r"\s+", "", text))


def _filler(ind: Indicator) -> bool:
    """A form's empty slot: "……", "1.", "具体指标"."""
    texts = [x.strip() for x in (ind.name, ind.value_raw) if x.strip()]
    return all(re.fullmatch(r"\d+[.、]|[.…。、]+", x) or x == "具体指标" for x in texts)


def _checked(text: str) -> str:
    """A form's tick box: "新增项目□ 延续项目√" → "延续项目"; other text as written."""
    for part in re.split(r"[\s□☐]+", text):
        if len(part) > 1 and part[-1] in _TICKS:
            return part[:-1]
        if len(part) > 1 and part[0] in "☑■":
            return part[1:]
    return text


def parse_rows(rows: list[GridRow], layout: Layout, synonyms: Synonyms, file: str) -> list[GoalTable]:
    tables: list[GoalTable] = []
    spans = segments(rows, layout, synonyms)
    with_indicators = [any(_indicator_header(r, synonyms) for r in rows[a:b]) for a, b in spans]
    for (start, end), has in zip(spans, with_indicators, strict=True):
        if not has and any(with_indicators):
            continue  # a list of projects (a 项目清单 sheet), a cover page: not a table
        t = _Table(rows[start:end], layout, synonyms).build(len(tables) + 1)
        if t.indicators or t.project_name or t.unit_name:
            tables.append(t)
    if not tables:
        where = rows[0].cells[0].location if rows and rows[0].cells else Location(file=file)
        raise NotATableError(
            "找到了绩效目标表的标签，但没有找到任何一张完整的表。",
            file=file,
            line=where.line,
            sheet=where.sheet,
            cell=where.cell,
        )
    return tables


# --- sources ---------------------------------------------------------------------------------

_FREE_LINE = re.compile(r"^(?:填报单位|单位[：:]|金额单位|[（(]?\s*\d{4}\s*年度?\s*[)）]?$)")


def text_rows(lines: list[str], file: str) -> list[GridRow]:
    """Rows of published text (a Word table saved as text): a line starting with a tab holds the
    cells of a row, one per tab (a blank line ends the row); a line without a tab continues the cell
    above, unless it is a title or note line between tables, which becomes a free row."""
    rows: list[GridRow] = []
    cells: list[GridCell] | None = None
    width = 0  # the row's cells so far, the empty ones too (they are not kept: only counted)
    last: GridCell | None = None
    for idx, raw in enumerate(lines):
        line = clean_line(raw)
        if line.startswith("\t"):
            if cells is None:
                cells, width = [], 0
                rows.append(GridRow())
            parts = line.rstrip("\t").split("\t")[1:] or [""]
            where = Location(file=file, line=idx + 1)
            for k, part in enumerate(parts):
                text = part.strip()
                if text or k == len(parts) - 1:  # the last one may be continued by the next line
                    last = GridCell(text, width + k, where)
                    cells.append(last)
            width += len(parts)
            rows[-1].cells = cells
        elif not line.strip():
            cells = None
        elif PAGE_NUMBER.match(line.strip()):
            continue
        elif last is None or (cells is None and (_TITLE.search(line) or _FREE_LINE.match(line.strip()))):
            rows.append(GridRow([GridCell(line.strip(), 0, Location(file=file, line=idx + 1))], free=True))
            last = None
            cells = None
        else:
            last.value = f"{cell_text(last.value)}\n{line.strip()}"
    for row in rows:
        row.cells = [c for c in row.cells if c.text]
    return rows


def _sheet_cell(file: str, sheet: str, row: int, col: int) -> Location:
    return Location(file=file, sheet=sheet, cell=cell_name(col + 1, row))


def sheet_rows(
    sheet: SheetGrid, file: str, percent: dict[tuple[int, int], int] | None = None
) -> list[GridRow]:
    """Rows of a workbook sheet: the filled cells of each row with their columns (a merged area's
    value is in its top-left cell; the rest read blank). ``percent``: (row, column) → decimals of the
    cells formatted as percentages, read as shown ("100%", not 1)."""
    out = []
    for r, values in enumerate(sheet.rows, start=1):
        row = GridRow(locate=partial(_sheet_cell, file, sheet.name, r))
        for c, v in enumerate(values):
            if v is not None and cell_text(v):
                if (
                    percent
                    and isinstance(v, int | float)
                    and not isinstance(v, bool)
                    and (r, c + 1) in percent
                ):
                    v = as_shown(v, percent[(r, c + 1)])
                row.cells.append(GridCell(v, c, _sheet_cell(file, sheet.name, r, c)))
        out.append(row)
    return out


# --- one row per indicator ---------------------------------------------------------------------


def _listing_header(row: GridRow, synonyms: Synonyms) -> dict[int, TableField] | None:
    """Column → header field of an indicator table that also names its project in each row
    (项目名称 or 项目编码 beside 一级指标 … 指标值), as the 预算管理一体化 system exports it."""
    if _indicator_header(row, synonyms) is None:
        return None
    fields = {c.col: f for c in row.cells if (f := synonyms.header_field(c.text)) is not None}
    if {TableField.PROJECT_NAME, TableField.PROJECT_CODE} & set(fields.values()):
        return fields
    return None


def parse_listing(rows: list[GridRow], at: int, synonyms: Synonyms) -> list[GoalTable]:
    """Tables of a listing: consecutive rows of one project (by its code, else its name; a blank,
    merged project cell continues the project above) make one table."""
    header = _listing_header(rows[at], synonyms)
    columns = _indicator_header(rows[at], synonyms)
    assert header is not None and columns is not None
    by_field = {f: col for col, f in header.items()}
    key_col = by_field.get(TableField.PROJECT_CODE, by_field.get(TableField.PROJECT_NAME))
    groups: list[list[GridRow]] = []
    last = ""
    for row in rows[at + 1 :]:
        if not row.cells or row.free or _is_end(row):
            continue
        if _indicator_header(row, synonyms) is not None:
            break
        cell = row.at(key_col) if key_col is not None else None
        key = cell.text if cell is not None else ""
        if not groups or (key and key != last):
            groups.append([])
        last = key or last
        groups[-1].append(row)
    tables = []
    for k, group in enumerate(groups, start=1):
        t = _Table([rows[at], *group], Layout.NATIONAL, synonyms)
        labels = {c.col: c.text for c in rows[at].cells}
        for row in group:
            for c in row.cells:
                f = header.get(c.col)
                if f is not None:
                    t.put(f, c.text, c.value, c.location, labels[c.col])
        table = GoalTable(index=k, indicators=_indicators(group, columns))
        t.fill(table)
        if table.indicators:
            table.locations[TableField.INDICATORS] = next(iter(table.indicators[0].locations.values()))
        tables.append(table)
    return tables


def budget_year(rows: list[GridRow]) -> int | None:
    """The year a form states above its table: "（2021年度）", "2024年度项目支出绩效目标申报表"."""
    for row in rows[:200]:
        for c in row.cells:
            if m := re.search(r"(20\d{2})\s*年度", c.text):
                return int(m.group(1))
    return None


def missing(rows: list[GridRow], synonyms: Synonyms) -> str:
    """Why ``kind_of`` recognised no table, naming the one thing that is missing."""
    if not any(_indicator_header(r, synonyms) is not None for r in rows):
        return "未找到绩效指标表的表头（应有“一级指标”或“三级指标”列，以及“指标值”列）"
    return "未找到“项目名称”（项目支出表）或“部门名称”（部门整体支出表）"


def seen_labels(rows: list[GridRow], synonyms: Synonyms) -> list[str]:
    """The labels these rows hold, each once, in reading order."""
    seen: list[str] = []
    for row in rows:
        for c in row.cells:
            label = c.text.strip()
            if len(label) <= 20 and synonyms.is_label(label) and label not in seen:
                seen.append(label)
    return seen


def explain(rows: list[GridRow], synonyms: Synonyms) -> str:
    """Why no table was recognised, with what was seen: the labels found (so a reviewer sees whether
    the table's own words are missing or only named differently) and what to do."""
    seen = seen_labels(rows, synonyms)
    found = (
        f"表中认出的栏目：{'、'.join(seen[:10])}{'等' if len(seen) > 10 else ''}"
        if seen
        else ("表中没有认出任何栏目名称（如“项目名称”“一级指标”“指标值”）")
    )
    return (
        f"没有认出绩效目标表：{missing(rows, synonyms)}；{found}。表中的栏目名称与常见写法不同时，"
        "可在 xlgoals.toml 的 [labels] 中补充（见“导入其他表式”说明）。"
    )


def read_rows(rows: list[GridRow], synonyms: Synonyms, file: str, fmt: SourceFormat) -> Document | None:
    """A Document of the tables these rows hold, or None when no form is recognised."""
    listing = next((k for k, r in enumerate(rows) if _listing_header(r, synonyms)), None)
    if listing is not None:  # one row per indicator, the project in columns (a system's export)
        layout = Layout.NATIONAL
        tables = parse_listing(rows, listing, synonyms)
    else:
        found = kind_of(rows, synonyms)
        if found is None:
            return None
        layout, tables = found, parse_rows(rows, found, synonyms, file)
    doc = Document(source=file, layout=layout, format=fmt, tables=tables)
    doc.meta.budget_year = budget_year(rows)
    doc.meta.title = doc.tables[0].title
    infer_region_and_year(doc)
    return doc
