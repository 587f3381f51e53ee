"""Worksheet functions (xlwings UDFs): short Chinese text for one cell, never a traceback.

On Windows with pywin32 the decorators register the functions; elsewhere (Linux, tests) they are
identity decorators and these are plain functions. Each call checks one value with the same rules
as 校验, so a cell says the same thing the report will.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import xlwings as xw

from xlgoals import layout as L
from xlgoals.check import check_document
from xlgoals.config import Config
from xlgoals.fields import PLAN_POINTS, TableField
from xlgoals.formula import cell_value
from xlgoals.frameworks import FRAMEWORK_A, FRAMEWORK_B, canonical_level1, canonical_level2
from xlgoals.livecheck import evaluate_view
from xlgoals.model import Document, GoalTable, Indicator, Layout, SheetView
from xlgoals.values import parse_value

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


def _live(header: dict[TableField, Any], code_prefix: str) -> str:
    """The first message of the live checks of these rules on these cells — what the sheet shows."""
    cells = {f: cell_value(v) for f, v in header.items()}
    started = {TableField.PROJECT_NAME: "·"}  # the checks of a table that has been started
    fired = evaluate_view(SheetView(header={**started, **cells}), Layout.HEBEI)
    for f in fired:
        if f.check.code.startswith(code_prefix):
            return f"{f.check.code} {f.check.message}"
    return ""


@xw.func
@_safe
def XG_CHECK_PLAN(m3: Any, m6: Any, m10: Any, m12: Any, budget: Any = None, mode: Any = None) -> str:
    """The four cumulative 资金支出计划 points (+ 预算数, + 填写方式 "%"/"万元"): "" when fine, else the
    sheet's own message. Without a mode, numbers no larger than 1 (25% arrives as 0.25) mean %."""
    points = [m3, m6, m10, m12]
    if mode in (None, ""):
        numbers = [p for p in points if isinstance(p, int | float) and not isinstance(p, bool)]
        mode = L.PLAN_MODE_PERCENT if not numbers or max(numbers) <= 1 else L.PLAN_MODE_AMOUNT
    header: dict[TableField, Any] = dict(zip(PLAN_POINTS, points, strict=True))
    header[TableField.PLAN_MODE] = mode
    header[TableField.BUDGET_TOTAL] = budget
    return _live(header, "PLAN")


@xw.func
@_safe
def XG_TOTAL(total: Any, fiscal: Any = None, other: Any = None) -> str:
    """预算数 against 财政资金 + 其他资金 (and each a number): "" when right, else the sheet's message."""
    return _live(
        {TableField.BUDGET_TOTAL: total, TableField.BUDGET_FISCAL: fiscal, TableField.BUDGET_OTHER: other},
        "FUND",
    )
