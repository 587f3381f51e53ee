"""SAT: the beneficiary-satisfaction target."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from xlgoals.livecheck import SATISFACTION_FLOOR
from xlgoals.rules.common import is_satisfaction_row, quote, rows
from xlgoals.rules.registry import Context, Family, Param, rule
from xlgoals.values import Form

FAMILY = Family("SAT", "满意度")
SATISFACTION_MIN = Param(
    "satisfaction_min",
    Decimal(SATISFACTION_FLOOR),
    "满意度目标下限（%）",
    Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)],
)


@rule(
    "SAT-001", "satisfaction-form", "error",
    title="满意度指标值必须是“≥x%”形式的百分比",
    what="服务对象满意度指标的指标值是否为百分比，且没有用“≤/<”。",
    why="满意度是调查得到的比例（S9“(%)”）；000 第102行“≥1.9”。",
    bad="≥1.9", good="≥90%",
    fix="写成“≥x%”，x 一般为80–98，来自满意度调查。",
)  # fmt: skip
def satisfaction_form(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if not is_satisfaction_row(ind) or not ind.value_raw.strip():
            continue
        v = ind.value
        if v.form == Form.PLACEHOLDER:
            continue
        if not v.is_percent or v.op in ("≤", "<"):
            ctx.emit(f"满意度指标值{quote(ind.value_raw)}不是“≥x%”形式的百分比。", indicator=(k, ind))


@rule(
    "SAT-002", "satisfaction-low", "warning",
    title=f"满意度目标值偏低（< {SATISFACTION_MIN.default}%）",
    what="满意度目标是否低于配置的下限（satisfaction_min）。",
    why="公开表中满意度目标集中在90–98%（sources.md 第二节）；没有查到全国统一下限，所以可配置。",
    bad="≥60%", good="≥90%",
    fix=f"按满意度调查的实际水平设置，一般不低于{SATISFACTION_MIN.default}%。",
    params=(SATISFACTION_MIN,),
)  # fmt: skip
def satisfaction_low(ctx: Context) -> None:
    minimum = ctx.param(SATISFACTION_MIN)
    for k, ind in rows(ctx.t):
        v = ind.value
        if is_satisfaction_row(ind) and v.unit == "%" and v.number is not None and v.number < minimum:
            ctx.emit(f"满意度目标{quote(ind.value_raw)}低于{minimum}%。", indicator=(k, ind))


@rule(
    "SAT-003", "satisfaction-100-no-op", "info",
    title="满意度目标为100%且无比较符，难以考核",
    what="满意度目标是否写成“100%”（没有≥）。",
    why="002 中6行“100百分比”；满意度调查几乎不可能全部满意，目标失去区分度。",
    bad="100%", good="≥95%",
    fix="写成“≥x%”，x 取调查能达到的水平。",
)  # fmt: skip
def satisfaction_100(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        v = ind.value
        if is_satisfaction_row(ind) and v.unit == "%" and v.number == 100 and v.op in ("", "="):
            ctx.emit(f"满意度目标为{quote(ind.value_raw)}，没有比较符，难以考核。", indicator=(k, ind))
