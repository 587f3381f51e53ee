"""A real spreadsheet checks the template's formulas against the Python core (LibreOffice)."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests import soffice
from tests.helpers import seed, seed_workbook
from tests.openpyxl_reading import load_for_reading
from xlgoals import layout as L
from xlgoals.formats.workbook import read as read_workbook
from xlgoals.livecheck import derived_view
from xlgoals.model import Document, Layout, PlanMode, PlanPoint
from xlgoals.template.builder import build_bytes
from xlgoals.template.formulas import flag_texts, footer_text

pytestmark = pytest.mark.soffice


def _defective() -> Document:
    """Seed 000 with the defects the live flags must catch, one kind per table."""
    doc = seed("000").model_copy(deep=True)
    t = doc.tables
    t[0].budget.fiscal = Decimal("2700.00")  # 预算数 ≠ 财政资金 + 其他资金
    for p, v in zip(t[0].spend_plan.points, (25, 50, 40, 100), strict=True):  # the plan decreases
        p.value, p.raw = Decimal(v), f"{v}%"
    for p, v in zip(t[1].spend_plan.points, (30, 60, 90, 95), strict=True):  # does not end at 100 %
        p.value, p.raw = Decimal(v), f"{v}%"
    t[2].spend_plan.mode = PlanMode.AMOUNT  # amount mode not ending at 预算数
    t[2].spend_plan.points = [
        PlanPoint(raw=x, value=Decimal(x)) for x in ("500.00", "1000.00", "2000.00", "3000.00")
    ]
    t[3].project_code = ""  # a required field left empty
    t[3].fund_use = ""
    t[4].indicators[1].value_raw = ""  # a row without its value
    t[4].indicators[2].basis = ""
    t[5].budget.other = Decimal("10.00")
    for p, v in zip(t[5].spend_plan.points, (50, 80, 120, 100), strict=True):  # above 100 % and down
        p.value, p.raw = Decimal(v), f"{v}%"
    return doc


def _recalculated(doc: Document | None, tmp_path: Path, name: str) -> tuple[Path, openpyxl.Workbook]:
    src = tmp_path / f"{name}.xlsx"
    src.write_bytes(build_bytes(doc))
    (out,) = soffice.convert([src], "xlsx", tmp_path / "recalc")
    return src, load_for_reading(out, data_only=True)


def _assert_sheet_flags_match(wb: openpyxl.Workbook, sheet: str, table, layout=Layout.HEBEI) -> None:
    """Every 提示 cell LibreOffice computed equals what the same checks give in Python."""
    ws = wb[sheet]
    expected = flag_texts(derived_view(table), layout)
    last = L.PROJECT.footer_row(max(L.PROJECT.indicator_rows, len(table.indicators))) - 1
    for r in range(1, last + 1):
        if r != L.PROJECT.indicator_header_row:
            assert (ws.cell(r, L.PROJECT.flag_column).value or "") == expected.get(r, ""), (sheet, r)
    assert ws.cell(last + 1, 2).value == footer_text(len(expected)), sheet


def test_flag_formulas_agree_with_the_core_on_a_defective_workbook(tmp_path):
    doc = _defective()
    src, wb = _recalculated(doc, tmp_path, "defects")
    expected = ["".join(flag_texts(derived_view(t), Layout.HEBEI).values()) for t in doc.tables]
    assert "预算数≠财政资金+其他资金" in expected[0] and "10月底小于6月底" in expected[0]
    assert "12月底累计应为100%" in expected[1] and "12月底累计应为100%" in expected[2]
    assert "项目编码未填" in expected[3] and "资金用途未填" in expected[3]
    assert "指标值未填" in expected[4] and "确定依据未填" in expected[4]
    assert "10月底超过100%" in expected[5] and "预算数≠财政资金+其他资金" in expected[5]
    names = [s for s in wb.sheetnames if s[0].isdigit()]
    for name, table in zip(names, doc.tables, strict=True):
        _assert_sheet_flags_match(wb, name, table)
    lst = wb[L.LIST_SHEET]
    for k, table in enumerate(doc.tables):
        assert lst.cell(L.LIST.first_row + k, 10).value == len(flag_texts(derived_view(table), Layout.HEBEI))
    # The core reads the same workbook (not recalculated) and computes the same flags from its cells.
    back = read_workbook(src)
    assert ["".join(flag_texts(t.sheet, Layout.HEBEI).values()) for t in back.tables] == expected


def test_seed_001_list_totals_equal_the_sum_of_its_44_budgets(tmp_path):
    doc = seed("001")
    _, wb = _recalculated(doc, tmp_path, "001")
    lst = wb[L.LIST_SHEET]
    total_row = L.LIST.first_row + 44
    assert lst.cell(total_row, 2).value == L.LIST.total_label
    expected = sum(t.budget.total for t in doc.tables)
    assert expected == Decimal("24596.12")
    assert abs(Decimal(str(lst.cell(total_row, 6).value)) - expected) < Decimal("0.005")
    assert abs(
        Decimal(str(lst.cell(total_row, 7).value)) - sum(t.budget.fiscal or 0 for t in doc.tables)
    ) < Decimal("0.005")
    for k, t in enumerate(doc.tables):
        assert abs(Decimal(str(lst.cell(L.LIST.first_row + k, 6).value)) - t.budget.total) < Decimal("0.005")
        assert lst.cell(L.LIST.first_row + k, 4).value == t.project_code
    assert lst.cell(total_row, 9).value == sum(1 for t in doc.tables for i in t.indicators if i.name)
    names = [s for s in wb.sheetnames if s[0].isdigit()]
    for name, table in zip(names, doc.tables, strict=True):
        _assert_sheet_flags_match(wb, name, table)


def test_empty_template_recalculates_quietly(tmp_path):
    _, wb = _recalculated(None, tmp_path, "template")
    ws = wb["项目1"]
    assert ws["H2"].value == "本表尚未填写。"  # and nothing else: a blank sheet is one finding, not six
    rows = range(3, L.PROJECT.footer_row(L.PROJECT.indicator_rows))
    assert all(not ws.cell(r, 8).value for r in rows if r != L.PROJECT.indicator_header_row)
    assert ws.cell(L.PROJECT.footer_row(L.PROJECT.indicator_rows), 2).value == footer_text(1)
    assert wb[L.LIST_SHEET].cell(L.LIST.first_row + 1, 6).value == 0


def test_a_filled_sheet_renders_to_pdf_with_a_cjk_font(tmp_path):
    src = tmp_path / "000.xlsx"
    src.write_bytes(seed_workbook("000"))
    (pdf,) = soffice.convert([src], "pdf", tmp_path / "pdf")
    if shutil.which("pdffonts") is None:
        pytest.fail("poppler-utils (pdffonts) missing")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert any(k in fonts for k in ("WenQuanYi", "Noto", "CJK", "Song", "Hei")), fonts
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "5", "-l", "5", str(pdf), str(tmp_path / "page")], check=True
    )
    assert list(tmp_path.glob("page*.png"))


def _cell_colour(pdf: Path, text: str, tmp_path: Path) -> tuple[int, int, int]:
    """The background just left of ``text`` where LibreOffice printed it (the median of a small box),
    from the page rendered by pdftoppm as a plain PPM image."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        word = (
            rf'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">{re.escape(text)}</word>'
        )
        hit = re.search(word, page)
        if hit is None:
            continue
        x, top, bottom = (float(v) for v in hit.groups())
        dpi, stem = 100, tmp_path / f"p{number}"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number), "-singlefile", str(pdf), str(stem)], check=True)  # fmt: skip
        data = (tmp_path / f"p{number}.ppm").read_bytes()
        width, pixels = re.match(rb"P6\s+(\d+)\s+\d+\s+\d+\s(.*)", data, re.S).groups()  # type: ignore[union-attr]
        width_n, scale = int(width), dpi / 72
        y = int((top + bottom) / 2 * scale)
        box = []
        for dx in range(3, 9):
            for dy in (-1, 0, 1):
                k = 3 * ((y + dy) * width_n + int(x * scale) - dx)
                box.append(tuple(pixels[k : k + 3]))
        return sorted(box)[len(box) // 2]  # type: ignore[return-value]
    raise AssertionError(f"{text!r} not printed")


def test_a_plan_cell_in_wanyuan_over_the_budget_turns_red_in_libreoffice(tmp_path):
    """LibreOffice applies only the first conditional format that matches a cell: the 万元 number format
    came first, so a plan cell in 万元 never turned red there (Excel applies every rule)."""
    doc = seed("000").model_copy(deep=True)
    doc.tables = doc.tables[:1]
    t = doc.tables[0]
    t.spend_plan.mode = PlanMode.AMOUNT
    t.spend_plan.points = [PlanPoint(raw=x, value=Decimal(x)) for x in ("500", "1000", "3456", "2800")]
    src = tmp_path / "wanyuan.xlsx"
    src.write_bytes(build_bytes(doc))
    (pdf,) = soffice.convert([src], "pdf", tmp_path / "pdf")
    red = tuple(int(L.MARK_FILLS["error"][k : k + 2], 16) for k in (0, 2, 4))
    over = _cell_colour(pdf, "3456.00", tmp_path)  # shown in 0.00: the number format applies too
    fine = _cell_colour(pdf, "1000.00", tmp_path)
    assert all(abs(a - b) <= 12 for a, b in zip(over, red, strict=True)), over
    assert all(v >= 240 for v in fine), fine
