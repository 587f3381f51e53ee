"""FUND and PLAN: amounts and the 资金支出计划 (适当性)."""

from __future__ import annotations

from decimal import Decimal

from xlgoals.model import PlanMode
from xlgoals.rules.common import clean, is_flat, quote
from xlgoals.rules.registry import Context, Scope, rule

EPS = Decimal("0.005")
LABELS = ("3月底", "6月底", "10月底", "12月底")


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
    for fld, name, value, raw in (
        ("budget.total", "预算数", b.total, b.total_raw),
        ("budget.fiscal", "财政资金", b.fiscal, b.fiscal_raw),
        ("budget.other", "其他资金", b.other, b.other_raw),
    ):
        if raw.strip() and value is None:
            ctx.emit(f"{name}“{raw}”不是有效金额。", field=fld)
        elif value is not None and value < 0:
            ctx.emit(f"{name}“{raw or value}”为负数。", field=fld)
    if b.total is not None and (b.fiscal is not None or b.other is not None) and not is_flat(ctx.t):
        parts = (b.fiscal or 0) + (b.other or 0)
        if abs(b.total - parts) > EPS:
            ctx.emit(
                f"预算数 {b.total} ≠ 财政资金 {b.fiscal or 0} + 其他资金 {b.other or 0}（= {parts}）。",
                field="budget.total",
            )


@rule(
    "FUND-002", "use-repeats-name", "warning",
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
        ctx.emit(f"资金用途{quote(t.fund_use)}只是重复项目名称，没有说明具体用途。", field="fund_use")


@rule(
    "FUND-003", "use-copies-other-name", "warning", scope=Scope.DOCUMENT,
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
                field="fund_use",
            )
    ctx.table = None


def _plan_applies(ctx: Context) -> bool:
    return not is_flat(ctx.t) and bool(
        ctx.t.locations.get("spend_plan") or any(p.raw for p in ctx.t.spend_plan.points)
    )


@rule(
    "PLAN-001", "plan-blank", "warning",
    title="资金支出计划存在空白月份（应填0%或累计值）",
    what="3月底、6月底、10月底、12月底四个节点是否都已填写。",
    why="000 第515行、002 第588–590行、001 中9张表有空白节点；空白无法判断执行进度。",
    bad="3月底空，6月底50%", good="3月底 0%，6月底 50%",
    fix="四个节点都要填写累计数；该期没有支出时填 0% 或上期累计数。",
)  # fmt: skip
def plan_blank(ctx: Context) -> None:
    if not _plan_applies(ctx):
        return
    blanks = [k for k, p in enumerate(ctx.t.spend_plan.points) if not p.raw.strip()]
    if blanks:
        ctx.emit(
            f"资金支出计划{('、'.join(LABELS[k] for k in blanks))}未填写。", field=f"spend_plan.{blanks[0]}"
        )


def _values(ctx: Context) -> list[Decimal | None]:
    return [p.value for p in ctx.t.spend_plan.points]


@rule(
    "PLAN-002", "plan-decreases", "error",
    title="资金支出计划累计值出现下降",
    what="累计支出计划是否逐期不减少。",
    why="计划是截至各月底的累计数，只能增加或持平（RULES.md §5.3）。",
    bad="6月底 50%，10月底 40%", good="25%、50%、75%、100%",
    fix="按累计数填写：每个节点填截至该月底的累计支出，不得小于上一节点。",
)  # fmt: skip
def plan_decreases(ctx: Context) -> None:
    if not _plan_applies(ctx):
        return
    vals = _values(ctx)
    for k in range(1, 4):
        a, b = vals[k - 1], vals[k]
        if a is not None and b is not None and b < a:
            pts = ctx.t.spend_plan.points
            ctx.emit(
                f"资金支出计划{LABELS[k]}“{pts[k].raw}”小于{LABELS[k - 1]}“{pts[k - 1].raw}”，累计值不应下降。",
                field=f"spend_plan.{k}",
            )
            return


@rule(
    "PLAN-003", "plan-end", "error",
    title="12月底累计支出应为100%（或等于预算数），且任何节点不得超过100%/预算数",
    what="百分比方式：12月底=100%且各节点≤100%；金额方式：12月底=预算数且各节点≤预算数。",
    why="全年预算应在年底前支出完毕（001 第2435行“50%、100%、空、空”，第2642行）。",
    bad="12月底 95%", good="12月底 100%",
    fix="把12月底改为100%（金额方式填预算数），各节点不要超过全年数。",
)  # fmt: skip
def plan_end(ctx: Context) -> None:
    if not _plan_applies(ctx) or not any(p.raw for p in ctx.t.spend_plan.points):
        return
    plan = ctx.t.spend_plan
    percent = plan.mode != PlanMode.AMOUNT
    target = Decimal(100) if percent else ctx.t.budget.total
    if target is None:
        return
    unit = "%" if percent else "万元"
    for k, p in enumerate(plan.points):
        if p.value is not None and p.value > target + EPS:
            ctx.emit(f"资金支出计划{LABELS[k]}“{p.raw}”超过全年{target}{unit}。", field=f"spend_plan.{k}")
            return
    last = plan.points[3]
    if last.value is None or abs(last.value - target) > EPS:
        shown = last.raw or "空"
        ctx.emit(
            f"资金支出计划12月底为“{shown}”，应为{'100%' if percent else f'预算数 {target} 万元'}。",
            field="spend_plan.3",
        )


@rule(
    "PLAN-004", "plan-header-percent-amounts", "warning",
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
            field="spend_plan",
        )


@rule(
    "PLAN-005", "plan-year-end", "info",
    title="前三季度无支出计划，资金集中在年底",
    what="3月底、6月底、10月底是否全部为空或0。",
    why="执行进度是审计和评价关注点；001 有多张表只在12月底支出。",
    bad="3/6/10月底均为0，12月底100%", good="按实际进度分期安排",
    fix="如资金确需年底集中支出，请在资金用途中说明原因；否则按实际进度分期填写。",
)  # fmt: skip
def plan_year_end(ctx: Context) -> None:
    if not _plan_applies(ctx):
        return
    vals = _values(ctx)
    if vals[3] is not None and vals[3] > 0 and all(v is None or v == 0 for v in vals[:3]):
        ctx.emit("资金支出计划前三个节点（3/6/10月底）均为空或0，资金集中在年底支出。", field="spend_plan.2")
