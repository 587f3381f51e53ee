"""Cell values as the workbook readers see them: text, money and numbers from whatever a reader
library returns (str, float, int, bool, None)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xlgoals.model import PlanPoint
from xlgoals.values import parse_amount, parse_plan_point

CENT = Decimal("0.01")


def text(v: Any) -> str:
    """A cell as text: numbers without a spurious ".0", strings stripped of outer white space."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):  # 2800.0 → "2800"; 1e308 stays "1e+308", not 309 digits
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v).strip()


def raw_text(v: Any) -> str:
    """Like ``text`` but keeps outer spaces: an indicator value is reported as the user typed it."""
    if isinstance(v, str):
        return v
    return text(v)


# What forms print in an amount cell that has nothing: a dash of any width, a slash, 无.
NOTHING = frozenset({"-", "--", "—", "——", "–", "－", "/", "／", "无", "—/—"})


def money(v: Any) -> tuple[Decimal | None, str]:
    """A money cell → (value, raw). Numbers get two decimals ("2800.00"); text is parsed as typed."""
    if v is None:
        return None, ""
    if isinstance(v, str):
        if v.strip() in NOTHING:
            return None, ""
        return parse_amount(v), v.strip()
    d = parse_amount(v)
    if d is None:
        return None, text(v)
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        d = d.quantize(CENT)
    return d, f"{d:f}"


def number(v: Any) -> Decimal | None:
    """A number cell (integers without a fraction), or a number typed as text (as written)."""
    if v is None or isinstance(v, str):
        return parse_amount(v) if isinstance(v, str) else None
    d = parse_amount(v)
    if d is not None and d == d.to_integral_value():
        return Decimal(int(d))
    return d


def plan_point(cell: Any, percent: bool) -> PlanPoint:
    """A 资金支出计划 cell. In percent mode a number at most 1 is a fraction (0.25 shown as 25%), as the
    spreadsheet stores a percent-formatted cell; text is read as typed ("25%", "1500.00")."""
    if cell is None:
        return PlanPoint()
    if isinstance(cell, str):
        value, is_percent = parse_plan_point(cell)
        if percent and value is not None and not is_percent and value <= 1:
            value = value * 100
        return PlanPoint(
            raw=cell.strip(), value=value.normalize() if value is not None and percent else value
        )
    d = parse_amount(cell)
    if d is None:
        return PlanPoint(raw=text(cell))
    if percent:
        points = (d * 100 if d <= 1 else d).normalize()
        points = Decimal(int(points)) if points == points.to_integral_value() else points
        return PlanPoint(raw=f"{points:f}%", value=points)
    value, raw = money(cell)
    return PlanPoint(raw=raw, value=value)
