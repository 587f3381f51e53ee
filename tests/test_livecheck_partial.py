"""The sheet's partial checks (``LiveCheck.partial``) never say more than 校验.

STRUCT-002, STRUCT-003, SAT-002, VAL-014 and TIME-001 read what a value means (``values.parse_value``), which no formula
can do in full; the sheet marks only the forms a formula reads beyond doubt. Over every combination
of 二级, name and value below — the forms clerks write and the near misses — wherever the sheet's
check fires, the rule reports the same indicator's value; and the sheet does fire on the plain
cases the guide names.
"""

from __future__ import annotations

import itertools

import pytest

from tests.rule_cases import doc_of, table_a
from xlgoals.check import check_document
from xlgoals.fields import IndicatorField
from xlgoals.livecheck import PARTIAL_ROW_CHECKS, evaluate_table

LEVELS = [
    ("满意度指标", "服务对象满意度指标"),
    ("满意度指标", "服务对象满意度指标 "),
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("产出指标", "成本指标"),
    ("效益指标", "社会效益指标"),
    ("满意度指标", "数量指标"),  # a 二级 accepted against the dropdown's warning
    ("产出指标", ""),
    ("工作指标", "数量指标"),
    ("产出", "数量指标"),
    (" 效益指标 ", "社会效益指标"),
    ("成本指标", "经济成本指标"),
    ("\u3000", "数量指标"),
    ("\n", "数量指标"),
    ("\u00a0\t", "数量指标"),
    ("无", "数量指标"),
    ("满意度指标等", "服务对象满意度指标"),
    ("产出指标", "经济效益指标"),
    ("效益指标", "质量指标"),
    ("效益指标", " 数量指标"),
    ("满意度指标", "可持续影响指标"),
    ("成本指标", "数量指标"),
    ("产出指标", "服务对象满意度指标等"),
]
NAMES = [
    "学员满意度", "培训人次", "参保人数", "资金拨付时间", "项目完成时限", "完成日期",
    "资金拨付及时率", "完成时间及时率（%）", "完成时间（天）", "满意人数", "无", "",
]  # fmt: skip
VALUES = [
    "≥75%", "75%", ">79.9%", "≥80%", "≥075%", "≥7.5%", "≤75%", "≥ 75%", "≥75％", "75", "≥75",
    "≥500", "500", "<500", "≤12", "≥0.5", "2025", "07", "1.2.3", ".5", "5.", "≥≥5", "≥", "%",
    "≥500人", "500万元", "≥90百分比", "**", "≥**%", "尽快", "及时", "及时拨付", "尽快完成", "尽快吧",
    "按时到位", "12月31日前", "≤3个月", "每月15日前", "无", "", " 尽快 ", "尽|快", "7|5", "１２",
]  # fmt: skip


def _document():
    t = table_a()
    template = t.indicators[0]
    rows = []
    for (l1, l2), name, value in itertools.product(LEVELS, NAMES, VALUES):
        ind = template.model_copy(deep=True)
        ind.level1, ind.level2, ind.name, ind.description, ind.value_raw = l1, l2, name, name, value
        rows.append(ind)
    t.indicators = rows
    return doc_of(t), rows


def test_where_the_sheet_marks_check_reports_the_same_value():
    doc, rows = _document()
    t = doc.tables[0]
    findings = check_document(doc)
    reported = {
        (f.code, f.path.split(" › ")[1].split("]")[0])
        for f in findings
        if f.field in ("value", "level1", "level2")
    }
    fired = [f for f in evaluate_table(t, doc.layout) if f.check.partial]
    assert fired, "the grid makes the sheet's partial checks fire"
    stray = []
    for f in fired:
        assert f.row is not None and f.row.indicator is not None
        k = f.row.indicator
        if (f.check.code, f"指标[{k + 1}") not in reported:
            ind = rows[k]
            stray.append((f.check.code, ind.level2, ind.name, ind.value_raw))
    assert not stray, stray[:10]
    # each partial check fires somewhere; the value rules report more than the sheet marks
    for check in PARTIAL_ROW_CHECKS:
        marked = sum(f.check is check for f in fired)
        found = sum(code == check.code for code, _ in reported)
        assert 0 < marked <= found and (marked < found or check.target != IndicatorField.VALUE), check.code


@pytest.mark.parametrize(
    ("level2", "name", "value", "code"),
    [
        ("服务对象满意度指标", "学员满意度", "≥75%", "SAT-002"),
        ("服务对象满意度指标", "学员满意度", "75%", "SAT-002"),
        ("数量指标", "培训人次", "≥500", "VAL-014"),
        ("质量指标", "合格数", "10", "VAL-014"),
        ("时效指标", "资金拨付时间", "尽快", "TIME-001"),
        ("时效指标", "完成时限", "及时拨付", "TIME-001"),
        ("", "", "工作指标", "STRUCT-002"),
        ("经济效益指标", "", "", "STRUCT-003"),
    ],
)
def test_the_sheet_marks_the_plain_cases(level2: str, name: str, value: str, code: str) -> None:
    t = table_a()
    ind = t.indicators[0]
    if code == "STRUCT-002":
        ind.level1 = value
    else:
        ind.level2, ind.name, ind.value_raw = level2, name, value
    doc = doc_of(t)
    assert code in [f.check.code for f in evaluate_table(t, doc.layout) if f.check.partial]
    assert code in {f.code for f in check_document(doc)}
