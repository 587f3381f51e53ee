"""Repeated row formulas written once as shared formulas (xlgoals/template/shared_formulas.py): the
workbook means the same, cell for cell, as with every formula written out — read back by openpyxl,
which moves a shared formula to each cell as Excel does (LibreOffice's reading of them is proven by
the parity corpus and the editing tests, which recalculate and edit the template)."""

from __future__ import annotations

import io
import re
import zipfile
from unittest import mock

import openpyxl
import pytest
from openpyxl.formula.translate import Translator

from tests import openpyxl_reading as R
from tests.helpers import seed
from xlgoals.template import builder
from xlgoals.template.shared_formulas import moved, share_sheet


@pytest.mark.parametrize(
    ("formula", "rows", "expected"),
    [
        ("TRIM($B10)", 2, "TRIM($B12)"),
        ("COUNTA($C11:$C$39,F11:F$39)", 1, "COUNTA($C12:$C$39,F12:F$39)"),  # the end of the block stays
        ("$B$3&C4", 5, "$B$3&C9"),
        ('IF(B10="B10",1,0)', 1, 'IF(B11="B10",1,0)'),  # text is text
        ('IF(B10="say ""A1"" now",A1,"")', 1, 'IF(B11="say ""A1"" now",A2,"")'),
        ("LOG10(A1)+'项目1'!B2", 1, "LOG10(A2)+'项目1'!B3"),  # a function's name is no reference
    ],
)
def test_a_formula_moved_down_as_excel_moves_it(formula: str, rows: int, expected: str) -> None:
    assert moved(formula, rows) == expected


def test_only_exact_moved_copies_are_shared() -> None:
    cells = "".join(f'<c r="H{r}" s="1"><f>{f}</f><v></v></c>' for r, f in [
        (10, "A10+1"), (11, "A11+1"), (12, "A12+2"), (13, "A13+2"), (15, "A15+2"), (16, "A16+2"),
    ])  # fmt: skip
    out = share_sheet(f"<sheetData>{cells}</sheetData>")
    assert re.findall(r'<c r="(H\d+)"[^>]*><f([^>]*)>', out) == [
        ("H10", ' t="shared" ref="H10:H11" si="0"'),
        ("H11", ' t="shared" si="0"/'),
        ("H12", ' t="shared" ref="H12:H13" si="1"'),
        ("H13", ' t="shared" si="1"/'),
        ("H15", ' t="shared" ref="H15:H16" si="2"'),  # a gap of a row starts a new run
        ("H16", ' t="shared" si="2"/'),
    ]


def test_the_template_means_the_same_with_its_row_formulas_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = seed("000")
    shared = builder.build_bytes(doc)
    monkeypatch.setattr(builder.shared_formulas, "share", lambda package: package)
    full = builder.build_bytes(doc)
    a, b = openpyxl.load_workbook(io.BytesIO(full)), openpyxl.load_workbook(io.BytesIO(shared))
    formulas = 0
    for sheet in a.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert b[sheet.title][cell.coordinate].value == cell.value, (sheet.title, cell.coordinate)
                formulas += isinstance(cell.value, str) and cell.value.startswith("=")
    assert formulas > 200
    with zipfile.ZipFile(io.BytesIO(shared)) as z, zipfile.ZipFile(io.BytesIO(full)) as y:
        sheet = next(n for n in z.namelist() if b'si="0"/>' in z.read(n))
        assert len(z.read(sheet)) * 3 < len(y.read(sheet))  # the project sheet's XML: a third or less
        assert z.read(sheet).count(b'<f t="shared" si="0"/>') == 29  # 30 indicator rows, one formula


def test_the_tests_remembered_translations_give_openpyxls_own_text() -> None:
    """tests/openpyxl_reading.remember_translations (installed for every test by conftest) keeps
    openpyxl's shared-formula translations: loaded with the memo warm, every formula of a workbook reads
    as openpyxl's own translation gives it."""
    data = builder.build_bytes(seed("000"))

    def formulas() -> dict[tuple[str, str], str]:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        return {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")}  # fmt: skip

    R.remember_translations()
    formulas()  # the memo filled
    remembered = formulas()
    with (
        mock.patch.object(Translator, "__init__", R._original_init),
        mock.patch.object(Translator, "translate_formula", R._original_translate),
    ):
        own = formulas()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        shared = sum(
            z.read(n).count(b'<f t="shared" si=') for n in z.namelist() if n.startswith("xl/worksheets/")
        )
    assert shared >= 100  # cells whose formula openpyxl translates
    assert remembered == own
