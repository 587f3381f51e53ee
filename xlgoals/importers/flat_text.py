"""The flat 项目支出绩效目标表 in published text (seed 003, 衡阳; framework B).

One row per indicator, 13 cells: 单位代码, 单位（专项）名称, 资金总额, 实施期绩效目标, 一级指标, 二级指标,
三级指标, 指标值, 指标值内容, 评（扣分标准）, 度量单位, 指标值类型, 备注 (分值). The first four cells are
filled on a project's first row only; 一级 only on the first row of its block.
"""

from __future__ import annotations

from xlgoals.errors import XlgoalsInputError
from xlgoals.importers.text_cells import clean_line, tokenize
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
    if len(cells) % width:
        bad = cells[len(cells) - len(cells) % width]
        raise XlgoalsInputError(
            f"项目支出绩效目标表的行不完整：每行应有{width}个单元格。", file=file, line=bad.line
        )
    rows = [
        {
            col: (cell.value, Location(file=file, line=cell.line))
            for col, cell in zip(FLAT_COLUMNS, cells[k : k + width], strict=True)
        }
        for k in range(0, len(cells), width)
    ]
    tables = tables_from_rows(file, rows)
    return tables, first


Row = dict[str, tuple[str, Location]]


def tables_from_rows(file: str, rows: list[Row]) -> list[GoalTable]:
    """Flat-layout rows (column label → (text, location)) → tables; shared by text and xlsx readers."""
    tables: list[GoalTable] = []
    level1 = level2 = ""
    for row in rows:
        if row["单位代码"][0] or row["单位（专项）名称"][0]:
            tables.append(_new_table(row, len(tables) + 1))
            level1 = level2 = ""
        if not tables:
            raise XlgoalsInputError(
                "项目支出绩效目标表第一行缺少单位代码和项目名称。", file=file, line=row["单位代码"][1].line
            )
        if row["一级指标"][0]:
            level1 = row["一级指标"][0]
        if row["二级指标"][0]:
            level2 = row["二级指标"][0]
        ind = Indicator(level1=level1, level2=level2)
        for column, fname in INDICATOR_FIELDS.items():
            text, loc = row[column]
            if fname == "value":
                ind.value_raw = text
            elif fname not in ("level1", "level2"):
                setattr(ind, fname, text)
            ind.locations[fname] = loc
        tables[-1].indicators.append(ind)
    return tables


def _new_table(row: Row, index: int) -> GoalTable:
    total = row["资金总额"][0]
    table = GoalTable(
        index=index,
        unit_code=row["单位代码"][0],
        project_name=row["单位（专项）名称"][0],
        budget=Budget(total=parse_amount(total), total_raw=total),
        goals=[g.strip() for g in row["实施期绩效目标"][0].split("\n") if g.strip()],
    )
    table.locations.update(
        unit_code=row["单位代码"][1],
        project_name=row["单位（专项）名称"][1],
        title=row["单位代码"][1],
        goals=row["实施期绩效目标"][1],
    )
    table.locations["budget.total"] = row["资金总额"][1]
    return table
