"""The flat 项目支出绩效目标表 in published text (seed 003, 衡阳; framework B).

One row per indicator, 13 cells: 单位代码, 单位（专项）名称, 资金总额, 实施期绩效目标, 一级指标, 二级指标,
三级指标, 指标值, 指标值内容, 评（扣分标准）, 度量单位, 指标值类型, 备注 (分值). The first four cells are
filled on a project's first row only; 一级 only on the first row of its block.
"""

from __future__ import annotations

from xlgoals.errors import XlgoalsInputError
from xlgoals.importers.text_cells import Cell, clean_line, tokenize
from xlgoals.model import Budget, GoalTable, Indicator, Location
from xlgoals.values import parse_amount

FLAT_COLUMNS = (
    "单位代码",
    "单位（专项）名称",
    "资金总额",
    "实施期绩效目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "指标值内容",
    "评（扣分标准）",
    "度量单位",
    "指标值类型",
    "备注",
)
INDICATOR_FIELDS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标值": "value",
    "指标值内容": "description",
    "评（扣分标准）": "scoring_rule",
    "度量单位": "unit_column",
    "指标值类型": "value_type",
    "备注": "score",
}


def looks_like_flat(lines: list[str]) -> bool:
    labels = {clean_line(x).strip() for x in lines if x.startswith("\t")}
    return "单位代码" in labels and "实施期绩效目标" in labels


def header_span(lines: list[str]) -> tuple[int, int]:
    """0-based (first header line, first data line)."""
    first = next(i for i, x in enumerate(lines) if x.startswith("\t") and x.strip() == "单位代码")
    for i in range(first, len(lines)):
        if lines[i].startswith("\t") and lines[i].strip() == "备注":
            return first, i + 1
    raise XlgoalsInputError("项目支出绩效目标表的表头不完整（未找到“备注”列）。", line=first + 1)


def parse_tables(file: str, lines: list[str]) -> tuple[list[GoalTable], int]:
    lines = [clean_line(x) for x in lines]
    try:
        first, data = header_span(lines)
    except XlgoalsInputError as exc:
        exc.file = file
        raise
    cells = tokenize(lines, data, len(lines))
    width = len(FLAT_COLUMNS)
    tables: list[GoalTable] = []
    level1 = ""
    level2 = ""
    if len(cells) % width:
        bad = cells[len(cells) - len(cells) % width]
        raise XlgoalsInputError(
            f"项目支出绩效目标表的行不完整：每行应有{width}个单元格。", file=file, line=bad.line
        )
    for start in range(0, len(cells), width):
        row = dict(zip(FLAT_COLUMNS, cells[start : start + width], strict=True))
        if row["单位代码"].value or row["单位（专项）名称"].value:
            tables.append(_new_table(file, row, len(tables) + 1))
            level1 = level2 = ""
        if not tables:
            raise XlgoalsInputError(
                "项目支出绩效目标表第一行缺少单位代码和项目名称。", file=file, line=row["单位代码"].line
            )
        if row["一级指标"].value:
            level1 = row["一级指标"].value
        if row["二级指标"].value:
            level2 = row["二级指标"].value
        ind = Indicator(level1=level1, level2=level2)
        for column, fname in INDICATOR_FIELDS.items():
            cell = row[column]
            if fname == "level1" or fname == "level2":
                pass
            elif fname == "value":
                ind.value_raw = cell.value
            else:
                setattr(ind, fname, cell.value)
            ind.locations["value" if fname == "value" else fname] = Location(file=file, line=cell.line)
        tables[-1].indicators.append(ind)
    return tables, first


def _new_table(file: str, row: dict[str, Cell], index: int) -> GoalTable:
    total = row["资金总额"].value
    table = GoalTable(
        index=index,
        unit_code=row["单位代码"].value,
        project_name=row["单位（专项）名称"].value,
        budget=Budget(total=parse_amount(total), total_raw=total),
        goals=[g.strip() for g in row["实施期绩效目标"].value.split("\n") if g.strip()],
    )
    table.locations.update(
        unit_code=Location(file=file, line=row["单位代码"].line),
        project_name=Location(file=file, line=row["单位（专项）名称"].line),
        title=Location(file=file, line=row["单位代码"].line),
        goals=Location(file=file, line=row["实施期绩效目标"].line),
    )
    table.locations["budget.total"] = Location(file=file, line=row["资金总额"].line)
    return table
