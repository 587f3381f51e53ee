"""CSV, one row per indicator with its project's fields; UTF-8 with BOM so Excel opens it in Chinese."""

from __future__ import annotations

import csv
import io

from xlgoals.model import Document

COLUMNS = (
    "序号", "预算单位编码", "预算单位", "项目编码", "项目名称", "预算数", "财政资金", "其他资金", "资金用途",
    "3月底", "6月底", "10月底", "12月底", "支出计划方式", "绩效目标", "一级指标", "二级指标", "三级指标",
    "绩效指标描述", "指标值", "比较符", "数值", "单位", "指标类型", "指标值确定依据", "度量单位", "指标值类型", "分值",
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
            extra = [ind.basis, ind.unit_column, ind.value_type, ind.score]
            w.writerow([*project, ind.level1, ind.level2, ind.name, ind.description, *value, *extra])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
