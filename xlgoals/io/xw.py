"""xlwings adapter (Excel with local Python, through COM): a Book ⇄ Grid, and the host that applies
a button's answer (``xlgoals.press``) with the protocol's Python client, as every client applies it.

Reads values only. Writes what Excel allows and nothing Excel refuses: a note is removed before a
new one is added (xlwings raises on a cell that has one), text is written with Excel's text prefix
(an apostrophe) so it is never read as a number or a formula, a sheet is added after a named sheet
(never before the active one), and a protected sheet is written only after the answer unprotected
it; the client protects it again afterwards, also when a write failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgoals.atomic import write_atomic
from xlgoals.errors import XlgoalsInputError
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.macros.python import xlgoals_client

XL_NO_RESTRICTIONS, XL_UNLOCKED_CELLS, XL_NO_SELECTION = 0, 1, -4142  # Worksheet.EnableSelection
XL_SHEET_VISIBLE = -1
# xlsxwriter's option names (the layout's) → Excel's Worksheet.Protect arguments
COM_ALLOW = {
    "format_cells": "AllowFormattingCells",
    "format_columns": "AllowFormattingColumns",
    "format_rows": "AllowFormattingRows",
    "insert_columns": "AllowInsertingColumns",
    "insert_rows": "AllowInsertingRows",
    "insert_hyperlinks": "AllowInsertingHyperlinks",
    "delete_columns": "AllowDeletingColumns",
    "delete_rows": "AllowDeletingRows",
    "sort": "AllowSorting",
    "autofilter": "AllowFiltering",
    "pivot_tables": "AllowUsingPivotTables",
}


def com_protect_arguments(options: dict[str, bool]) -> tuple[dict[str, bool], int]:
    """(Worksheet.Protect keyword arguments, EnableSelection) for the layout's ``options``."""
    args = {
        "DrawingObjects": not options.get("objects", False),
        "Contents": True,
        "Scenarios": not options.get("scenarios", False),
        **{com: options.get(name, False) for name, com in COM_ALLOW.items()},
    }
    if options.get("select_locked_cells", False):
        selection = XL_NO_RESTRICTIONS
    elif options.get("select_unlocked_cells", False):
        selection = XL_UNLOCKED_CELLS
    else:
        selection = XL_NO_SELECTION
    return args, selection


def _rows(sheet: Any) -> list[list[Any]]:
    rng = sheet.used_range
    values = rng.options(ndim=2).value or [[]]
    top, left = rng.row, rng.column
    width = left - 1 + max((len(r) for r in values), default=0)
    rows: list[list[Any]] = [[None] * width for _ in range(top - 1)]
    rows += [[None] * (left - 1) + list(r) for r in values]
    return rows


def _hidden(sheet: Any) -> bool:
    try:
        return bool(sheet.api.Visible != XL_SHEET_VISIBLE)
    except AttributeError:  # not COM (the Mac): every sheet counts as visible
        return False


def grid_from_book(book: Any) -> WorkbookGrid:
    """Every sheet's values, as a client sends them."""
    grid = WorkbookGrid(str(book.fullname))
    grid.sheets = [SheetGrid(s.name, _rows(s), hidden=_hidden(s)) for s in book.sheets]
    return grid


def _text(value: Any) -> Any:
    """What to assign to a cell so Excel keeps the value as given: text with the text prefix."""
    return "'" + value if isinstance(value, str) and value else value


class XlwingsHost:
    """The protocol's host for an xlwings Book (xlgoals_client.Host)."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def _sheet(self, name: str) -> Any:
        return self.book.sheets[name]

    def is_protected(self, sheet: str) -> bool:
        return bool(self._sheet(sheet).api.ProtectContents)

    def unprotect(self, sheet: str) -> None:
        self._sheet(sheet).api.Unprotect()

    def protect(self, sheet: str, allow: str) -> None:
        options = {name: True for name in allow.split(",") if name}
        args, selection = com_protect_arguments(options)
        api = self._sheet(sheet).api
        api.Protect(**args)
        api.EnableSelection = selection

    def fill(self, sheet: str, cells: str, color: str | None) -> None:
        self._sheet(sheet).range(cells).color = None if color is None else "#" + color

    def note(self, sheet: str, cell: str, text: str) -> None:
        rng = self._sheet(sheet).range(cell)
        if rng.note is not None:
            rng.note.delete()
        if text:
            rng.add_note(text)

    def clear(self, sheet: str, cells: str) -> None:
        rng = self._sheet(sheet).range(cells)
        rng.clear_contents()  # keeps a cell's link, as the Delete key does: remove them too
        hyperlinks = getattr(rng.api, "Hyperlinks", None)  # COM; the Mac's object model has none
        if hyperlinks is not None:
            hyperlinks.Delete()

    def values(self, sheet: str, cell: str, rows: list[list[Any]]) -> None:
        width = max((len(r) for r in rows), default=0)
        block = [[_text(v) for v in [*r, *([None] * (width - len(r)))]] for r in rows]
        self._sheet(sheet).range(cell).value = block

    def formula(self, sheet: str, cell: str, formula: str) -> None:
        self._sheet(sheet).range(cell).formula = formula

    def link(self, sheet: str, cell: str, target: str, text: str) -> None:
        self._sheet(sheet).range(cell).add_hyperlink("#" + target, text)

    def add_sheet(self, name: str, after: str) -> None:
        self.book.sheets.add(name, after=self._sheet(after))

    def copy_sheet(self, sheet: str, name: str, after: str) -> None:
        self._sheet(sheet).copy(after=self._sheet(after), name=name)

    def insert_rows(self, sheet: str, row: int, count: int) -> None:
        self._sheet(sheet).range(f"{row}:{row + count - 1}").insert("down")

    def save_file(self, name: str, data: bytes) -> None:
        folder = Path(str(self.book.fullname)).parent
        if not Path(str(self.book.fullname)).is_absolute() or not folder.is_dir():
            raise XlgoalsInputError("请先保存工作簿，再导出（导出文件写在工作簿旁边）。")
        write_atomic(folder / name, data)


def apply_answer(book: Any, answer: dict[str, Any]) -> str:
    """Apply a button's answer (the protocol's JSON data) to ``book``; the message to show."""
    message: str = xlgoals_client.apply(answer, XlwingsHost(book))
    return message
