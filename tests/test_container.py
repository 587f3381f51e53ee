"""The package inspection (xlgoals.io.container) on what it measures and refuses: how far each sheet's
cells reach, which formula cells were saved without a value, a DTD anywhere in a part — also where
the text that says so lies across two of the pieces a member is streamed in."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import seed_workbook
from xlgoals.errors import XlgoalsInputError
from xlgoals.io import container
from xlgoals.io.container import inspect_package, inspect_workbook

SHEET = "xl/worksheets/sheet1.xml"
HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>'


def _package(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _across_the_chunk(text: bytes, cut: int) -> bytes:
    """A sheet whose ``text`` starts ``cut`` bytes before the end of the first streamed chunk."""
    pad = container._CHUNK - cut - len(HEAD)
    return HEAD + b"<!--" + b" " * (pad - 7) + b"-->" + text + b"</sheetData></worksheet>"


FAR = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.mark.parametrize(
    "cut",  # bytes of FAR in the first chunk: the cut inside the row's number, the letters, the digits
    [FAR.index(b"1048576") + 3, FAR.index(b"XFD") + 1, FAR.index(b"XFD") + 6],
)
def test_a_far_cell_split_between_two_chunks_is_measured(tmp_path, cut):
    data = _across_the_chunk(FAR, cut)
    assert data[container._CHUNK - cut : container._CHUNK] == FAR[:cut]
    package = inspect_package(_package(tmp_path, {SHEET: data}), "工作簿")
    assert package.extents[SHEET] == (1048576, 16384)


def test_a_formula_without_its_value_split_between_two_chunks_is_found(tmp_path):
    cell = b'<row r="7"><c r="C7"><f>1400+1400</f></c></row>'
    data = _across_the_chunk(cell, cell.index(b"<f>") + 2)
    package = inspect_package(_package(tmp_path, {SHEET: data}), "工作簿")
    assert package.uncached[SHEET] == {(7, 3)}


@pytest.mark.parametrize(
    "declaration", [b"<!DOCTYPE x [", b"<!ENTITY a 'b'>", "<!DOCTYPE".encode("utf-16-le")]
)
def test_a_dtd_split_between_two_chunks_is_refused(tmp_path, declaration):
    data = _across_the_chunk(declaration, 4)
    with pytest.raises(XlgoalsInputError, match="不安全的 XML 声明"):
        inspect_package(_package(tmp_path, {SHEET: data}), "工作簿")


def test_an_exclamation_mark_in_a_formula_is_not_a_dtd(tmp_path):
    cell = b'<row r="1"><c r="A1"><f>\'1 \xe9\xa1\xb9\xe7\x9b\xae\'!C4</f><v>3</v></c></row>'
    package = inspect_package(
        _package(tmp_path, {SHEET: HEAD + cell + b"</sheetData></worksheet>"}), "工作簿"
    )
    assert package.extents[SHEET] == (1, 1)


def test_the_reach_of_each_sheet_of_a_real_workbook_is_what_openpyxl_finds(tmp_path):
    path = tmp_path / "000.xlsx"
    path.write_bytes(seed_workbook("000"))
    package = inspect_workbook(path)
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    parts = {ws.title: f"xl/worksheets/sheet{k}.xml" for k, ws in enumerate(wb.worksheets, start=1)}
    assert set(parts.values()) == set(package.extents)
    for ws in wb.worksheets:
        assert package.extents[parts[ws.title]] == (ws.max_row, ws.max_column), ws.title
