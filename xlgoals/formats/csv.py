"""CSV, one row per indicator with its project's fields; UTF-8 with BOM so Excel opens it in Chinese."""

from __future__ import annotations

import csv
import io

from xlgoals.fields import IndicatorField, TableField
from xlgoals.layout import Label, field_name
from xlgoals.model import Document

COLUMNS = (
    "序号", "预算单位编码", Label.UNIT, Label.PROJECT_CODE, Label.PROJECT_NAME, Label.BUDGET_TOTAL,
    field_name(TableField.BUDGET_FISCAL), Label.BUDGET_OTHER, Label.FUND_USE, *Label.PLAN_POINTS, "支出计划方式",
    Label.GOALS, *Label.INDICATOR_HEADER[:4], Label.VALUE, "比较符", "数值", "单位", "指标类型", Label.BASIS,
    *(field_name(f) for f in (IndicatorField.UNIT_COLUMN, IndicatorField.VALUE_TYPE, IndicatorField.SCORE)),
    field_name(IndicatorField.EXPLANATION),
)  # fmt: skip


def build_csv(doc: Document) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for t in doc.tables:
        b = t.budget
        plan = [p.raw for p in t.spend_plan.points]
        project = [
            t.index, t.unit_code, t.unit_name, t.project_code, t.project_name,
            "" if b.total is None else f"{b.total:.2f}", "" if b.fiscal is None else f"{b.fiscal:.2f}",
            "" if b.other is None else f"{b.other:.2f}", t.fund_use, *plan, t.spend_plan.mode.value, "\n".join(t.goals),
        ]  # fmt: skip
        for ind in t.indicators:
            v = ind.value
            number = "" if v.number is None else f"{v.number:f}"
            value = [ind.value_raw, v.op, number, v.unit, v.kind.value]
            extra = [ind.basis, ind.unit_column, ind.value_type, ind.score, ind.explanation]
            w.writerow([*project, ind.level1, ind.level2, ind.name, ind.description, *value, *extra])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
