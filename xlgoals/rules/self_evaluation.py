"""SELF: the 绩效自评表's own columns — what was achieved against the target, the score given, and
why a target was missed. They run only on a table that has those columns (a goal table has none)."""

from __future__ import annotations

from xlgoals.fields import IndicatorField
from xlgoals.rules.common import quote, rows
from xlgoals.rules.registry import Context, Family, rule
from xlgoals.rules.weights import score
from xlgoals.values import Form, IndicatorValue, parse_value

FAMILY = Family("SELF", "绩效自评")


@rule(
    "SELF-001", "score-over-weight", "error",
    needs=(IndicatorField.SCORED, IndicatorField.SCORE),
    title="自评得分超过该指标的分值",
    what="绩效自评表中每个指标的得分不能超过它的分值（权重）。",
    why="自评按指标分值打分，得分最多为满分；得分超过分值会抬高总分。",
    bad="分值 10，得分 12", good="分值 10，得分 10（或按完成程度扣分后的分数）",
    fix="把得分改为不超过分值的数；完成超过目标也只得满分。",
)  # fmt: skip
def score_over_weight(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        got, full = score(ind.scored), score(ind.score)
        if got is not None and full is not None and got > full:
            ctx.emit(
                f"指标{quote(ind.name)}得分{got:g}超过分值{full:g}。",
                indicator=(k, ind),
                field=IndicatorField.SCORED,
            )


def missed(target: IndicatorValue, actual: IndicatorValue) -> bool:
    """The actual value falls short of the target: below a ≥/= target, above a ≤ target (same kind of
    number: both percentages or neither, and the same unit when both name one)."""
    if target.form != Form.NUMBER or actual.form != Form.NUMBER:
        return False
    if target.number is None or actual.number is None or target.is_percent != actual.is_percent:
        return False
    if target.unit and actual.unit and target.unit != actual.unit:
        return False
    if target.op in ("≤", "<"):
        return actual.number > target.number
    if target.op in ("≥", ">", "=", ""):
        return actual.number < target.number
    return False


@rule(
    "SELF-002", "missed-without-reason", "warning",
    needs=(IndicatorField.ACTUAL, IndicatorField.DEVIATION),
    title="未达到指标值，却没有写偏差原因",
    what="实际完成值没有达到年度指标值（≥、= 的目标少了，≤ 的目标超了）时，“偏差原因分析及改进措施”要写明原因。",
    why="自评表要求对未完成的指标说明偏差原因和改进措施，供下一年度设定目标和安排预算参考。",
    bad="指标值 ≥95%，实际完成值 90%，偏差原因空着", good="偏差原因：3个村因雨季延期，已于次年4月完工",
    fix="在“偏差原因分析及改进措施”中写明未达到的原因和改进办法；如果其实已达到，检查实际完成值是否填错。",
)  # fmt: skip
def missed_without_reason(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if not ind.actual.strip() or ind.deviation.strip():
            continue
        actual = parse_value(ind.actual, ind.unit_column, ind.value_type)
        if missed(ind.value, actual):
            ctx.emit(
                f"指标{quote(ind.name)}实际完成值{quote(ind.actual)}未达到指标值{quote(ind.value_raw)}，"
                "但没有写偏差原因。",
                indicator=(k, ind),
                field=IndicatorField.DEVIATION,
            )


@rule(
    "SELF-003", "actual-missing", "warning",
    needs=(IndicatorField.ACTUAL,),
    title="自评表的指标没有填实际完成值",
    what="绩效自评表中有指标值的指标，实际完成值是否填写。",
    why="自评就是把实际完成情况与年初目标对照；不填实际完成值无法评价。",
    bad="指标值 ≥1200项，实际完成值空着", good="实际完成值 1260项",
    fix="填写该指标全年的实际完成值（与指标值同一单位）；确实无法取得的，写明原因。",
)  # fmt: skip
def actual_missing(ctx: Context) -> None:
    if not any(ind.actual.strip() for ind in ctx.t.indicators):
        return  # not a 自评表: the column is there in name only (or the table is a goal table)
    for k, ind in rows(ctx.t):
        if ind.value_raw.strip() and not ind.actual.strip():
            ctx.emit(
                f"指标{quote(ind.name)}没有填实际完成值。", indicator=(k, ind), field=IndicatorField.ACTUAL
            )
