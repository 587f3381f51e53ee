"""The Excel front door on Linux, honest to the edge: buttons through xlwings' remote engine (payloads
built from real workbooks, returned actions replayed with openpyxl), worksheet functions as plain
functions. Real Excel on Windows is the manual checklist's job."""

from __future__ import annotations

import types
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

from tests.helpers import seed
from tests.xw_fake import Protected, apply_actions, protection_state, remote_book, vba_client_actions
from xlgoals import layout as L
from xlgoals.check import check_file
from xlgoals.excel import buttons
from xlgoals.excel.udfs import XG_CHECK_CODE, XG_CHECK_PLAN, XG_CHECK_VALUE, XG_TOTAL, XG_VALUE
from xlgoals.io.xw import unprotected
from xlgoals.marks import result_rows
from xlgoals.template import formulas as F
from xlgoals.template.builder import build_bytes

SAT_SHEET = "1 城乡居民养老保险县级配套"


@pytest.fixture
def wb000(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the remote book's fullname is its bare name: logs/exports land here
    path = tmp_path / "000.xlsx"
    path.write_bytes(build_bytes(seed("000")))
    return path


def press(monkeypatch, book, button) -> list[dict]:
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    button()
    return book.json()["actions"]


def test_pressing_validate_marks_the_cells_and_matches_xlgoals_check(wb000, tmp_path, monkeypatch):
    book = remote_book(wb000)
    original_order = [
        s.name for s in book.sheets
    ]  # action positions refer to the order before 校验结果 is added
    actions = press(monkeypatch, book, buttons.validate_button)
    headless, _ = check_file(wb000)
    expected_rows = result_rows(headless.findings, dict(headless.tables))
    # The 校验结果 sheet holds exactly what `xlgoals check` finds.
    written = next(a for a in actions if a["func"] == "setValues" and a["values"][0][0] == "严重程度")
    assert written["values"][1:] == expected_rows
    # The cell holding "≥1.9" is filled red and carries a note naming SAT-001.
    sat_pos = original_order.index(SAT_SHEET)
    fills = [a for a in actions if a["func"] == "setRangeColor" and a["sheet_position"] == sat_pos]
    assert any(a["start_row"] == 14 and a["start_column"] == 5 and a["args"] == ["#FFC7CE"] for a in fills)
    notes = [a for a in actions if a["func"] == "addNote" and a["args"][0] == "$F$15"]
    assert notes and "SAT-001" in notes[0]["args"][1]
    links = [a["args"][0] for a in actions if a["func"] == "addHyperlink"]
    assert f"#'{SAT_SHEET}'!F15" in links
    (alert,) = [a["args"][0] for a in actions if a["func"] == "alert"]
    e = sum(r[0] == "错误" for r in expected_rows)
    w = sum(r[0] == "警告" for r in expected_rows)
    assert alert == f"发现 {e} 个错误、{w} 个警告，详见『校验结果』"


def test_replayed_actions_give_the_same_marks_as_annotate(wb000, tmp_path, monkeypatch):
    book = remote_book(wb000)
    actions = press(monkeypatch, book, buttons.validate_button)
    replayed = tmp_path / "replayed.xlsx"
    apply_actions(wb000, actions, replayed)
    from xlgoals.annotate import annotate_result

    _, doc = check_file(wb000)
    annotated = annotate_result(wb000, tmp_path, doc, tmp_path / "ann")
    a, b = openpyxl.load_workbook(replayed), openpyxl.load_workbook(annotated)

    def marks(wb) -> dict[tuple[str, str], str]:
        """The cells each path recorded as marked in _xlgoals, with their fill colour."""
        meta = wb[L.META_SHEET]
        recorded = [(r[1], r[2]) for r in meta.iter_rows(values_only=True) if r[0] == "mark"]
        return {(sh, cell): wb[sh][cell].fill.fgColor.rgb[-6:] for sh, cell in recorded}

    assert marks(a) == marks(b)
    assert marks(a)[(SAT_SHEET, "F15")] == "FFC7CE"
    rows_a = list(a[L.RESULTS_SHEET].iter_rows(values_only=True))
    rows_b = list(b[L.RESULTS_SHEET].iter_rows(values_only=True))
    assert rows_a == rows_b
    assert a[L.RESULTS_SHEET]["D3"].hyperlink.location == b[L.RESULTS_SHEET]["D3"].hyperlink.location


def test_a_vba_client_gets_only_actions_it_can_execute(wb000, monkeypatch):
    book = remote_book(wb000, client="VBA")
    actions = press(monkeypatch, book, buttons.validate_button)
    allowed = vba_client_actions()
    assert {"setValues", "setRangeColor", "addSheet", "addHyperlink", "alert"} <= allowed
    assert {a["func"] for a in actions} <= allowed  # no addNote: the messages are on 校验结果


def test_pressing_validate_twice_clears_the_previous_marks(wb000, tmp_path, monkeypatch):
    first = remote_book(wb000)
    replayed = tmp_path / "after-first.xlsx"
    apply_actions(wb000, press(monkeypatch, first, buttons.validate_button), replayed)
    second = remote_book(replayed)
    actions = press(monkeypatch, second, buttons.validate_button)
    cleared = [a for a in actions if a["func"] == "setRangeColor" and a["args"] == [None]]
    assert cleared  # the recorded marks are undone before new ones are made
    assert any(a["func"] == "sheetClearContents" for a in actions)  # 校验结果 rewritten, not duplicated
    assert not any(a["func"] == "addSheet" for a in actions)


def test_totals_button_writes_the_cores_totals_beside_the_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "001.xlsx"
    path.write_bytes(build_bytes(seed("001")))
    book = remote_book(path)
    actions = press(monkeypatch, book, buttons.totals_button)
    out = tmp_path / "after.xlsx"
    alerts = apply_actions(path, actions, out)
    ws = openpyxl.load_workbook(out)[L.LIST_SHEET]
    col = L.LIST_TOTALS_COLUMN
    assert ws.cell(L.LIST.header_row, col).value == "xlgoals 汇总（核心计算）"
    total_row = L.LIST.header_row + 1 + 44
    assert ws.cell(total_row, col).value == "合计"
    assert abs(ws.cell(total_row, col + 1).value - 24596.12) < 0.005
    assert ws.cell(L.LIST.header_row + 1, col + 4).value == 45.0  # 180.00 × 25 % at 3月底
    assert "44 个项目" in alerts[0] and "24596.12" in alerts[0]


def test_export_button_writes_beside_the_workbook(wb000, tmp_path, monkeypatch):
    book = remote_book(wb000)
    actions = press(monkeypatch, book, buttons.export_button)
    assert (
        (tmp_path / "000.json").exists()
        and (tmp_path / "000.docx").exists()
        and (tmp_path / "000.csv").exists()
    )
    (alert,) = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert "000.json" in alert and "000.docx" in alert


def test_new_project_button_adds_a_sheet_and_lists_it(wb000, tmp_path, monkeypatch):
    # The last project has 35 indicators: more rows than the template prepares.
    doc = seed("000").model_copy(deep=True)
    last = doc.tables[-1]
    last.indicators = [last.indicators[k % len(last.indicators)].model_copy() for k in range(35)]
    wb000.write_bytes(build_bytes(doc))
    book = remote_book(wb000)
    actions = press(monkeypatch, book, buttons.new_project_button)
    funcs = [a["func"] for a in actions]
    assert "copySheet" in funcs and "setSheetName" in funcs
    assert any(a["func"] == "setSheetName" and a["args"] == ["项目7"] for a in actions)
    (listed,) = [a for a in actions if a["func"] == "setValues" and a["values"][0][:2] == [7, "项目7"]]
    row = listed["values"][0]  # the whole 项目清单 row: its formulas point at the new sheet
    footer = L.PROJECT.first_indicator_row + 35
    assert row[2:] == F.list_row(7, "项目7", footer - 1)[2:] and "'项目7'!$C$4" in row[5]
    # the new sheet is cleared down to its footer: all 35 indicator rows, not the template's 30
    new_sheet = next(a["sheet_position"] for a in actions if a["func"] == "setSheetName")
    cleared = [a for a in actions if a["func"] == "rangeClearContents" and a["sheet_position"] == new_sheet]
    assert any(a["start_row"] == L.PROJECT.first_indicator_row - 1 and a["row_count"] == 35 for a in cleared)
    # the 合计 of the counted columns covers the new row
    assert any(a["func"] == "setValues" and a["values"] == [["=SUM(I4:I10)"]] for a in actions)
    vba = remote_book(wb000, client="VBA")
    res = press(monkeypatch, vba, buttons.new_project_button)
    assert [a["func"] for a in res] == ["alert"] and "桌面版 Excel" in res[0]["args"][0]


def test_failures_show_one_chinese_sentence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    other = openpyxl.Workbook()
    other.active["A1"] = "姓名"
    path = tmp_path / "other.xlsx"
    other.save(path)
    actions = press(monkeypatch, remote_book(path), buttons.validate_button)
    (alert,) = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert alert.startswith("无法完成：不是 xlgoals 绩效目标表模板") and "Traceback" not in alert


def test_an_internal_error_is_logged_not_shown(wb000, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("xlgoals.excel.buttons.check_document", boom)
    actions = press(monkeypatch, remote_book(wb000), buttons.validate_button)
    (alert,) = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert "xlgoals 出错了" in alert and "RuntimeError" not in alert
    log = tmp_path / "xlgoals-error.log"
    assert "RuntimeError: bug" in log.read_text(encoding="utf-8")


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
    # Garbage in never raises.
    for f in (XG_VALUE, XG_CHECK_VALUE, XG_CHECK_CODE, XG_TOTAL):
        assert isinstance(f(object()), str)
    assert isinstance(XG_CHECK_PLAN(object(), [], {}, "x"), str)


# --- protected sheets: every button works on the template as shipped, and leaves it protected ------


def _protection(path: Path) -> dict[str, tuple[bool, dict[str, bool]]]:
    return {ws.title: protection_state(ws) for ws in openpyxl.load_workbook(path).worksheets}


@pytest.fixture(params=["template", "000"])
def shipped(request, tmp_path, monkeypatch) -> Path:
    """The blank template and seed 000's workbook, protected as the builder protects them."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"{request.param}.xlsx"
    path.write_bytes(build_bytes(None if request.param == "template" else seed(request.param)))
    return path


@pytest.mark.parametrize(
    "button",
    [buttons.validate_button, buttons.totals_button, buttons.export_button, buttons.new_project_button],
    ids=["校验", "汇总", "导出", "新增项目"],
)
def test_buttons_work_on_protected_sheets_and_protect_them_again(shipped, button, tmp_path, monkeypatch):
    before = _protection(shipped)
    project = next(
        name for name in before if name[0].isdigit() or (name.startswith("项目") and name != L.LIST_SHEET)
    )
    assert before[project][0] and before[L.META_SHEET][0]  # shipped protected
    actions = press(monkeypatch, remote_book(shipped), button)
    out = tmp_path / "after.xlsx"
    alerts = apply_actions(shipped, actions, out)  # raises Protected on a write Excel would refuse
    assert alerts and not alerts[0].startswith(("xlgoals 出错了", "无法完成")), alerts
    after = _protection(out)
    for name, state in before.items():
        assert after[name] == state, name  # protection back on, with the template's options
    for name in set(after) - set(before):  # 新增项目: the copy is protected like its source
        if name != L.RESULTS_SHEET:
            assert after[name] == before[project]
    if button is buttons.validate_button:
        marked = [a for a in actions if a["func"] == "setRangeColor"]
        assert marked and openpyxl.load_workbook(out)[L.RESULTS_SHEET]["A2"].value


def test_today_s_actions_without_unprotecting_would_fail_in_excel(wb000, monkeypatch):
    """The fake enforces protection: the same marks written without XgUnprotect are refused."""
    actions = press(monkeypatch, remote_book(wb000), buttons.validate_button)
    bare = [a for a in actions if a["func"] != "runMacro"]
    with pytest.raises(Protected):
        apply_actions(wb000, bare, wb000.with_name("bare.xlsx"))


def test_protection_comes_back_when_an_action_fails_halfway(wb000, tmp_path, monkeypatch):
    def half(book, findings, labels):
        book.sheets[SAT_SHEET]["F15"].color = "#FFC7CE"
        raise RuntimeError("half way")

    monkeypatch.setattr("xlgoals.io.xw._apply_marks", half)
    before = _protection(wb000)
    actions = press(monkeypatch, remote_book(wb000), buttons.validate_button)
    funcs = [a["func"] for a in actions]
    assert funcs.index("setRangeColor") < max(i for i, f in enumerate(funcs) if f == "runMacro")
    out = tmp_path / "after.xlsx"
    (alert,) = apply_actions(wb000, actions, out)
    assert "xlgoals 出错了" in alert
    assert _protection(out) == before


def test_on_excel_the_sheet_object_is_unprotected_and_protected_with_the_layout_options():
    """The COM path (real Excel): the calls the Worksheet object receives."""

    class Api:
        def __init__(self) -> None:
            self.ProtectContents = True
            self.calls: list[tuple[str, dict]] = []
            self.EnableSelection = None

        def Unprotect(self) -> None:
            self.calls.append(("Unprotect", {}))
            self.ProtectContents = False

        def Protect(self, **kwargs) -> None:
            self.calls.append(("Protect", kwargs))
            self.ProtectContents = True

    sheets = {name: types.SimpleNamespace(api=Api()) for name in ("1 项目", L.LIST_SHEET)}
    book = types.SimpleNamespace(api=object(), sheets=sheets)
    with unprotected(book, ["1 项目", L.LIST_SHEET], lambda n: L.protection_of(n, project=n == "1 项目")):
        assert not sheets["1 项目"].api.ProtectContents
    api = sheets["1 项目"].api
    (_, args) = api.calls[-1]
    assert api.calls[0][0] == "Unprotect" and api.ProtectContents
    assert args["AllowInsertingRows"] and args["AllowDeletingRows"] and args["AllowFormattingRows"]
    assert not args["AllowFormattingCells"] and args["Contents"] and args["DrawingObjects"]
    assert api.EnableSelection == 0  # locked and unlocked cells selectable
    assert sheets[L.LIST_SHEET].api.calls == []  # the template leaves 项目清单 unprotected


def test_validate_writes_what_it_found_into_each_sheets_footer(wb000, monkeypatch):
    """The printed sheet says what 校验 painted: its 表内校验 row gets the counts of that sheet."""
    actions = press(monkeypatch, remote_book(wb000), buttons.validate_button)
    footer_row = L.PROJECT.footer_row(L.PROJECT.indicator_rows)
    footers = [
        a["values"][0][0]
        for a in actions
        if a["func"] == "setValues" and a["start_row"] == footer_row - 1 and a["start_column"] == 1
    ]
    assert len(footers) == 6
    assert all(f.startswith("=IF(COUNTIF(") and "校验发现" in f for f in footers)
    first = check_file(wb000)[0].findings
    on_first = [f for f in first if f.location and f.location.sheet and f.location.sheet.startswith("1 ")]
    errors = sum(1 for f in on_first if f.severity.value == "error")
    assert f"错误 {errors} 处" in footers[0] if errors else "错误" not in footers[0]


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
    """The mistakes of the parity corpus: 校验 through the remote engine paints exactly the cells
    where the live 提示 column (and `xlgoals check`) put the same rule."""
    from tests import parity

    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes((parity.CORPUS / f"{name}.xlsx").read_bytes())
    book = remote_book(path)
    order = [s.name for s in book.sheets]
    actions = press(monkeypatch, book, buttons.validate_button)
    painted = {
        (order[a["sheet_position"]], L.cell_name(a["start_column"] + 1, a["start_row"] + 1))
        for a in actions
        if a["func"] == "setRangeColor" and a["args"] != [None] and a["sheet_position"] < len(order)
    }
    notes = {
        (order[a["sheet_position"]], a["args"][0].replace("$", ""), a["args"][1])
        for a in actions
        if a["func"] == "addNote"
    }
    expected = parity.expected()[name]["findings"]
    first = parity.project_sheets(openpyxl.load_workbook(path))[0]
    mine = [(s, c, code) for s, c, code in expected if s == first]
    assert mine, name
    for sheet, cell, code in mine:
        assert (sheet, cell) in painted, (sheet, cell)
        assert any(s == sheet and c == cell and code in text for s, c, text in notes), (sheet, cell, code)
