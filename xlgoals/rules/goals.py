"""GOAL: the 绩效目标 text (相关性/明确性)."""

from __future__ import annotations

import re

from xlgoals.fields import TableField
from xlgoals.layout import field_name
from xlgoals.model import Layout
from xlgoals.rules.common import NUMBERING, clean, quote
from xlgoals.rules.registry import Context, Family, rule

PLACEHOLDER = re.compile(r"目标内容\s*\d")
FUND_RULES = re.compile(r"专款专用|截留|挤占|挪用|占用|加强资金管理|资金管理")
# Words that name an output or an effect; "个人" in "任何单位和个人不得挪用" is not one.
OUTCOME = re.compile(
    r"\d|覆盖|受益|发放|达到|提高|提升|改善|保障|完成|实现|参保|减轻|增加|人数|户数|待遇|生活水平|运转"
)

FAMILY = Family("GOAL", field_name(TableField.GOALS))


@rule(
    "GOAL-001", "goal-placeholder", "error",
    title="绩效目标为模板占位文字（如“目标内容1”）",
    what="绩效目标是否仍是模板的占位文字，或去掉编号后为空。",
    why="004 中9张表的绩效目标为“1.目标内容1”。",
    bad="1.目标内容1", good="1.保障21个行政村村级组织正常运转，村干部工资按月足额发放。",
    fix="删除占位文字，写出本项目本年度的预期产出和效果。",
)  # fmt: skip
def goal_placeholder(ctx: Context) -> None:
    for line in ctx.t.goals:
        if PLACEHOLDER.search(line) or not NUMBERING.sub("", line).strip():
            ctx.emit(f"绩效目标为模板占位文字：{quote(line)}。", field=TableField.GOALS)
            return


@rule(
    "GOAL-002", "goal-equals-use", "warning",
    needs=(TableField.FUND_USE,),
    title="绩效目标与资金用途完全相同，未描述预期产出和效果",
    what="绩效目标（去掉编号和标点）是否与资金用途相同。",
    why="绩效目标应是产出和效果（S2），不是工作内容（S14）；000 第127/142行等。",
    bad="用途和目标都是“企业养老保险上解风险储备金”", good="目标写明达到什么效果：按时足额上解，保障…",
    fix="绩效目标写预期达到的产出（数量、质量、时效）和效果，不要照抄资金用途。",
)  # fmt: skip
def goal_equals_use(ctx: Context) -> None:
    goals = clean("".join(ctx.t.goals))
    if goals and goals == clean(ctx.t.fund_use):
        ctx.emit(f"绩效目标与资金用途完全相同：{quote(ctx.t.fund_use)}。", field=TableField.GOALS)


@rule(
    "GOAL-003", "goal-fund-rules", "warning",
    title="绩效目标只写资金管理要求（专款专用、不得挤占挪用），不是绩效目标",
    what="绩效目标是否只有“专款专用、不得截留挤占挪用”之类的资金管理要求，没有任何数字或产出/效果。",
    why="S2、S14；002 第156、247、333、422、594行。",
    bad="按规定加强资金管理，确保专款专用，不得截留、挤占和挪用。", good="按时足额发放基础养老金，惠及2.3万名参保居民。",
    fix="资金管理要求不是绩效目标；改写为预期产出和效果（对象、数量、标准、时限）。",
)  # fmt: skip
def goal_fund_rules(ctx: Context) -> None:
    text = "".join(NUMBERING.sub("", g) for g in ctx.t.goals)
    stripped = FUND_RULES.sub("", text)
    if FUND_RULES.search(text) and not OUTCOME.search(stripped):
        ctx.emit(f"绩效目标只写了资金管理要求：{quote(text, 40)}。", field=TableField.GOALS)


@rule(
    "GOAL-004", "goal-not-quantified", "info",
    title="绩效目标未量化（不含任何数字）",
    what="绩效目标（去掉编号）中是否有任何数字。",
    why="S4“尽量进行定量表述”。",
    bad="提升城乡居民生活水平", good="为2.8万名城乡居民按月足额发放养老金",
    fix="在目标中写出数量、标准或比例，使目标可以考核。",
)  # fmt: skip
def goal_not_quantified(ctx: Context) -> None:
    text = "".join(NUMBERING.sub("", g) for g in ctx.t.goals)
    if text and not re.search(r"\d", text) and not PLACEHOLDER.search("".join(ctx.t.goals)):
        ctx.emit("绩效目标中没有任何数字，未量化。", field=TableField.GOALS)


MONTH = re.compile(r"(20\d{2})\s*(?:年|[-./])\s*(?:(\d{1,2})(?!\d)\s*月?)?")


def months(period: str) -> int | None:
    """How many months "2024年1月至2026年12月" (or "2024-2026年") spans; None without two dates."""
    found = [(int(y), int(m) if m else None) for y, m in MONTH.findall(period)]
    if len(found) < 2:
        return None
    (y1, m1), (y2, m2) = found[0], found[-1]
    return (y2 - y1) * 12 + (m2 or 12) - (m1 or 1) + 1


@rule(
    "GOAL-005", "long-term-goals-missing", "warning",
    kinds=(Layout.NATIONAL,),
    needs=(TableField.LONG_TERM_GOALS, TableField.PERIOD),
    title="实施期超过一年，但没有填写中长期目标",
    what="申报表的实施期超过12个月时，是否填写了中长期目标（年度目标只说明本年）。",
    why="申报表把总体目标分为中长期（长期）目标和年度目标（S25 佳县、S23 宁乡的表式；财预〔2015〕88号的表式同此，"
    "原文未能核对）：跨年度项目的中长期目标说明整个实施期要达到的产出和效果，年度目标是其中本年的部分。",
    bad="实施期 2024年1月至2026年12月，中长期目标空白", good="中长期目标：三年内全县农村公路优良中等路率稳定在85%以上",
    fix="写明整个实施期要达到的产出和效果（中长期目标），年度目标写本年度的部分。",
)  # fmt: skip
def long_term_goals_missing(ctx: Context) -> None:
    t = ctx.t
    span = months(t.period)
    if span is not None and span > 12 and not t.long_term_goals:
        ctx.emit(
            f"实施期“{t.period}”共{span}个月，超过一年，但没有填写中长期目标。",
            field=TableField.LONG_TERM_GOALS
            if TableField.LONG_TERM_GOALS in t.locations
            else TableField.PERIOD,
        )


# An amount (matched from the start of its digits only: linear on a long run of digits), or where money goes.
_MONEY = re.compile(r"用于|拨付|拨款|(?<![\d.])\d+(?:\.\d+)?\s*万?元")
_FRAGMENT = re.compile(r"[，,。；;\n]+")


@rule(
    "GOAL-006", "goal-only-funding", "warning",
    title="绩效目标只写了资金安排（多少钱、用于什么），没有预期产出和效果",
    what="绩效目标按逗号、句号分成小句后，是否只有讲资金的小句（有金额，或讲资金“用于/拨付”什么），"
         "没有一句讲产出或效果（数量、覆盖、受益、提高、完成……）。与资金用途完全相同的由 GOAL-002、"
         "只写资金管理要求的由 GOAL-003 报告。",
    why="绩效目标应说明预期达到的产出和效果；各地公开表中可见“县财政衔接资金2460万元，用于…项目建设费用”"
        "这样只交代资金的年度目标（000 第4张表）。",
    bad="县财政资金2460万元，用于衔接资金项目建设，按项目进度拨付。",
    good="实施衔接资金项目12个，带动脱贫人口就业不少于300人，项目按期完工率100%。",
    fix="资金安排写在资金用途里；绩效目标写这笔钱要做成什么：对象、数量、标准、时限和效果。",
)  # fmt: skip
def goal_only_funding(ctx: Context) -> None:
    text = "\n".join(NUMBERING.sub("", g) for g in ctx.t.goals).strip()
    if not text or clean("".join(ctx.t.goals)) == clean(ctx.t.fund_use) or FUND_RULES.search(text):
        return  # GOAL-002's and GOAL-003's
    fragments = [f for f in _FRAGMENT.split(text) if f.strip()]
    money = [f for f in fragments if _MONEY.search(f)]
    outcome = [f for f in fragments if not _MONEY.search(f) and OUTCOME.search(f)]
    if money and not outcome:
        ctx.emit(f"绩效目标只写了资金安排：{quote(text, 40)}。", field=TableField.GOALS)
