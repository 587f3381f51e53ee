"""The labels other tables print, and which field of ours each one names: the synonym table of the
label-search reader (``formats.labelled``), in one place.

Tables from other counties, the national 项目支出绩效目标申报表, the 部门整体支出绩效目标表 and
workbooks exported from the 预算管理一体化 system say what their cells are, each in its own words
("主管部门" where we say 预算单位, "年度资金总额" for 预算数, "权重" for 分值). A region with other
words adds them in ``xlgoals.toml``::

    [labels]
    "budget.total" = ["年度预算申请数"]
    name = ["绩效指标名称"]

Keys are the field names of docs/document-json.md (``xlgoals rules`` lists them too); values are
added to the defaults below, never replace them. Labels are compared without white space, with
full-width colons and brackets, and without a trailing colon or money unit ("资金总额（万元）：").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import BUDGET_FIELDS, PLAN_POINTS, IndicatorField, MetaField, TableField
from xlgoals.layout import FLAT_COLUMNS, Label, field_name, label_key

Target = TableField | IndicatorField

# Sources a form lists one by one that together are our 其他资金 (预算数 = 财政资金 + 其他资金).
OTHER_PARTS = ("自有资金", "事业收入", "经营性收入", "经营收入", "上级补助收入", "其他收入", "其他")

# The words other forms use for each header field, after our own (``_own``), in order of preference:
# where a table has two labels of one field, the earlier wins.
FOREIGN_HEADER: dict[TableField, tuple[str, ...]] = {
    TableField.UNIT_NAME: (
        "预算单位名称",
        "主管部门",
        "主管部门名称",
        "主管部门及编码",
        "预算部门",
        "部门名称",
        "部门（单位）名称",
        "部门（单位）",
        "业务主管部门",
        "填报单位",
        "填报单位（盖章）",
    ),
    TableField.UNIT_CODE: (
        "主管部门编码",
        "主管部门代码",
        "部门编码",
        "部门代码",
        "部门预算编码",
        "预算单位编码",
        "预算单位代码",
    ),
    TableField.PROJECT_NAME: ("项目支出名称", "专项名称"),
    TableField.PROJECT_CODE: ("项目代码", "项目编号"),
    TableField.IMPLEMENTER: ("项目实施单位", "项目单位", "实施主体", "项目承担单位"),
    TableField.PROJECT_KIND: ("项目性质", "项目类型", "项目分类", "项目类别"),
    TableField.PERIOD: ("项目实施期", "项目起止时间", "建设周期", "项目期限", "实施周期", "项目实施时间"),
    TableField.BUDGET_TOTAL: (
        "年度资金总额",
        "年度预算",
        "年度预算数",
        "当年年度预算",
        "年度预算总额",
        "项目资金总额",
        "部门整体预算",
        "预算总额",
        "收入合计",
        "总额",
        "合计",
    ),
    TableField.BUDGET_FISCAL: ("财政拨款", "其中：财政拨款", "财政拨款资金"),
    TableField.BUDGET_OTHER: ("其它资金", "其中：其他资金", "其中：其它资金", "自有资金及其他", *OTHER_PARTS),
    TableField.FUND_USE: ("主要用途",),
    TableField.GOALS: (
        "年度目标",
        "年度绩效目标",
        "本年度目标",
        "年度总体目标",
        "年度履职目标",
        "年度目标任务",
        "年度主要目标和成果",
        "年度主要任务",
        "整体绩效目标",
        field_name(MetaField.DEPARTMENT_GOALS),
    ),
    TableField.LONG_TERM_GOALS: ("长期目标", "实施期目标", "项目总体绩效目标", "总目标", "中长期绩效目标"),
    TableField.FUNCTIONS: ("部门职能概述", "单位职能概述", "部门职责", "主要职能"),
}
FOREIGN_COLUMNS: dict[IndicatorField, tuple[str, ...]] = {
    IndicatorField.NAME: ("指标名称", "指标内容", "具体指标", "三级指标名称"),
    IndicatorField.DESCRIPTION: ("指标描述",),
    IndicatorField.VALUE: (
        "目标值",
        "绩效指标值",
        "年度指标值",
        "指标目标值",
        "预期指标值",
        "当年预期实现值",
        "指标值及单位",
        "指标值（年度）",
        "年度目标值",
        "全年指标值",
    ),
    IndicatorField.BASIS: ("确定依据", "指标值设定依据"),
    IndicatorField.UNIT_COLUMN: ("计量单位",),
    IndicatorField.VALUE_TYPE: ("指标性质", "指标方向"),
    IndicatorField.SCORE: ("权重", "权重（分值）", "指标权重", "分值（权重）"),
    IndicatorField.SCORING_RULE: ("评（计）分标准", "评分标准", "计分标准", "扣分标准"),
    IndicatorField.EXPLANATION: ("指标说明", "指标值说明", "绩效标准"),
    IndicatorField.ACTUAL: ("全年实际值", "年度实际完成值", "实际值", "完成值", "实际完成情况"),
    IndicatorField.SCORED: ("自评得分",),
    IndicatorField.DEVIATION: ("偏差原因分析", "偏差原因", "未完成原因", "原因分析及改进措施"),
}
# Our own labels of a field besides its name: the printed labels of the Hebei table.
_PRINTED: dict[TableField | IndicatorField, tuple[str, ...]] = {
    TableField.UNIT_NAME: (Label.UNIT,),
    TableField.BUDGET_FISCAL: (Label.BUDGET_FISCAL,),
    **{p: (label,) for p, label in zip(PLAN_POINTS, Label.PLAN_POINTS, strict=True)},
    IndicatorField.SCORING_RULE: (Label.SCORING_RULE,),
}


# The flat layout's 分值 column is headed 备注; in other forms 备注 is a remark, not a score.
_FLAT_ONLY = frozenset(label for label, g in FLAT_COLUMNS if g == IndicatorField.SCORE)


def _own(f: TableField | IndicatorField) -> tuple[str, ...]:
    """Our words for a field: the Hebei table's printed label, its name, the flat layout's column."""
    flat = tuple(label for label, g in FLAT_COLUMNS if g == f and label not in _FLAT_ONLY)
    return (*_PRINTED.get(f, ()), field_name(f), *flat)


HEADER_FIELDS = (
    TableField.UNIT_NAME,
    TableField.UNIT_CODE,
    TableField.PROJECT_NAME,
    TableField.PROJECT_CODE,
    TableField.IMPLEMENTER,
    TableField.PROJECT_KIND,
    TableField.PERIOD,
    *BUDGET_FIELDS,
    TableField.FUND_USE,
    *PLAN_POINTS,
    TableField.GOALS,
    TableField.LONG_TERM_GOALS,
    TableField.FUNCTIONS,
)
# Header fields: the cell after the label (or below a row of labels) holds the value.
HEADER_LABELS: dict[TableField, tuple[str, ...]] = {
    f: (*_own(f), *FOREIGN_HEADER.get(f, ())) for f in HEADER_FIELDS
}
# Columns of an indicator table: the cells below the header row hold the values.
INDICATOR_LABELS: dict[IndicatorField, tuple[str, ...]] = {
    f: (*_own(f), *FOREIGN_COLUMNS.get(f, ())) for f in IndicatorField
}

# Labels that end a table's body: signatures and review blocks below the indicators.
END_LABELS = (
    "填报人",
    "单位负责人",
    "审核意见",
    "其他说明的问题",
    "主管部门审核意见",
    "财政部门审核意见",
    "联系电话",
)

# Headings of a part of the table that hold no value of their own (the 申报表's “项目资金（万元）”
# over 年度资金总额 …): labels all the same, so the text of the label before them ends there.
SECTION_LABELS = ("项目资金",)

_TRAILING = re.compile(r"(?:[（(](?:万元|元|%)[)）])?[：:]?$")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、]|[（(][一二三四五六七八九十\d]+[)）])")


def normal(text: object) -> str:
    """A cell as compared with labels: ``label_key`` without numbering, a trailing colon or unit, a ★."""
    s = "" if text is None else str(text)
    return _normal(s) if len(s) <= _CACHED_LENGTH else _uncached_normal(s)


_CACHED_LENGTH = 200  # label-sized texts repeat from table to table; long ones are not kept


@lru_cache(maxsize=1 << 14)
def _normal(s: str) -> str:
    return _uncached_normal(s)


def _uncached_normal(s: str) -> str:
    key = label_key(s).strip("★*")
    key = _NUMBERING.sub("", key)
    return _TRAILING.sub("", key)


MAX_INLINE = 80  # characters of a value written in the label's own cell ("财政拨款：6923.36万元")
LONG_TEXT = frozenset((TableField.GOALS, TableField.LONG_TERM_GOALS, TableField.FUNCTIONS))


@dataclass(frozen=True)
class Synonyms:
    """Label → field, for header cells and indicator columns (defaults plus a region's additions),
    and each header label's rank: where a table has two labels of one field, the lower rank wins."""

    header: Mapping[str, TableField] = field(default_factory=dict)
    columns: Mapping[str, IndicatorField] = field(default_factory=dict)
    rank: Mapping[str, int] = field(default_factory=dict)

    def rank_of(self, label: object) -> int:
        return self.rank.get(normal(label), 999)

    def header_field(self, text: object) -> TableField | None:
        return self.header.get(normal(text))

    def column_field(self, text: object) -> IndicatorField | None:
        return self.columns.get(normal(text))

    def inline(self, text: str) -> tuple[TableField, str] | None:
        """A cell holding label and value together: "财政拨款：6923.36万元" → (budget.fiscal, "6923.36万元")."""
        m = re.match(r"^\s*([^：:]{1,20})[：:]\s*(\S.*)$", text, re.S)
        if m is None or _NUMBERING.match(label_key(m.group(1))):
            return None  # "1.项目实施单位：…" is a numbered sentence of running text, not a label
        target = self.header_field(m.group(1))
        if target is None:
            return None
        value = m.group(2).strip()
        if len(value) > MAX_INLINE and target not in LONG_TEXT:
            return None  # a paragraph that happens to begin with a label's words
        return target, value

    def cell_field(self, text: str) -> TableField | None:
        """The header field a cell names, as a label alone or with its value inline."""
        found = self.header_field(text)
        if found is None and (inline := self.inline(text)) is not None:
            found = inline[0]
        return found

    def is_whole_label(self, text: object) -> bool:
        """A label as a whole: a field's, a section heading's or a closing one's."""
        key = normal(text)
        return bool(key) and (
            key in self.header or key in self.columns or key in SECTION_LABELS or key in END_LABELS
        )

    def is_label(self, text: object) -> bool:
        """A label, or a text that starts like a closing one (“填报人：张三”)."""
        return self.is_whole_label(text) or normal(text).startswith(END_LABELS)

    def extended(self, extra: Mapping[str, Any], source: str = "") -> Synonyms:
        """These synonyms plus ``extra`` ({"budget.total": ["年度预算申请数"], …}); a Chinese sentence
        naming the key when it is not a field or its value not a list of labels."""
        header = dict(self.header)
        columns = dict(self.columns)
        rank = dict(self.rank)
        for key, labels in extra.items():
            if isinstance(labels, str):
                labels = [labels]
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise XlgoalsInputError(
                    f'配置项 labels.{key} 应为标签列表，如 ["年度预算申请数"]。', file=source
                )
            if key in TableField._value2member_map_ and TableField(key) in HEADER_LABELS:
                header.update({normal(x): TableField(key) for x in labels})
                rank.update({normal(x): 500 for x in labels})
            elif key in IndicatorField._value2member_map_:
                columns.update({normal(x): IndicatorField(key) for x in labels})
            else:
                known = "、".join([*(f.value for f in HEADER_LABELS), *(f.value for f in IndicatorField)])
                raise XlgoalsInputError(f"配置项 labels.{key} 不是可识别的字段。可用：{known}", file=source)
        return Synonyms(header, columns, rank)


DEFAULT = Synonyms(
    {normal(label): f for f, labels in HEADER_LABELS.items() for label in labels},
    {normal(label): f for f, labels in INDICATOR_LABELS.items() for label in labels},
    {normal(label): k for labels in HEADER_LABELS.values() for k, label in enumerate(labels)},
)


def render_markdown() -> str:
    """The synonym table as docs/导入其他表式.md shows it (a test keeps the two the same)."""
    out = ["| 字段（xlgoals.toml 的键） | 名称 | 识别的标签 |", "|---|---|---|"]
    rows: list[tuple[TableField | IndicatorField, tuple[str, ...]]] = [
        *HEADER_LABELS.items(),
        *INDICATOR_LABELS.items(),
    ]
    for f, labels in rows:
        out.append(f"| `{f.value}` | {field_name(f)} | {'、'.join(dict.fromkeys(labels))} |")
    return "\n".join(out) + "\n"
