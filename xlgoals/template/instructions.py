"""The text of the 填表说明 sheet (what each field means, the value conventions, how to check) and
the examples on the hidden _config sheet. Cell addresses come from the layout, the number of rules
from the registry."""

from __future__ import annotations

from xlgoals import layout as L
from xlgoals.config import FILE_ONLY_KEYS, GENERAL_DOCS, PARAMS
from xlgoals.fields import PLAN_POINTS, TableField
from xlgoals.rules.registry import REGISTRY
from xlgoals.rules.satisfaction import SATISFACTION_MIN

_P = L.PROJECT


def _at(f: TableField) -> str:
    return _P.input(f).at.a1.split(":")[0]


_PLAN = f"{_at(PLAN_POINTS[0])}–{_at(PLAN_POINTS[-1])}"
_FLAG_COLUMN = f"{L.column_letter(_P.flag_column)}列"

INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    (
        "用途",
        "本工作簿用于编报项目支出绩效目标表。每个项目一个工作表（“项目清单”列出全部项目及合计）。白色单元格为填写区，灰色为标签（已锁定，无需密码即可撤销保护）。",
    ),
    (
        L.Label.UNIT,
        f"{_at(TableField.UNIT_CODE)} 填6位单位编码（如 316007），{_at(TableField.UNIT_NAME)} 填单位全称。",
    ),
    (
        L.Label.PROJECT_CODE,
        "21位：6位区划代码 + 2位年度 + 类别字母（部门项目为 P）+ 12位编号，例如 13073024P00047410001H。续建项目沿用项目库编码。",
    ),
    (L.Label.PROJECT_NAME, "与预算系统中的项目名称一致，不加文号。"),
    (
        L.Label.BUDGET_TOTAL,
        "单位：万元，保留两位小数。预算数 = 财政资金 + 其他资金；其他资金没有时留空。金额请填数字，不要带“万元”。",
    ),
    (L.Label.FUND_USE, "说明资金具体用于什么（对象、标准、范围），不要只重复项目名称。"),
    (
        L.Label.PLAN,
        f"{_at(TableField.PLAN_MODE)} 选择填写方式：% 或 万元。{_PLAN} 填截至3月底、6月底、10月底、12月底的累计数，应逐期不减少；12月底应为100%（或等于预算数）。百分比请输入“30%”（或 0.3），不要输入 30：格子按百分比显示，30 会成为 3000%。",
    ),
    (
        L.Label.GOALS,
        "写清本年度预期的产出和效果，尽量量化（数量、质量、时效、成本），分条编号（1. 2. …）。不要只写“专款专用”等资金管理要求，不要保留“目标内容1”之类的模板文字。",
    ),
    (
        "指标体系",
        "一级指标：产出指标、效益指标、满意度指标（2021年体系另有成本指标为一级）。产出指标下须有数量、质量、时效、成本指标；效益指标至少一项；满意度指标填服务对象满意度指标。一级指标只能从下拉框选择（输入其他文字会被拒绝）；二级指标下拉框随一级指标变化，输入列表外的名称时会先询问。粘贴的内容不受下拉框限制，点“校验”会检查。",
    ),
    (
        "指标值写法",
        "定量指标写“比较符+数值+单位”：≥95%、≤350万元、≥1000人、≤3个月。比较符用 ≥ ≤ = > <；比率、满意度用 %，不要写“百分比”；金额写“万元”，不要只写“万”。",
    ),
    (
        "成本指标",
        "写总成本（≤预算数，单位万元）或单位成本（如 ≤1152元/人/年），用“≤”，不用“≥”；不得超过预算数。名称为“人均/标准/单价”时应填单位成本，而不是项目总额。",
    ),
    ("满意度指标", f"写成“≥90%”这样的百分比，一般不低于{SATISFACTION_MIN.default}%。"),
    (
        "时效指标",
        "名称为“…率”时填百分比（如 ≥95%）；名称为“…时间/期限”时填日期或期限（如 12月31日前、≤3个月）。",
    ),
    (
        "定性指标",
        "无法量化时可用定性表述，但应分级分档（如“达成年度指标”），避免“进一步提高”“得到增强”等模糊说法。",
    ),
    (
        L.Label.BASIS,
        "说明指标值从何而来：年初工作计划、调查结果、历史依据、政策文件等（下拉框为建议，可自行填写）。",
    ),
    (
        f"{L.Label.FLAG}列（{_FLAG_COLUMN}）",
        f"{_FLAG_COLUMN}实时显示本行问题：必填项未填、预算数不等于财政资金+其他资金、支出计划下降或12月底不为100%、指标值未填、满意度低于80%、指标值没有单位（如“≥500”）等。表格底部“{L.Label.FOOTER}”汇总提示数。",
    ),
    (
        "增加指标行",
        "预留的空行够用时直接往下填，指标中间不要留空行。不够时在指标区中间（不要在最后一个指标行之下）插入行："
        "右键行号 → 插入；再把上一行的 B 列到 M 列（含提示列的公式）复制、粘贴到新行，然后改写内容。"
        "Excel 和 WPS 也可复制整行后右键“插入复制的单元格”。删除多余的行：右键行号 → 删除。",
    ),
    (
        "增加项目",
        "启用宏的 Excel 模板：点“新增项目”按钮。WPS、LibreOffice 或 .xlsx：右键最后一个项目表的标签 → "
        "移动或复制 → 勾选“建立副本”，位置选某个项目表（不要选“移至最后”）；清空复制出的内容后填写，"
        f"再到“{L.LIST_SHEET}”：右键“合计”行的行号 → 插入行，把上一行复制粘贴到新行，选中新行用查找和替换"
        "（Ctrl+H；LibreOffice 勾选“仅当前选择”）把旧表名全部替换为新表名，改好序号。"
        f"“{L.LIST_SHEET}”的预算数、财政资金、其他资金合计自动包含“{L.PROJECT_SPAN[0]}”之后的全部项目表。",
    ),
    (
        "完整校验",
        f"完整校验（{len(REGISTRY)}条规则：编码、金额、指标体系、指标值、满意度、成本等）：在装有 xlgoals 的电脑上运行 xlgoals check 文件.xlsx；或在启用宏的模板中点击“校验”按钮，结果列在“校验结果”工作表，并在单元格上标色、加批注。",
    ),
    (
        "WPS / LibreOffice",
        "本模板可在 WPS 和 LibreOffice 中填写，提示列和合计同样实时计算；表内按钮需要 Excel。同样的四个按钮："
        "WPS 用“绩效目标”加载项，LibreOffice 用 xlgoals.oxt 扩展（都从本单位的校验网页下载）；"
        "也可用浏览器打开校验网页上传本文件，或运行命令行 xlgoals check。",
    ),
)


def config_examples() -> list[tuple[str, str]]:
    """The hidden _config sheet's rows: every setting a workbook can make, commented out."""
    rows = [("# 校验配置", "A列写配置项，B列写值；以 # 开头的行不生效。命令行 --config 的设置优先于本表。")]
    for key, (doc, example) in GENERAL_DOCS.items():
        if key in FILE_ONLY_KEYS:
            continue
        name = "severity.VAL-003" if key == "severity" else key
        rows.append((f"# {name}", f"{doc}，如 {example.split(' = ')[-1]}"))
    rows += [(f"# {p.name}", f"{p.doc}，默认 {p.shown()}") for p in PARAMS.values()]
    return rows
