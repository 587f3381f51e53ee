"""WEIGHT: 分值 of the flat layouts (003, S10–S12)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

from xlgoals.fields import IndicatorField, TableField
from xlgoals.layout import field_name
from xlgoals.rules.common import l1, quote, rows
from xlgoals.rules.registry import Context, Family, Param, rule

FAMILY = Family("WEIGHT", field_name(IndicatorField.SCORE))
_Score = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]


def _ordered(bounds: list[float]) -> list[float]:
    if bounds[0] > bounds[1]:
        raise ValueError("区间的下限大于上限")
    return bounds


WEIGHT_TOTALS = Param(
    "weight_totals",
    [90, 100],
    "指标分值合计允许的值",
    Annotated[list[Annotated[int, Field(ge=0, le=1000)]], Field(min_length=1)],
)
WEIGHT_RANGES = Param(
    "weight_ranges",
    {"成本指标": [0.0, 20.0], "产出指标": [40.0, 50.0]},
    "各一级指标分值合计的区间",
    dict[str, Annotated[list[_Score], Field(min_length=2, max_length=2), AfterValidator(_ordered)]],
)

SCORE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*分?\s*$")


def score(text: str) -> Decimal | None:
    m = SCORE.match(text.replace("无", ""))
    return Decimal(m.group(1)) if m else None


def _scored(ctx: Context) -> bool:
    return any(i.score.strip() for i in ctx.t.indicators)


@rule(
    "WEIGHT-001", "weight-total", "error",
    needs=(IndicatorField.SCORE,),
    title="指标分值合计应为90（另有预算执行率10分）或100",
    what="各指标分值之和是否为配置的合计（weight_totals）。",
    why="S10、S11：预算执行率10分+绩效指标90分；003 的4个项目都是90。",
    bad="分值合计 85", good="分值合计 90（预算执行率另计10分）",
    fix="调整各指标分值，使合计为90（预算执行率另计10分）或100。",
    params=(WEIGHT_TOTALS,),
)  # fmt: skip
def weight_total(ctx: Context) -> None:
    if not _scored(ctx):
        return
    total = sum((s for i in ctx.t.indicators if (s := score(i.score)) is not None), Decimal(0))
    totals = ctx.param(WEIGHT_TOTALS)
    if total not in [Decimal(x) for x in totals]:
        allowed = "或".join(str(x) for x in totals)
        ctx.emit(f"指标分值合计为{total}，应为{allowed}。", field=TableField.INDICATORS)


@rule(
    "WEIGHT-002", "weight-missing", "error",
    needs=(IndicatorField.SCORE,),
    title="有效指标行未填写分值",
    what="设有分值的表中，每行有效指标是否都有分值。",
    why="003 第587行（城乡居民养老保险预算执行率）没有分值。",
    bad="有效指标，分值空", good="10分",
    fix="为该指标填写分值，或删除该指标。",
)  # fmt: skip
def weight_missing(ctx: Context) -> None:
    if not _scored(ctx):
        return
    for k, ind in rows(ctx.t):
        if score(ind.score) is None:
            ctx.emit(f"指标{quote(ind.name)}未填写分值。", indicator=(k, ind), field=IndicatorField.SCORE)


@rule(
    "WEIGHT-003", "weight-on-placeholder", "error",
    needs=(IndicatorField.SCORE,),
    title="“无”占位行不得有分值",
    what="三级指标为“无”的占位行是否填写了分值。",
    why="占位行不参与考核；003 的“无”行分值为空。",
    bad="社会成本指标 › 无 › 5分", good="社会成本指标 › 无 › （空）",
    fix="删除占位行的分值，或补写真实指标。",
)  # fmt: skip
def weight_on_placeholder(ctx: Context) -> None:
    for k, ind in enumerate(ctx.t.indicators):
        if ind.is_placeholder and (s := score(ind.score)) is not None and s > 0:
            ctx.emit(
                f"“无”占位行填写了分值{quote(ind.score)}。", indicator=(k, ind), field=IndicatorField.SCORE
            )


@rule(
    "WEIGHT-004", "weight-range", "warning",
    needs=(IndicatorField.SCORE,),
    title="一级指标分值超出区间（成本0–20、产出40–50…）(cfg)",
    what="各一级指标的分值合计是否在配置的区间内（weight_ranges）。",
    why="S10 奉节县模板：成本指标（0-20）分，产出指标（40-50）分。",
    bad="产出指标合计 60分", good="产出指标合计 40分",
    fix="按本地模板的分值区间调整各一级指标的分值。",
    params=(WEIGHT_RANGES,),
)  # fmt: skip
def weight_range(ctx: Context) -> None:
    if not _scored(ctx):
        return
    sums: dict[str, Decimal] = {}
    for ind in ctx.t.indicators:
        s = score(ind.score)
        if s is not None:
            sums[l1(ind)] = sums.get(l1(ind), Decimal(0)) + s
    for level1, (lo, hi) in ((k, v) for k, v in ctx.param(WEIGHT_RANGES).items() if len(v) == 2):
        got = sums.get(level1, Decimal(0))
        if not Decimal(str(lo)) <= got <= Decimal(str(hi)):
            ctx.emit(f"{level1}分值合计{got}分，超出区间{lo}–{hi}分。", field=TableField.INDICATORS)
