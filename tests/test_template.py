"""The template as built: reproducible, equal to the committed file, and carrying what it promises."""

from __future__ import annotations

import io
import warnings
import zipfile

import openpyxl
import pytest

from tests.helpers import ROOT
from xlgoals import layout as L
from xlgoals.frameworks import level1_lists
from xlgoals.template.builder import build_bytes

COMMITTED = ROOT / "workbook_templates" / "绩效目标表.xlsx"


@pytest.fixture(scope="module")
def template_bytes() -> bytes:
    return build_bytes()


@pytest.fixture(scope="module")
def wb(template_bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # openpyxl warns when it drops x14 extensions
        return openpyxl.load_workbook(io.BytesIO(template_bytes))


def test_two_builds_are_byte_identical(template_bytes):
    assert build_bytes() == template_bytes


def test_committed_template_equals_the_builder_output(template_bytes):
    assert COMMITTED.read_bytes() == template_bytes, "run: ./dev xlgoals template"


def test_no_excel_2010_extensions(template_bytes):
    with zipfile.ZipFile(io.BytesIO(template_bytes)) as zf:
        for name in zf.namelist():
            assert b"x14:" not in zf.read(name), name


def test_sheets_and_hidden_sheets(wb):
    assert wb.sheetnames[:5] == [
        L.INSTRUCTIONS_SHEET,
        L.LIST_SHEET,
        L.RESULTS_SHEET,
        L.DOCUMENT_SHEET,
        "项目1",
    ]
    # 校验结果 is part of the template: no button ever has to add it (where a host may misplace it)
    results = wb[L.RESULTS_SHEET]
    assert [c.value for c in results[1]] == list(L.RESULTS.columns) and results[
        "A2"
    ].value == L.RESULTS.pending
    assert wb[L.LISTS_SHEET].sheet_state == "hidden"
    assert wb[L.META_SHEET].sheet_state == "hidden"
    assert wb[L.META_SHEET]["A1"].value == L.META_MARKER and wb[L.META_SHEET]["B1"].value == L.LAYOUT_VERSION


# The official table as published (seed 000, lines 20–62): its labels, where the template puts them.
OFFICIAL_LABELS = {
    "A2": "预算单位", "F2": "单位：万元", "A3": "项目编码", "D3": "项目名称", "A4": "预算规模及资金用途",
    "B4": "预算数", "D4": "其中：财政资金", "F4": "其他资金", "B5": "资金用途", "B6": "填写方式",
    "D6": "3月底", "E6": "6月底", "F6": "10月底", "G6": "12月底", "A8": "绩效目标", "A9": "一级指标",
    "B9": "二级指标", "C9": "三级指标", "D9": "绩效指标描述", "F9": "指标值", "G9": "指标值确定依据",
}  # fmt: skip
OFFICIAL_MERGES = ("A1:G1", "C2:E2", "F2:G2", "B3:C3", "E3:G3", "A4:A5", "C5:G5", "A6:A7", "B7:C7", "B8:G8")


def test_project_sheet_mirrors_the_official_table(wb):
    ws = wb["项目1"]
    for cell, label in OFFICIAL_LABELS.items():
        assert ws[cell].value == label, cell
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert set(OFFICIAL_MERGES) <= merged
    for item in L.PROJECT.header:  # and the builder wrote what the layout says, where it says
        if item.at.is_range:
            assert item.at.a1 in merged, item
        if item.field is None:
            assert ws.cell(item.at.row, item.at.col).value == item.text, item
    assert f"D{L.PROJECT.first_indicator_row}:E{L.PROJECT.first_indicator_row}" in merged
    assert ws["A1"].font.name == "宋体" and ws["C4"].font.name == "宋体"
    assert ws["C4"].number_format == "0.00" and ws["D7"].number_format == "0%"
    assert ws["A2"].border.left.style == "thin"
    # Room for at least 30 indicator rows, then the footer.
    footer = L.PROJECT.footer_row(L.PROJECT.indicator_rows)
    assert L.PROJECT.indicator_rows >= 30 and ws.cell(footer, 1).value == L.Label.FOOTER
    assert ws.freeze_panes == f"A{L.PROJECT.first_indicator_row}"
    # One A4 page when printed, official columns only.
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    # Absent fitToWidth/fitToHeight mean 1 (the OOXML default, which xlsxwriter does not write).
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (None, 1)
    assert ws.print_area == f"'项目1'!$A$1:$G${footer}"


def test_inputs_unlocked_labels_locked_and_protection_without_password(wb):
    ws = wb["项目1"]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.insertRows is False  # False = not protected, i.e. allowed
    for cell in ("B2", "C2", "B3", "E3", "C4", "E4", "G4", "C5", "C6", "D7", "G7", "B8", "A10", "F10", "G39"):
        assert ws[cell].protection.locked is False, cell
    for cell in ("A2", "A3", "B4", "D4", "A8", "A9", "F9", "H4"):
        assert ws[cell].protection.locked is not False, cell
    # An indicator row holds no locked cell — its 提示 formula and the columns right of the table
    # are unlocked too — so rows copied with it paste and rows can be deleted on the protected sheet.
    assert ws["H10"].protection.locked is False and ws["H39"].protection.locked is False
    default = wb._cell_styles[0]  # the format of every cell without one of its own (N10 … XFD10)
    assert wb._protections[default.protectionId].locked is False


def test_dropdowns_dependent_lists_and_prompts(wb):
    ws = wb["项目1"]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert by_range["A10:A39"].formula1 == "一级指标"
    assert by_range["B10:B39"].formula1 == 'INDIRECT(IF($A10="","二级指标全部",$A10))'
    assert by_range["G10:G39"].formula1 == "依据建议"
    assert "≥95%" in by_range["F10:F39"].prompt
    assert by_range["C6"].formula1 == '"%,万元"'
    names = wb.defined_names
    for name in ("一级指标", "产出指标", "效益指标", "满意度指标", "成本指标", "二级指标全部", "依据建议"):
        assert name in names, name
    lists = wb[L.LISTS_SHEET]
    produce = [c.value for c in lists["B"][1:] if c.value]
    assert lists["B1"].value == "产出指标" and produce == ["数量指标", "质量指标", "时效指标", "成本指标"]


def test_a_typed_level_outside_the_lists_is_refused_or_asked(wb):
    """一级 typed outside its list is refused (STRUCT-002 is an error); 二级 outside its 一级's list
    asks before it is kept (STRUCT-003 judges regional variants); 依据 is free text with suggestions."""
    by_range = {str(dv.sqref): dv for dv in wb["项目1"].data_validations.dataValidation}
    level1, level2, basis = by_range["A10:A39"], by_range["B10:B39"], by_range["G10:G39"]
    assert level1.showErrorMessage and level1.errorStyle in (None, "stop")  # stop is the default
    assert all(name in level1.error for name, _ in level1_lists()), level1.error
    assert level2.showErrorMessage and level2.errorStyle == "warning" and "校验" in level2.error
    assert not basis.showErrorMessage


def test_live_flags_are_formulas(wb):
    ws = wb["项目1"]
    for cell in ("H2", "H4", "H7", "H10", "B40"):
        assert str(ws[cell].value).startswith("="), cell
    assert "ABS(N($C$4)-(N($E$4)+N($G$4)))" in ws["H4"].value
    lst = wb[L.LIST_SHEET]
    assert lst.cell(L.LIST.first_row, 6).value == "=IF('项目1'!$C$4=\"\",\"\",'项目1'!$C$4)"
    assert lst.cell(L.LIST.first_row + 1, 2).value == L.LIST.total_label
    assert lst.cell(L.LIST.first_row, 2).hyperlink.location == "'项目1'!A1"


def test_instructions_cover_fields_conventions_and_validation(wb):
    text = "\n".join(str(c.value) for row in wb[L.INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    for needle in (
        "项目编码",
        "预算数 = 财政资金 + 其他资金",
        "百分比",
        "≤350万元",
        "满意度",
        "xlgoals check",
        "校验",
    ):
        assert needle in text, needle
