"""Worksheet functions (xlwings UDFs): short Chinese text for one cell, never a traceback.

On Windows with pywin32 the decorators register the functions; elsewhere (Linux, tests) they are
identity decorators and these are plain functions. Each call checks one value with the same rules
as 校验, so a cell says the same thing the report will.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

import xlwings as xw

from xlgoals.check import check_document
from xlgoals.config import Config
from xlgoals.frameworks import FRAMEWORK_A, FRAMEWORK_B, canonical_level1, canonical_level2
from xlgoals.model import Budget, Document, GoalTable, Indicator, PlanMode, PlanPoint, SpendPlan
from xlgoals.values import parse_amount, parse_plan_point, parse_value

MAX_LEN = 60
VALUE_RULES = ["VAL", "SAT", "COST-001", "COST-003", "TIME", "STRUCT-009"]


def _short(text: str) -> str:
    return text if len(text) <= MAX_LEN else text[: MAX_LEN - 1] + "…"


def _safe(func: Callable[..., str]) -> Callable[..., str]:
    @wraps(func)
    def wrapper(*args: Any) -> str:
        try:
            return _short(func(*args))
        except Exception:
            return "无法检查该单元格"

    return wrapper


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _level1_for(level2: str) -> str:
    for spec in (FRAMEWORK_A, FRAMEWORK_B):
        for l1, allowed in spec.allowed.items():
            if level2 in allowed:
                return l1
    return ""


def _first_message(doc: Document, select: list[str]) -> str:
    findings = check_document(doc, Config(select=select))
    if not findings:
        return ""
    worst = min(findings, key=lambda f: f.severity.rank)
    return f"{worst.code} {worst.message}"


@xw.func
@_safe
def XG_VALUE(value: Any) -> str:
    """The normalised indicator value with its parse: "≥95% · 定量 · 比较符≥ · 数值95 · 单位%"."""
    v = parse_value(_text(value))
    if not v.normalized:
        return ""
    parts = [v.normalized, v.kind.value]
    if v.op:
        parts.append(f"比较符{v.op}")
    if v.number is not None:
        parts.append(f"数值{v.number}")
    if v.unit:
        parts.append(f"单位{v.unit}")
    return " · ".join(parts)


@xw.func
@_safe
def XG_CHECK_VALUE(value: Any, level2: Any = None, name: Any = None) -> str:
    """ "" when the value fits its 二级/三级, else a short message with the rule code."""
    l2 = canonical_level2(_text(level2))
    l1 = canonical_level1(_text(level2)) if canonical_level1(_text(level2)).endswith("指标") else ""
    l1 = _level1_for(l2) or l1
    ind = Indicator(
        level1=l1, level2=l2, name=_text(name), value_raw=_text(value), basis="-", description="-"
    )
    doc = Document(tables=[GoalTable(index=1, indicators=[ind])])
    return _first_message(doc, VALUE_RULES)


@xw.func
@_safe
def XG_CHECK_CODE(code: Any, budget_year: Any = None) -> str:
    """项目编码: "" when well-formed (and, given the year, of that year), else a short message."""
    table = GoalTable(index=1, project_code=_text(code).replace(" ", ""))
    year = int(float(budget_year)) if budget_year not in (None, "") else None
    doc = Document(tables=[table])
    doc.meta.budget_year = year
    return _first_message(doc, ["CODE-001", "CODE-003"])


@xw.func
@_safe
def XG_CHECK_PLAN(m3: Any, m6: Any, m10: Any, m12: Any, budget: Any = None) -> str:
    """The four cumulative 资金支出计划 points (+ 预算数): "" when fine, else a short message.

    Percent cells arrive as fractions (25% → 0.25) or text ("25%"); amounts as numbers in 万元."""
    cells = [m3, m6, m10, m12]
    raws = [_text(c) for c in cells]
    numbers = [c for c in cells if isinstance(c, int | float) and not isinstance(c, bool)]
    percent = any(r.endswith("%") for r in raws) or (numbers and max(numbers) <= 1)
    points = []
    for c, raw in zip(cells, raws, strict=True):
        if raw == "":
            points.append(PlanPoint())
        elif isinstance(c, int | float) and percent:
            pct = (Decimal(repr(float(c))) * 100).normalize()
            points.append(PlanPoint(raw=f"{pct:f}%", value=pct))
        else:
            value, _ = parse_plan_point(raw)
            points.append(PlanPoint(raw=raw, value=value))
    plan = SpendPlan(
        header="资金支出计划", mode=PlanMode.PERCENT if percent else PlanMode.AMOUNT, points=points
    )
    total = parse_amount(budget) if budget not in (None, "") else None
    table = GoalTable(index=1, spend_plan=plan, budget=Budget(total=total, total_raw=_text(budget)))
    return _first_message(Document(tables=[table]), ["PLAN-001", "PLAN-002", "PLAN-003"])


@xw.func
@_safe
def XG_TOTAL(total: Any, fiscal: Any = None, other: Any = None) -> str:
    """预算数 against 财政资金 + 其他资金: "" when they agree, else the difference in words."""
    t, f, o = parse_amount(total), parse_amount(fiscal), parse_amount(other)
    if t is None:
        return "预算数不是数字" if _text(total) else ""
    parts = (f or Decimal(0)) + (o or Decimal(0))
    if abs(t - parts) > Decimal("0.005"):
        return f"FUND-001 预算数 {t} ≠ 财政资金+其他资金 {parts}"
    return ""
