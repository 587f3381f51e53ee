"""A clerk's edits of a workbook in a real LibreOffice, through UNO (imported by tests/uno_worker.py,
which runs on Debian's python3 with the ``uno`` module; the project's venv has none).

``apply(doc, steps)`` applies a list of steps, in order, on the sheets as they are (protected ones
stay protected: the API refuses what the menu commands refuse there):

* ``{"insert_rows": SHEET, "after": ROW, "count": N, "columns": [FIRST, LAST], "keep": [COL…]}`` —
  what 填表说明 tells a clerk, on the protected sheet: insert N rows below row
  ROW and paste a copy of its columns FIRST–LAST into them (formulas, merges, validation and fills come
  along), then clear the copies' cells except the columns in ``keep`` (the 提示 formula); columns
  are 1-based;
* ``{"insert_columns": SHEET, "before": COL, "count": N}`` — insert N empty columns before column
  COL (1-based), as a clerk adding a 备注 column does (the sheet's protection is lifted for it: it
  has no password);
* ``{"delete_rows": SHEET, "row": ROW, "count": N}`` — delete N rows from ROW (right-click the row
  number → Delete Rows); LibreOffice refuses it on a protected sheet for rows with a locked cell, and
  nothing changes, as for the clerk who gets its message;
* ``{"insert_blank_rows": SHEET, "before": ROW, "count": N}`` — insert N empty rows before ROW (a
  clerk's "附件1" line above the title);
* ``{"copy_sheet": SHEET, "as": NAME}`` — copy a project sheet by hand (placed after it);
* ``{"copy_row": SHEET, "from": ROW, "to": ROW2, "replace": [OLD, NEW]}`` — what 填表说明 tells a clerk
  for 项目清单: insert a row at ROW2 (above the 合计 row), copy row ROW into it, and in that row only
  replace OLD by NEW (Find & Replace on the selection: the sheet name in the copied formulas);
* ``{"set": SHEET, "cells": {"C12": "text" or number or null}}`` — type into cells.

Nothing here knows the template's layout: the caller (tests/test_editing.py) names every row and cell.
"""

from __future__ import annotations

from com.sun.star.table import CellAddress  # type: ignore[import-not-found]


def _put(cell: object, value: object) -> None:
    if value is None:
        cell.setString("")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.setValue(float(value))
    else:
        cell.setString(str(value))


def _insert_rows(doc: object, step: dict) -> None:
    """On the protected sheet, as it is: LibreOffice's API applies the sheet's protection as its menu
    commands do (rows may be inserted; a copy lands in unlocked cells only; a row with a locked cell
    cannot be deleted) — checked against the commands themselves, which crash a hidden document."""
    sheet = doc.Sheets.getByName(step["insert_rows"])
    after, n = int(step["after"]), int(step["count"])  # 1-based sheet row
    first, last = (int(c) - 1 for c in step["columns"])  # UNO counts from 0
    keep = {int(c) - 1 for c in step["keep"]}
    sheet.Rows.insertByIndex(after, n)
    src = sheet.getCellRangeByPosition(first, after - 1, last, after - 1).getRangeAddress()
    for k in range(n):
        dest = CellAddress()
        dest.Sheet, dest.Column, dest.Row = src.Sheet, first, after + k
        sheet.copyRange(dest, src)
        for col in range(first, last + 1):
            if col not in keep:
                sheet.getCellByPosition(col, after + k).setString("")


def _insert_columns(doc: object, step: dict) -> None:
    sheet = doc.Sheets.getByName(step["insert_columns"])
    sheet.unprotect("")
    sheet.Columns.insertByIndex(int(step["before"]) - 1, int(step["count"]))
    sheet.protect("")


def _insert_blank_rows(doc: object, step: dict) -> None:
    sheet = doc.Sheets.getByName(step["insert_blank_rows"])
    sheet.Rows.insertByIndex(int(step["before"]) - 1, int(step["count"]))


def _delete_rows(doc: object, step: dict) -> None:
    sheet = doc.Sheets.getByName(step["delete_rows"])
    protected = sheet.isProtected()
    try:
        sheet.Rows.removeByIndex(int(step["row"]) - 1, int(step["count"]))
    except Exception:  # refused (a RuntimeException): the menu command says so, nothing changes
        if not protected:
            raise


def _copy_sheet(doc: object, step: dict) -> None:
    sheets = doc.Sheets
    names = list(sheets.getElementNames())
    sheets.copyByName(step["copy_sheet"], step["as"], names.index(step["copy_sheet"]) + 1)


def _copy_row(doc: object, step: dict) -> None:
    sheet = doc.Sheets.getByName(step["copy_row"])
    src_row, to = int(step["from"]) - 1, int(step["to"]) - 1
    sheet.Rows.insertByIndex(to, 1)
    if src_row >= to:
        src_row += 1
    src = sheet.getCellRangeByPosition(0, src_row, 30, src_row).getRangeAddress()
    dest = CellAddress()
    dest.Sheet, dest.Column, dest.Row = src.Sheet, 0, to
    sheet.copyRange(dest, src)
    old, new = step["replace"]
    row = sheet.getCellRangeByPosition(0, to, 30, to)
    what = row.createReplaceDescriptor()
    what.SearchString, what.ReplaceString = old, new
    row.replaceAll(what)


def _set(doc: object, step: dict) -> None:
    sheet = doc.Sheets.getByName(step["set"])
    for a1, value in step["cells"].items():
        _put(sheet.getCellRangeByName(a1), value)


def apply(doc: object, steps: list[dict]) -> None:
    for step in steps:
        if "insert_rows" in step:
            _insert_rows(doc, step)
        elif "insert_columns" in step:
            _insert_columns(doc, step)
        elif "insert_blank_rows" in step:
            _insert_blank_rows(doc, step)
        elif "delete_rows" in step:
            _delete_rows(doc, step)
        elif "copy_sheet" in step:
            _copy_sheet(doc, step)
        elif "copy_row" in step:
            _copy_row(doc, step)
        else:
            _set(doc, step)
