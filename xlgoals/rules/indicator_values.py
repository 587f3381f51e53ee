"""VAL: indicator values (细化量化/适当性)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated

from pydantic import Field

from xlgoals.fields import IndicatorField
from xlgoals.findings import Severity
from xlgoals.layout import field_name
from xlgoals.rules.common import l2, quote, rate_name, rows, strip_parenthetical
from xlgoals.rules.registry import Context, Family, Param, rule
from xlgoals.values import Form, Kind, Norm

FAMILY = Family("VAL", field_name(IndicatorField.VALUE))
SAME_VALUE_RATIO = Param(
    "same_value_ratio",
    0.8,
    "一张表中指标值相同的行所占比例达到多少即报告",
    Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)],
)
SAME_VALUE_MIN_ROWS = Param(
    "same_value_min_rows", 5, "至少有多少行指标才检查指标值是否都相同", Annotated[int, Field(ge=2, le=10_000)]
)

NEGATIVE = re.compile(
    r"受害|事故|投诉|发生|损失|重复|虚报|差错|违规|违纪|死亡|伤亡|超标|不合格|失误|案件|火灾"
)
GROWTH = re.compile(r"增长|增幅|增加|提高|提升|扩大|增速|比率$")
VAGUE = re.compile(
    r"^(进一步|较上年|得到|有所|逐步|基本|明显|有效|不断|持续|大幅|稳步)|^(提升|提高|增强|改善|降低|减少|减轻|节约|促进|保障)$|有利于|利于"
)
UNIT_TOKEN = re.compile(
    r"^(%|‰|百分比|元|万元|亿元|人|人次|万人|万人次|户|个|次|场|场次|天|日|月|年|个月|小时|公里|千米|米|平方米|亩|万亩|公顷|吨|万吨|公斤|千克|斤|立方米|千瓦|兆瓦|件|卷|页|万页|台|套|家|所|项|份|册|本|篇|床|辆|座|处|条|批|期|班|课时|学时|分|村|元/.+|-|—|－)$"
)
QTY_NAME = re.compile(r"数量|人数|个数|次数|户数|村数|场次|人次")
UNIT_FAMILIES = (
    (re.compile(r"人数$|人数[（(]|人员数"), ("人", "人次", "万人", "万人次", "名")),
    (re.compile(r"户数"), ("户", "万户")),
    (re.compile(r"村数|村庄数"), ("个", "村")),
)


@rule(
    "VAL-001", "value-baifenbi", "error",
    title="指标值单位写成“百分比”，应为“%”（疑为系统默认值未修改）",
    what="指标值或度量单位中是否出现“百分比”字样。",
    why="“百分比”是预算一体化系统的单位标签（002 中37行、004 中87行，外省 S20 也有），多为默认值未修改。",
    bad="≥95百分比", good="≥95%",
    fix="把“百分比”改为“%”，并逐项核实该指标值确实是本项目的目标（不是系统默认值）。",
)  # fmt: skip
def value_baifenbi(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if "百分比" in ind.value_raw:
            ctx.emit(f"指标值{quote(ind.value_raw)}的单位写成“百分比”，应为“%”。", indicator=(k, ind))
        elif "百分比" in ind.unit_column:
            ctx.emit(
                f"度量单位写成{quote(ind.unit_column)}，应为“%”。",
                indicator=(k, ind),
                field=IndicatorField.UNIT_COLUMN,
            )


@rule(
    "VAL-002", "values-all-same", "warning",
    title="本项目所有指标值相同（如全部“≥95百分比”），疑似未逐项设置",
    what="一张表中是否有大部分行（same_value_ratio，至少 same_value_min_rows 行）指标值完全相同。",
    why="004 中9张表全部“≥95百分比”，002 中6张表全部“100百分比”：系统默认值未逐项修改。",
    bad="9行指标值都是“≥95百分比”", good="每个指标按其含义设置目标值和单位",
    fix="逐项设置指标值：数量指标写数量，时效指标写时间或及时率，成本指标写金额。",
    params=(SAME_VALUE_RATIO, SAME_VALUE_MIN_ROWS),
)  # fmt: skip
def values_all_same(ctx: Context) -> None:
    vals = [(k, i) for k, i in rows(ctx.t) if i.value_raw.strip()]
    if len(vals) < ctx.param(SAME_VALUE_MIN_ROWS):
        return
    ((value, n),) = Counter(i.value_raw.strip() for _, i in vals).most_common(1)
    if n / len(vals) >= ctx.param(SAME_VALUE_RATIO):
        k, ind = next((k, i) for k, i in vals if i.value_raw.strip() == value)
        ctx.emit(
            f"本项目{len(vals)}行指标中有{n}行指标值都是{quote(value)}，疑似未逐项设置。", indicator=(k, ind)
        )


@rule(
    "VAL-003", "operator-missing", "warning",
    title="定量指标缺少比较符，或比较符不合法",
    what="定量指标值（数字+单位）前是否有比较符 ≥ ≤ = > <（平铺格式看指标值类型列）。",
    why="S11、S12 把比较符作为必填列；672行河北指标中109行没有比较符，无法判断是下限还是上限。",
    bad="2个、100%、390元", good="≥2个、=100%、≤390元",
    fix="在数值前加比较符：数量、比率一般用“≥”，成本用“≤”，确定值用“=”。",
)  # fmt: skip
def operator_missing(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        v = ind.value
        if v.form == Form.NUMBER and v.kind == Kind.QUANT and not v.op:
            ctx.emit(f"定量指标值{quote(ind.value_raw)}缺少比较符（≥ ≤ = > <）。", indicator=(k, ind))


@rule(
    "VAL-004", "ge-100-percent", "warning",
    title="“≥100%”无实际意义，应为“=100%”；比率不得超过100%",
    what="“≥100%”/“>100%”（警告）；非增长类比率的目标值超过100%（错误）。",
    why="比率最大为100%，“≥100%”等于“=100%”（000 第454行、001 第2702行、S18）。",
    bad="资金支付准确率 ≥100%", good="资金支付准确率 =100%",
    fix="目标为全部达到时写“=100%”；比率目标不要超过100%（增长率除外）。",
)  # fmt: skip
def ge_100(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        v = ind.value
        if v.form != Form.NUMBER or v.unit != "%" or v.number is None:
            continue
        if v.number > 100 and not GROWTH.search(ind.name) and rate_name(ind.name):
            ctx.emit(
                f"比率指标{quote(ind.name)}的目标值{quote(ind.value_raw)}超过100%。",
                indicator=(k, ind),
                severity=Severity.ERROR,
            )
        elif v.op in ("≥", ">") and v.number >= 100:
            ctx.emit(
                f"指标值{quote(ind.value_raw)}无实际意义（比率最高100%），应为“=100%”。", indicator=(k, ind)
            )


@rule(
    "VAL-005", "value-formatting", "info",
    title="格式规范化：全角“％”、前后空格、“万”应为“万元”",
    what="指标值中的全角符号、多余空格、ASCII比较符“>=”、“万”缺“元”、千分位逗号。",
    why="000 第67、157、544、558行；统一写法才能汇总和比较。",
    bad="≥90％、 =100%、≤350万", good="≥90%、=100%、≤350万元",
    fix="使用半角 %，去掉空格，比较符用 ≥ ≤，金额单位写“万元”。",
)  # fmt: skip
def value_formatting(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        v = ind.value
        norms = [n for n in v.normalizations if n != Norm.BAIFENBI]
        if norms and ind.value_raw.strip():
            ctx.emit(
                f"指标值{quote(ind.value_raw)}应写作“{v.normalized}”（{'、'.join(n.value for n in norms)}）。",
                indicator=(k, ind),
            )


@rule(
    "VAL-006", "rate-not-percent", "warning",
    title="指标名称为“…率”，但指标值不是百分比",
    what="三级指标名称以“率”结尾（忽略末尾的（%）），指标值却不是%或‰。",
    why="率的目标应是百分比；000 第371行“资金拨付及时率 ≤12个月”。",
    bad="资金拨付及时率 ≤12个月", good="资金拨付及时率 ≥95%，或改名“资金拨付时限 ≤12个月”",
    fix="要么把指标值改为百分比，要么把指标名称改成与指标值一致（如“…时限”“…数量”）。",
)  # fmt: skip
def rate_not_percent(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        v = ind.value
        if rate_name(ind.name) and v.form in (Form.NUMBER, Form.PERIOD, Form.DEADLINE) and not v.is_percent:
            ctx.emit(
                f"指标{quote(ind.name)}是比率，但指标值{quote(ind.value_raw)}不是百分比。", indicator=(k, ind)
            )


@rule(
    "VAL-007", "unit-mismatch", "error",
    title="计量单位与指标名称类型不符",
    what="(a) 数量类名称（数量、人数、个数、次数）用了%；(b) 名称以“时间/日期”结尾却用%；(c) 人数用“个”等单位族不符。",
    why="004 中9行“年度服务部门数量 ≥95百分比”、第358/468/896行“报告完成时间 ≥95百分比”、第566行“发放社区工作者人数 5个”；S12、S13。",
    bad="年度服务部门数量 ≥95%", good="年度服务部门数量 ≥3个",
    fix="按指标名称选单位：人数用“人”，户数用“户”，数量用“个/次/项”，时间用日期或期限。",
)  # fmt: skip
def unit_mismatch(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        v = ind.value
        name = strip_parenthetical(ind.name)
        if v.form != Form.NUMBER or not v.unit:
            continue
        if QTY_NAME.search(name) and v.is_percent and not rate_name(name):
            ctx.emit(f"数量类指标{quote(name)}的指标值{quote(ind.value_raw)}用了百分比。", indicator=(k, ind))
        elif re.search(r"(时间|日期)$", name) and v.is_percent:
            ctx.emit(
                f"时间类指标{quote(name)}的指标值{quote(ind.value_raw)}用了百分比，应为日期或期限。",
                indicator=(k, ind),
            )
        else:
            for pattern, units in UNIT_FAMILIES:
                if pattern.search(name) and not v.is_percent and v.unit not in units:
                    ctx.emit(
                        f"指标{quote(name)}的单位“{v.unit}”与名称不符（应为{'/'.join(units[:2])}）。",
                        indicator=(k, ind),
                    )
                    break


@rule(
    "VAL-008", "quantity-qualitative", "warning",
    title="数量指标应为定量值",
    what="数量指标的指标值是否是文字（定性）。",
    why="S4；000 第537行“全部发放”。",
    bad="数量指标 › 8个学校的供给 › 全部发放", good="≥8个",
    fix="数量指标写数字和单位，如“≥8个”“≥1000人”。",
)  # fmt: skip
def quantity_qualitative(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if l2(ind) == "数量指标" and ind.value.form == Form.TEXT:
            ctx.emit(f"数量指标{quote(ind.name)}的指标值{quote(ind.value_raw)}不是数量。", indicator=(k, ind))


@rule(
    "VAL-009", "quantity-upper-bound", "warning",
    title="数量指标使用“≤/<”，目标方向可能错误",
    what="数量指标用了“≤”或“<”（名称含受害、事故、投诉、发生、损失等负向词的除外）。",
    why="数量目标一般是下限；001 中7行（如第1724行“学生人数 ≤100人”）、003 第83行。反例不报：001 第2788行“受害面积 ≤10公顷”。",
    bad="学生人数 ≤100人", good="学生人数 ≥100人；受害面积 ≤10公顷",
    fix="数量目标通常用“≥”；确是上限（如控制类指标）请在名称中写明（如“…控制数”）。",
)  # fmt: skip
def quantity_upper(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if (
            l2(ind) == "数量指标"
            and ind.value.op in ("≤", "<")
            and not NEGATIVE.search(ind.name + ind.description)
        ):
            ctx.emit(
                f"数量指标{quote(ind.name)}用了“{ind.value.op}”（{ind.value_raw}），目标方向可能错误。",
                indicator=(k, ind),
            )


@rule(
    "VAL-010", "vague-qualitative", "info",
    title="定性指标表述模糊（“提升”“得到增强”等），建议分级分档或改为定量",
    what="定性指标值是否是“进一步提高”“得到增强”“较上年提升”等模糊说法。",
    why="S4“定性的分级分档形式表述”、S14“模糊化”；河北表中126行。",
    bad="提升、得到增强、较上年提高", good="“达成年度指标”，或量化为“≥5%”",
    fix="能量化的改为定量；不能量化的写分级目标（如“达成年度指标/部分达成/未达成”）。",
)  # fmt: skip
def vague(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        v = ind.value
        if v.form == Form.TEXT and VAGUE.search(v.normalized):
            ctx.emit(f"定性指标值{quote(ind.value_raw)}表述模糊，难以考核。", indicator=(k, ind))


@rule(
    "VAL-011", "value-placeholder", "error",
    title="指标值含模板占位符“**”",
    what="指标值中是否还留着模板的占位符“**”。",
    why="S17、S19 的公开表中出现“≥**%”“(≥**株)”。",
    bad="≥**%", good="≥90%",
    fix="把“**”替换成本项目的目标数值。",
)  # fmt: skip
def value_placeholder(ctx: Context) -> None:
    for fired in ctx.live():
        assert fired.row is not None and fired.row.indicator is not None
        ind = ctx.t.indicators[fired.row.indicator]
        ctx.emit_live(fired, f"指标值{quote(ind.value_raw)}含模板占位符“**”。")


@rule(
    "VAL-012", "value-contradicts-explanation", "warning",
    needs=(IndicatorField.DESCRIPTION,),
    title="指标值与“指标值内容/说明”矛盾",
    what="指标值的方向（≥/≤）与说明文字（不少于/不超过）是否相反。",
    why="003 第41行：指标值“842.07 ≤”，说明却是“不少于500万元”。",
    bad="≤842.07万元，说明“不少于500万元”", good="≤842.07万元，说明“控制在842.07万元以内”",
    fix="核对目标方向，使指标值和说明一致。",
)  # fmt: skip
def value_contradicts(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        op, desc = ind.value.op, ind.description
        if op in ("≤", "<") and re.search(r"不少于|不低于|至少", desc):
            ctx.emit(
                f"指标值为上限“{ind.value.normalized}”，说明却是下限：{quote(desc)}。", indicator=(k, ind)
            )
        elif op in ("≥", ">") and re.search(r"不超过|不高于|不得超过|控制在.{0,12}(以内|之内)", desc):
            ctx.emit(
                f"指标值为下限“{ind.value.normalized}”，说明却是上限：{quote(desc)}。", indicator=(k, ind)
            )


@rule(
    "VAL-013", "unit-column", "error",
    needs=(IndicatorField.UNIT_COLUMN,),
    title="度量单位列填写了文字或与指标值类型矛盾",
    what="平铺格式的度量单位列是否是单位（%、万元、人…），定性指标是否又填了单位。",
    why="003 第265行度量单位填“每月按时发放”，第111/419/573行“定性”却填“月”。",
    bad="度量单位“每月按时发放”", good="度量单位“%”，定性指标填“-”",
    fix="度量单位只填单位；定性指标的度量单位填“-”或留空。",
)  # fmt: skip
def unit_column(ctx: Context) -> None:
    if not ctx.has(IndicatorField.UNIT_COLUMN):
        return
    for k, ind in rows(ctx.t):
        unit = ind.unit_column.strip()
        if not unit or unit == "无":
            continue
        if not UNIT_TOKEN.match(unit):
            ctx.emit(
                f"度量单位填写了文字{quote(unit)}。", indicator=(k, ind), field=IndicatorField.UNIT_COLUMN
            )
        elif ind.value_type.strip() == "定性" and unit not in ("-", "—", "－"):
            ctx.emit(
                f"指标值类型为“定性”，却填写了度量单位“{unit}”。",
                indicator=(k, ind),
                field=IndicatorField.UNIT_COLUMN,
            )


@rule(
    "VAL-014", "value-no-unit", "warning",
    title="定量指标值只有数字，没有计量单位",
    what="数量、质量、时效、效益指标的指标值是否只有比较符和数字（“≥500”“10”），没有单位（人、个、公里、%…），"
         "也没有单独的计量单位列；名称为“…率”的由 VAL-006 报告，满意度由 SAT 规则报告。",
    why="只有数字无法考核：500 是人、户还是公里？各地公开表中可见“10”“180”“≥500”这样的指标值。",
    bad="培训人次 ≥500", good="培训人次 ≥500人次",
    fix="在数字后写上计量单位（如“≥500人次”“≥12公里”）；百分比写“%”。",
)  # fmt: skip
def value_no_unit(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        v = ind.value
        if v.form != Form.NUMBER or v.unit or v.is_percent or ind.unit_column.strip():
            continue
        # 满意度 is SAT's: by its 二级 or name (or its 一级 where no 二级 is given — the sheet's row
        # formula cannot see the 一级 of a merged block, and marks by the 二级 alone)
        if (
            rate_name(ind.name)
            or "满意" in ind.level2 + ind.name
            or (not ind.level2.strip() and "满意" in ind.level1)
        ):
            continue
        ctx.emit(f"指标{quote(ind.name)}的指标值{quote(ind.value_raw)}没有计量单位。", indicator=(k, ind))
