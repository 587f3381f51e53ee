"""PLAN: the 资金支出计划 (适当性)."""

from __future__ import annotations

from decimal import Decimal

from xlgoals.fields import IndicatorField, TableField, plan_index
from xlgoals.layout import Label, field_name
from xlgoals.model import PlanMode
from xlgoals.rules.common import quote
from xlgoals.rules.registry import Context, Family, rule
from xlgoals.values import parse_plan_point

FAMILY = Family("PLAN", field_name(TableField.SPEND_PLAN))
LABELS = Label.PLAN_POINTS
TYPED_PERCENT_MAX = 100_000


def _whole_percent(ctx: Context, f: TableField | IndicatorField) -> Decimal | None:
    """The number in a % cell that holds more than 1 (30 typed for 30 %: the sheet shows 3000 %) — a
    number a clerk could have meant as a percentage, not any number at all (1e308)."""
    cell = ctx.t.sheet.header.get(f) if ctx.t.sheet is not None and isinstance(f, TableField) else None
    if isinstance(cell, int | float) and not isinstance(cell, bool) and 1 < cell < TYPED_PERCENT_MAX:
        d = Decimal(repr(cell)).normalize()
        return d.quantize(Decimal(1)) if d == d.to_integral_value() else d
    return None


def _point(ctx: Context, f: object) -> tuple[str, str]:
    """(label, as written) of a plan point."""
    k = plan_index(f)
    return LABELS[k], ctx.t.spend_plan.points[k].raw


@rule(
    "PLAN-001", "plan-blank", "warning",
    title="资金支出计划存在空白月份（应填0%或累计值）",
    what="3月底、6月底、10月底、12月底四个节点是否都已填写（表格已开始填写时）。",
    why="000 第515行、002 第588–590行、001 中9张表有空白节点；空白无法判断执行进度。",
    bad="3月底空，6月底50%", good="3月底 0%，6月底 50%",
    fix="四个节点都要填写累计数；该期没有支出时填 0% 或上期累计数。",
)  # fmt: skip
def plan_blank(ctx: Context) -> None:
    for fired in ctx.live():
        label, _raw = _point(ctx, fired.check.target)
        ctx.emit_live(fired, f"资金支出计划{label}未填写。")


@rule(
    "PLAN-002", "plan-decreases", "error",
    title="资金支出计划累计值出现下降",
    what="累计支出计划是否逐期不减少。",
    why="计划是截至各月底的累计数，只能增加或持平。",
    bad="6月底 50%，10月底 40%", good="25%、50%、75%、100%",
    fix="按累计数填写：每个节点填截至该月底的累计支出，不得小于上一节点。",
)  # fmt: skip
def plan_decreases(ctx: Context) -> None:
    pts = ctx.t.spend_plan.points
    for fired in ctx.live():
        k = plan_index(fired.check.target)
        ctx.emit_live(
            fired,
            f"资金支出计划{LABELS[k]}“{pts[k].raw}”小于{LABELS[k - 1]}“{pts[k - 1].raw}”，累计值不应下降。",
        )


@rule(
    "PLAN-003", "plan-end", "error",
    title="12月底累计支出应为100%（或等于预算数），且任何节点不得超过100%/预算数",
    what="百分比方式：12月底=100%且各节点≤100%；金额方式：12月底=预算数且各节点≤预算数。",
    why="全年预算应在年底前支出完毕（001 第2435行“50%、100%、空、空”，第2642行）。",
    bad="12月底 95%；或在百分比格子里输入 30（显示为 3000%）", good="12月底 100%",
    fix="把12月底改为100%（金额方式填预算数），各节点不要超过全年数；百分比请输入“30%”，不要输入“30”。",
)  # fmt: skip
def plan_end(ctx: Context) -> None:
    percent = ctx.t.spend_plan.mode != PlanMode.AMOUNT
    total = ctx.t.budget.total
    for fired in ctx.live():
        label, raw = _point(ctx, fired.check.target)
        if fired.check.kind == "exceeds":
            typed = _whole_percent(ctx, fired.check.target) if percent else None
            if typed is not None:
                ctx.emit_live(
                    fired,
                    f"资金支出计划{label}填的是数字 {typed:f}，按百分比格式即 {typed * 100:f}%，超过全年100%。"
                    f"要填 {typed:f}%，请输入“{typed:f}%”（或 {typed / 100:f}）。",
                    hint="百分比格子里输入带 % 的数（如“30%”）或小数（如 0.3），不要只输入 30。",
                )
                continue
            whole = "100%" if percent else f"预算数 {total} 万元"
            ctx.emit_live(fired, f"资金支出计划{label}“{raw}”超过全年{whole}。")
        else:
            target = "100%" if percent else f"预算数 {total} 万元"
            ctx.emit_live(fired, f"资金支出计划12月底为“{raw or '空'}”，应为{target}。")


@rule(
    "PLAN-006", "plan-not-a-number", "error",
    title="资金支出计划填的是文字，不是数字",
    what="3月底、6月底、10月底、12月底的格子里是否填了文字（工作簿中存成文本的数字也算）。",
    why="计划节点要参与累计和合计的计算；文字不能计算，表格的检查和汇总都会漏掉它。",
    bad="3月底填“四分之一”或文本格式的“25%”", good="25%（百分比方式）或 1500.00（金额方式）",
    fix="删除文字，按填写方式输入数字：百分比方式输入“25%”，金额方式输入万元数。",
)  # fmt: skip
def plan_not_a_number(ctx: Context) -> None:
    for fired in ctx.live():
        label, raw = _point(ctx, fired.check.target)
        if parse_plan_point(raw)[0] is not None:  # " 50% ": it reads as a number, so say why it is not one
            ctx.emit_live(
                fired,
                f"资金支出计划{label}“{raw}”存成了文本（数字前后有空格，或单元格是文本格式），表格不能计算。",
                "删去空格（或把单元格改为常规/百分比格式）后重新输入这个数字。",
            )
        else:
            ctx.emit_live(fired, f"资金支出计划{label}“{raw}”不是数字。")


@rule(
    "PLAN-004", "plan-header-percent-amounts", "warning",
    needs=(TableField.SPEND_PLAN,),
    title="表头为“资金支出计划（%）”但填写的是金额",
    what="表头写“（%）”时，计划节点是否填成了金额。",
    why="002 的7张表表头为（%）却填写金额。",
    bad="资金支出计划（%）：1500.00、3000.00…", good="25%、50%、75%、100%",
    fix="按表头填写百分比（累计支出占预算数的比例），或在模板中把填写方式改为“万元”。",
)  # fmt: skip
def plan_header_percent(ctx: Context) -> None:
    plan = ctx.t.spend_plan
    if ("%" in plan.header or "％" in plan.header) and plan.mode == PlanMode.AMOUNT:
        ctx.emit(
            f"表头为{quote(plan.header)}，但计划节点填写的是金额（如“{plan.points[3].raw or plan.points[0].raw}”）。",
            field=TableField.SPEND_PLAN,
        )


@rule(
    "PLAN-005", "plan-year-end", "info",
    needs=(TableField.SPEND_PLAN,),
    title="前三季度无支出计划，资金集中在年底",
    what="3月底、6月底、10月底是否全部为空或0。",
    why="执行进度是审计和评价关注点；001 有多张表只在12月底支出。",
    bad="3/6/10月底均为0，12月底100%", good="按实际进度分期安排",
    fix="如资金确需年底集中支出，请在资金用途中说明原因；否则按实际进度分期填写。",
)  # fmt: skip
def plan_year_end(ctx: Context) -> None:
    if not ctx.has(TableField.SPEND_PLAN):
        return
    vals = [p.value for p in ctx.t.spend_plan.points]
    if vals[3] is not None and vals[3] > 0 and all(v is None or v == 0 for v in vals[:3]):
        ctx.emit(
            "资金支出计划前三个节点（3/6/10月底）均为空或0，资金集中在年底支出。", field=TableField.PLAN_2
        )
