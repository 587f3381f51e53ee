"""Every field, through every reader and writer: a document of each form whose every field holds its
own distinct value is written in each format and read back; each field the format carries comes back
as it was, and the CSV export has a column with its value. A new field in the field table
(``layout.TABLE_FIELDS`` / ``INDICATOR_FIELDS``) is tested here without a new test.

Which fields each format carries is what its layout can hold: Document JSON every field; the
xlgoals template the cells of ``layout.PROJECT`` (header inputs, the printed and optional indicator
columns); the flat workbook the 13 columns of ``layout.FLAT_COLUMNS``; the Word publication the
official Hebei table."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import ROOT
from xlgoals import gendocs
from xlgoals import layout as L
from xlgoals.fields import PLAN_POINTS, IndicatorField, Layout, TableField
from xlgoals.formats import document_json, docx, flat_workbook, workbook
from xlgoals.formats.csv import build_csv
from xlgoals.model import (
    LAYOUT_FIELDS,
    Budget,
    Document,
    GoalTable,
    Indicator,
    PlanMode,
    PlanPoint,
    SpendPlan,
    field_text,
)
from xlgoals.template.builder import build_bytes

AMOUNTS = {
    TableField.BUDGET_TOTAL: "300.00",
    TableField.BUDGET_FISCAL: "200.00",
    TableField.BUDGET_OTHER: "100.00",
}
PLAN = ("25%", "50%", "75%", "100%")
# Values that must keep their grammar to be found again (a Word table's unit line splits at the code).
GRAMMAR = {TableField.UNIT_CODE: "316007", TableField.PROJECT_CODE: "13073024P00047410001H"}
STRUCTURE = {TableField.SPEND_PLAN, TableField.INDICATORS}  # containers, not values


def _text(f: TableField | IndicatorField, k: int = 0) -> str:
    return f"{L.field_name(f)}·{f.value}·{k}"


def _document(layout: Layout) -> Document:
    """A document of ``layout``: two indicators; every field the layout has holds a value of its own."""
    has = LAYOUT_FIELDS[layout]
    indicators = []
    for k in range(2):
        values: dict[str, str] = {}
        for f in IndicatorField:
            if f not in has:
                continue
            key = "value_raw" if f == IndicatorField.VALUE else f.value
            values[key] = f"≥{90 + k}%" if f == IndicatorField.VALUE else _text(f, k)
        values["level1"], values["level2"] = "产出指标", ("数量指标" if k == 0 else "质量指标")
        indicators.append(Indicator(**values))
    table = GoalTable(index=1, indicators=indicators)
    for f in has:
        if not isinstance(f, TableField) or f in STRUCTURE or f in PLAN_POINTS or f in AMOUNTS:
            continue
        if f == TableField.PLAN_MODE:
            continue
        if f in (TableField.GOALS, TableField.LONG_TERM_GOALS):
            setattr(table, f.value, [f"1.{_text(f)}", f"2.{_text(f, 1)}"])
        else:
            setattr(table, f.value, GRAMMAR.get(f, _text(f)))
    table.budget = Budget(
        **{f.value.split(".")[1]: (Decimal(AMOUNTS[f]) if f in has else None) for f in AMOUNTS},
        **{f"{f.value.split('.')[1]}_raw": (AMOUNTS[f] if f in has else "") for f in AMOUNTS},
    )
    if TableField.SPEND_PLAN in has:
        points = [PlanPoint(raw=p, value=Decimal(p.rstrip("%"))) for p in PLAN]
        table.spend_plan = SpendPlan(header=L.Label.PLAN_PERCENT, mode=PlanMode.PERCENT, points=points)
    return Document(source="fields", layout=layout, tables=[table])


def _template_fields() -> set[TableField | IndicatorField]:
    p = L.PROJECT
    header = {i.field for i in p.header if i.field is not None} | {TableField.PLAN_MODE}
    return header | {c.field for c in (*p.columns, *p.extra_columns)}


def _flat_fields() -> set[TableField | IndicatorField]:
    return {f for _, f in L.FLAT_COLUMNS}


# format name → (which fields it carries, write, read back)
FORMATS = {
    "json": (
        lambda: set(TableField) | set(IndicatorField),
        lambda doc, path: path.write_text(document_json.dumps(doc), encoding="utf-8"),
        document_json.read,
    ),
    "template": (
        _template_fields,
        lambda doc, path: path.write_bytes(build_bytes(doc)),
        workbook.read,
    ),
    "flat workbook": (
        _flat_fields,
        lambda doc, path: path.write_bytes(flat_workbook.build_flat(doc)),
        workbook.read,
    ),
    "docx": (
        lambda: set(LAYOUT_FIELDS[Layout.HEBEI]),
        lambda doc, path: path.write_bytes(docx.build_docx(doc)),
        docx.read,
    ),
}
SUFFIX = {"json": ".json", "template": ".xlsx", "flat workbook": ".xlsx", "docx": ".docx"}
# The forms each format is meant for: the template and Word print the Hebei table (the template's
# optional columns I–M also hold the flat form's columns), the flat workbook the flat one.
FOR = {
    "json": tuple(Layout),
    "template": (Layout.HEBEI, Layout.FLAT, Layout.NATIONAL, Layout.DEPARTMENT),
    "flat workbook": (Layout.FLAT,),
    "docx": (Layout.HEBEI,),
}
CASES = [(fmt, layout) for fmt, layouts in FOR.items() for layout in layouts]


@pytest.mark.parametrize(("fmt", "layout"), CASES, ids=[f"{f}-{k.value}" for f, k in CASES])
def test_every_field_survives_the_round_trip(fmt: str, layout: Layout, tmp_path: Path) -> None:
    carried, write, read = FORMATS[fmt]
    doc = _document(layout)
    path = tmp_path / f"doc{SUFFIX[fmt]}"
    write(doc, path)
    back = read(path)
    assert len(back.tables) == 1, fmt
    want, got = doc.tables[0], back.tables[0]
    fields = (LAYOUT_FIELDS[layout] & carried()) - STRUCTURE
    wrong = []
    for f in sorted(fields):
        if isinstance(f, IndicatorField):
            pairs = list(zip(want.indicators, got.indicators, strict=True))
            a, b = [field_text(x, f) for x, _ in pairs], [field_text(y, f) for _, y in pairs]
        else:
            a, b = field_text(want, f), field_text(got, f)
        if a != b:
            wrong.append(f"{f.value}: wrote {a!r}, read {b!r}")
    assert not wrong, f"{fmt} / {layout.value}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("layout", list(Layout))
def test_every_field_with_a_csv_label_is_a_csv_column_holding_its_value(layout: Layout) -> None:
    doc = _document(layout)
    rows = list(csv.DictReader(io.StringIO(build_csv(doc).decode("utf-8-sig"))))
    assert len(rows) == 2
    for f in LAYOUT_FIELDS[layout] - STRUCTURE:
        info = L.field_info(f)
        assert info.csv is not None, f"{f.value} has no CSV column"
        owner = doc.tables[0].indicators[1] if isinstance(f, IndicatorField) else doc.tables[0]
        assert rows[1][info.csv] == field_text(owner, f), f.value


def test_every_field_says_which_forms_have_it() -> None:
    """No field is present everywhere by default: each lists its forms (a new one must say)."""
    for f, info in [*L.TABLE_FIELDS.items(), *L.INDICATOR_FIELDS.items()]:
        assert info.layouts and info.name and info.doc, f.value
    assert set(L.TABLE_FIELDS) == set(TableField) and set(L.INDICATOR_FIELDS) == set(IndicatorField)


def test_the_generated_documentation_is_current() -> None:
    """docs/rules.md, the synonym table and the table of fields equal what the code generates."""
    stale = [
        str(path.relative_to(ROOT))
        for path, text in gendocs.expected().items()
        if path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run ./dev docs (stale: {', '.join(stale)})"
