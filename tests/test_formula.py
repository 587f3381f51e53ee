"""The expression language of the live checks: rendering, Python evaluation, and LibreOffice as the
oracle that a rendered formula computes what ``evaluate`` computes, on the cell contents clerks type."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tests import soffice
from tests.helpers import seed
from xlgoals import layout as L
from xlgoals.fields import PLAN_POINTS
from xlgoals.formula import (
    ABS,
    AND,
    COUNT,
    COUNTA,
    IF,
    ISNUMBER,
    ISTEXT,
    MAX,
    NOT,
    OR,
    SAME,
    SUBSTITUTE,
    TRIM,
    Area,
    Expr,
    FormulaError,
    Lit,
    N,
    Ref,
    Value,
    blank,
    cell_value,
    compiled_all,
    contains,
    evaluate,
    filled,
    op,
    render,
)
from xlgoals.livecheck import HEADER_CHECKS, ROW_CHECKS, derived_view
from xlgoals.model import PlanMode, PlanPoint
from xlgoals.template.formulas import flag_texts

A, B = Ref("a"), Ref("b")


def test_rendering_keeps_precedence_and_quotes():
    resolve = {"a": "$C$4", "b": "$E$4", "r": "$D$7:$G$7"}.get
    assert render(op("-", A, op("+", N(B), 1)), resolve) == "$C$4-(N($E$4)+1)"  # type: ignore[arg-type]
    assert render(op("+", op("-", A, B), 1), resolve) == "$C$4-$E$4+1"  # type: ignore[arg-type]
    assert render(IF(op("=", A, 'say "hi"'), "是", ""), resolve) == 'IF($C$4="say ""hi""","是","")'  # type: ignore[arg-type]
    assert render(COUNT(Area("r")), resolve) == "COUNT($D$7:$G$7)"  # type: ignore[arg-type]
    assert render(op(">", A, 0.00005), resolve) == "$C$4>0.00005"  # type: ignore[arg-type]
    assert render(SAME(Area("r"), A), resolve) == "SUMPRODUCT((TRIM($D$7:$G$7)=TRIM($C$4))*1)"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expr", "cells", "expected"),
    [
        (op("=", A, ""), {}, True),  # a blank cell equals "" …
        (op("=", A, 0), {}, True),  # … and 0
        (op("<", A, B), {"a": 5.0, "b": "x"}, True),  # numbers sort before text
        (op("=", A, "万元"), {"a": "万元"}, True),
        (op("=", A, "abc"), {"a": "ABC"}, True),  # text compares without case
        (ISNUMBER(A), {"a": "2800"}, False),  # a number typed as text is text
        (ISTEXT(A), {"a": "2800"}, True),
        (N(A), {"a": "2800"}, 0.0),
        (TRIM(A), {"a": "  a   b  "}, "a b"),
        (TRIM(A), {"a": "\u3000"}, "\u3000"),  # only ASCII spaces go
        (COUNTA(A, B), {"a": 0.0}, 1.0),
        (COUNT(Area("r")), {}, 2.0),
        (MAX(Area("r")), {}, 0.5),
        (contains(A, "百分比"), {"a": "≥95百分比"}, True),
        (contains(A, "百分比"), {}, False),
        (contains(SUBSTITUTE(A, " ", ""), "**"), {"a": "≥* *%"}, True),
        (ABS(op("-", A, B)), {"a": 1.0, "b": 3.0}, 2.0),
        (AND(OR(blank(A), filled(B)), NOT(blank(B))), {"b": "x"}, True),
    ],
)
def test_evaluation_follows_the_spreadsheet(expr, cells, expected):
    assert evaluate(expr, cells, {"r": [0.25, None, "x", 0.5]}, strict=True) == expected
    assert evaluate(expr, cells, {"r": [0.25, None, "x", 0.5]}) == expected


def test_deep_expressions_compile_and_errors_stay_where_a_spreadsheet_puts_them():
    """The evaluation is generated Python: a long concatenation or 300 nested IFs (deeper than Python's
    parser nests) still compile, and the kinds of values still decide as the sheet decides."""
    deep: Expr = Lit(0)
    for k in range(300):
        deep = IF(op("=", A, float(k)), float(k), deep)
    assert evaluate(deep, {"a": 7.0}) == 7.0 and evaluate(deep, {"a": "7"}) == 0.0
    long: Expr = Lit("")
    for k in range(500):
        long = op("&", long, A if k % 2 else "x")
    assert evaluate(long, {"a": 1.5}) == "x1.5" * 250
    assert (
        evaluate(op("<", 5, "a"), {}) is True and evaluate(op(">", True, "a"), {}) is True
    )  # number < text < boolean
    assert evaluate(op("=", A, "ABC"), {"a": "abc"}) is True and evaluate(op("=", A, ""), {}) is True
    with pytest.raises(FormulaError):  # text as a condition is #VALUE!, also behind a false guard when strict
        evaluate(AND(op("=", 1, 2), A), {"a": "x"}, strict=True)
    assert evaluate(AND(op("=", 1, 2), A), {"a": "x"}) is False  # 校验 stops at the first false
    # several at once, TRIM(cell) computed once and handed to the helpers a deep expression needs
    trimmed: Expr = Lit("")
    for k in range(300):
        trimmed = IF(op("=", TRIM(A), str(k)), TRIM(A), trimmed)
    together = compiled_all([trimmed, deep, op("=", TRIM(A), "7"), op("=", TRIM(A), "x")])
    cells = {"a": " 7 "}
    assert together(cells, {}) == (evaluate(trimmed, cells), evaluate(deep, cells), True, False)
    assert together(cells, {})[:2] == ("7", 0.0)
    assert together({"a": " X"}, {})[2:] == (False, True)  # text compares case-folded


def test_cell_values_as_a_spreadsheet_holds_them():
    from datetime import date
    from decimal import Decimal

    assert cell_value("") is None and cell_value(Decimal("2800.00")) == 2800.0 and cell_value(3) == 3.0
    assert cell_value(date(2024, 1, 1)) == 45292.0  # the serial number Excel shows for 2024-01-01


# Cell contents clerks really produce, for the oracle: blanks, spaces, numbers, numbers as text,
# units, full-width digits, percentages as fractions and as whole numbers. (Not booleans: LibreOffice
# stores TRUE as the number 1, Excel does not — docs/tooling.md; the checks follow Excel.)
CONTENTS: list[Value] = [
    None, " ", "　", 0.0, 2800.0, -5.0, 0.25, 30.0, 1.0, 1.00004, 1.2, "2800", "2,800.00", "2800万元",
    "２８００", "25%", "无", " 无 ", "≥95百分比", "≥**%", "≥* *%", "≥＊＊%", "万元", "%", "TRUE",
    "完成率", " 完成率  ", "Ab", "aB", "a  b", "a b", "*", "<5",
    "服务对象满意度指标", "数量指标", "时效指标", "≥75%", "≥80%", "≥7.5%", "≥500", "1.2.3", ".5", "7|5", "≥",
    "尽快", "及时拨付", "完成时间", "培训人次", "工作指标", "产出指标", "\u00a0", "x\ny",
]  # fmt: skip
# Rows where the checks that read a value's form fire (random cells rarely line up for them).
FIRING: list[dict[str, Value | list[Value]]] = (
    [
        {"level2": "服务对象满意度指标", "value": v, "name": "满意度"}
        for v in ("≥75%", "79.99%", ">075%", "≥80%")
    ]
    + [
        {"level2": "数量指标", "value": v, "name": "培训人次", "unit_column": None}
        for v in ("≥500", "<7.5", "12", "1.2.3")
    ]
    + [
        {"level2": "时效指标", "value": v, "name": "完成时间"}
        for v in ("尽快", "及时拨付", "尽快|及时", " 按时 ")
    ]
    + [{"level1": v} for v in ("工作指标", "\u3000", "\u00a0\n", "产出", "a\tb")]
    + [  # a row of a merged 一级 block: its 一级 is the last one filled above it
        {"@level1_above": ["产出指标", None, None, None], "level2": "经济效益指标"},
        {"@level1_above": ["产出指标", "效益指标", None, " "], "level2": "数量指标"},
        {"@level1_above": [None, None, None, None], "level2": "数量指标"},
        {"@level1_above": ["满意度指标", None, 2800.0, None], "level2": "数量指标"},
    ]
)


@pytest.mark.soffice
def test_libreoffice_computes_every_live_check_as_evaluate_does(tmp_path: Path):
    """Every header and row check, over cell contents drawn from CONTENTS, rendered into a sheet and
    recalculated by LibreOffice: each formula's value equals ``evaluate`` on the same cells."""
    import random

    rnd = random.Random(20261125)
    checks = [*HEADER_CHECKS, *ROW_CHECKS]
    names = sorted({n for c in checks for n in _refs(c.when)})
    col = {n: k + 1 for k, n in enumerate(names)}  # one input column per cell name
    areas = {"plan": 4, "indicators": 6, "below": 4, "above": 4, "level1_above": 4}  # each: own columns
    base = len(names) + 2
    area_cols = {}
    for name, width in areas.items():
        area_cols[name] = (base, base + width - 1)
        base += width + 1
    out_col = base + 1
    path = tmp_path / "oracle.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("s")
    expected: dict[tuple[int, int], Value] = {}
    rows = 120 + len(FIRING)
    for r in range(1, rows + 1):
        cells = {n: rnd.choice(CONTENTS) for n in names}
        firing = FIRING[r - 121] if r > 120 else {}
        cells.update({k: v for k, v in firing.items() if not k.startswith("@")})  # type: ignore[misc]
        area_values = {a: [rnd.choice(CONTENTS) for _ in range(w)] for a, w in areas.items()}
        area_values.update({k[1:]: v for k, v in firing.items() if k.startswith("@")})  # type: ignore[misc]
        for n, v in cells.items():
            _write(ws, r, col[n], v)
        for a, values in area_values.items():
            for k, v in enumerate(values):
                _write(ws, r, area_cols[a][0] + k, v)

        def resolve(name: str, r: int = r) -> str:
            if name in area_cols:
                first, last = area_cols[name]
                return f"${_letter(first)}${r}:${_letter(last)}${r}"
            return f"${_letter(col[name])}${r}"

        for k, c in enumerate(checks):
            ws.write_formula(r - 1, out_col + k - 1, "=" + render(c.when, resolve))
            expected[(r, out_col + k)] = evaluate(c.when, cells, area_values, strict=True)
            assert evaluate(c.when, cells, area_values) == expected[(r, out_col + k)]
        together = compiled_all([c.when for c in checks])(cells, area_values)  # what 校验 runs
        assert list(together) == [expected[(r, out_col + k)] for k in range(len(checks))]
    wb.close()
    (recalc,) = soffice.convert([path], "xlsx", tmp_path / "recalc")
    got = openpyxl.load_workbook(recalc, data_only=True)["s"]
    wrong = [(rc, v, got.cell(*rc).value) for rc, v in expected.items() if got.cell(*rc).value != v]
    assert not wrong, wrong[:5]
    assert {v for v in expected.values()} == {True, False}  # the corpus makes checks fire and not fire
    for k, c in enumerate(checks):  # every check that reads a value's form fires in some row
        assert not c.partial or any(expected[(r, out_col + k)] for r in range(1, rows + 1)), c.code


def _refs(expr: object) -> set[str]:
    from xlgoals.formula import names

    return {n for n in names(expr) if n not in ("plan", "indicators", "below", "above", "level1_above")}  # type: ignore[arg-type]


def _letter(col: int) -> str:
    from xlgoals.layout import column_letter

    return column_letter(col)


def _write(ws: object, r: int, c: int, v: Value) -> None:
    if v is None:
        return
    if isinstance(v, bool):
        ws.write_boolean(r - 1, c - 1, v)  # type: ignore[attr-defined]
    elif isinstance(v, float):
        ws.write_number(r - 1, c - 1, v)  # type: ignore[attr-defined]
    else:
        ws.write_string(r - 1, c - 1, v)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("mode", "points", "said", "not_said"),
    [
        (PlanMode.AMOUNT, ("500", "1000", "3456", "2800"), "10月底超过预算数", "30%"),
        (PlanMode.PERCENT, ("25", "50", "120", "100"), "10月底超过100%（百分比请输入“30%”", "预算数"),
    ],
)
def test_the_sheet_advises_by_the_plan_mode(mode, points, said, not_said):
    """In 万元 the sheet once told the clerk to type “30%”."""
    doc = seed("000").model_copy(deep=True)
    t = doc.tables[0]
    t.spend_plan.mode = mode
    t.spend_plan.points = [
        PlanPoint(raw=p + ("%" if mode == PlanMode.PERCENT else ""), value=Decimal(p)) for p in points
    ]
    shown = flag_texts(derived_view(t), doc.layout)[L.PROJECT.input(PLAN_POINTS[0]).at.row]
    assert said in shown and not_said not in shown, shown


def test_after_a_check_the_footer_does_not_send_the_clerk_to_check_again():
    from xlgoals.template import formulas as F

    assert "完整检查" in F.footer(39)  # before 校验: the sheet checks only part
    after = F.footer(39, "；校验未发现问题")
    assert "完整检查" not in after and '"表内未发现问题"' in after
