from __future__ import annotations

from tests.helpers import seed
from xlgoals.frameworks import FRAMEWORK_A, FRAMEWORK_B, canonical_level2, detect_framework
from xlgoals.model import Framework, GoalTable, Indicator


def test_hebei_tables_are_framework_a_and_the_flat_ones_b():
    for prefix in ("000", "001", "002", "004"):
        assert {detect_framework(t) for t in seed(prefix).tables} == {Framework.A2019}
    assert {detect_framework(t) for t in seed("003").tables} == {Framework.B2021}


def test_mixing_both_frameworks_is_detected():
    table = GoalTable(
        indicators=[
            Indicator(level1="产出指标", level2="成本指标", name="x", value_raw="≤1万元"),
            Indicator(level1="产出指标", level2="经济成本指标", name="y", value_raw="≤1万元"),  # S11
        ]
    )
    assert detect_framework(table) == Framework.MIXED
    assert detect_framework(GoalTable()) == Framework.UNKNOWN


def test_framework_data():
    assert FRAMEWORK_A.required_level2["产出指标"] == ("数量指标", "质量指标", "时效指标", "成本指标")
    assert "成本指标" in FRAMEWORK_B.allowed and "成本指标" not in FRAMEWORK_B.allowed["产出指标"]
    assert canonical_level2("环境效益指标") == "生态效益指标"
    assert canonical_level2("社会公众或服务对象满意度指标") == "服务对象满意度指标"
