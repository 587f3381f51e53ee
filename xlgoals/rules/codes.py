"""CODE: the 项目编码 (its structure: docs/sources.md, section 3)."""

from __future__ import annotations

import re
from collections import Counter

from xlgoals.fields import TableField
from xlgoals.layout import field_name
from xlgoals.model import GoalTable
from xlgoals.rules.registry import Context, Family, Scope, rule

FAMILY = Family("CODE", field_name(TableField.PROJECT_CODE))

CODE = re.compile(r"^(\d{6})(\d{2})([A-Z])([0-9A-Z]{12})$")


@rule(
    "CODE-001", "code-format", "error",
    needs=(TableField.PROJECT_CODE,),
    title="项目编码格式不正确（应为6位区划+2位年度+类别字母+12位）",
    what="项目编码是否为21位：6位区划代码、2位年度、1位类别字母、12位编号（字母数字）。",
    why="80/80张河北表符合该格式（sources.md 第三节）；S11 有“T”类别的同型编码。",
    bad="1307302400047410001H（少了类别字母）", good="13073024P00047410001H",
    fix="从预算管理一体化系统复制完整的项目编码，不要手工输入；注意不要混入空格或全角字符。",
)  # fmt: skip
def code_format(ctx: Context) -> None:
    code = ctx.t.project_code
    if code and not CODE.match(code):
        ctx.emit(
            f"项目编码“{code}”格式不正确（{len(code)}位）：应为6位区划+2位年度+类别字母+12位编号，共21位。",
            field=TableField.PROJECT_CODE,
        )


@rule(
    "CODE-002", "code-region", "warning", scope=Scope.DOCUMENT,
    needs=(TableField.PROJECT_CODE,),
    title="项目编码前6位“{r}”与本县区划代码不一致 / 同一文档内不一致",
    what="项目编码前6位是否等于配置的区划代码（未配置时取本文档多数编码的前6位）。",
    why="每份河北文档的编码都带本县区划代码（000/004 130730，001 130322，002 130184）。",
    bad="怀来县文档中的 13032224P…", good="怀来县 13073024P…",
    fix="核对项目编码是否属于本地区；跨地区复制的项目要换成本地项目库中的编码。",
)  # fmt: skip
def code_region(ctx: Context) -> None:
    matches = [(t, m) for t in ctx.doc.tables if (m := CODE.match(t.project_code))]
    if not matches:
        return
    expected = ctx.config.region_code or Counter(m.group(1) for _, m in matches).most_common(1)[0][0]
    for t, m in matches:
        if m.group(1) != expected:
            ctx.table = t
            ctx.emit(
                f"项目编码前6位“{m.group(1)}”与本地区划代码“{expected}”不一致。",
                field=TableField.PROJECT_CODE,
            )
    ctx.table = None


@rule(
    "CODE-003", "code-year", "warning",
    needs=(TableField.PROJECT_CODE,),
    title="项目编码年度“{yy}”与预算年度“{YY}”不一致（如为续建项目请忽略）",
    what="项目编码第7-8位年度是否等于预算年度的后两位。",
    why="000 第402行 13073023P… 出现在2024年预算表中；项目库编码跨年沿用，所以只是警告。",
    bad="2024年预算表中的 13073023P00046410001U", good="13073024P…",
    fix="如为新项目，请使用本年度项目库编码；如为续建项目沿用原编码，可忽略此提示。",
)  # fmt: skip
def code_year(ctx: Context) -> None:
    m = CODE.match(ctx.t.project_code)
    year = ctx.budget_year()
    if m and year and m.group(2) != f"{year % 100:02d}":
        ctx.emit(
            f"项目编码年度“{m.group(2)}”与预算年度“{year % 100:02d}”（{year}年）不一致。",
            field=TableField.PROJECT_CODE,
        )


@rule(
    "CODE-004", "code-duplicate", "warning", scope=Scope.DOCUMENT,
    needs=(TableField.PROJECT_CODE,),
    title="项目编码在本文档中重复出现",
    what="同一文档（工作簿）中是否有两张表用同一个项目编码。",
    why="001 第3776/4048行、第3912/4177行编码相同而单位不同，疑为同一政策项目拆给两个单位。",
    bad="两张表都是 13032224P002R2X10071K", good="每个项目一个编码",
    fix="核对两张表是否为同一项目：是则合并，不是则更正其中一个编码。",
)  # fmt: skip
def code_duplicate(ctx: Context) -> None:
    by_code: dict[str, list[int]] = {}
    for k, t in enumerate(ctx.doc.tables):
        if t.project_code and ctx.has(TableField.PROJECT_CODE):
            by_code.setdefault(t.project_code, []).append(k)
    for code, idx in by_code.items():
        if len(idx) < 2:
            continue
        for k in idx:
            t = ctx.doc.tables[k]
            others = "、".join(
                f"{o.label}（{o.unit_name or o.unit_code}，{o.budget.total}万元）"
                for j in idx
                if j != k
                for o in [ctx.doc.tables[j]]
            )
            ctx.table = t
            ctx.emit(f"项目编码“{code}”在本文档中重复出现，另见：{others}。", field=TableField.PROJECT_CODE)
    ctx.table = None


def _file_of(t: GoalTable) -> str:
    loc = t.locations.get(TableField.PROJECT_CODE)
    return (loc.file or "") if loc is not None else ""


@rule(
    "CODE-005", "code-in-several-files", "warning", scope=Scope.DOCUMENT,
    title="项目编码在多个文件中出现（汇总时会重复计算）",
    what="一次检查多个文件或文件夹时（xlgoals check、xlgoals summary、网页上传多个文件或 zip），同一项目编码是否出现在不同文件的绩效目标表中。",
    why="同一项目被两个单位各报一次、或抄错了编码，汇总时会重复计算；单个文件内的重复见 CODE-004。",
    bad="A单位.xlsx 和 B单位.xlsx 都有项目编码 13073024P00047410001H", good="每个项目编码只出现在一个单位的表中",
    fix="核对该项目属于哪个单位：删除重复提交的表，或改正抄错的项目编码。",
)  # fmt: skip
def code_in_several_files(ctx: Context) -> None:
    by_code: dict[str, list[GoalTable]] = {}
    for t in ctx.doc.tables:
        if t.project_code:
            by_code.setdefault(t.project_code, []).append(t)
    for code, tables in by_code.items():
        files = {f for t in tables if (f := _file_of(t))}  # in one file's own check: never two
        if len(files) < 2:
            continue
        places = "；".join(
            f"{_file_of(t)}（{t.unit_name or t.unit_code or '未填单位'}，{t.label}）" for t in tables
        )
        for t in tables:
            ctx.table = t
            ctx.emit(
                f"项目编码“{code}”出现在 {len(files)} 个文件中：{places}。", field=TableField.PROJECT_CODE
            )
    ctx.table = None
