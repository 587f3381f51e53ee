"""Every rule: a table that fires it, and tables that must not (the clean baselines, counter-examples)."""

from __future__ import annotations

import pytest

from tests.rule_cases import CASES, _b, _set_ind, _t, doc_of, table_a, table_b
from xlgoals.check import check_document
from xlgoals.config import Config
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import Severity
from xlgoals.model import Document, Location
from xlgoals.rules.registry import REGISTRY, Context, Family, Scope, rule


def codes(doc: Document, config: Config | None = None) -> set[str]:
    return {f.code for f in check_document(doc, config)}


def test_clean_baselines_pass_every_rule():
    assert check_document(doc_of(table_a())) == []
    assert check_document(doc_of(table_b())) == []
    assert check_document(doc_of(table_a(1), table_a(2, "13073024P00047410002H", "家政服务培训补助"))) == []


def test_every_registered_rule_has_a_firing_case():
    assert set(CASES) == set(REGISTRY)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_on_its_case_and_not_on_the_clean_table(code):
    case = CASES[code]
    framework, mut = case if isinstance(case, tuple) else ("A", case)
    clean = doc_of(table_b() if framework == "B" else table_a())
    assert code not in codes(clean)
    mut(clean)
    found = [f for f in check_document(clean) if f.code == code]
    assert found, f"{code} did not fire"
    f = found[0]
    assert f.message and f.hint and f.path
    assert any("\u4e00" <= ch <= "\u9fff" for ch in f.message)
    if REGISTRY[code].scope == Scope.TABLE:
        assert f.table is not None


# --- counter-examples from the evidence (docs/sources.md, the examples) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "mut"),
    [
        (
            "VAL-009",
            _set_ind(0, name="受害面积", description="林业有害生物受害面积", value_raw="≤10公顷"),
        ),  # 001 line 2788
        ("VAL-009", _set_ind(0, name="安全事故发生次数", value_raw="≤0次")),
        (
            "IND-008",
            _set_ind(4, name="就业人数较2023年增加", value_raw="≥30人"),
        ),  # comparison year on purpose
        ("IND-008", _set_ind(4, description="与2023年相比增加的就业人数")),
        ("IND-008", _set_ind(4, description="增加数占2022年就业人数的比例")),
        ("VAL-007", _set_ind(1, name="参保率（实际参保人数/应参保人数）", value_raw="≥90%")),  # 000 line 67
        ("VAL-012", _set_ind(3, description="100岁以上老人的人均补助标准")),  # 001 line 4369
        (
            "GOAL-003",
            lambda d: setattr(_t(d), "goals", ["1.加强资金管理，专款专用，确保1000名学员按时结业。"]),
        ),
        ("SAT-001", _set_ind(5, value_raw="≥**%")),  # a placeholder is VAL-011's, not a second error
        ("COST-004", _set_ind(3, name="人均补助标准", value_raw="≤1000元/人")),
        ("IND-005", _set_ind(4, level2="经济效益指标", name="节约基层医疗机构经济费用")),  # 001 line 4488
        ("PLAN-001", _b(lambda d: None)[1]),
        ("STRUCT-012", _b(lambda d: None)[1]),
        ("TIME-001", _set_ind(2, value_raw="每月15日前")),  # a deadline that repeats is a time
        ("TIME-001", _set_ind(2, value_raw="每季度末前")),
    ],
)
def test_counter_examples_do_not_fire(code, mut):
    d = doc_of(table_b() if code in ("PLAN-001", "STRUCT-012") else table_a())
    mut(d)
    assert code not in codes(d)


@pytest.mark.parametrize("value", ["尽快", "及时", "尽快完成"])
def test_time_001_a_word_of_haste_names_no_time(value):
    d = doc_of(table_a())
    _set_ind(2, value_raw=value)(d)
    found = [f for f in check_document(d) if f.code == "TIME-001"]
    assert len(found) == 1 and "没有时间" in found[0].message, found


def test_val_004_above_100_percent_on_a_rate_is_an_error():
    d = doc_of(table_a())
    _set_ind(1, value_raw="120%")(d)
    (f,) = [f for f in check_document(d) if f.code == "VAL-004"]
    assert f.severity == Severity.ERROR


def test_thresholds_are_configurable():
    d = doc_of(table_a())
    _set_ind(5, value_raw="≥85%")(d)
    assert "SAT-002" not in codes(d)
    assert "SAT-002" in codes(d, Config().merged({"satisfaction_min": 90}, "test"))
    b = doc_of(table_b())
    assert "WEIGHT-001" in codes(b, Config().merged({"weight_totals": [100]}, "test"))
    assert "IND-003" in codes(doc_of(table_a()), Config().merged({"generic_names": ["培训合格率"]}, "test"))


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("same_value_min_rows", 0, "应不小于 2"),  # with 0, VAL-002 divided by zero on an empty table
        ("same_value_ratio", float("nan"), "不能是 nan 或 inf"),
        ("same_value_ratio", 1.5, "应不大于 1"),
        ("satisfaction_min", -5, "应不小于 0"),
        ("weight_totals", [], "至少应有 1 项"),
        ("weight_totals", ["九十"], "应为整数"),
        ("weight_ranges", {"成本指标": [30, 20]}, "下限大于上限"),
        ("weight_ranges", {"成本指标": [1]}, "至少应有 2 项"),
    ],
)
def test_a_configured_value_out_of_range_is_one_chinese_sentence(key, value, said):
    with pytest.raises(XlgoalsInputError) as caught:
        Config().merged({key: value}, "xlgoals.toml")
    assert key in str(caught.value) and said in str(caught.value), str(caught.value)
    empty = doc_of(table_a())
    empty.tables[0].indicators = []
    check_document(empty, Config().merged({"same_value_min_rows": 2}, "test"))  # the smallest allowed


def test_select_ignore_and_severity_overrides():
    d = doc_of(table_a())
    _set_ind(1, value_raw="≥95百分比")(d)
    _set_ind(0, value_raw="1000人次")(d)
    assert codes(d) == {"VAL-001", "VAL-003"}
    assert codes(d, Config(select=["VAL-00"], ignore=["VAL-003"])) == {"VAL-001"}
    assert codes(d, Config(ignore=["VAL"])) == set()
    sev = {
        f.code: f.severity for f in check_document(d, Config(severity={"VAL": "info", "VAL-001": "warning"}))
    }
    assert sev == {"VAL-001": Severity.WARNING, "VAL-003": Severity.INFO}


FAMILY = Family("TEST", "测试")  # the family of the rule the next test registers in this module


def test_a_crashing_rule_becomes_one_internal_finding_and_the_run_goes_on():
    @rule("TEST-999", "boom", "error", title="t", what="w", why="y", bad="b", good="g", fix="f")
    def boom(ctx: Context) -> None:
        raise ZeroDivisionError

    try:
        d = doc_of(table_a())
        _set_ind(1, value_raw="≥95百分比")(d)
        found = check_document(d, Config())
    finally:
        del REGISTRY["TEST-999"]
    internal = [f for f in found if f.code == "INTERNAL-001"]
    assert (
        len(internal) == 1
        and "TEST-999" in internal[0].message
        and "ZeroDivisionError" in internal[0].message
    )
    assert any(f.code == "VAL-001" for f in found)


def test_findings_carry_location_and_logical_path():
    d = doc_of(table_a())
    _set_ind(5, value_raw="≥1.9")(d)
    (f,) = [f for f in check_document(d) if f.code == "SAT-001"]
    assert f.location == Location(file="t.txt", line=100)
    assert f.path == "项目1 职业技能培训补助 › 指标[6] 参训人员满意度 › 指标值"
    assert "≥1.9" in f.message


@pytest.mark.parametrize(
    ("level2", "name", "fires"),
    [
        (
            "服务对象满意度指标",
            "结业学员人数",
            True,
        ),  # a count filed under 满意度: IND-005 the other way round
        ("服务对象满意度指标", "学员投诉率", False),
        (
            "服务对象满意度指标等",
            "学员满意度",
            False,
        ),  # the form's “…等” is the same class (no STRUCT finding)
    ],
)
def test_satisfaction_holds_only_satisfaction(level2: str, name: str, fires: bool) -> None:
    doc = doc_of(table_a())
    sat = next(i for i in _t(doc).indicators if i.level1 == "满意度指标")
    sat.level2, sat.name = level2, name
    codes = {f.code for f in check_document(doc)}
    assert ("IND-005" in codes) == fires
    assert not {c for c in codes if c.startswith("STRUCT")}
