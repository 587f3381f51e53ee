"""The 绩效自评表 (财政部 项目支出绩效自评表 form: 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进
措施): read by its labels from a unit's workbook and checked — its targets as a goal table, and its
own columns by the SELF rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from xlgoals.check import check_document
from xlgoals.fields import IndicatorField
from xlgoals.formats import read_document

HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
ROWS = [  # (row, what it is)
    (["产出指标", "数量指标", "村道硬化里程", "≥12公里", "12.5公里", "20", "20", ""], "met"),
    (["", "质量指标", "工程验收合格率", "≥95%", "90%", "15", "12", ""], "missed, no reason"),
    (
        ["", "时效指标", "完工时间", "2024年10月底前", "2024年11月", "10", "8", "雨季停工一个月"],
        "late, with a reason",
    ),
    (
        ["", "成本指标", "每公里建设成本", "≤45万元", "47万元", "10", "12", "钢材涨价"],
        "over cost, score over weight",
    ),
    (["效益指标", "社会效益指标", "受益群众人数", "≥2万人", "", "20", "15", ""], "no actual"),
    (["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "93%", "15", "15", ""], "met"),
]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "自评表"
    ws.append(["项目支出绩效自评表"])
    ws.append(["（2024年度）"])
    ws.append(["项目名称", "镇村道路硬化工程", None, "主管部门", "示例县交通运输局"])
    ws.append(["实施单位", "示例县公路站"])
    ws.append(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    ws.append(["年度资金总额", 560, 560, 530, 10, "94.6%", 9.5])
    ws.append(["年度总体目标", "预期目标", None, None, "实际完成情况"])
    ws.append([None, "完成12公里村道硬化", None, None, "完成12.5公里村道硬化"])
    ws.append(HEADER)
    for row, _ in ROWS:
        ws.append(row)
    ws.append(["总分", None, None, None, None, "100", "91.5"])
    path = tmp_path / "自评表.xlsx"
    wb.save(path)
    return path


def test_the_self_evaluation_columns_are_read(workbook: Path) -> None:
    doc = read_document(workbook)
    (t,) = doc.tables
    assert t.project_name == "镇村道路硬化工程"
    assert [i.actual for i in t.indicators] == [r[4] for r, _ in ROWS]
    assert [i.scored for i in t.indicators] == [r[6] for r, _ in ROWS]
    assert t.indicators[2].deviation == "雨季停工一个月"
    assert t.indicators[0].locations[IndicatorField.ACTUAL].cell == "E10"


def test_its_own_checks_find_each_planted_defect_and_nothing_else(workbook: Path) -> None:
    doc = read_document(workbook)
    found = {
        (f.code, f.location.cell if f.location else "")
        for f in check_document(doc)
        if f.code.startswith("SELF")
    }
    assert found == {
        ("SELF-002", "H11"),  # 90% against ≥95%, no reason given
        ("SELF-001", "G13"),  # 12 points of 10
        ("SELF-003", "E14"),  # no actual value
    }
    # the cost overrun has a reason; the late completion is a date, not compared
