"""The flat 项目支出绩效目标表 in published text (seed 003, 衡阳; framework B).

One row per indicator, 13 cells (``layout.FLAT_COLUMNS``): 单位代码, 单位（专项）名称, 资金总额, 实施期绩效目标,
一级指标, 二级指标, 三级指标, 指标值, 指标值内容, 评（扣分标准）, 度量单位, 指标值类型, 备注 (分值). The first four
cells are filled on a project's first row only; 一级 only on the first row of its block.
"""

from __future__ import annotations

from xlgoals import layout as L
from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import IndicatorField, TableField
from xlgoals.formats.text_cells import clean_line, tokenize
from xlgoals.model import Budget, GoalTable, Indicator, Location
from xlgoals.values import parse_amount

_FIRST, _LAST = L.FLAT_COLUMNS[0][0], L.FLAT_COLUMNS[-1][0]
_GOALS = next(label for label, f in L.FLAT_COLUMNS if f == TableField.GOALS)


def looks_like_flat(lines: list[str]) -> bool:
    labels = {clean_line(x).strip() for x in lines if x.startswith("\t")}
    return _FIRST in labels and _GOALS in labels


def header_span(lines: list[str]) -> tuple[int, int]:
    """0-based (first header line, first data line)."""
    first = next(i for i, x in enumerate(lines) if x.startswith("\t") and x.strip() == _FIRST)
    for i in range(first, len(lines)):
        if lines[i].startswith("\t") and lines[i].strip() == _LAST:
            return first, i + 1
    raise XlgoalsInputError(f"项目支出绩效目标表的表头不完整（未找到“{_LAST}”列）。", line=first + 1)


Row = dict[TableField | IndicatorField, tuple[str, Location]]


def parse_tables(file: str, lines: list[str]) -> tuple[list[GoalTable], int]:
    lines = [clean_line(x) for x in lines]
    try:
        first, data = header_span(lines)
    except XlgoalsInputError as exc:
        exc.file = file
        raise
    cells = tokenize(lines, data, len(lines))
    width = len(L.FLAT_COLUMNS)
    if len(cells) % width:
        bad = cells[len(cells) - len(cells) % width]
        raise XlgoalsInputError(
            f"项目支出绩效目标表的行不完整：每行应有{width}个单元格。", file=file, line=bad.line
        )
    rows: list[Row] = [
        {
            f: (cell.value, Location(file=file, line=cell.line))
            for (_label, f), cell in zip(L.FLAT_COLUMNS, cells[k : k + width], strict=True)
        }
        for k in range(0, len(cells), width)
    ]
    return tables_from_rows(file, rows), first


def tables_from_rows(file: str, rows: list[Row]) -> list[GoalTable]:
    """Flat-layout rows (field → (text, location)) → tables; shared by the text and workbook readers."""
    tables: list[GoalTable] = []
    level1 = level2 = ""
    for row in rows:
        if row[TableField.UNIT_CODE][0] or row[TableField.PROJECT_NAME][0]:
            tables.append(_new_table(row, len(tables) + 1))
            level1 = level2 = ""
        if not tables:
            raise XlgoalsInputError(
                "项目支出绩效目标表第一行缺少单位代码和项目名称。",
                file=file,
                line=row[TableField.UNIT_CODE][1].line,
            )
        if row[IndicatorField.LEVEL1][0]:
            level1 = row[IndicatorField.LEVEL1][0]
        if row[IndicatorField.LEVEL2][0]:
            level2 = row[IndicatorField.LEVEL2][0]
        ind = Indicator(level1=level1, level2=level2)
        for f, (text, loc) in row.items():
            if not isinstance(f, IndicatorField):
                continue
            if f == IndicatorField.VALUE:
                ind.value_raw = text
            elif f not in (IndicatorField.LEVEL1, IndicatorField.LEVEL2):
                setattr(ind, f.value, text)
            ind.locations[f] = loc
        tables[-1].indicators.append(ind)
    return tables


def _new_table(row: Row, index: int) -> GoalTable:
    total = row[TableField.BUDGET_TOTAL][0]
    table = GoalTable(
        index=index,
        unit_code=row[TableField.UNIT_CODE][0],
        project_name=row[TableField.PROJECT_NAME][0],
        budget=Budget(total=parse_amount(total), total_raw=total),
        goals=[g.strip() for g in row[TableField.GOALS][0].split("\n") if g.strip()],
    )
    for f in (TableField.UNIT_CODE, TableField.PROJECT_NAME, TableField.GOALS, TableField.BUDGET_TOTAL):
        table.locations[f] = row[f][1]
    table.locations[TableField.TITLE] = row[TableField.UNIT_CODE][1]
    return table
