"""The template's live flags, computed in Python.

Each function returns exactly the text the corresponding spreadsheet formula in the template shows
(see ``template/formulas.py``). The writer stores these as the formulas' cached values, and a
LibreOffice test recalculates the formulas and checks they agree with this module.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from xlgoals.model import GoalTable, Indicator, PlanMode

EPS = Decimal("0.000001")
BUDGET_EPS = Decimal("0.005")

REQUIRED_FIELDS = ("项目编码", "项目名称", "预算数", "资金用途", "绩效目标")


def _has_any_header_input(t: GoalTable) -> bool:
    return any(
        (
            t.unit_code,
            t.unit_name,
            t.project_code,
            t.project_name,
            t.budget.total is not None or t.budget.total_raw,
            t.fund_use,
            t.goals,
        )
    )


def required_flag(t: GoalTable) -> str:
    if not _has_any_header_input(t):
        return ""
    present = (
        bool(t.project_code),
        bool(t.project_name),
        t.budget.total is not None or bool(t.budget.total_raw),
        bool(t.fund_use),
        bool(t.goals),
    )
    missing = [name for name, ok in zip(REQUIRED_FIELDS, present, strict=True) if not ok]
    return "必填：" + " ".join(missing) if missing else ""


def budget_flag(t: GoalTable) -> str:
    b = t.budget
    if b.total is None or (b.fiscal is None and b.other is None):
        return ""
    if abs(b.total - ((b.fiscal or 0) + (b.other or 0))) > BUDGET_EPS:
        return "预算数≠财政资金+其他资金"
    return ""


def plan_mode_cell(t: GoalTable) -> str:
    """What the writer puts in the 填写方式 cell."""
    return "万元" if t.spend_plan.mode == PlanMode.AMOUNT else "%"


def plan_cells(t: GoalTable) -> list[Decimal | None]:
    """The numbers the writer puts in D7:G7: fractions in percent mode, 万元 in amount mode."""
    percent = plan_mode_cell(t) == "%"
    out: list[Decimal | None] = []
    for p in t.spend_plan.points:
        if p.value is None:
            out.append(None)
        else:
            out.append(p.value / 100 if percent else p.value)
    return out


def plan_flag(t: GoalTable) -> str:
    cells = plan_cells(t)
    numbers = [c for c in cells if c is not None]
    if not numbers:
        return ""
    percent = plan_mode_cell(t) == "%"
    for a, b in pairwise(cells):
        if a is not None and b is not None and b < a:
            return "累计支出计划出现下降"
    target = Decimal(1) if percent else (t.budget.total or Decimal(0))
    if max(numbers) > target + EPS:
        return "累计支出超过100%" if percent else "累计支出超过预算数"
    last = cells[3] or Decimal(0)
    if abs(last - target) > EPS:
        return "12月底累计应为100%" if percent else "12月底累计应等于预算数"
    return ""


def row_flag(ind: Indicator, level1_written: bool = True) -> str:
    content = (
        ind.level1 if level1_written else "",
        ind.level2,
        ind.name,
        ind.description,
        ind.value_raw,
        ind.basis,
    )
    if not any(x.strip() for x in content):
        return ""
    if not ind.value_raw.strip():
        return "指标值未填"
    if not ind.name.strip():
        return "三级指标未填"
    if not ind.basis.strip():
        return "确定依据未填"
    return ""


def table_flags(t: GoalTable) -> list[str]:
    """Every non-empty flag of a table, header first then rows (what the footer counts)."""
    flags = [required_flag(t), budget_flag(t), plan_flag(t)]
    flags += [row_flag(ind) for ind in t.indicators]
    return [f for f in flags if f]


def footer_text(t: GoalTable) -> str:
    n = len(table_flags(t))
    return "未发现表内问题" if n == 0 else f"表内提示 {n} 处，见H列"
