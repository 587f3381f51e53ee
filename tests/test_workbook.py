"""Document → workbook → Document, through both readers, on every example and on edited workbooks."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import SEEDS, run, seed, seed_workbook
from xlgoals import layout as L
from xlgoals.check import check_document
from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import TableField
from xlgoals.formats.docx import build_docx
from xlgoals.formats.workbook import read as read_workbook
from xlgoals.model import Document, GoalTable, Indicator, Layout, PlanPoint, SourceFormat
from xlgoals.template import cfb
from xlgoals.template.builder import build_bytes
from xlgoals.template.formulas import row_flag


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("wb")
    out = {}
    for prefix in SEEDS:
        path = d / f"{prefix}.xlsx"
        path.write_bytes(seed_workbook(prefix))
        out[prefix] = path
    return out


@pytest.mark.parametrize("fast", [True, False], ids=["calamine", "openpyxl"])
@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_round_trip_through_a_workbook_keeps_every_value(workbooks, prefix, fast):
    back = read_workbook(workbooks[prefix], fast=fast)
    assert back.comparable() == seed(prefix).comparable()
    assert back.format == SourceFormat.WORKBOOK


def test_both_readers_give_identical_documents_with_cell_locations(workbooks):
    for path in workbooks.values():
        fast, slow = read_workbook(path, fast=True), read_workbook(path, fast=False)
        assert fast == slow
    doc = read_workbook(workbooks["000"])
    t1 = doc.tables[0]
    assert str(t1.locations["project_code"]).endswith("!B3")
    assert t1.locations["budget.total"].cell == "C4"
    sat = t1.indicators[-1]
    assert sat.value_raw == "≥1.9" and sat.locations["value"].cell == f"F{L.PROJECT.first_indicator_row + 5}"
    assert sat.locations["value"].sheet == "1 城乡居民养老保险县级配套"


def _strip(o):
    if isinstance(o, dict):
        return {k: _strip(v) for k, v in o.items() if k not in ("locations", "location", "source", "format")}
    if isinstance(o, list):
        return [_strip(x) for x in o]
    return o


def test_seed_001_converts_to_44_project_sheets_and_back_to_the_same_json(tmp_path):
    xlsx = tmp_path / "001.xlsx"
    assert run("convert", str(SEEDS["001"]), "-o", str(xlsx)).returncode == 0
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    from xlgoals.formats.template_workbook import is_project_sheet
    from xlgoals.io.xlsx import read_grid

    project_sheets = [sh.name for sh in read_grid(xlsx).sheets if is_project_sheet(sh)]
    wb.close()
    assert len(project_sheets) == 44 and L.LIST_SHEET in wb.sheetnames
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in project_sheets)
    assert len({n.lower() for n in project_sheets}) == 44
    assert project_sheets[0] == "1 残疾人两项补贴县级配套（困难残疾人生活补贴）"[:31]
    direct = tmp_path / "direct.json"
    assert run("convert", str(SEEDS["001"]), "-o", str(direct)).returncode == 0
    expected = _strip(json.loads(direct.read_text(encoding="utf-8")))
    for reader in ("fast", "openpyxl"):
        via = tmp_path / f"via-{reader}.json"
        res = run("convert", str(xlsx), "-o", str(via), "--reader", reader)
        assert res.returncode == 0, res.stderr
        assert _strip(json.loads(via.read_text(encoding="utf-8"))) == expected


def test_more_indicators_than_the_prepared_block_extend_it(tmp_path):
    inds = [
        Indicator(
            level1="产出指标",
            level2="数量指标",
            name=f"指标{k}",
            description="d",
            value_raw=f"≥{k}个",
            basis="年初工作计划",
        )
        for k in range(45)
    ]
    doc = Document(
        tables=[
            GoalTable(index=1, project_name="大项目", project_code="13073024P00047410001H", indicators=inds)
        ]
    )
    path = tmp_path / "big.xlsx"
    path.write_bytes(build_bytes(doc))
    back = read_workbook(path)
    assert [i.value_raw for i in back.tables[0].indicators] == [f"≥{k}个" for k in range(45)]
    ws = openpyxl.load_workbook(path)["1 大项目"]
    last = L.PROJECT.first_indicator_row + 44
    assert ws.cell(last, L.PROJECT.flag_column).value == row_flag(
        last, Layout.HEBEI, last
    )  # the live row flag
    assert ws.cell(last, 6).protection.locked is False and ws.cell(last, 6).border.left.style == "thin"
    assert ws.cell(last + 1, 1).value == L.Label.FOOTER
    assert f"$H${last}" in ws.cell(last + 1, 2).value  # the footer counts the extended block
    dv = {str(d.sqref) for d in ws.data_validations.dataValidation}
    assert f"A{L.PROJECT.first_indicator_row}:A{last}" in dv


def test_a_workbook_a_user_edited_still_reads(tmp_path):
    path = tmp_path / "edited.xlsx"
    path.write_bytes(seed_workbook("000"))
    wb = openpyxl.load_workbook(path)
    ws = wb["1 城乡居民养老保险县级配套"]
    ws["C4"] = "2,800.00"  # a number typed as text
    ws["E3"] = "  怀财字【2024】7号 城乡居民养老保险县级配套  "  # stray spaces
    ws.unmerge_cells("D12:E12")
    ws.insert_rows(12, 2)  # rows inserted inside the indicator block, left blank
    ws.insert_rows(15, 1)  # a new row after 时效 (now row 14), typed in by hand
    ws["B15"], ws["C15"], ws["D15"], ws["F15"], ws["G15"] = (
        "时效指标",
        "新增指标",
        "新增",
        "≥ 90 %",
        "年初工作计划",
    )
    ws["E15"] = "（用户写在E列）"
    wb.save(path)
    for fast in (True, False):
        t = read_workbook(path, fast=fast).tables[0]
        assert t.budget.total == Decimal("2800.00") and t.budget.total_raw == "2,800.00"
        assert t.project_name == "怀财字【2024】7号 城乡居民养老保险县级配套"
        values = [i.value_raw for i in t.indicators]
        assert values == ["≥90％", "≥95%", "≥95%", "≥ 90 %", "≤2800万元", "提升", "≥1.9"]
        added = t.indicators[3]
        assert added.level1 == "产出指标"  # forward-filled through the merged block
        assert added.description == "新增（用户写在E列）"
        assert added.locations["value"].cell == "F15"
        assert t.indicators[-1].locations["value"].cell == f"F{L.PROJECT.first_indicator_row + 5 + 3}"


def _write(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _bad_workbooks(tmp: Path) -> list[tuple[Path, str, str | None]]:
    good = seed_workbook("000")
    cases: list[tuple[Path, str, str | None]] = []
    p = tmp / "notes.xlsx"
    p.write_text("这不是工作簿", encoding="utf-8")
    cases.append((p, "不是 Excel 工作簿", None))
    p = tmp / "truncated.xlsx"
    p.write_bytes(good[: len(good) // 2])
    cases.append((p, "已损坏", None))
    import msoffcrypto.format.ooxml as ooxml

    buf = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(good)).encrypt("secret", buf)
    p = tmp / "password.xlsx"
    p.write_bytes(buf.getvalue())
    cases.append((p, "打开密码", None))
    p = tmp / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    cases.append((p, "旧版 Excel 97-2003", None))
    # a Word 97-2003 document renamed .xlsx: an OLE file, but not an old workbook
    p = tmp / "renamed_doc.xlsx"
    p.write_bytes(cfb.write({"WordDocument": bytes(4096), "1Table": bytes(1024)}))
    cases.append((p, "Word 97-2003 文档（.doc）", None))
    p = tmp / "renamed_docx.xlsx"
    p.write_bytes(build_docx(seed("000")))
    cases.append((p, "这是 Word 文档（.docx）", None))
    other = openpyxl.Workbook()
    other.active.append(["姓名", "金额"])
    cases.append((_write(other, tmp / "other.xlsx"), "没有认出绩效目标表", None))
    wb = openpyxl.load_workbook(io.BytesIO(good))
    wb[L.META_SHEET]["B1"] = 99
    cases.append(
        (_write(wb, tmp / "version.xlsx"), "模板版本“99”不受支持", f"工作表“{L.META_SHEET}”单元格B1")
    )
    wb = openpyxl.load_workbook(io.BytesIO(good))
    ws = wb["2 企业养老保险县级配套"]
    for row in ws.iter_rows(min_row=2, max_row=8):
        for cell in row:
            if not isinstance(cell, openpyxl.cell.cell.MergedCell):
                cell.value = None
    cases.append(
        (
            _write(wb, tmp / "noheader.xlsx"),
            "表头不完整：未找到“预算单位”",
            "工作表“2 企业养老保险县级配套”单元格A2",
        )
    )
    return cases


def test_bad_workbooks_raise_one_chinese_message_naming_file_and_place(tmp_path):
    for path, fragment, where in _bad_workbooks(tmp_path):
        for fast in (True, False):
            with pytest.raises(XlgoalsInputError) as exc:
                read_workbook(path, fast=fast)
            message = str(exc.value)
            assert fragment in message and str(path) in message, message
            if where:
                assert where in message, message


def test_bad_workbooks_exit_2_without_traceback_and_write_nothing(tmp_path):
    for path, fragment, _ in _bad_workbooks(tmp_path):
        out = tmp_path / f"{path.stem}.json"
        res = run("convert", str(path), "-o", str(out))
        assert res.returncode == 2, (path, res.stderr)
        assert fragment in res.stderr and "Traceback" not in res.stderr
        assert not out.exists()


@pytest.mark.parametrize("fast", [True, False])
def test_a_listed_sheet_that_is_no_longer_a_project_is_said_to_exist(tmp_path, fast):
    """A project sheet emptied by hand (every row deleted) is still in the workbook: STRUCT-016 used to
    call it deleted or renamed."""
    path = tmp_path / "wb.xlsx"
    path.write_bytes(seed_workbook("000"))
    wb = openpyxl.load_workbook(path)
    gutted = next(ws for ws in wb.worksheets if ws.title.startswith("2 "))
    gutted.delete_rows(1, 60)
    wb.save(path)
    doc = read_workbook(path, fast=fast)
    assert gutted.title in doc.other_sheets and len(doc.tables) == 5
    (finding,) = [f for f in check_document(doc) if f.code == "STRUCT-016"]
    assert f"“{gutted.title}”存在，但已不是完整的项目表" in finding.message


def test_a_number_typed_as_text_in_the_plan_is_told_why_it_is_not_a_number(tmp_path):
    """ " 50% " in a plan cell (spaces, or a text-formatted cell) was reported as "50%" 不是数字."""
    doc = seed("000").model_copy(deep=True)
    doc.tables = doc.tables[:1]
    doc.tables[0].spend_plan.points[1] = PlanPoint(raw=" 50% ", value=None)
    path = tmp_path / "plan_text.xlsx"
    path.write_bytes(build_bytes(doc))
    (f,) = [f for f in check_document(read_workbook(path)) if f.code == "PLAN-006"]
    assert "存成了文本" in f.message and "删去空格" in f.hint


def test_an_amount_typed_with_spaces_is_told_the_spaces_are_the_problem(tmp_path):
    """ " 300 " in the 预算数 cell was reported as “300” 填的是文本 — the clerk sees 300 and no reason."""
    path = tmp_path / "amount_text.xlsx"
    path.write_bytes(seed_workbook("000"))
    wb = openpyxl.load_workbook(path)
    ws = wb[next(n for n in wb.sheetnames if n.startswith("1 "))]
    ws[L.PROJECT.input(TableField.BUDGET_TOTAL).at.a1] = " 2800 "
    wb.save(path)
    (f,) = [f for f in check_document(read_workbook(path)) if f.code == "FUND-001" and "文本" in f.message]
    assert "“ 2800 ”数字前后有空格" in f.message and "删去空格" in f.message


@pytest.mark.parametrize("fast", [True, False])
def test_a_project_sheet_moved_to_the_end_is_said_to_drop_out_of_the_totals(tmp_path, fast):
    """Excel's 移动或复制 → “移至最后” puts a sheet after the hidden ones, outside the 项目清单's
    3-D sums of the amounts: STRUCT-016 said those sums were not affected."""
    path = tmp_path / "moved.xlsx"
    path.write_bytes(seed_workbook("000"))
    wb = openpyxl.load_workbook(path)
    moved = next(ws for ws in wb.worksheets if ws.title.startswith("6 "))
    wb.move_sheet(moved, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(moved.title))
    assert wb.sheetnames[-1] == moved.title
    wb.save(path)
    found = [f for f in check_document(read_workbook(path, fast=fast)) if f.code == "STRUCT-016"]
    assert len(found) == 1 and moved.title in found[0].message and "没有计入" in found[0].message
    assert found[0].location is not None and found[0].location.sheet == moved.title
    # in its place it is counted: no finding
    path.write_bytes(seed_workbook("000"))
    assert "STRUCT-016" not in {f.code for f in check_document(read_workbook(path, fast=fast))}


@pytest.mark.soffice
def test_a_list_row_copied_with_its_formulas_is_said_to_show_another_project(tmp_path):
    """A 项目清单 row copied from the row above and given the new sheet's name, its formulas still
    reading the old sheet: recalculated (LibreOffice), the row shows the other project again, and
    STRUCT-016 says so at that row — not for the rows that are right."""
    from tests import soffice
    from tests.parity import CORPUS
    from xlgoals.template.formulas import list_row

    src = tmp_path / "copied.xlsx"
    src.write_bytes((CORPUS / "clean.xlsx").read_bytes())  # the template with two of 000's projects
    wb = openpyxl.load_workbook(src)
    ws = wb[L.LIST_SHEET]
    first, second = L.LIST.first_row, L.LIST.first_row + 1
    sheet_col = next(k for k, c in enumerate(L.LIST.columns, start=1) if c.kind == L.ListKind.SHEET)
    old_sheet, new_sheet = ws.cell(first, sheet_col).value, ws.cell(second, sheet_col).value
    last = L.PROJECT.first_indicator_row + L.PROJECT.indicator_rows - 1
    for k, value in enumerate(list_row(2, old_sheet, last), start=1):  # the row above, copied down
        ws.cell(second, k).value = value
    ws.cell(second, sheet_col).value = new_sheet  # … and only the sheet's name typed over
    wb.save(src)
    (path,) = soffice.convert([src], "xlsx", tmp_path / "recalc")
    found = [f for f in check_document(read_workbook(path)) if f.code == "STRUCT-016"]
    assert len(found) == 1, [f.message for f in found]
    (f,) = found
    assert f.location is not None and (f.location.sheet, f.location.cell) == (
        L.LIST_SHEET,
        L.cell_name(sheet_col, second),
    )
    assert f"工作表“{new_sheet}”" in f.message and f"“{old_sheet}”" in f.message
    # the untouched workbook, recalculated the same way: nothing to say
    untouched = tmp_path / "untouched.xlsx"
    untouched.write_bytes((CORPUS / "clean.xlsx").read_bytes())
    (clean,) = soffice.convert([untouched], "xlsx", tmp_path / "recalc2")
    assert "STRUCT-016" not in {f.code for f in check_document(read_workbook(clean))}
