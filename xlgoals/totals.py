"""Totals computed by the core (never read from formula cells): per project, per unit, overall."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from xlgoals.fields import TableField, attribute
from xlgoals.frameworks import canonical_level1
from xlgoals.model import GoalTable, PlanMode

CENT = Decimal("0.01")
LEVEL1_COLUMNS = ("产出指标", "效益指标", "满意度指标", "成本指标")


def plan_amounts(t: GoalTable) -> list[Decimal | None]:
    """资金支出计划 in 万元 at 3/6/10/12月底: percent mode × 预算数, amount mode as written."""
    out: list[Decimal | None] = []
    total = counted(t, TableField.BUDGET_TOTAL)
    for p in t.spend_plan.points:
        if p.value is None:
            out.append(None)
        elif t.spend_plan.mode == PlanMode.PERCENT:
            out.append((total * p.value / 100).quantize(CENT) if total is not None else None)
        else:
            out.append(p.value)
    return out


def level1_counts(t: GoalTable) -> dict[str, int]:
    counts = dict.fromkeys(LEVEL1_COLUMNS, 0)
    for ind in t.indicators:
        if ind.is_placeholder:
            continue
        key = canonical_level1(ind.level1)
        if key in counts:
            counts[key] += 1
    return counts


@dataclass
class ProjectRow:
    source: str
    unit: str
    project_code: str
    project_name: str
    total: Decimal | None
    fiscal: Decimal | None
    other: Decimal | None
    plan: list[Decimal | None]
    counts: dict[str, int]
    status: str
    uncounted: tuple[str, str, str] = ("", "", "")  # 预算数/财政资金/其他资金 typed as text, not counted


@dataclass
class Amounts:
    total: Decimal = Decimal(0)
    fiscal: Decimal = Decimal(0)
    other: Decimal = Decimal(0)
    plan: list[Decimal] = field(default_factory=lambda: [Decimal(0)] * 4)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVEL1_COLUMNS, 0))
    projects: int = 0

    def add(self, row: ProjectRow) -> None:
        self.total += row.total or 0
        self.fiscal += row.fiscal or 0
        self.other += row.other or 0
        self.plan = [a + (b or 0) for a, b in zip(self.plan, row.plan, strict=True)]
        for k, v in row.counts.items():
            self.counts[k] += v
        self.projects += 1


def counted(t: GoalTable, f: TableField) -> Decimal | None:
    """An amount as the totals count it. A workbook cell holding text ("2,800.00", "2800万元") is not
    counted, as the workbook's own SUM does not count it: the number cannot be trusted (FUND-001
    reports it) and the 汇总 must agree with the 项目清单 the clerk sees."""
    if typed(t, f):
        return None
    value: Decimal | None = attrgetter(attribute(f))(t)
    return value


def typed(t: GoalTable, f: TableField) -> str:
    """What a workbook cell holds when it holds text (else "")."""
    cell = t.sheet.header.get(f) if t.sheet is not None else None
    return cell if isinstance(cell, str) else ""


def project_row(source: str, t: GoalTable, status: str) -> ProjectRow:
    return ProjectRow(
        source=source,
        unit=f"{t.unit_code} {t.unit_name}".strip() or "（未填单位）",
        project_code=t.project_code,
        project_name=t.project_name,
        total=counted(t, TableField.BUDGET_TOTAL),
        fiscal=counted(t, TableField.BUDGET_FISCAL),
        other=counted(t, TableField.BUDGET_OTHER),
        plan=plan_amounts(t),
        counts=level1_counts(t),
        status=status,
        uncounted=(
            typed(t, TableField.BUDGET_TOTAL),
            typed(t, TableField.BUDGET_FISCAL),
            typed(t, TableField.BUDGET_OTHER),
        ),
    )


def by_unit(rows: list[ProjectRow]) -> list[tuple[str, list[ProjectRow], Amounts]]:
    """Rows grouped by 预算单位 (in order of first appearance) with each unit's subtotal."""
    groups: dict[str, list[ProjectRow]] = {}
    for r in rows:
        groups.setdefault(r.unit, []).append(r)
    out = []
    for unit, members in groups.items():
        sub = Amounts()
        for r in members:
            sub.add(r)
        out.append((unit, members, sub))
    return out


def grand_total(rows: list[ProjectRow]) -> Amounts:
    total = Amounts()
    for r in rows:
        total.add(r)
    return total
