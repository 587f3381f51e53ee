"""The fields of a 绩效目标表 as typed paths: what a location or a finding can point at; and the
official forms (``Layout``), which decide which fields a table has.

Three enums, one per level of the model: a table's fields (``TableField``), an indicator row's
(``IndicatorField``) and the document's (``MetaField``). Each value is the key under which
importers record the field's source location, and names a real attribute of the model — checked
when this module is imported, so a misspelt path fails at once instead of silently pointing a
finding at the table's title. Chinese names of the fields live with the rest of the official
table's vocabulary in ``xlgoals.layout``. (The check itself runs at the end of ``xlgoals.model``,
which imports this module.)
"""

from __future__ import annotations

from enum import StrEnum


class Layout(StrEnum):
    """Which official form a document's tables follow; it decides which fields exist (each field's
    ``layouts`` in ``xlgoals.layout.FIELDS``).

    The reader sets it; rules ask it (through the fields), never guess from the content."""

    HEBEI = "hebei"  # one 绩效目标表 per project: header block, 资金支出计划, 绩效目标, six indicator columns
    FLAT = "flat"  # 项目支出绩效目标表: one row per indicator, with 度量单位/指标值类型/分值/评分标准
    # 项目支出绩效目标申报表 (the national form): 主管部门/实施单位/实施期, 中长期目标 and 年度目标,
    # indicators with 指标解释/评分标准/权重 (分值)/度量单位 where a region adds them
    NATIONAL = "national"
    DEPARTMENT = "department"  # 部门（单位）整体支出绩效目标表: 部门职能, 年度履职目标, 部门整体预算


class TableField(StrEnum):
    TITLE = "title"
    UNIT_CODE = "unit_code"
    UNIT_NAME = "unit_name"
    PROJECT_CODE = "project_code"
    PROJECT_NAME = "project_name"
    BUDGET_TOTAL = "budget.total"
    BUDGET_FISCAL = "budget.fiscal"
    BUDGET_OTHER = "budget.other"
    FUND_USE = "fund_use"
    SPEND_PLAN = "spend_plan"
    PLAN_MODE = "spend_plan.mode"
    PLAN_0 = "spend_plan.0"
    PLAN_1 = "spend_plan.1"
    PLAN_2 = "spend_plan.2"
    PLAN_3 = "spend_plan.3"
    GOALS = "goals"
    INDICATORS = "indicators"
    # Fields of the national 申报表 and the 部门整体 table (not in the Hebei table).
    IMPLEMENTER = "implementer"
    PROJECT_KIND = "project_kind"
    PERIOD = "period"
    LONG_TERM_GOALS = "long_term_goals"
    FUNCTIONS = "functions"


PLAN_POINTS = (TableField.PLAN_0, TableField.PLAN_1, TableField.PLAN_2, TableField.PLAN_3)


def plan_index(f: object) -> int:
    """0–3 for the plan point fields (3月底 … 12月底)."""
    for k, point in enumerate(PLAN_POINTS):
        if f == point:
            return k
    raise ValueError(f"{f!r} is not a plan point")


BUDGET_FIELDS = (TableField.BUDGET_TOTAL, TableField.BUDGET_FISCAL, TableField.BUDGET_OTHER)


class IndicatorField(StrEnum):
    LEVEL1 = "level1"
    LEVEL2 = "level2"
    NAME = "name"
    DESCRIPTION = "description"
    VALUE = "value"
    BASIS = "basis"
    UNIT_COLUMN = "unit_column"
    VALUE_TYPE = "value_type"
    SCORE = "score"
    SCORING_RULE = "scoring_rule"
    EXPLANATION = "explanation"
    # The 绩效自评表's own columns: what was achieved, the score given, why a target was missed.
    ACTUAL = "actual"
    SCORED = "scored"
    DEVIATION = "deviation"


class MetaField(StrEnum):
    TITLE = "title"
    BUDGET_YEAR = "budget_year"
    REGION_CODE = "region_code"
    ISSUER = "issuer"
    ISSUE_DATE = "issue_date"
    DOC_NUMBER = "doc_number"
    INTRO = "intro"
    STATED_COUNT = "stated_count"
    STATED_TOTAL = "stated_total"
    LISTED_ITEMS = "listed_items"
    TOC = "toc"
    DEPARTMENT_GOALS = "department_goals"


Field = TableField | IndicatorField | MetaField

# Where a field's value lives in the model when its path is not the attribute itself.
_ATTRIBUTES: dict[Field, str] = {
    IndicatorField.VALUE: "value_raw",
    TableField.PLAN_0: "spend_plan.points",
    TableField.PLAN_1: "spend_plan.points",
    TableField.PLAN_2: "spend_plan.points",
    TableField.PLAN_3: "spend_plan.points",
}


def attribute(field: Field) -> str:
    """The model attribute path of a field ("value" → "value_raw")."""
    return _ATTRIBUTES.get(field, field.value)
