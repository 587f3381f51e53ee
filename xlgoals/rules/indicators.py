"""IND: indicator text quality (相关性)."""

from __future__ import annotations

import re

from xlgoals.fields import IndicatorField
from xlgoals.model import GoalTable
from xlgoals.rules.common import clean, l1, l2, quote, rows
from xlgoals.rules.registry import Context, Family, Param, rule
from xlgoals.values import DOC_NUMBER

FAMILY = Family("IND", "指标文字")
GENERIC_NAMES = Param(
    "generic_names",
    [
        "完成率",
        "社会稳定水平",
        "及时性",
        "成本利用率",
        "质量达标率",
        "任务完成率",
        "维护社会稳定",
        "促进经济发展",
        "促进社会发展",
        "促进经济社会发展",
        "社会效益",
        "经济效益",
        "生态效益",
        "可持续影响",
    ],
    "空泛、无法考核的三级指标名称",
    list[str],
)
BOILERPLATE_NAMES = Param(
    "boilerplate_names",
    [
        "年度服务部门数量",
        "发票损耗率",
        "新增粮食产能",
        "社保费征缴率",
        "牌照预算资金使用率",
        "各类经贸信息资讯总数",
        "促成贸易成交额",
        "累计随团出访的企业数",
        "重点税税源轮查率",
        "审计通知书送达率",
        "试验区对改革试验成效的满意度",
        "科研人员满意度",
        "棚改拆迁居民满意度",
        "各级教育学校满意度",
    ],
    "常见的套用模板、与项目无关的指标",
    list[str],
)

ECOLOGY = re.compile(r"生态|环境|绿色|节能|低碳|排放|节约(用)?(水|电|能源|资源|用纸|纸张)")
SATISFIED = re.compile(r"满意|投诉|认可|评价|好评|认同|获得感|幸福感")
PROCESS = re.compile(r"预算执行|执行率|资金完成率|拨款保障率|到位率")
YEAR = re.compile(r"(20\d{2})\s*年")
COMPARISON_BEFORE = (
    "较",
    "比",
    "与",
    "同",
    "对比",
    "相比",
    "高于",
    "低于",
    "超过",
    "不低于",
    "不少于",
    "占",
    "以",
    "按",
)
COMPARISON_AFTER = ("相比", "为基数", "基数", "水平", "同期", "基础上", "比较")
NAME_SUFFIX = re.compile(r"(县级配套资金|县级配套|县配套资金|县配套|配套资金|补助资金|专项资金|资金|经费)$")


@rule(
    "IND-001", "desc-equals-name", "info",
    needs=(IndicatorField.DESCRIPTION,),
    title="绩效指标描述与三级指标名称相同，未说明口径/计算方法",
    what="绩效指标描述是否只是重复三级指标名称。",
    why="描述应说明统计口径或计算方法；000 中17/40行、002 中46/48行照抄名称。",
    bad="三级指标“养老金发放准确率”，描述“养老金发放准确率”", good="描述“准确发放人数/应发放人数×100%”",
    fix="在描述中写明计算方法或口径（分子/分母、统计范围、数据来源）。",
)  # fmt: skip
def desc_equals_name(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if ind.description.strip() and clean(ind.description) == clean(ind.name):
            ctx.emit(
                f"绩效指标描述与三级指标名称相同：{quote(ind.name)}。",
                indicator=(k, ind),
                field=IndicatorField.DESCRIPTION,
            )


@rule(
    "IND-002", "name-truncated", "warning",
    title="三级指标名称疑似被截断",
    what="较长的三级指标名称是否是描述的开头一段、在句中被截断。",
    why="004 中9个名称都正好15个字、在句中断开（如“逐步促进了解河势变化及对防洪、”）。",
    bad="三级指标“逐步促进了解河势变化及对防洪、”", good="三级指标“河势变化监测”",
    fix="三级指标写简短完整的名称，具体内容放到绩效指标描述中。",
)  # fmt: skip
def name_truncated(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        name, desc = ind.name.strip(), ind.description.strip()
        if len(name) >= 12 and desc != name and desc.startswith(name) and desc[len(name)] not in "=（(:：，,":
            ctx.emit(
                f"三级指标名称{quote(name)}疑似被截断（描述为{quote(desc, 40)}）。",
                indicator=(k, ind),
                field=IndicatorField.NAME,
            )


@rule(
    "IND-003", "generic-name", "warning",
    title="指标名称空泛（如“完成率”“社会稳定水平”“及时性”“成本利用率”），无法考核",
    what="三级指标名称是否在空泛名称清单中（可配置 generic_names）。",
    why="S14“模糊化”；002 第172行“完成率”、第200行“社会稳定水平”。",
    bad="完成率", good="年度培训任务完成率",
    fix="写明是什么的完成率/及时率：对象 + 指标，如“低保金发放及时率”。",
    params=(GENERIC_NAMES,),
)  # fmt: skip
def generic_name(ctx: Context) -> None:
    names: list[str] = ctx.param(GENERIC_NAMES)
    generic = set(names)
    for k, ind in rows(ctx.t):
        if clean(ind.name) in generic:
            ctx.emit(
                f"指标名称{quote(ind.name)}过于空泛，无法考核。",
                indicator=(k, ind),
                field=IndicatorField.NAME,
            )


@rule(
    "IND-004", "boilerplate-indicator", "warning",
    title="指标与项目内容无关（疑似套用模板）：{z}",
    what="三级指标是否属于常见的套用模板指标（清单可配置 boilerplate_names）。",
    why="S3（相关性）、S14；004 中9张表套用了“年度服务部门数量”等与项目无关的指标。",
    bad="防汛经费项目中的“年度服务部门数量”", good="防汛物资储备数量、汛期巡查次数",
    fix="删除与本项目无关的指标，按项目实际产出和效果重新设置。",
    params=(BOILERPLATE_NAMES,),
)  # fmt: skip
def boilerplate(ctx: Context) -> None:
    names: list[str] = ctx.param(BOILERPLATE_NAMES)
    black = set(names)
    for k, ind in rows(ctx.t):
        if clean(ind.name) in black:
            ctx.emit(
                f"指标{quote(ind.name)}与项目内容无关，疑似套用模板。",
                indicator=(k, ind),
                field=IndicatorField.NAME,
            )


@rule(
    "IND-005", "wrong-level2-class", "warning",
    title="指标可能归错二级分类（含以满意度代替效益）",
    what="关键词判断：含“满意”的指标不在满意度指标下，或满意度指标下的指标不是满意度（不含“满意”“投诉”“认可”“评价”“好评”）；效益指标中含“可持续/年限/期限”不在可持续影响下、含“生态/环境/绿色/节能/节约”不在生态效益下。",
    why="S15“质量指标与效益指标混淆……将满意度指标代替效益指标”；001 第1098–1119行。",
    bad="社会效益指标 › 群众满意度", good="满意度指标 › 服务对象满意度指标 › 群众满意度",
    fix="把指标移到对应的二级指标下；满意度只放在满意度指标中，效益指标写项目带来的效果。",
)  # fmt: skip
def wrong_level2(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        name, a, b = ind.name, l1(ind), l2(ind)
        target = ""
        if "满意" in name and a != "满意度指标":
            target = "满意度指标 › 服务对象满意度指标"
        elif a == "满意度指标" and name and not SATISFIED.search(name):
            target = "产出指标或效益指标（满意度指标只放满意度）"
        elif a == "效益指标" and re.search(r"可持续|年限|期限", name) and b != "可持续影响指标":
            target = "可持续影响指标"
        elif a == "效益指标" and ECOLOGY.search(name) and b != "生态效益指标":
            target = "生态效益指标"
        if target:
            ctx.emit(
                f"指标{quote(name)}放在“{ind.level1} › {ind.level2}”下，可能应归入{target}。",
                indicator=(k, ind),
                field=IndicatorField.LEVEL2,
            )


@rule(
    "IND-006", "process-indicator", "warning",
    title="预算执行率/资金到位率/拨款保障率等过程性指标不应作为成本、数量或效益指标",
    what="预算执行率、资金到位率等过程性指标是否被放在成本指标、数量指标或经济/社会效益指标下。",
    why="S15（指标混淆）；002 中6行、003 第587行。",
    bad="成本指标 › 预算执行率（%）", good="成本指标 › 人均补助标准 ≤1152元/人/年",
    fix="预算执行率另有专门考核；成本指标写总成本或单位成本，效益指标写项目产生的效果。",
)  # fmt: skip
def process_indicator(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if PROCESS.search(ind.name) and l2(ind) in (
            "成本指标",
            "经济成本指标",
            "数量指标",
            "经济效益指标",
            "社会效益指标",
        ):
            ctx.emit(
                f"过程性指标{quote(ind.name)}不应作为{ind.level2}。",
                indicator=(k, ind),
                field=IndicatorField.NAME,
            )


def _distinctive(t: GoalTable) -> list[str]:
    out = []
    core = NAME_SUFFIX.sub("", clean(DOC_NUMBER.sub("", t.project_name)))
    if len(core) >= 6:
        out.append(core)
    use = clean(t.fund_use)
    if 8 <= len(use) <= 30:
        out.append(use)
    return out


@rule(
    "IND-007", "copied-from-other-project", "warning",
    title="描述中出现其他项目的内容（疑似复制粘贴）",
    what="三级指标或描述中是否出现本文档另一项目的名称或资金用途（本项目自身文字中没有的部分）。",
    why="000 第87行：城乡居民养老保险项目的成本指标描述写的是“企业养老保险上解风险储备金”。",
    bad="城乡居民养老保险项目中“企业养老保险上解风险储备金是否超出预算”", good="描述本项目的内容",
    fix="核对该指标是否从其他项目复制，改为本项目的内容。",
)  # fmt: skip
def copied_from_other(ctx: Context) -> None:
    t = ctx.t
    index = ctx.shared("IND-007", lambda: _DistinctiveIndex(ctx.doc.tables))
    own = clean(t.project_name + t.fund_use + "".join(t.goals) + t.title)
    for k, ind in rows(t):
        found = index.first_in(clean(ind.name + ind.description), t, own)
        if found is not None:
            other, c = found
            ctx.emit(
                f"指标{quote(ind.name)}中出现另一项目（{other.label}）的内容{quote(c)}，疑似复制。",
                indicator=(k, ind),
                field=IndicatorField.DESCRIPTION,
            )


class _DistinctiveIndex:
    """Every table's distinctive strings (``_distinctive``, at least 6 characters), found in a text by
    their first characters: a document of n tables costs n, not n² (a 2 MB text of 880 tables took
    minutes)."""

    KEY = 6

    def __init__(self, tables: list[GoalTable]) -> None:
        self.owners: dict[str, list[tuple[int, GoalTable]]] = {}  # string → the tables that have it, in order
        self.by_key: dict[str, set[str]] = {}
        order = 0
        for table in tables:
            for c in _distinctive(table):
                self.owners.setdefault(c, []).append((order, table))
                self.by_key.setdefault(c[: self.KEY], set()).add(c)
                order += 1

    def first_in(self, text: str, table: GoalTable, own: str) -> tuple[GoalTable, str] | None:
        """The first (in document order) other table's string that ``text`` holds and ``own`` does not."""
        best: tuple[int, GoalTable, str] | None = None
        for i in range(len(text) - self.KEY + 1):
            for c in self.by_key.get(text[i : i + self.KEY], ()):
                if not text.startswith(c, i) or c in own:
                    continue
                first = next(((o, tb) for o, tb in self.owners[c] if tb is not table), None)
                if first is not None and (best is None or first[0] < best[0]):
                    best = (first[0], first[1], c)
        return (best[1], best[2]) if best is not None else None


@rule(
    "IND-008", "stale-year", "info",
    title="指标文字引用往年年份（如“2023年”）",
    what="三级指标或描述中是否出现早于预算年度的年份（作比较基数的写法如“较2023年”“与2023年相比”不算）。",
    why="001 第2263、2823、2837、3020行沿用了往年表格的年份。",
    bad="2024年预算表中“2023年城乡居民医疗保险补助人数”", good="“2024年…”，或“较2023年提高”",
    fix="把往年年份改为预算年度；确是与往年比较的，写成“较2023年…”。",
)  # fmt: skip
def stale_year(ctx: Context) -> None:
    year = ctx.budget_year()
    if not year:
        return
    for k, ind in rows(ctx.t):
        for fld in (IndicatorField.NAME, IndicatorField.DESCRIPTION):
            text = getattr(ind, fld.value)
            for m in YEAR.finditer(text):
                y = int(m.group(1))
                before, after = text[max(0, m.start() - 3) : m.start()], text[m.end() : m.end() + 4]
                if (
                    y >= year
                    or any(before.endswith(w) for w in COMPARISON_BEFORE)
                    or any(after.startswith(w) for w in COMPARISON_AFTER)
                ):
                    continue
                ctx.emit(
                    f"指标文字引用往年年份“{y}年”（预算年度为{year}年）：{quote(text)}。",
                    indicator=(k, ind),
                    field=fld,
                )
                break
            else:
                continue
            break


NOT_A_NAME = re.compile(r"^[\d\s.,%％、…。\-—·*＊]+$")


@rule(
    "IND-009", "name-not-words", "warning",
    title="三级指标名称只有数字或符号，不是指标",
    what="三级指标名称是否只是数字、百分数或符号（如“88”“…”），没有说明考核什么。",
    why="S23 宁乡市坝塘镇2021年的表中，各二级指标下只填了“88”“100”这样的数字，看不出考核什么；"
    "这种表无法审核，也无法在年底自评。",
    bad="数量指标 › 三级指标“88” › 指标值“100”", good="数量指标 › 村道硬化里程 › ≥12公里",
    fix="把三级指标写成要考核的事项（如“村道硬化里程”），数字写到指标值里。",
)  # fmt: skip
def name_not_words(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if ind.name.strip() and NOT_A_NAME.match(ind.name):
            ctx.emit(
                f"三级指标名称{quote(ind.name)}只有数字或符号，看不出考核什么。",
                indicator=(k, ind),
                field=IndicatorField.NAME,
            )


@rule(
    "IND-010", "name-placeholder", "error",
    title="指标名称含模板占位符“**”",
    what="三级指标名称中是否还留着模板的占位符“**”（如“培训人数（≥**人）”）。",
    why="各地公开表中可见套用模板未改的“(≥**个)”“(≥**株)”写在指标名称里。",
    bad="新建村道（≥**公里）", good="新建村道里程",
    fix="删去名称中的占位符：数值写到指标值里（如“≥12公里”），名称只写考核什么。",
)  # fmt: skip
def name_placeholder(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if "**" in ind.name or "＊＊" in ind.name:
            ctx.emit(
                f"指标名称{quote(ind.name)}含模板占位符“**”。", indicator=(k, ind), field=IndicatorField.NAME
            )
