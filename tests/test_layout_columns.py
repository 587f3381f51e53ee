"""Every column of the layout's indicator block goes all the way round — written by the builder where the
layout says, read back into its field with its cell as location, marked there by the annotator — so a
column added to ``layout.PROJECT`` (CONTRIBUTING.md has the worked example) is covered without a new test."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.openpyxl_reading import load_for_reading
from xlgoals import layout as L
from xlgoals.annotate import annotate_bytes
from xlgoals.fields import IndicatorField, attribute
from xlgoals.findings import Finding, Severity
from xlgoals.formats.workbook import read as read_workbook
from xlgoals.model import Document, GoalTable, Indicator
from xlgoals.template.builder import build_bytes

P = L.PROJECT
COLUMNS = [*P.columns, *P.extra_columns]


def _doc(field: IndicatorField) -> Document:
    """One table, two indicators; the first has a marker text in ``field`` (and ordinary values)."""
    first = Indicator(
        level1="产出指标", level2="数量指标", name="培训人次", value_raw="≥100人次", basis="年初工作计划"
    )
    setattr(first, attribute(field), f"标记-{field.value}")
    second = Indicator(
        level1="产出指标", level2="质量指标", name="合格率", value_raw="≥95%", basis="调查结果"
    )
    return Document(tables=[GoalTable(index=1, project_name="列测试", indicators=[first, second])])


@pytest.mark.parametrize("column", COLUMNS, ids=[c.field.value for c in COLUMNS])
def test_a_layout_column_is_written_read_and_marked_where_the_layout_says(column: L.Column, tmp_path: Path):
    marker = f"标记-{column.field.value}"
    path = tmp_path / "t.xlsx"
    path.write_bytes(build_bytes(_doc(column.field)))
    sheet = "1 列测试"
    ws = load_for_reading(path)[sheet]
    r = P.first_indicator_row
    assert ws.cell(P.indicator_header_row, column.col).value == column.header  # the header label
    assert ws.cell(r, column.col).value == marker  # the builder wrote it there

    back = read_workbook(path)  # the reader found it there
    ind = back.tables[0].indicators[0]
    assert getattr(ind, attribute(column.field)) == marker
    where = ind.locations[column.field]
    assert (where.sheet, where.cell) == (sheet, L.cell_name(column.col, r))

    finding = Finding(code="TEST-001", severity=Severity.ERROR, message="标记", location=where, table=1)
    marked = load_for_reading(io.BytesIO(annotate_bytes(path.read_bytes(), False, [finding], {1: "项目1"})))[
        sheet
    ].cell(r, column.col)
    assert marked.fill.fgColor.rgb.endswith(L.MARK_FILLS["error"]) and marked.comment is not None
