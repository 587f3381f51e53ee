"""DOC: the document level of a multi-table workbook or 公开文本."""

from __future__ import annotations

import re
from decimal import Decimal

from xlgoals import layout as L
from xlgoals.fields import MetaField, TableField
from xlgoals.model import Location
from xlgoals.rules.common import clean, quote
from xlgoals.rules.registry import Context, Family, Scope, rule
from xlgoals.values import DOC_NUMBER

EPS = Decimal("0.005")
TITLE_NOISE = re.compile(r"^\d{1,3}\s*[.、．](?!\d)|^\d{1,2}(?=[^\d年])|绩效目标表$")
NAME_NOISE = re.compile(r"(县级配套资金|县级配套|配套资金|专项资金|资金|经费|补助|补贴)$")

FAMILY = Family("DOC", "文档层面")


@rule(
    "DOC-001", "stated-count", "error", scope=Scope.DOCUMENT,
    title="说明中的项目个数与列出/附表项目数不一致",
    what="说明中“涉及项目N个”是否等于列出的项目数和附表的张数。",
    why="000 第6行说“涉及项目5个”，下面列了6项，附了6张表。",
    bad="涉及项目5个（列出6项、6张表）", good="涉及项目6个",
    fix="把说明中的项目个数改为实际列出和附表的项目数。",
)  # fmt: skip
def stated_count(ctx: Context) -> None:
    m = ctx.doc.meta
    if m.stated_count is None:
        return
    listed, tables = len(m.listed_items), len(ctx.doc.tables)
    if (listed and m.stated_count != listed) or m.stated_count != tables:
        parts = ([f"列出{listed}项"] if listed else []) + [f"附表{tables}张"]
        ctx.emit(f"说明中“涉及项目{m.stated_count}个”，但{'、'.join(parts)}。", field=MetaField.STATED_COUNT)


@rule(
    "DOC-002", "stated-total", "error", scope=Scope.DOCUMENT,
    title="说明中的资金合计（或单项金额）与各项目金额/对应表格预算数不一致",
    what="说明中的资金合计是否等于列出项目金额之和与各表预算数之和；每个列出项目的金额是否等于对应表格的预算数。",
    why="000：2800+3500+3000+2460+870+350 = 12980 = 说明中的合计，且每项等于其表格（通过）。",
    bad="说明合计12980万元，各表合计13000万元", good="三者一致",
    fix="核对说明中的金额与附表预算数，改正不一致的一方。",
)  # fmt: skip
def stated_total(ctx: Context) -> None:
    m, tables = ctx.doc.meta, ctx.doc.tables
    table_sum = sum((t.budget.total or Decimal(0) for t in tables), Decimal(0))
    amounts = [i.amount for i in m.listed_items if i.amount is not None]
    if m.stated_total is not None:
        if amounts and abs(sum(amounts, Decimal(0)) - m.stated_total) > EPS:
            ctx.emit(
                f"说明中的资金合计 {m.stated_total} 万元 ≠ 列出项目金额之和 {sum(amounts, Decimal(0))} 万元。",
                field=MetaField.STATED_TOTAL,
            )
        if abs(table_sum - m.stated_total) > EPS:
            ctx.emit(
                f"说明中的资金合计 {m.stated_total} 万元 ≠ 各表预算数之和 {table_sum} 万元。",
                field=MetaField.STATED_TOTAL,
            )
    for item in m.listed_items:
        table = _match(ctx, item.name)
        if (
            table is not None
            and item.amount is not None
            and table.budget.total is not None
            and abs(item.amount - table.budget.total) > EPS
        ):
            ctx.emit(
                f"说明中“{item.name}”为 {item.amount} 万元，对应表格（{table.label}）预算数为 {table.budget.total} 万元。",
                location=item.location,
                path=f"文档 › 说明第{item.number}项",
            )


def _match(ctx: Context, name: str):  # type: ignore[no-untyped-def]
    key = clean(name)
    best = None
    for t in ctx.doc.tables:
        n = clean(t.project_name)
        better = best is None or len(n) > len(clean(best.project_name))
        if key and n and (key in n or n in key) and better:
            best = t
    return best


@rule(
    "DOC-003", "signoff-date", "warning", scope=Scope.DOCUMENT,
    title="落款日期早于文号年度/预算年度",
    what="落款日期的年份是否早于文号年度（或预算年度）。",
    why="000 第17行“2023年2月7日”，而文号为“怀财字【2024】7号”。",
    bad="怀财字【2024】7号 … 2023年2月7日", good="2024年2月7日",
    fix="核对落款日期的年份。",
)  # fmt: skip
def signoff_date(ctx: Context) -> None:
    m = ctx.doc.meta
    date = re.match(r"(\d{4})", m.issue_date)
    if not date:
        return
    year = int(date.group(1))
    doc_no = DOC_NUMBER.search(m.doc_number)
    ref = int(doc_no.group(1)) if doc_no else None
    if ref is not None and year < ref:
        ctx.emit(
            f"落款日期“{m.issue_date}”早于文号“{m.doc_number}”的年度{ref}年。", field=MetaField.ISSUE_DATE
        )


def _core_title(text: str) -> str:
    return clean(TITLE_NOISE.sub("", DOC_NUMBER.sub("", text.strip())))


@rule(
    "DOC-004", "title-vs-name", "info", scope=Scope.DOCUMENT,
    needs=(TableField.TITLE,),
    title="目录条目或表格标题与表内“项目名称”不一致",
    what="表格标题、目录条目（去掉序号、文号、“绩效目标表”）是否与表内项目名称一致。",
    why="000 第397行标题“…农村低保县配套资金”，项目名称“…农村低保县配套”；004 目录23项=23张表（通过）。",
    bad="标题“农村低保县配套资金绩效目标表”，名称“农村低保县配套”", good="两者一致",
    fix="统一标题和项目名称（以预算系统中的项目名称为准）。",
)  # fmt: skip
def title_vs_name(ctx: Context) -> None:
    tables = ctx.doc.tables
    for t in tables:
        if t.title and t.project_name and _core_title(t.title) != clean(t.project_name):
            ctx.table = t
            ctx.emit(
                f"表格标题{quote(t.title, 40)}与项目名称{quote(t.project_name, 40)}不一致。",
                field=TableField.TITLE,
            )
    ctx.table = None
    numbered = [e for e in ctx.doc.meta.toc if e.number is not None]
    if numbered and len(numbered) != len(tables):
        ctx.emit(f"目录列出{len(numbered)}个项目，文档中有{len(tables)}张表。", field=MetaField.TOC)
    for entry, t in zip(numbered, tables, strict=False):
        if (
            t.project_name
            and _core_title(entry.title) != clean(t.project_name)
            and _core_title(entry.title) != _core_title(t.title)
        ):
            ctx.emit(
                f"目录第{entry.number}项{quote(entry.title, 40)}与第{t.index}张表的项目名称{quote(t.project_name, 40)}不一致。",
                location=entry.location,
                path=f"文档 › 目录第{entry.number}项",
            )


@rule(
    "DOC-005", "duplicate-project", "info", scope=Scope.DOCUMENT,
    title="疑似重复项目（名称相近、指标相同）",
    what="两张表的全部指标（二级、三级、指标值）是否完全相同（至少4行）。",
    why="004 第102行与第1785行（村干部工资）指标完全相同。",
    bad="两个项目的指标逐行相同", good="每个项目的指标反映各自的产出和效果",
    fix="核对是否重复申报；不是重复的，按各自内容设置指标。",
)  # fmt: skip
def duplicate_project(ctx: Context) -> None:
    seen: dict[tuple[tuple[str, str, str], ...], int] = {}
    for k, t in enumerate(ctx.doc.tables):
        key = tuple((i.level2, i.name, i.value_raw) for i in t.indicators)
        if len(key) < 4:
            continue
        if key in seen:
            other = ctx.doc.tables[seen[key]]
            ctx.table = t
            ctx.emit(
                f"本项目与{other.label}的全部{len(key)}行指标完全相同，疑似重复项目或照搬指标。",
                field=TableField.INDICATORS,
            )
        else:
            seen[key] = k
    ctx.table = None


@rule(
    "DOC-006", "table-incomplete", "info", scope=Scope.DOCUMENT,
    title="表格不完整（文本在指标区中断）",
    what="公开文本中的表格是否中途结束。",
    why="001 在第5055行结束于第44表的效益指标部分。",
    bad="最后一张表没有满意度指标就结束了", good="每张表完整",
    fix="核对原文件，补全被截断的表格后重新公开。",
)  # fmt: skip
def table_incomplete(ctx: Context) -> None:
    for t in ctx.doc.tables:
        if not t.complete:
            ctx.table = t
            ctx.emit(f"表格不完整：{t.incomplete_reason}。", field=TableField.INDICATORS)
    ctx.table = None


@rule(
    "DOC-007", "department-goals-narrow", "info", scope=Scope.DOCUMENT,
    title="部门整体目标/分项目标只描述个别项目，与项目表不对应",
    what="部门整体绩效目标的文字是否只提到个别项目（至少3张表时，提到的项目不超过1个）。",
    why="004 第84–91行的分项绩效目标只写了森林防火，而文档有23张项目表。",
    bad="分项绩效目标只写森林防火", good="分项目标覆盖主要项目",
    fix="分项绩效目标应概括各主要项目的目标，与后面的项目表对应。",
)  # fmt: skip
def department_goals(ctx: Context) -> None:
    text = clean(ctx.doc.meta.department_goals)
    tables = ctx.doc.tables
    if not text or len(tables) < 3:
        return
    mentioned = 0
    for t in tables:
        core = NAME_NOISE.sub("", clean(DOC_NUMBER.sub("", t.project_name)))
        core = re.sub(r"^[\u4e00-\u9fff]{1,4}(镇|乡|县)", "", core)
        if len(core) >= 2 and core in text:
            mentioned += 1
    if mentioned <= 1:
        ctx.emit(
            f"部门整体绩效目标只提到{mentioned}个项目，而文档有{len(tables)}张项目表。",
            field=MetaField.DEPARTMENT_GOALS,
        )


@rule(
    "DOC-008", "old-template", "info", scope=Scope.DOCUMENT,
    title="工作簿使用旧版模板",
    what="工作簿的模板版本（隐藏工作表 _xlgoals）是否早于本程序的版本。",
    why="旧版模板缺少新版的表内提示和标色；内容照常读取和检查，升级后表格里的提示与 xlgoals check 一致。",
    bad="模板版本 1", good=f"模板版本 {L.LAYOUT_VERSION}",
    fix="运行 xlgoals convert 旧文件.xlsx -o 新文件.xlsx 升级（填写的内容不变）；--annotate 写出的标注副本已是新版。",
)  # fmt: skip
def old_template(ctx: Context) -> None:
    version = ctx.doc.layout_version
    if version is not None and version < L.LAYOUT_VERSION:
        ctx.emit(
            f"工作簿使用第 {version} 版模板，当前为第 {L.LAYOUT_VERSION} 版。",
            location=Location(file=ctx.doc.source, sheet=L.META_SHEET, cell=L.META_VERSION.a1),
            path="文档 › 模板版本",
        )
