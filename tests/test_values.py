"""The indicator-value grammar against every distinct value of the bundled examples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import SEEDS, seed
from xlgoals.check import check_document
from xlgoals.model import Document, GoalTable, Indicator
from xlgoals.values import Form, Kind, Norm, normalize_text, parse_amount, parse_plan_point, parse_value

CASES_FILE = Path(__file__).parent / "data" / "value_cases.tsv"


def _cases() -> list[tuple[str, ...]]:
    rows = []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        cols = line.split("\t")
        assert len(cols) == 8, line
        rows.append(tuple(cols))
    return rows


CASES = _cases()


@pytest.mark.parametrize(("raw", "unit_col", "type_col", "op", "number", "unit", "kind", "form"), CASES)
def test_every_seed_value_parses_as_reviewed(raw, unit_col, type_col, op, number, unit, kind, form):
    v = parse_value(raw, unit_col, type_col)
    assert v.op == op
    assert v.number == (Decimal(number) if number else None)
    assert v.unit == unit
    assert v.kind == Kind(kind)
    assert v.form == Form(form)


def test_case_table_covers_every_distinct_value_in_the_examples():
    in_examples = {
        (ind.value_raw, ind.unit_column, ind.value_type)
        for prefix in SEEDS
        for table in seed(prefix).tables
        for ind in table.indicators
    }
    in_cases = {(c[0], c[1], c[2]) for c in CASES}
    assert in_examples == in_cases
    hebei = {c[0] for c in CASES if not c[1] and not c[2]}
    assert len(hebei) >= 200  # "about 200" distinct Hebei value strings


@pytest.mark.parametrize(
    ("raw", "normalized", "norms"),
    [
        ("≥95％", "≥95%", {Norm.FULLWIDTH}),
        (" =100%", "=100%", {Norm.SPACE}),
        ("≥95百分比", "≥95%", {Norm.BAIFENBI}),
        ("≤350万", "≤350万元", {Norm.WAN}),
        (">=90%", "≥90%", {Norm.ASCII_OPERATOR}),
        ("<= 3 个月", "≤3个月", {Norm.ASCII_OPERATOR, Norm.SPACE}),
        ("＞＝８０％", "≥80%", {Norm.FULLWIDTH, Norm.ASCII_OPERATOR}),
        ("≧90%", "≥90%", {Norm.FULLWIDTH}),
        ("≥==90%", "≥90%", {Norm.ASCII_OPERATOR}),  # found by hypothesis: folding must repeat
        ("2,800.00万元", "2800.00万元", {Norm.THOUSANDS}),
        ("1.05万亩", "1.05万亩", set()),  # 万亩 is a unit of its own, not 万 without 元
    ],
)
def test_normalisations_are_applied_and_reported(raw, normalized, norms):
    v = parse_value(raw)
    assert v.normalized == normalized
    assert set(v.normalizations) == norms


def test_placeholders_and_odd_forms_are_kept_not_raised():
    assert parse_value("≥**%").form == Form.PLACEHOLDER
    assert parse_value("≥**%").kind == Kind.UNKNOWN
    assert parse_value("**月**日前").form == Form.PLACEHOLDER
    assert parse_value("12月31日前").form == Form.DEADLINE
    assert parse_value("2024年6月底前").form == Form.DEADLINE
    assert parse_value("1:1").kind == Kind.UNKNOWN
    assert parse_value("").form == Form.EMPTY


@pytest.mark.parametrize(
    "raw", ["12月底前", "2025年年底前", "2025年底前", "年底前", "2025年上半年", "第三季度末前"]
)
def test_a_point_in_time_is_a_deadline_not_a_number_with_a_unit(raw: str) -> None:
    """ "12月底前" was read as the number 12 with the unit 月底前, and TIME-001 asked for a date."""
    assert parse_value(raw).form == Form.DEADLINE
    ind = Indicator(level1="产出指标", level2="时效指标", name="项目完成时间", value_raw=raw)
    table = GoalTable(index=1, indicators=[ind])
    assert not [f for f in check_document(Document(tables=[table])) if f.code == "TIME-001"]


@pytest.mark.parametrize("raw", ["6月", "2025年", "≥12个月"])
def test_a_count_of_months_or_a_year_stays_a_number(raw: str) -> None:
    assert parse_value(raw).form == Form.NUMBER


def test_amounts_and_plan_points():
    assert parse_amount("2800.00") == Decimal("2800.00")
    assert parse_amount("4,500.00") == Decimal("4500.00")
    assert parse_amount(" ") is None
    assert parse_amount("约两千") is None
    assert parse_amount(2800.5) == Decimal("2800.5")
    assert parse_plan_point("25%") == (Decimal(25), True)
    assert parse_plan_point("1,500.00") == (Decimal("1500.00"), False)
    assert parse_plan_point("") == (None, False)


@given(st.text())
def test_parsing_arbitrary_text_never_raises(text):
    v = parse_value(text)
    assert v.raw == text


@given(st.text(), st.text(max_size=5), st.sampled_from(["", "≥", "≤", "<", "定性", "定量", "x"]))
def test_parsing_split_columns_never_raises(text, unit, kind):
    parse_value(text, unit, kind)


@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789.,，%％≥≤=<>＞＜＝≧≦ 万元人个年百分比月日前-**")),
        max_size=14,
    )
)
def test_normalising_twice_changes_nothing(text):
    once, _ = normalize_text(text)
    assert normalize_text(once) == (once, ())
    v = parse_value(text)
    assert parse_value(v.normalized).normalized == v.normalized


@given(st.text())
def test_normalising_twice_changes_nothing_on_any_text(text):
    once, _ = normalize_text(text)
    assert normalize_text(once)[0] == once
