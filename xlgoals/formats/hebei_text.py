"""The Hebei per-project 绩效目标表 in published text (seeds 000, 001, 002, 004).

A table is: a title line ("1.城乡低保资金县级配套绩效目标表"), the unit cell ("314001昌黎县民政局本级"),
"单位：万元", the header block (项目编码, 项目名称, 预算数, 其中：财政资金, 其他资金, 资金用途), the
资金支出计划 block (four cumulative points), 绩效目标, then the indicator table in rows of six cells
(一级, 二级, 三级, 描述, 指标值, 确定依据; 一级 blank on continuation rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import PLAN_POINTS, TableField
from xlgoals.formats.text_cells import PAGE_NUMBER, Cell, clean_line, tokenize
from xlgoals.layout import Label, label_key
from xlgoals.model import (
    HEBEI_INDICATOR_FIELDS,
    Budget,
    GoalTable,
    Indicator,
    Location,
    PlanMode,
    PlanPoint,
    SpendPlan,
)
from xlgoals.values import parse_amount, parse_plan_point

UNIT_CELL = re.compile(r"^\t\s*(\d{6})\s*(\S.*)$")
# Other counties write the unit line as "预算单位：怀来县民政局", "怀来县民政局（316007）" or the name
# alone; the line below it says the money unit ("单位：万元", "金额单位：万元").
UNIT_PREFIX = re.compile(r"^(?:预算单位|单位名称|部门（单位）名称|填报单位|单位)[：:]\s*")
CODE_LAST = re.compile(r"^(.*?\S)\s*[（(]?(\d{6})[)）]?$")
MONEY_UNIT_LINE = re.compile(r"^\t\s*(?:金额)?单位[：:]\s*万?元")
HEADER_LABELS = {
    Label.PROJECT_CODE,
    Label.PROJECT_NAME,
    Label.BUDGET_BLOCK,
    Label.BUDGET_TOTAL,
    Label.BUDGET_FISCAL,
    Label.BUDGET_OTHER,
    Label.GOALS,
}


@dataclass
class TableSpan:
    start: int  # 0-based first line (title or unit line)
    unit_line: int | None  # 0-based index of the unit cell line, None when the header is missing
    title: str
    title_line: int | None  # 0-based


def _next_nonblank(lines: list[str], idx: int) -> int | None:
    for j in range(idx + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def _title_run(lines: list[str], idx: int) -> tuple[int, str] | None:
    """The title lines directly above line idx: (first index, joined title)."""
    j = idx - 1
    run: list[int] = []
    while j >= 0 and lines[j].strip() and not lines[j].startswith("\t"):
        if PAGE_NUMBER.match(lines[j].strip()):
            break
        run.insert(0, j)
        j -= 1
    if not run:
        return None
    # A title is one line, or two when Word wrapped "绩效目标表" alone onto the next (004 T14-T23).
    run = run[-2:] if len(lines[run[-1]].strip()) <= 6 else run[-1:]
    title = "".join(lines[k].strip() for k in run)
    return run[0], title


def parse_unit(text: str) -> tuple[str, str]:
    """(unit code, unit name) of a unit line in any of the ways counties write it; "" when absent."""
    text = UNIT_PREFIX.sub("", text.strip())
    if m := UNIT_CELL.match("\t" + text):
        return m.group(1), m.group(2).strip()
    if m := CODE_LAST.match(text):
        return m.group(2), m.group(1).strip()
    return "", text


def _is_unit_line(lines: list[str], idx: int) -> bool:
    """A unit cell: "316007怀来县民政局" above a "单位" line (the bundled examples), or any other cell
    that is not a label of the table directly above a money-unit line ("单位：万元")."""
    line = lines[idx]
    nxt = _next_nonblank(lines, idx)
    if nxt is None or not lines[nxt].startswith("\t"):
        return False
    if UNIT_CELL.match(line):
        return "单位" in lines[nxt]
    text = line.strip()
    return (
        line.startswith("\t")
        and bool(text)
        and bool(MONEY_UNIT_LINE.match(lines[nxt]))
        and not MONEY_UNIT_LINE.match(line)
        and label_key(text) not in HEADER_LABELS
        and len(text) <= MAX_UNIT_NAME
    )


MAX_UNIT_NAME = 80


def find_tables(lines: list[str]) -> list[TableSpan]:
    spans: list[TableSpan] = []
    claimed: set[int] = set()
    for idx, line in enumerate(lines):
        if not line.startswith("\t") or not _is_unit_line(lines, idx):
            continue
        run = _title_run(lines, idx)
        if run is not None:
            first, title = run
            claimed.update(range(first, idx))
            spans.append(TableSpan(first, idx, title, first))
        else:
            spans.append(TableSpan(idx, idx, "", None))
    # Titles followed by table cells but no unit/header block: a table whose header rows are missing.
    for idx, line in enumerate(lines):
        text = line.strip()
        if idx in claimed or line.startswith("\t") or not text.endswith(Label.TITLE):
            continue
        nxt = _next_nonblank(lines, idx)
        if nxt is not None and lines[nxt].startswith("\t") and not UNIT_CELL.match(lines[nxt]):
            spans.append(TableSpan(idx, None, text, idx))
    spans.sort(key=lambda s: s.start)
    return spans


def _find(cells: list[Cell], label: str, start: int = 0, *, prefix: bool = False) -> int | None:
    for i in range(start, len(cells)):
        lab = cells[i].label
        if lab == label or (prefix and lab.startswith(label)):
            return i
    return None


def _loc(file: str, cell: Cell | None) -> Location:
    return Location(file=file, line=cell.line if cell else None)


def parse_table(
    file: str, lines: list[str], span: TableSpan, end: int, index: int, is_last: bool
) -> GoalTable:
    """One table. What a county left out (the unit line, the unit code, 项目编码, 项目名称, 预算数)
    is left empty for the rules to report at the table; a table is refused only when none of its
    header labels and no indicator table identify it as a 绩效目标表."""
    title_loc = Location(file=file, line=(span.title_line + 1) if span.title_line is not None else None)
    first = span.unit_line
    if first is None:  # no unit line: the cells start right below the title
        first = next((j for j in range(span.start + 1, end) if lines[j].startswith("\t")), span.start)
    cells = tokenize(lines, first, end)
    table = GoalTable(index=index, title=span.title)
    locs = table.locations
    locs[TableField.TITLE] = title_loc

    if span.unit_line is not None and cells:
        unit_cell = cells[0]
        table.unit_code, table.unit_name = parse_unit(unit_cell.text)
        locs[TableField.UNIT_CODE] = locs[TableField.UNIT_NAME] = _loc(file, unit_cell)
    else:
        locs[TableField.UNIT_CODE] = locs[TableField.UNIT_NAME] = title_loc

    i_code = _find(cells, Label.PROJECT_CODE)
    i_name = _find(cells, Label.PROJECT_NAME)
    i_total = _find(cells, Label.BUDGET_TOTAL)
    if i_code is None and i_name is None and i_total is None and _find(cells, Label.LEVEL1) is None:
        raise XlgoalsInputError(
            f"表格“{span.title or table.unit_name}”缺少表头：没有找到“{Label.PROJECT_CODE}”“{Label.PROJECT_NAME}”"
            f"“{Label.BUDGET_TOTAL}”，也没有指标表（“{Label.LEVEL1}”），无法识别为绩效目标表。请补全表头后重试。",
            file=file,
            line=(span.title_line + 1)
            if span.title_line is not None
            else (cells[0].line if cells else span.start + 1),
        )
    anchor = next(i for i in (i_code, i_name, i_total, 0) if i is not None)

    def value_after(i: int) -> Cell | None:
        if i + 1 < len(cells) and cells[i + 1].label not in HEADER_LABELS:
            return cells[i + 1]
        return None

    code = value_after(i_code) if i_code is not None else None
    table.project_code = code.value if code else ""
    locs[TableField.PROJECT_CODE] = _loc(file, code or cells[i_code if i_code is not None else anchor])
    name_cells: list[Cell] = []
    if i_name is not None:
        name_cells = cells[i_name + 1 : _find(cells, Label.BUDGET_BLOCK, i_name) or i_name + 2]
    table.project_name = "".join(c.value for c in name_cells).strip()
    locs[TableField.PROJECT_NAME] = _loc(
        file, name_cells[0] if name_cells else cells[i_name if i_name is not None else anchor]
    )
    if i_total is None:  # no budget block: what follows is searched from the last header found
        i_total = max(i for i in (i_code, i_name, anchor) if i is not None)

    budget = Budget()
    total = value_after(i_total) if cells[i_total].label == Label.BUDGET_TOTAL else None
    budget.total_raw = total.value if total else ""
    locs[TableField.BUDGET_TOTAL] = _loc(file, total or cells[i_total])
    i_fiscal = _find(cells, Label.BUDGET_FISCAL, i_total)
    fiscal = value_after(i_fiscal) if i_fiscal is not None else None
    budget.fiscal_raw = fiscal.value if fiscal else ""
    locs[TableField.BUDGET_FISCAL] = _loc(
        file, fiscal or (cells[i_fiscal] if i_fiscal is not None else total)
    )
    i_other = _find(cells, Label.BUDGET_OTHER, i_total)
    other = value_after(i_other) if i_other is not None else None
    budget.other_raw = other.value if other else ""
    locs[TableField.BUDGET_OTHER] = _loc(file, other or (cells[i_other] if i_other is not None else total))
    budget.total = parse_amount(budget.total_raw)
    budget.fiscal = parse_amount(budget.fiscal_raw)
    budget.other = parse_amount(budget.other_raw)
    table.budget = budget

    i_plan = _find(cells, Label.PLAN, i_total, prefix=True)
    i_goal = _find(cells, Label.GOALS, i_plan or i_total)
    i_ind = _find(cells, Label.LEVEL1, i_goal or i_total)

    # 资金用途: the text cells between the 其他资金 value and the spend-plan label.
    use_from = (i_other + 2) if (i_other is not None and other is not None) else ((i_other or i_total) + 1)
    use_to = i_plan if i_plan is not None else (i_goal if i_goal is not None else len(cells))
    use_cells = [c for c in cells[use_from:use_to] if c.value]
    table.fund_use = "\n".join(c.value for c in use_cells)
    locs[TableField.FUND_USE] = _loc(
        file, use_cells[0] if use_cells else cells[min(use_from, len(cells) - 1)]
    )

    if i_plan is not None:
        table.spend_plan = _parse_plan(file, cells, i_plan, i_goal, locs)

    if i_goal is not None:
        goal_cells = cells[i_goal + 1 : i_ind if i_ind is not None else len(cells)]
        text = "\n".join(c.text for c in goal_cells)
        table.goals = [ln.strip() for ln in text.split("\n") if ln.strip()]
        locs[TableField.GOALS] = _loc(file, goal_cells[0] if goal_cells else cells[i_goal])

    if i_ind is None:
        table.complete = False
        table.incomplete_reason = "文本在指标表之前中断" if is_last else "缺少指标表"
        return table
    header_end = i_ind + len(Label.INDICATOR_HEADER)
    row_cells = cells[header_end:]
    table.indicators = _parse_indicators(file, row_cells)
    locs[TableField.INDICATORS] = _loc(file, cells[i_ind])
    if len(row_cells) % 6:
        table.complete = False
        table.incomplete_reason = f"指标表最后一行不完整（{len(row_cells) % 6}/6个单元格）"
    elif is_last and not any(ind.level1.startswith("满意度") for ind in table.indicators):
        # The file ends inside the indicator table before its last block (001 T44).
        table.complete = False
        table.incomplete_reason = "文本在指标表中途结束（缺少满意度指标部分）"
    return table


def _parse_plan(
    file: str, cells: list[Cell], i_plan: int, i_goal: int | None, locs: dict[TableField, Location]
) -> SpendPlan:
    plan = SpendPlan(header=cells[i_plan].value)
    locs[TableField.SPEND_PLAN] = _loc(file, cells[i_plan])
    j = i_plan + 1
    while j < len(cells) and cells[j].label in Label.PLAN_POINTS:
        j += 1
    values = cells[j : i_goal if i_goal is not None else j + 5]
    if len(values) == 5 and not values[0].value:
        values = values[1:]  # the first cell sits under the merged label column
    values = values[-4:] if len(values) > 4 else values
    points: list[PlanPoint] = []
    percent_flags: list[bool] = []
    for k in range(4):
        cell = values[k] if k < len(values) else None
        raw = cell.value if cell else ""
        number, is_percent = parse_plan_point(raw)
        if raw:
            percent_flags.append(is_percent)
        points.append(PlanPoint(raw=raw, value=number))
        locs[PLAN_POINTS[k]] = _loc(file, cell or cells[i_plan])
    plan.points = points
    if percent_flags and all(percent_flags):
        plan.mode = PlanMode.PERCENT
    elif percent_flags and not any(percent_flags):
        plan.mode = PlanMode.AMOUNT
    return plan


def _parse_indicators(file: str, cells: list[Cell]) -> list[Indicator]:
    indicators: list[Indicator] = []
    level1 = ""
    level2 = ""
    for start in range(0, len(cells) - len(cells) % 6, 6):
        row = cells[start : start + 6]
        texts = [c.value for c in row]
        if texts[0]:
            level1 = texts[0]
        if texts[1]:
            level2 = texts[1]
        ind = Indicator(
            level1=level1,
            level2=level2,
            name=texts[2],
            description=texts[3],
            value_raw=row[4].text.strip("\n\t"),
            basis=texts[5],
        )
        for f, cell in zip(HEBEI_INDICATOR_FIELDS, row, strict=True):
            ind.locations[f] = Location(file=file, line=cell.line)
        indicators.append(ind)
    return indicators


def parse_tables(file: str, lines: list[str]) -> tuple[list[GoalTable], int]:
    """All tables of a Hebei-layout text and the 0-based index of the first table line."""
    lines = [clean_line(x) for x in lines]
    spans = find_tables(lines)
    tables: list[GoalTable] = []
    for k, span in enumerate(spans):
        end = spans[k + 1].start if k + 1 < len(spans) else len(lines)
        tables.append(parse_table(file, lines, span, end, k + 1, is_last=k + 1 == len(spans)))
    first = spans[0].start if spans else len(lines)
    return tables, first


def looks_like_hebei(lines: list[str]) -> bool:
    """The per-project table: a 项目编码 or 项目名称 cell, or a unit cell with its code."""
    labels = (Label.PROJECT_CODE, Label.PROJECT_NAME)
    return any(label_key(x) in labels for x in lines[:20000] if x.startswith("\t")) or any(
        UNIT_CELL.match(x) for x in lines
    )
