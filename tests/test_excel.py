"""Excel with local Python, honest to the edge: the RunPython buttons on a strict double of Excel as
xlwings shows it (tests/excel_double.py — it raises where Excel and xlwings raise: a second note on
a cell, a write to a locked cell of a protected sheet, part of a merged cell; it adds a sheet before
the active one when told no place), started from real workbooks; worksheet functions as plain
functions. Real Excel on Windows is the release checklist's job (docs/使用说明.md §7)."""

from __future__ import annotations

import types
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

from tests.excel_double import Book, ExcelError
from tests.helpers import seed, seed_workbook
from tests.openpyxl_reading import load_for_reading
from xlgoals import layout as L
from xlgoals.annotate import annotate_result
from xlgoals.check import check_file
from xlgoals.excel import buttons
from xlgoals.excel.udfs import XG_CHECK_CODE, XG_CHECK_PLAN, XG_CHECK_VALUE, XG_TOTAL, XG_VALUE
from xlgoals.io.xw import XlwingsHost
from xlgoals.marks import result_rows
from xlgoals.template import formulas as F
from xlgoals.template.builder import build_bytes

SAT_SHEET = "1 城乡居民养老保险县级配套"
BUTTONS = {
    "校验": buttons.validate_button,
    "汇总": buttons.totals_button,
    "导出": buttons.export_button,
    "新增项目": buttons.new_project_button,
}


@pytest.fixture
def wb000(tmp_path: Path) -> Path:
    path = tmp_path / "000.xlsx"
    path.write_bytes(seed_workbook("000"))
    return path


def press(monkeypatch: pytest.MonkeyPatch, book: Book, button: object) -> str:
    """Press a button of ``book`` as Excel would run its RunPython target; the message shown."""
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    before = len(book.app.alerts)
    button()  # type: ignore[operator]
    (message,) = book.app.alerts[before:]
    return message


def test_validate_marks_the_cells_and_lists_what_xlgoals_check_finds(wb000, monkeypatch):
    book = Book.from_xlsx(wb000)
    message = press(monkeypatch, book, buttons.validate_button)
    headless, _ = check_file(wb000)
    expected = result_rows(headless.findings, dict(headless.tables))
    results = book.sheets[L.RESULTS_SHEET]
    written = [[results.cell(r, c).value for c in range(1, 7)] for r in range(2, 2 + len(expected))]
    assert written == expected
    fill_, note = book.marks()[(SAT_SHEET, "F15")]
    assert fill_ == "FFC7CE" and note is not None and "SAT-001" in note
    links = {results.cell(r, L.RESULTS.link_column).link for r in range(2, 2 + len(expected))}
    assert f"'{SAT_SHEET}'!F15" in links
    e = sum(r[0] == "错误" for r in expected)
    w = sum(r[0] == "警告" for r in expected)
    assert message == f"发现 {e} 个错误、{w} 个警告，详见『校验结果』"


def test_the_marks_are_the_ones_the_annotated_copy_has(wb000, tmp_path, monkeypatch):
    book = Book.from_xlsx(wb000)
    press(monkeypatch, book, buttons.validate_button)
    _, doc = check_file(wb000)
    annotated = Book.from_xlsx(annotate_result(wb000, tmp_path / "ann" / wb000.name, doc))
    pressed = {k: v[0] for k, v in book.marks().items() if k[0] != L.RESULTS_SHEET}
    copied = {k: v[0] for k, v in annotated.marks().items() if k[0] != L.RESULTS_SHEET}
    assert pressed == copied and pressed[(SAT_SHEET, "F15")] == "FFC7CE"


def test_pressing_validate_twice_gives_the_workbook_pressing_once_gives(wb000, monkeypatch):
    """The second press once failed: every mark added a note and xlwings raises on a cell that
    already has one (the double does too)."""
    book = Book.from_xlsx(wb000)
    book.sheets[SAT_SHEET].api.Unprotect()
    with pytest.raises(ValueError, match="already has a note"):  # the double is as strict as xlwings
        rng = book.sheets[SAT_SHEET]["F15"]
        rng.add_note("a")
        rng.add_note("b")
    book = Book.from_xlsx(wb000)
    first = press(monkeypatch, book, buttons.validate_button)
    once = book.snapshot()
    second = press(monkeypatch, book, buttons.validate_button)
    assert second == first and book.snapshot() == once


def test_a_fixed_cell_loses_its_mark_and_the_others_keep_theirs(wb000, monkeypatch):
    book = Book.from_xlsx(wb000)
    press(monkeypatch, book, buttons.validate_button)
    before = book.marks()
    results = book.sheets[L.RESULTS_SHEET]

    def listed() -> list[str]:
        return [results.cell(r, 2).value for r in range(2, 300) if results.cell(r, 2).value]

    listed_before = listed()
    sheet = book.sheets[SAT_SHEET]
    sheet.api.Unprotect()
    sheet["F15"].value = "≥90%"  # the clerk fixes 满意度 ≥1.9
    sheet.api.Protect(DrawingObjects=True, Contents=True, AllowInsertingRows=True, AllowDeletingRows=True,
                      AllowFormattingRows=True, AllowFormattingColumns=True)  # fmt: skip
    press(monkeypatch, book, buttons.validate_button)
    after = book.marks()
    assert (SAT_SHEET, "F15") in before and (SAT_SHEET, "F15") not in after
    assert book.sheets[SAT_SHEET].cell(15, 6).note is None and book.sheets[SAT_SHEET].cell(15, 6).fill is None
    kept = {k: v for k, v in before.items() if k[0] != L.RESULTS_SHEET and k != (SAT_SHEET, "F15")}
    assert kept and all(after.get(k) == v for k, v in kept.items())
    assert "SAT-001" in listed_before and "SAT-001" not in listed()
    assert len(listed()) == len(listed_before) - 1  # the rest rewritten, nothing left of the old list


@pytest.mark.parametrize("active", [SAT_SHEET, L.DOCUMENT_SHEET, L.INSTRUCTIONS_SHEET])
def test_a_workbook_without_the_results_sheet_gets_it_after_the_list_from_any_sheet(
    wb000, monkeypatch, active
):
    """Workbooks of an earlier template have no 校验结果: it is added right after 项目清单, whichever
    sheet is active (Excel's Sheets.Add without a place inserts before the active sheet — the
    service's old client then wrote the results over 公开说明)."""
    wb = openpyxl.load_workbook(wb000)
    del wb[L.RESULTS_SHEET]
    wb.save(wb000)
    book = Book.from_xlsx(wb000, active=active)

    def document() -> dict[tuple[int, int], object]:  # what 公开说明 holds (its marks aside)
        return {
            (r, c): (cell.value, cell.formula) for (r, c), cell in book.sheets[L.DOCUMENT_SHEET].cells.items()
        }

    before = document()
    press(monkeypatch, book, buttons.validate_button)
    names = book.names()
    assert names[names.index(L.LIST_SHEET) + 1] == L.RESULTS_SHEET
    assert document() == before


@pytest.fixture(params=["template", "000"])
def shipped(request, tmp_path: Path) -> Path:
    """The blank template and seed 000's workbook, protected as the builder protects them."""
    path = tmp_path / f"{request.param}.xlsx"
    path.write_bytes(build_bytes(None if request.param == "template" else seed(request.param)))
    return path


@pytest.mark.parametrize("name", list(BUTTONS))
def test_every_button_works_on_the_protected_template_and_protects_it_again(shipped, name, monkeypatch):
    book = Book.from_xlsx(shipped)
    before = book.snapshot()["protection"]
    assert before[L.META_SHEET][0] and any(
        on for n, (on, _) in before.items() if n[0].isdigit() or (n.startswith("项目") and n != L.LIST_SHEET)
    )
    message = press(monkeypatch, book, BUTTONS[name])
    assert not message.startswith(("xlgoals 出错了", "无法完成")), message
    after = book.snapshot()["protection"]
    for sheet, state in before.items():
        assert after[sheet] == state, sheet
    for sheet in set(after) - set(before):  # 新增项目: the copy is protected like its source
        source = next(n for n in book.names() if n in before and before[n] == after[sheet])
        assert after[sheet][0], (sheet, source)


def test_a_failure_halfway_protects_again_and_says_one_sentence(wb000, tmp_path, monkeypatch):
    calls = {"n": 0}
    real = XlwingsHost.fill

    def flaky(self, sheet, cells, color):  # the fifth fill fails, after some sheets were unprotected
        calls["n"] += 1
        if calls["n"] == 5:
            raise ExcelError("1004: something Excel refused")
        real(self, sheet, cells, color)

    monkeypatch.setattr(XlwingsHost, "fill", flaky)
    book = Book.from_xlsx(wb000)
    before = book.snapshot()["protection"]
    message = press(monkeypatch, book, buttons.validate_button)
    assert message.startswith("xlgoals 出错了") and "Traceback" not in message
    assert "ExcelError" in (tmp_path / "xlgoals-error.log").read_text(encoding="utf-8")
    assert book.snapshot()["protection"] == before


def test_totals_writes_the_cores_totals_beside_the_list(tmp_path, monkeypatch):
    path = tmp_path / "001.xlsx"
    path.write_bytes(seed_workbook("001"))
    book = Book.from_xlsx(path)
    message = press(monkeypatch, book, buttons.totals_button)
    ws = book.sheets[L.LIST_SHEET]
    col = L.LIST_TOTALS_COLUMN
    assert ws.cell(L.LIST.header_row, col).value == L.LIST_TOTALS_TITLE
    total_row = L.LIST.header_row + 1 + 44
    assert ws.cell(total_row, col).value == "合计"
    assert abs(ws.cell(total_row, col + 1).value - 24596.12) < 0.005
    assert ws.cell(L.LIST.header_row + 1, col + 4).value == 45.0  # 180.00 × 25 % at 3月底
    assert "44 个项目" in message and "24596.12" in message
    press(monkeypatch, book, buttons.totals_button)  # again: the same block, nothing left over
    assert ws.cell(total_row, col).value == "合计" and ws.cell(total_row + 1, col).value is None


def test_export_writes_beside_the_workbook(wb000, tmp_path, monkeypatch):
    message = press(monkeypatch, Book.from_xlsx(wb000), buttons.export_button)
    for suffix in (".json", ".docx", ".csv"):
        assert (tmp_path / f"000{suffix}").exists()
    assert "000.json" in message and "000.docx" in message


def test_new_project_adds_a_protected_sheet_lists_it_and_validate_covers_it(wb000, monkeypatch):
    # The last project has 35 indicators: more rows than the template prepares.
    doc = seed("000").model_copy(deep=True)
    last = doc.tables[-1]
    last.indicators = [last.indicators[k % len(last.indicators)].model_copy() for k in range(35)]
    wb000.write_bytes(build_bytes(doc))
    book = Book.from_xlsx(wb000)
    source = book.names()[book.names().index(L.LISTS_SHEET) - 1]
    message = press(monkeypatch, book, buttons.new_project_button)
    assert message == "已新增项目表『项目7』，并已加入『项目清单』。"
    names = book.names()
    assert names[names.index(source) + 1] == "项目7"
    new = book.sheets["项目7"]
    assert new.protection.on and new.protection.allowed == book.sheets[source].protection.allowed
    footer = L.PROJECT.first_indicator_row + 35
    assert all(
        new.cell(r, c).value is None
        for r in range(L.PROJECT.first_indicator_row, footer)
        for c in range(1, 8)
    )
    assert new.cell(footer, 1).value == L.Label.FOOTER
    lst = book.sheets[L.LIST_SHEET]
    row = L.LIST.first_row + 6
    assert lst.cell(row, 2).value == "项目7" and lst.cell(row, 2).link == "'项目7'!A1"
    expected = F.list_row(7, "项目7", footer - 1)
    assert [lst.cell(row, c).formula for c in range(3, len(expected) + 1)] == expected[2:]
    counted = [
        c for c, spec in enumerate(L.LIST.columns, start=1) if spec.total and spec.kind != L.ListKind.FIELD
    ]
    assert lst.cell(row + 1, counted[0]).formula == F.list_sum(counted[0], L.LIST.first_row)
    press(monkeypatch, book, buttons.validate_button)  # 新增项目, then 校验: the new sheet is checked too
    assert any(s == "项目7" for s, _ in book.marks())


def test_failures_show_one_chinese_sentence(tmp_path, monkeypatch):
    other = openpyxl.Workbook()
    other.active["A1"] = "姓名"
    path = tmp_path / "other.xlsx"
    other.save(path)
    message = press(monkeypatch, Book.from_xlsx(path), buttons.validate_button)
    assert message.startswith("无法完成：") and "Traceback" not in message


def test_an_internal_error_is_logged_not_shown(wb000, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("xlgoals.press.check_document", boom)
    message = press(monkeypatch, Book.from_xlsx(wb000), buttons.validate_button)
    assert "xlgoals 出错了" in message and "RuntimeError" not in message
    assert "RuntimeError: bug" in (tmp_path / "xlgoals-error.log").read_text(encoding="utf-8")


def test_validate_writes_what_it_found_into_each_sheets_footer(wb000, monkeypatch):
    """The printed sheet says what 校验 painted: its 表内校验 row gets the counts of that sheet."""
    book = Book.from_xlsx(wb000)
    press(monkeypatch, book, buttons.validate_button)
    footer_row = L.PROJECT.footer_row(L.PROJECT.indicator_rows)
    projects = [n for n in book.names() if n[:1].isdigit()]
    footers = [book.sheets[n].cell(footer_row, 2).formula for n in projects]
    assert len(footers) == 6 and all(f.startswith("=IF(COUNTIF(") and "校验发现" in f for f in footers)
    first = check_file(wb000)[0].findings
    on_first = [f for f in first if f.location and f.location.sheet == projects[0]]
    errors = sum(1 for f in on_first if f.severity.value == "error")
    assert (f"错误 {errors} 处" in footers[0]) if errors else ("错误" not in footers[0])


@pytest.mark.parametrize(
    "name",
    [
        "amount_thousands_text",
        "amount_fullwidth",
        "percent_whole_30",
        "blank_row_inside",
        "value_placeholder",
    ],
)
def test_validate_marks_what_a_clerk_typed_at_the_cell_the_sheet_flags(name, tmp_path, monkeypatch):
    """The mistakes of the parity corpus: 校验 paints exactly the cells where the live 提示 column
    (and `xlgoals check`) put the same rule."""
    from tests import parity

    path = tmp_path / f"{name}.xlsx"
    path.write_bytes((parity.CORPUS / f"{name}.xlsx").read_bytes())
    book = Book.from_xlsx(path)
    press(monkeypatch, book, buttons.validate_button)
    marks = book.marks()
    first = parity.project_sheets(load_for_reading(path))[0]
    mine = [(s, c, code) for s, c, code in parity.expected()[name]["findings"] if s == first]
    assert mine, name
    for sheet, cell, code in mine:
        fill_, note = marks[(sheet, cell)]
        assert fill_ in L.MARK_FILLS.values(), (sheet, cell)
        assert note is not None and code in note, (sheet, cell, code)


def test_worksheet_functions_as_plain_functions():
    assert isinstance(XG_CHECK_VALUE, types.FunctionType)
    msg = XG_CHECK_VALUE("≥95百分比", "满意度指标", "服务对象满意度")
    assert msg.startswith("VAL-001") and len(msg) <= 60
    assert XG_CHECK_VALUE("≥90%", "服务对象满意度指标", "受益群众满意度") == ""
    assert XG_CHECK_VALUE("≥1.9", "服务对象满意度指标", "满意度").startswith("SAT-001")
    assert XG_CHECK_VALUE("≤12个月", "时效指标", "资金拨付及时率").startswith(("TIME-001", "VAL-006"))
    assert XG_VALUE("≥95％") == "≥95% · 定量 · 比较符≥ · 数值95 · 单位%"
    assert XG_CHECK_CODE("13073024P00047410001H", 2024) == ""
    assert XG_CHECK_CODE("1307302", 2024).startswith("CODE-001")
    assert XG_CHECK_CODE("13073023P00047410001H", 2024).startswith("CODE-003")
    assert XG_CHECK_PLAN(0.25, 0.5, 0.75, 1.0, 100) == ""
    assert XG_CHECK_PLAN(0.25, 0.5, 0.4, 1.0, 100).startswith("PLAN-002")
    assert XG_CHECK_PLAN(None, 0.5, 0.75, 1.0).startswith("PLAN-001")
    assert XG_TOTAL(2800, 2800, None) == "" and XG_TOTAL(2800, 2700).startswith("FUND-001")
    for f in (XG_VALUE, XG_CHECK_VALUE, XG_CHECK_CODE, XG_TOTAL):  # garbage in never raises
        assert isinstance(f(object()), str)
    assert isinstance(XG_CHECK_PLAN(object(), [], {}, "x"), str)
