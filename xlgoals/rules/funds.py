"""FUND: amounts and the use of funds (适当性)."""

from __future__ import annotations

import re

from xlgoals.fields import TableField
from xlgoals.layout import field_name
from xlgoals.livecheck import view
from xlgoals.rules.common import clean, quote
from xlgoals.rules.registry import Context, Family, Scope, rule
from xlgoals.values import parse_amount

_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")  # a number as a spreadsheet reads it, were it not text

FAMILY = Family("FUND", "金额与资金用途")
_AMOUNTS = (
    (TableField.BUDGET_TOTAL, "total"),
    (TableField.BUDGET_FISCAL, "fiscal"),
    (TableField.BUDGET_OTHER, "other"),
)


@rule(
    "FUND-001", "budget-sum", "error",
    title="金额无效，或预算数≠财政资金+其他资金",
    what="预算数、财政资金、其他资金能否读成不小于0的数字；预算数是否等于财政资金+其他资金（其他资金空=0）。",
    why="“其中：”表示财政资金和其他资金是预算数的组成部分；80张河北表全部相等。",
    bad="预算数 2800.00，财政资金 2700.00，其他资金空", good="预算数 2800.00 = 财政资金 2800.00 + 其他资金 0",
    fix="金额只填数字（万元，两位小数，如 2800.00），并使预算数 = 财政资金 + 其他资金。",
)  # fmt: skip
def budget_sum(ctx: Context) -> None:
    b = ctx.t.budget
    raws = {
        TableField.BUDGET_TOTAL: b.total_raw,
        TableField.BUDGET_FISCAL: b.fiscal_raw,
        TableField.BUDGET_OTHER: b.other_raw,
    }
    for fired in ctx.live():
        f = fired.check.target
        assert isinstance(f, TableField)
        name, raw = field_name(f), raws.get(f, "")
        if fired.check.kind == "text":
            number = parse_amount(raw)
            typed = view(ctx.t).header.get(f)
            if number is None:
                ctx.emit_live(fired, f"{name}“{raw}”不是有效金额。")
            elif isinstance(typed, str) and typed != typed.strip() and _PLAIN.fullmatch(raw):
                ctx.emit_live(  # " 300 ": the number is right, the spaces made it text
                    fired,
                    f"{name}“{typed}”数字前后有空格，存成了文本：表格的合计不会计入。请删去空格，改为数字 {number:.2f}。",
                )
            else:
                ctx.emit_live(
                    fired, f"{name}“{raw}”填的是文本，不是数字：表格的合计不会计入。请改为数字 {number:.2f}。"
                )
        elif fired.check.kind == "negative":
            ctx.emit_live(fired, f"{name}“{raw}”为负数。")
        else:
            absurd = next(
                (g for g, v in ((f, getattr(b, k)) for f, k in _AMOUNTS) if v is None and raws.get(g)), None
            )
            if absurd is not None:  # a number no amount can be (1e308): the sum means nothing
                ctx.emit_live(fired, f"{field_name(absurd)}“{raws[absurd]}”不是有效金额（超出合理范围）。")
                continue
            parts = (b.fiscal or 0) + (b.other or 0)
            ctx.emit_live(
                fired, f"预算数 {b.total} ≠ 财政资金 {b.fiscal or 0} + 其他资金 {b.other or 0}（= {parts}）。"
            )


@rule(
    "FUND-002", "use-repeats-name", "warning",
    needs=(TableField.FUND_USE,),
    title="资金用途仅重复项目名称，未说明具体用途",
    what="资金用途是否只是项目名称（或名称中的一段）。",
    why="S14“形式化”；002 第229行用途=名称，004 第314行“防火经费”。",
    bad="项目“防火经费”，用途“防火经费”", good="用于购置扑火工具、护林员补助和防火宣传",
    fix="写明资金具体用于什么：支出内容、对象、标准和范围。",
)  # fmt: skip
def use_repeats_name(ctx: Context) -> None:
    t = ctx.t
    use, name = clean(t.fund_use), clean(t.project_name)
    if use and name and (use == name or (len(use) <= 12 and use in name)):
        ctx.emit(
            f"资金用途{quote(t.fund_use)}只是重复项目名称，没有说明具体用途。", field=TableField.FUND_USE
        )


@rule(
    "FUND-003", "use-copies-other-name", "warning", scope=Scope.DOCUMENT,
    needs=(TableField.FUND_USE,),
    title="资金用途与本文档另一项目名称相同（疑似复制）",
    what="某项目的资金用途是否等于同一文档中另一个项目的名称。",
    why="004 第534行的用途是另一项目的名称。",
    bad="项目A的用途写成项目B的名称", good="用途说明本项目的支出内容",
    fix="核对是否从其他项目复制而来，改写为本项目的资金用途。",
)  # fmt: skip
def use_copies_other_name(ctx: Context) -> None:
    names = {clean(t.project_name): t for t in ctx.doc.tables if clean(t.project_name)}
    for t in ctx.doc.tables:
        other = names.get(clean(t.fund_use))
        if other is not None and other is not t and clean(t.project_name) != clean(t.fund_use):
            ctx.table = t
            ctx.emit(
                f"资金用途{quote(t.fund_use)}与另一项目（{other.label}）的名称相同，疑似复制。",
                field=TableField.FUND_USE,
            )
    ctx.table = None
