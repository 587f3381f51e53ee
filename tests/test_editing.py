"""Editing that survives: rows inserted among the indicators and a project sheet copied by hand, done
in a real LibreOffice through UNO, leave the live flags and the 项目清单 totals equal to what
``xlgoals check`` and the core's totals say."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests import parity, soffice
from xlgoals import layout as L
from xlgoals.check import check_file
from xlgoals.formats import read_document

pytestmark = pytest.mark.soffice
P = L.PROJECT
PROJECTS = len(parity.base().tables)  # the corpus's projects: the new one is number PROJECTS + 1
NEW = f"{PROJECTS + 1} 新项目"
BUDGET = sum(t.budget.total or 0 for t in parity.base().tables)  # 万元, as the seed says


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("uno")
    src = parity.CORPUS / "clean.xlsx"
    first = parity.project_sheets(openpyxl.load_workbook(src))[0]
    steps = [
        # Two copies of row 11 → rows 12 and 13: columns B to the last optional column, as 填表说明
        # says (column A's 一级指标 is merged down its group; LibreOffice copies nothing from a range
        # that cuts a merged cell), keeping the 提示 formula.
        {
            "insert_rows": first,
            "after": 11,
            "count": 2,
            "columns": [P.columns[1].col, P.extra_columns[-1].col],
            "keep": [P.flag_column],
        },
        {
            "set": first,
            "cells": {"C12": "养老金发放覆盖率", "D12": "覆盖率", "F12": "≥98%", "G12": "年初计划"},
        },
        {"set": first, "cells": {"C13": "新增指标", "D13": "新增", "G13": "年初计划"}},  # no 指标值
        {"copy_sheet": first, "as": NEW},
        {"set": NEW, "cells": {"B3": "13073024P00047410099X", "E3": "新项目", "C4": 100, "E4": 100}},
    ]
    return soffice.edit(src, tmp / "edited.xlsx", steps)


def test_inserted_rows_keep_the_live_flag_and_the_merge(edited):
    wb = openpyxl.load_workbook(edited)
    ws = wb[parity.project_sheets(wb)[0]]
    for r in (12, 13):
        flag = ws.cell(r, P.flag_column).value
        assert isinstance(flag, str) and f"$C{r}" in flag and f"$F{r}" in flag, (r, flag)
        assert f"D{r}:E{r}" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.cell(42, 1).value == L.Label.FOOTER  # the footer moved down with the block


def test_check_reads_the_new_rows_and_the_copied_sheet(edited):
    doc = read_document(edited)
    assert len(doc.tables) == PROJECTS + 1
    names = [i.name for i in doc.tables[0].indicators]
    assert names[2:4] == ["养老金发放覆盖率", "新增指标"] and len(names) == 8
    assert "新项目" in [t.project_name for t in doc.tables]
    result, _doc = check_file(edited)  # the copy is not in 项目清单 yet: said, with where
    unlisted = [f for f in result.findings if f.code == "STRUCT-016"]
    assert [(f.location.sheet, f.location.cell) for f in unlisted] == [(NEW, "A1")]


def test_live_flags_equal_check_after_editing(edited):
    wb = openpyxl.load_workbook(edited, data_only=True)
    checked, live = parity.checked(edited), parity.live(wb)
    assert live == checked
    first = parity.project_sheets(wb)[0]
    assert (first, "F13", "STRUCT-009") in live  # the inserted row's missing 指标值, in the sheet too


def test_list_totals_count_the_copied_sheet(edited):
    wb = openpyxl.load_workbook(edited, data_only=True)
    money = parity.list_totals(wb)[:3]
    assert money == parity.core_totals(edited)[:3]
    assert money[0] == f"{BUDGET + 100:.2f}"  # the corpus's projects + the copied sheet's 100


def test_a_column_inserted_before_the_hints_moves_no_finding(tmp_path: Path) -> None:
    """A clerk inserts a 备注 column after 指标值确定依据 (before 提示) and writes in it: the 提示
    column and the flat layout's columns move right. 校验 finds them by their labels and says what
    it says of the unedited workbook, at the same cells — it read the moved 提示 formulas as data."""
    src = parity.CORPUS / "clean.xlsx"
    first = parity.project_sheets(openpyxl.load_workbook(src))[0]
    head = P.indicator_header_row
    steps = [
        {"insert_columns": first, "before": P.flag_column, "count": 1},
        {"set": first, "cells": {f"H{head}": "备注", f"H{head + 1}": "上年已完成一半"}},
    ]
    edited = soffice.edit(src, tmp_path / "column.xlsx", steps)
    ws = openpyxl.load_workbook(edited)[first]
    assert ws.cell(head, P.flag_column + 1).value == L.Label.FLAG  # the 提示 column did move
    (recalculated,) = soffice.convert([src], "xlsx", tmp_path / "recalc")

    def found(path: Path) -> set[tuple[str, str | None, str | None]]:
        result, _ = check_file(path)
        assert not result.error, result.error
        return {
            (f.code, f.location and f.location.sheet, f.location and f.location.cell) for f in result.findings
        }

    assert found(edited) == found(recalculated)


def test_a_project_added_as_the_guide_says_is_counted_in_every_total(tmp_path: Path) -> None:
    """填表说明's way in LibreOffice: copy the last project sheet, then in 项目清单 insert a row above
    合计, copy the row above into it and replace the sheet name in it. Every 合计 — the amounts, the
    指标数 and the 表内提示 — then equals the core's, and 校验 finds the new project listed."""
    src = parity.CORPUS / "clean.xlsx"
    wb = openpyxl.load_workbook(src)
    last = parity.project_sheets(wb)[-1]
    lst = wb[L.LIST_SHEET]
    total_row = next(r for r in range(1, lst.max_row + 1) if lst.cell(r, 2).value == L.LIST.total_label)
    steps = [
        {"copy_sheet": last, "as": NEW},
        {
            "set": NEW,
            "cells": {"B3": "13073024P00047410099X", "E3": "新项目", "C4": 100, "E4": 100, "F10": None},
        },
        {"copy_row": L.LIST_SHEET, "from": total_row - 1, "to": total_row, "replace": [last, NEW]},
        {"set": L.LIST_SHEET, "cells": {f"A{total_row}": PROJECTS + 1}},
    ]
    edited = soffice.edit(src, tmp_path / "added.xlsx", steps)
    recalculated = openpyxl.load_workbook(edited, data_only=True)
    core = parity.core_totals(edited)
    assert parity.list_totals(recalculated) == core
    assert core[0] == f"{BUDGET + 100:.2f}"  # 100 more
    assert int(core[4]) > int(parity.core_totals(src)[4])  # F10's 提示
    result, _doc = check_file(edited)
    assert not [f for f in result.findings if f.code == "STRUCT-016"]


def test_rows_are_deleted_on_the_protected_sheet_as_the_guide_says(tmp_path: Path) -> None:
    """Right-click the row numbers → Delete Rows, on the protected sheet: LibreOffice deletes only rows
    with no locked cell, and the template unlocks every cell of an indicator row (the 提示 formula
    and the columns right of the table) for it. Two rows go, the footer moves up, and the sheet and
    校验 agree on what is left."""
    src = parity.CORPUS / "clean.xlsx"
    first = parity.project_sheets(openpyxl.load_workbook(src))[0]
    footer = parity._footer_row(openpyxl.load_workbook(src)[first])
    deleted = soffice.edit(src, tmp_path / "deleted.xlsx", [{"delete_rows": first, "row": 12, "count": 2}])
    wb = openpyxl.load_workbook(deleted, data_only=True)
    assert wb[first].protection.sheet  # still protected
    assert parity._footer_row(wb[first]) == footer - 2
    assert parity.live(wb) == parity.checked(deleted)
    assert parity.list_totals(wb) == parity.core_totals(deleted)
    assert (
        len(read_document(deleted).tables[0].indicators) == len(read_document(src).tables[0].indicators) - 2
    )


def test_a_line_above_the_title_and_a_column_move_every_finding_with_them(tmp_path: Path) -> None:
    """A clerk adds a "附件1" line above the title and a 备注 column: 校验 finds the sheet by its labels
    and says what it says of the unedited workbook, each finding one row lower — the title is still
    the line above 预算单位, not the clerk's line."""
    src = parity.CORPUS / "clean.xlsx"
    first = parity.project_sheets(openpyxl.load_workbook(src))[0]
    steps = [
        {"insert_blank_rows": first, "before": 1, "count": 1},
        {"set": first, "cells": {"A1": "附件1"}},
        {"insert_columns": first, "before": P.flag_column, "count": 1},
        {"set": first, "cells": {f"H{P.indicator_header_row + 1}": "备注"}},
    ]
    edited = soffice.edit(src, tmp_path / "moved.xlsx", steps)

    def found(path: Path, shift: int) -> list[tuple[str, str, str]]:
        result, _ = check_file(path)
        assert not result.error, result.error
        out = []
        for f in result.findings:
            cell = f.location.cell if f.location and f.location.sheet == first and f.location.cell else None
            if cell is not None:
                col, row = openpyxl.utils.cell.coordinate_from_string(cell)
                out.append((f.code, f"{col}{row - shift}", f.message))
        return sorted(out)

    assert found(edited, 1) == found(src, 0)
