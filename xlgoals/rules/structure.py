"""STRUCT: completeness and the indicator framework (完整性)."""

from __future__ import annotations

from collections import Counter

from xlgoals.fields import IndicatorField, TableField
from xlgoals.frameworks import FRAMEWORK_A, FRAMEWORK_B, SPECS, detect_framework
from xlgoals.layout import LIST, LIST_SHEET, PROJECT_SPAN, ListKind, cell_name, field_name
from xlgoals.livecheck import Fired
from xlgoals.model import Framework, GoalTable, Indicator, Layout, Location
from xlgoals.rules.common import l1, l2, quote, rows
from xlgoals.rules.registry import Context, Family, Scope, rule

FAMILY = Family("STRUCT", "结构与完整性")


def _spec_allowed(t: GoalTable) -> dict[str, set[str]]:
    fw = detect_framework(t)
    if fw in SPECS:
        return {k: set(v) for k, v in SPECS[fw].allowed.items()}
    merged: dict[str, set[str]] = {}
    for spec in (FRAMEWORK_A, FRAMEWORK_B):
        for k, v in spec.allowed.items():
            merged.setdefault(k, set()).update(v)
    return merged


@rule(
    "STRUCT-001", "required-header-field", "error",
    title="表头必填项缺失：{项目编码/项目名称/预算数/财政资金/资金用途/绩效目标}",
    what="项目编码、项目名称、预算数、财政资金、资金用途、绩效目标是否填写（平铺格式表没有的栏目不查；整张表空白时见 STRUCT-013）。",
    why="形式完整性是绩效目标审核的第一项（S3、S5）；80张河北表全部填写了这些栏目。",
    bad="项目编码为空", good="项目编码 13073024P00047410001H",
    fix="补填该栏目；没有其他资金时其他资金可以留空，但预算数和财政资金必须填写。",
)  # fmt: skip
def required_header(ctx: Context) -> None:
    for fired in ctx.live():
        assert isinstance(fired.check.target, TableField)
        ctx.emit_live(fired, f"表头必填项缺失：{field_name(fired.check.target)}未填写。")


@rule(
    "STRUCT-002", "level1-allowed", "error",
    title="一级指标“{x}”不在允许范围",
    what="一级指标是否为产出指标、效益指标、满意度指标（2021年体系另有成本指标）。",
    why="指标体系由产出、效益、满意度（及成本）构成（S7、S2、S10）。",
    bad="一级指标“工作指标”", good="一级指标“产出指标”",
    fix="一级指标只能选产出指标、效益指标、满意度指标（2021年体系可用成本指标）；请从下拉框选择。",
)  # fmt: skip
def level1_allowed(ctx: Context) -> None:
    allowed = _spec_allowed(ctx.t)
    seen: set[tuple[str, ...]] = set()
    run, previous = 0, ""
    for k, ind in enumerate(ctx.t.indicators):
        name = l1(ind)
        run, previous = (run + 1, name) if name != previous else (run, previous)
        # once per cell that holds it (a workbook's merged 一级 cell, marked there by the sheet too),
        # or per run of rows that repeat it (a text's rows)
        at = ind.locations.get(IndicatorField.LEVEL1)
        key = (name, at.sheet or "", at.cell) if at is not None and at.cell else (name, str(run))
        if name and name not in allowed and key not in seen:
            seen.add(key)
            ctx.emit(
                f"一级指标{quote(ind.level1)}不在允许范围（应为{'、'.join(allowed)}）。",
                indicator=(k, ind),
                field=IndicatorField.LEVEL1,
            )


@rule(
    "STRUCT-003", "level2-under-level1", "error",
    title="二级指标“{y}”不属于一级指标“{x}”",
    what="二级指标是否属于其一级指标（如数量指标只能在产出指标下）。",
    why="指标体系见 sources.md 第一节（S7、S10）；S11、S13 有真实错例。",
    bad="产出指标 › 经济效益指标", good="效益指标 › 经济效益指标",
    fix="把该行移到正确的一级指标下，或改选该一级指标下的二级指标（模板下拉框只列出允许的二级指标）。",
)  # fmt: skip
def level2_under_level1(ctx: Context) -> None:
    allowed = _spec_allowed(ctx.t)
    for k, ind in enumerate(ctx.t.indicators):
        a, b = l1(ind), l2(ind)
        if a in allowed and b and b not in allowed[a]:
            ctx.emit(
                f"二级指标{quote(ind.level2)}不属于一级指标{quote(ind.level1)}。",
                indicator=(k, ind),
                field=IndicatorField.LEVEL2,
            )


@rule(
    "STRUCT-004", "framework-mixed", "error",
    title="同一项目混用新旧指标体系（成本指标既在产出下又作为一级）",
    what="同一张表是否既把成本指标放在产出指标下（旧体系），又用了成本一级指标或经济/社会/生态环境成本指标（2021体系）。",
    why="两种体系的成本指标位置不同，混用说明套错了模板（sources.md 第一节，S11 实例）。",
    bad="产出指标 › 成本指标 与 成本指标 › 经济成本指标 同时出现", good="只用其中一种体系",
    fix="按本地要求统一为一种指标体系：河北等地用“产出指标 › 成本指标”；2021年体系用“成本指标 › 经济成本指标”。",
)  # fmt: skip
def framework_mixed(ctx: Context) -> None:
    if detect_framework(ctx.t) != Framework.MIXED:
        return
    for k, ind in enumerate(ctx.t.indicators):
        if l1(ind) == "成本指标" or l2(ind) in ("经济成本指标", "社会成本指标", "生态环境成本指标"):
            ctx.emit(
                "同一项目混用新旧指标体系：成本指标既在产出指标下，又作为一级指标或使用了2021年体系的成本二级指标。",
                indicator=(k, ind),
                field=IndicatorField.LEVEL2,
            )
            return


def _present_level2(t: GoalTable, level1: str) -> set[str]:
    return {l2(i) for _, i in rows(t) if l1(i) == level1}


@rule(
    "STRUCT-005", "output-dimensions", "error",
    title="产出指标缺少{数量/质量/时效/成本}指标",
    what="产出指标下是否数量、质量、时效（旧体系还有成本）指标各至少一项。",
    why="S4“从数量、质量、成本和时效等方面进行细化”；80张河北表全部具备。",
    bad="产出指标只有数量指标和质量指标", good="数量、质量、时效、成本指标各至少一行",
    fix="在产出指标下补充缺少的二级指标，各写至少一条可考核的三级指标。",
)  # fmt: skip
def output_dimensions(ctx: Context) -> None:
    t = ctx.t
    fw = detect_framework(t)
    spec = FRAMEWORK_B if fw == Framework.B2021 else FRAMEWORK_A
    need = spec.required_level2["产出指标"]
    present = _present_level2(t, "产出指标")
    missing = [x for x in need if x not in present]
    if missing and t.indicators:
        note = "（该表文本不完整）" if not t.complete else ""
        ctx.emit(f"产出指标缺少{'、'.join(missing)}{note}。", field=TableField.INDICATORS)


@rule(
    "STRUCT-006", "benefit-present", "error",
    title="缺少效益指标",
    what="是否至少有一行有效的效益指标（“无”占位行不算）。",
    why="效益指标是指标体系的必备部分（S7）；80张河北表都有。",
    bad="只有产出指标和满意度指标", good="效益指标 › 社会效益指标 › …",
    fix="补充效益指标（经济、社会、生态效益或可持续影响至少一项），说明项目产生的效果。",
)  # fmt: skip
def benefit_present(ctx: Context) -> None:
    t = ctx.t
    if t.indicators and not any(l1(i) == "效益指标" for _, i in rows(t)):
        note = "（该表文本不完整）" if not t.complete else ""
        ctx.emit(f"缺少效益指标{note}。", field=TableField.INDICATORS)


@rule(
    "STRUCT-007", "satisfaction-present", "error",
    title="缺少满意度指标（服务对象满意度指标）",
    what="是否有服务对象满意度指标。",
    why="S7、S4（“服务对象满意度目标”）；79/80张河北表有，001 第44表缺。",
    bad="指标表到效益指标就结束", good="满意度指标 › 服务对象满意度指标 › 受益群众满意度 ≥90%",
    fix="补充满意度指标 › 服务对象满意度指标，写明对象和“≥x%”目标值。",
)  # fmt: skip
def satisfaction_present(ctx: Context) -> None:
    t = ctx.t
    if t.indicators and not any(l1(i) == "满意度指标" for _, i in rows(t)):
        note = "（该表文本不完整，可能是公开时被截断）" if not t.complete else ""
        ctx.emit(f"缺少满意度指标（服务对象满意度指标）{note}。", field=TableField.INDICATORS)


@rule(
    "STRUCT-008", "b-economic-cost", "error",
    title="2021框架下缺少经济成本指标",
    what="使用2021年体系（成本指标为一级）的表是否有一行有效的经济成本指标。",
    why="S10 模板和 003 的4个项目都填写了经济成本指标。",
    bad="成本指标 › 经济成本指标 › 无", good="成本指标 › 经济成本指标 › 项目总成本 ≤842.07万元",
    fix="在成本指标下填写经济成本指标（项目总成本或单位成本，用“≤”）。",
)  # fmt: skip
def b_economic_cost(ctx: Context) -> None:
    t = ctx.t
    if detect_framework(t) == Framework.B2021 and not any(l2(i) == "经济成本指标" for _, i in rows(t)):
        ctx.emit("2021年指标体系下缺少有效的经济成本指标。", field=TableField.INDICATORS)


@rule(
    "STRUCT-009", "value-empty", "error",
    title="指标值为空",
    what="每一行有效指标是否填写了指标值。",
    why="没有指标值就无法考核（形式完整性，S3）。",
    bad="三级指标“发放人数”，指标值空", good="≥1000人",
    fix="填写指标值：比较符+数值+单位（如 ≥95%），无法量化时写分级的定性目标。",
)  # fmt: skip
def value_empty(ctx: Context) -> None:
    for fired in ctx.live():
        ind = _indicator(ctx, fired)
        ctx.emit_live(fired, f"指标{quote(ind.name if ind else '')}的指标值为空。")


@rule(
    "STRUCT-010", "placeholder-row", "warning",
    title="三级指标名称为空或为“无”但填写了指标值/分值",
    what="“无”占位行（或三级指标为空的行）是否又填写了指标值或分值。",
    why="003 的“无”行指标值和分值都为“无”或空；一半填写的占位行说明漏填了指标名称。",
    bad="三级指标“无”，指标值“≥90%”", good="三级指标“无”，指标值“无”，分值空",
    fix="要么补写三级指标名称，要么把该行的指标值和分值也改为“无”/清空。",
)  # fmt: skip
def placeholder_row(ctx: Context) -> None:
    for fired in ctx.live():
        ind = _indicator(ctx, fired)
        if ind is not None:
            ctx.emit_live(
                fired,
                f"三级指标为{quote(ind.name.strip() or '空')}，但填写了指标值{quote(ind.value_raw or ind.score)}。",
            )


@rule(
    "STRUCT-011", "duplicate-level3", "warning",
    title="同一项目内三级指标重复：“{z}”",
    what="同一张表中三级指标名称是否重复（从第二次出现起，逐行标出）。",
    why="重复指标无法分别考核（002 第261/275行“完成率”，001 第2964/2978行）。",
    bad="两行都叫“任务完成及时率”", good="每个三级指标只出现一次",
    fix="合并重复的指标，或把名称改为能区分的说法（写明对象或口径）。",
)  # fmt: skip
def duplicate_level3(ctx: Context) -> None:
    seen: Counter[str] = Counter()
    for fired in ctx.live():  # each repeat, from its second appearance: where the sheet marks it
        ind = _indicator(ctx, fired)
        if ind is None:
            continue
        name = ind.name.strip()
        key = " ".join(name.split()).casefold()
        seen[key] += 1
        ctx.emit_live(fired, f"同一项目内三级指标重复：{quote(name)}（第{seen[key] + 1}次出现）。")


@rule(
    "STRUCT-012", "basis-empty", "warning",
    title="指标值确定依据未填写",
    what="每行有效指标是否填写了指标值确定依据（平铺格式无此列，不查）。",
    why="河北表每行都有“指标值确定依据”（672/672行填写）。",
    bad="确定依据为空", good="年初工作计划 / 调查结果 / 相关政策文件",
    fix="写明指标值的来源：年初工作计划、历史数据、调查结果、政策文件或行业标准。",
)  # fmt: skip
def basis_empty(ctx: Context) -> None:
    for fired in ctx.live():
        ind = _indicator(ctx, fired)
        ctx.emit_live(fired, f"指标{quote(ind.name if ind else '')}未填写指标值确定依据。")


@rule(
    "STRUCT-013", "table-empty", "error",
    title="项目表尚未填写",
    what="项目表是否一项也没有填（表头、资金支出计划和指标全空）。",
    why="空白的项目表不能提交；多出来的空白表会让项目个数和合计对不上。",
    bad="新增项目后什么都没填的工作表", good="每张项目表都填了本项目的内容",
    fix="填写本项目的绩效目标表；多余的空白项目表请删除。",
)  # fmt: skip
def table_empty(ctx: Context) -> None:
    for fired in ctx.live():
        ctx.emit_live(fired, "项目表尚未填写（表头、资金支出计划和绩效指标都是空的）。")


@rule(
    "STRUCT-014", "blank-row", "warning",
    title="指标中间夹着空行",
    what="工作簿的指标区中，有指标的行之间是否夹着整行空白（一级指标列除外）。",
    why="空行会原样印在公开的表格里，也常是删了一半的指标；读取时空行被跳过，表格和实际填写对不上。",
    bad="第12行整行空白，第13行起还有指标", good="指标一行接一行，多余的空行删除",
    fix="删除空行（右键行号→删除整行）；如果是漏填的指标，在这一行补填。",
)  # fmt: skip
def blank_row(ctx: Context) -> None:
    for fired in ctx.live():
        assert fired.row is not None
        ctx.emit_live(fired, f"第{fired.row.row}行是空行，夹在指标中间。")


@rule(
    "STRUCT-015", "formula-without-value", "error",
    title="填写区的公式没有保存计算结果",
    what="工作簿中填写区（表头、资金支出计划、指标）的单元格是否是没有保存计算结果的公式。",
    why="由其他程序生成、从未在 Excel/WPS 中打开保存过的文件，公式只有文字没有结果；xlgoals 读不到它的值，"
    "无法核对，别人打开时看到的数也可能不同。",
    bad="预算数单元格为 =1400+1400，但文件中没有结果", good="预算数填 2800.00，或在 Excel/WPS 中打开并保存一次",
    fix="在 Excel、WPS 或 LibreOffice 中打开该文件并保存一次（保存时会算出结果），或把公式改为直接填写的数值。",
)  # fmt: skip
def formula_without_value(ctx: Context) -> None:
    view, sheet = ctx.t.sheet, ctx.t.locations.get(TableField.PROJECT_CODE)
    if view is None or sheet is None:
        return
    for cell in view.unknown:
        ctx.emit(
            f"单元格 {cell} 是公式，但文件中没有它的计算结果，无法核对其中的数。",
            location=Location(file=sheet.file, sheet=sheet.sheet, cell=cell),
        )


LIST_SHEET_COLUMN = next(k for k, c in enumerate(LIST.columns, start=1) if c.kind == ListKind.SHEET)


@rule(
    "STRUCT-016", "list-incomplete", "warning", scope=Scope.DOCUMENT,
    title="项目清单与项目表对不上",
    what="工作簿的“项目清单”是否列出了每一张项目表，列出的工作表是否都存在，每一行显示的是否就是它列出的那张表"
    "（复制上一行后只改了表名，公式仍指向原表），项目表是否都在清单的金额合计范围内。",
    why="手工复制或删除、改名项目表后常忘了改清单：清单的指标数、提示数合计漏算，或者显示 #REF!。"
    "预算数、财政资金、其他资金的合计对“公开说明”与隐藏工作表之间的全部项目表求和：复制时选“移至最后”的"
    "项目表落在隐藏工作表之后，金额合计悄悄漏掉它。",
    bad="复制出“7 新项目”，清单里没有这一行", good="每张项目表在清单里有一行",
    fix="在“项目清单”复制上一行，把公式中的工作表名改为新表名；删除或改名了项目表时，同样改清单。"
    "启用宏的模板可用“新增项目”按钮自动完成。",
)  # fmt: skip
def list_incomplete(ctx: Context) -> None:
    for t in ctx.doc.tables:
        if t.sheet_name in ctx.doc.outside_totals:
            first, last = PROJECT_SPAN
            ctx.emit(
                f"工作表“{t.sheet_name}”不在“{first}”与隐藏工作表“{last}”之间：“{LIST_SHEET}”的预算数、财政资金、"
                f"其他资金合计没有计入它。请把这张工作表的标签拖到“{first}”之后、其他项目表旁边。",
                location=t.locations.get(TableField.TITLE),
            )
    listed = ctx.doc.listed_sheets
    if listed is None:
        return
    names = {name for _r, name in listed}
    by_sheet: dict[str, GoalTable] = {}  # sheet name → the table read from it
    for t in ctx.doc.tables:
        title = t.locations.get(TableField.TITLE)
        if title is None or title.sheet is None:
            continue
        by_sheet[title.sheet] = t
        if title.sheet not in names:
            ctx.emit(
                f"工作表“{title.sheet}”没有列入“{LIST_SHEET}”：清单的指标数、提示数合计不含它。",
                location=title,
            )
    shows = {_shows(t): t for t in ctx.doc.tables}
    for r, name in listed:
        at = Location(file=ctx.doc.source, sheet=LIST_SHEET, cell=cell_name(LIST_SHEET_COLUMN, r))
        own, shown = by_sheet.get(name), ctx.doc.listed_shown.get(r, ("", ""))
        other = shows.get(shown) if any(shown) else None
        if own is not None and other is not None and shown != _shows(own):
            ctx.emit(
                f"“{LIST_SHEET}”第{r}行列出工作表“{name}”，显示的却是工作表“{other.sheet_name}”的项目"
                f"（{shown[0] or shown[1]}）：这一行多半是复制来的，公式仍指向“{other.sheet_name}”。"
                f"请把这一行公式中的工作表名改为“{name}”。",
                location=at,
            )
        if name not in by_sheet and name in ctx.doc.other_sheets:
            ctx.emit(
                f"“{LIST_SHEET}”第{r}行列出的工作表“{name}”存在，但已不是完整的项目表（找不到“项目编码”“一级指标”"
                "等标签，多半是表头行被删除了），没有被检查：请恢复删除的行，或从空白项目表重新复制后填写。",
                location=at,
            )
        elif name not in by_sheet:
            ctx.emit(
                f"“{LIST_SHEET}”第{r}行列出的工作表“{name}”不存在（被删除或改名），这一行的公式会显示 #REF!。",
                location=at,
            )


def _shows(t: GoalTable) -> tuple[str, str]:
    """What a 项目清单 row of this table shows of it: (项目编码, 项目名称)."""
    return (t.project_code.strip(), t.project_name.strip())


FORM_FIELDS = (
    TableField.UNIT_CODE,
    TableField.IMPLEMENTER,
    TableField.PROJECT_KIND,
    TableField.PERIOD,
    TableField.LONG_TERM_GOALS,
    TableField.FUNCTIONS,
)


@rule(
    "STRUCT-017", "form-field-blank", "warning",
    kinds=(Layout.NATIONAL, Layout.DEPARTMENT),
    title="申报表或部门整体表中印有的栏目未填写（{实施单位/实施期/中长期目标/部门职能…}）",
    what="项目支出绩效目标申报表、部门整体支出绩效目标表中印有的栏目（单位编码、实施单位、项目属性、实施期、中长期目标、部门职能）是否留空；表式本来没有的栏目不查。",
    why="各地申报表都印有主管部门及编码、实施单位、项目属性、实施期（起止时间）和长期目标（S25 佳县、S23 宁乡、S10 奉节）；"
    "部门整体表的部门职能是判断履职目标是否对应职责的依据（S26 宁德、S27 广水）。印着却空着的栏目审核时会被退回（S5）。",
    bad="“实施期”一栏空白", good="实施期：2024年1月至2026年12月",
    fix="填写该栏目；确实不适用的，填“无”并在备注中说明。",
)  # fmt: skip
def form_field_blank(ctx: Context) -> None:
    t = ctx.t
    for f in FORM_FIELDS:
        if ctx.has(f) and f in t.locations and not getattr(t, f.value):
            ctx.emit(f"“{field_name(f)}”一栏未填写。", field=f)


def _indicator(ctx: Context, fired: Fired) -> Indicator | None:
    k = fired.row.indicator if fired.row is not None else None
    return ctx.t.indicators[k] if k is not None else None
