"""COST: the cost indicators (总成本 or 单位成本, an upper bound within the budget)."""

from __future__ import annotations

import re

from xlgoals.model import Indicator
from xlgoals.rules.common import is_cost_row, quote, rows, to_wan
from xlgoals.rules.registry import Context, Family, rule
from xlgoals.values import Form

FAMILY = Family("COST", "成本指标")
UNIT_COST_NAME = re.compile(r"人均|标准|单价|每人|每户|生均|每亩|户均|单位成本")


def _cost_rows(ctx: Context) -> list[tuple[int, Indicator]]:
    return [(k, i) for k, i in rows(ctx.t) if is_cost_row(i)]


@rule(
    "COST-001", "cost-direction", "error",
    title="成本指标应使用“≤”（或“=”），不能用“≥/>”",
    what="成本指标的比较符是否为“≥”或“>”。",
    why="成本是控制要求（S2“成本控制要求”）；004 中9行、001 中8行（如第2068行“补贴标准 ≥10元/人*年”）。",
    bad="≥10元/人*年", good="≤10元/人/年（或 =10元/人/年）",
    fix="成本指标写上限“≤”（定额标准可用“=”）。",
)  # fmt: skip
def cost_direction(ctx: Context) -> None:
    for k, ind in _cost_rows(ctx):
        if ind.value.op in ("≥", ">"):
            ctx.emit(
                f"成本指标{quote(ind.name)}用了“{ind.value.op}”（{ind.value_raw}），应为“≤”或“=”。",
                indicator=(k, ind),
            )


@rule(
    "COST-002", "cost-above-budget", "error",
    title="成本指标金额超过预算数",
    what="成本指标的总金额（换算为万元）是否大于本项目预算数。",
    why="001 第4484行“≤936.24万元”而预算数为935.11万元。",
    bad="预算数 935.11，成本 ≤936.24万元", good="成本 ≤935.11万元",
    fix="成本总额不能超过预算数；核对金额或单位（元/万元）。",
)  # fmt: skip
def cost_above_budget(ctx: Context) -> None:
    total = ctx.t.budget.total
    if total is None:
        return
    for k, ind in _cost_rows(ctx):
        wan = to_wan(ind.value)
        if wan is not None and wan > total:
            ctx.emit(
                f"成本指标{quote(ind.value_raw)}（{wan}万元）超过预算数 {total} 万元。", indicator=(k, ind)
            )


@rule(
    "COST-003", "cost-percent", "warning",
    title="成本指标应为金额（总成本或单位成本），不应为百分比",
    what="成本指标的指标值是否是百分比。",
    why="成本指标分单位成本和总成本（S8）；002 中6行“预算执行率（%）”、004 中9行、001 第2502行。",
    bad="成本指标 ≥95%", good="≤67.54万元，或 ≤1152元/人/年",
    fix="成本指标写金额：总成本（万元）或单位成本（元/人、元/人/年）。",
)  # fmt: skip
def cost_percent(ctx: Context) -> None:
    for k, ind in _cost_rows(ctx):
        if ind.value.is_percent:
            ctx.emit(
                f"成本指标{quote(ind.name)}的指标值{quote(ind.value_raw)}是百分比，应为金额。",
                indicator=(k, ind),
            )


def _equals_budget(ctx: Context, ind: Indicator) -> bool:
    wan = to_wan(ind.value)
    return wan is not None and ctx.t.budget.total is not None and wan == ctx.t.budget.total


@rule(
    "COST-004", "unit-cost-equals-budget", "warning",
    title="指标名称为单位成本（人均/标准/单价），但指标值等于项目总预算",
    what="名称是人均、标准、单价等单位成本，而指标值等于预算总额。",
    why="S8 区分单位成本和总成本；000 第468行“低保补助标准 ≤870万元”、第558行“人均补助标准 ≤350万”。",
    bad="人均补助标准 ≤350万元（=预算数）", good="人均补助标准 ≤4元/人/天",
    fix="单位成本写每人（每户、每亩）的标准，如“≤1152元/人/年”；总额另设“项目总成本”。",
)  # fmt: skip
def unit_cost_equals_budget(ctx: Context) -> None:
    for k, ind in _cost_rows(ctx):
        if UNIT_COST_NAME.search(ind.name) and _equals_budget(ctx, ind):
            ctx.emit(
                f"指标{quote(ind.name)}是单位成本，但指标值{quote(ind.value_raw)}等于项目预算总额。",
                indicator=(k, ind),
            )


@rule(
    "COST-005", "cost-only-budget", "info",
    title="成本指标仅为“≤预算数”，建议补充单位成本",
    what="成本指标是否只是“≤预算数”（且本表没有单位成本指标）。",
    why="S8；河北表中29行“≤N万元”大多就是预算数（如000 第268行“预算控制数 ≤3500万元”）。",
    bad="预算控制数 ≤3500万元", good="另加“人均补助标准 ≤…元/人/年”",
    fix="补充单位成本指标（每人、每户、每亩的标准），使成本可以比较。",
)  # fmt: skip
def cost_only_budget(ctx: Context) -> None:
    cost = _cost_rows(ctx)
    has_unit_cost = any(
        "/" in i.value.unit or (i.value.unit == "元" and not _equals_budget(ctx, i)) for _, i in cost
    )
    if has_unit_cost:
        return
    for k, ind in cost:
        if _equals_budget(ctx, ind) and not UNIT_COST_NAME.search(ind.name):
            ctx.emit(
                f"成本指标只有“{ind.value.normalized}”（等于预算数），建议补充单位成本。", indicator=(k, ind)
            )


@rule(
    "COST-006", "cost-not-money", "warning",
    title="成本指标的指标值应为带货币单位的金额",
    what="成本指标的指标值是否写成文字（“控制在预算内”“符合相关规定”），或只有数字而没有元/万元。",
    why="成本指标分单位成本和总成本，都是金额；各地公开表中可见“≤28.40/株”“控制在预算内”。",
    bad="控制在预算内；≤28.40/株", good="≤350万元；≤28.40元/株",
    fix="写成金额：总成本写“≤XX万元”，单位成本写“≤XX元/人”之类，单位里要有“元”。",
)  # fmt: skip
def cost_not_money(ctx: Context) -> None:
    for k, ind in _cost_rows(ctx):
        v = ind.value
        if v.form == Form.TEXT and not v.is_percent:
            ctx.emit(
                f"成本指标{quote(ind.name)}的指标值{quote(ind.value_raw)}是文字，应为金额。",
                indicator=(k, ind),
            )
        elif v.form == Form.NUMBER and not v.is_percent and "元" not in v.unit:
            ctx.emit(
                f"成本指标{quote(ind.name)}的指标值{quote(ind.value_raw)}没有货币单位（元或万元）。",
                indicator=(k, ind),
            )
