"""xlwings adapter: a Book (COM on Windows/Mac, or the remote JSON engine) ⇄ Grid and marks.

Reads values only — the remote engine cannot read colours or formulas. Writes fills, notes, the
校验结果 sheet and its links with the same rows as the headless annotator. What it emits is limited
to what the calling client can execute: a VBA client (RunServerPython) has no notes, so there the
messages live on the 校验结果 sheet only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from xlgoals import layout as L
from xlgoals.findings import Finding
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.marks import cell_marks, fill, footer_formulas, link_target, note_text, result_rows, worst


def _client(book: Any) -> str:
    api = getattr(book, "api", None)
    return api.get("client", "") if isinstance(api, dict) else "COM"


def supports_notes(book: Any) -> bool:
    return _client(book) != "VBA"


def supports_copy_sheet(book: Any) -> bool:
    return _client(book) != "VBA"


# --- sheet protection --------------------------------------------------------------------------
# The template protects its sheets (layout.protection_of); a button that writes to one unprotects
# exactly that sheet and protects it again with the template's options afterwards, also when the
# action fails halfway. On Excel (COM) through the Worksheet object; through a remote client (the
# VBA client, the WPS/Office.js add-ins) as two macros every client implements: XgUnprotect(sheet)
# and XgProtect(sheet, allowed) — ``allowed`` lists the options the user keeps, comma-separated.
UNPROTECT_MACRO = "XgUnprotect"
PROTECT_MACRO = "XgProtect"
XL_NO_RESTRICTIONS, XL_UNLOCKED_CELLS, XL_NO_SELECTION = 0, 1, -4142  # Worksheet.EnableSelection
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


def allowed_text(options: dict[str, bool]) -> str:
    """The ``allowed`` argument of XgProtect: "delete_rows,format_rows,…" (sorted)."""
    return ",".join(sorted(k for k, v in options.items() if v))


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


@contextmanager
def unprotected(
    book: Any, names: Iterable[str], protection: Callable[[str], dict[str, bool] | None]
) -> Iterator[None]:
    """Inside: the sheets ``names`` that the template protects (``protection(name)`` not None) are
    unprotected; afterwards — also after an error — protected again with those options."""
    targets = [(n, options) for n in dict.fromkeys(names) if (options := protection(n)) is not None]
    com = _client(book) == "COM"
    restore: list[tuple[str, dict[str, bool]]] = []
    try:
        for name, options in targets:
            if com:
                api = book.sheets[name].api
                if not api.ProtectContents:
                    continue  # the user unprotected it: leave it so
                api.Unprotect()
            else:
                book.macro(UNPROTECT_MACRO)(name)
            restore.append((name, options))
        yield
    finally:
        for name, options in restore:
            if com:
                args, selection = com_protect_arguments(options)
                api = book.sheets[name].api
                api.Protect(**args)
                api.EnableSelection = selection
            else:
                book.macro(PROTECT_MACRO)(name, allowed_text(options))


def _rows(sheet: Any) -> list[list[Any]]:
    rng = sheet.used_range
    values = rng.options(ndim=2).value or [[]]
    top, left = rng.row, rng.column
    width = left - 1 + max((len(r) for r in values), default=0)
    rows: list[list[Any]] = [[None] * width for _ in range(top - 1)]
    rows += [[None] * (left - 1) + list(r) for r in values]
    return rows


def grid_from_book(book: Any) -> WorkbookGrid:
    path = book.fullname
    grid = WorkbookGrid(str(path))
    for sheet in book.sheets:
        if sheet.name in L.UNREAD_SHEETS:
            continue
        grid.sheets.append(SheetGrid(sheet.name, _rows(sheet)))
    return grid


def _sheet(book: Any, name: str) -> Any | None:
    for s in book.sheets:
        if s.name == name:
            return s
    return None


def _earlier_marks(book: Any) -> tuple[int | None, list[list[Any]], list[tuple[str, str]]]:
    """(first row, rows, (sheet, cell) of each mark) of the mark log in the hidden _xlgoals sheet."""
    meta = _sheet(book, L.META_SHEET)
    rows = _rows(meta) if meta is not None else []
    first = next((r for r, row in enumerate(rows, start=1) if row and row[0] == L.MARK_KEY), None)
    marks = [(str(row[1]), str(row[2])) for row in rows if row and row[0] == L.MARK_KEY]
    return first, rows, marks


def clear_marks(book: Any) -> None:
    """Undo the fills of an earlier 校验 (recorded in the hidden _xlgoals sheet)."""
    first, rows, marks = _earlier_marks(book)
    for sheet_name, cell in marks:
        target = _sheet(book, sheet_name)
        if target is not None:
            target[cell].color = None
    meta = _sheet(book, L.META_SHEET)
    if meta is not None and first is not None:
        meta.range((first, 1), (len(rows), 3)).clear_contents()


def apply_marks(
    book: Any,
    findings: Sequence[Finding],
    labels: dict[int, str],
    protection: Callable[[str], dict[str, bool] | None] = lambda _name: None,
) -> None:
    """Mark the cells of ``findings`` and list them on the 校验结果 sheet; the protected sheets it
    writes to (``protection``: the template's options of a sheet) are unprotected for it."""
    column_a = {s.name: [row[0] if row else None for row in _rows(s)] for s in book.sheets}
    footers = footer_formulas(column_a, findings)
    touched = [L.META_SHEET, L.RESULTS_SHEET, *(s for s, _ in _earlier_marks(book)[2])]
    touched += [s for s, _ in cell_marks(findings)] + list(footers)
    with unprotected(book, list(dict.fromkeys(touched)), protection):
        _apply_marks(book, findings, labels)
        for name, (row, formula) in footers.items():  # the 表内校验 row says what 校验 found
            book.sheets[name].range((row, 2)).value = formula


def _apply_marks(book: Any, findings: Sequence[Finding], labels: dict[int, str]) -> None:
    clear_marks(book)
    marks = cell_marks(findings)
    notes = supports_notes(book)
    recorded: list[list[str]] = []
    for (sheet_name, cell), fs in marks.items():
        target = _sheet(book, sheet_name)
        if target is None:
            continue
        rng = target[cell]
        rng.color = "#" + fill(worst(fs))
        if notes:
            rng.add_note(note_text(fs))
        recorded.append([L.MARK_KEY, sheet_name, cell])
    meta = _sheet(book, L.META_SHEET)
    if meta is not None and recorded:
        start = len(_rows(meta)) + 1
        meta.range((start, 1)).value = recorded

    results = _sheet(book, L.RESULTS_SHEET)
    if results is None:
        anchor = _sheet(book, L.LIST_SHEET) or book.sheets[0]
        results = book.sheets.add(L.RESULTS_SHEET, after=anchor)
    else:
        results.clear_contents()
    rows = result_rows(findings, labels)
    header = list(L.RESULTS.columns)
    empty = [L.RESULTS.empty] + [""] * (len(header) - 1)
    results.range((1, 1)).value = [header, *rows] if rows else [header, empty]
    for r, f in enumerate(findings, start=2):
        target = link_target(f)
        if target is not None:
            results.range((r, L.RESULTS.link_column)).add_hyperlink(f"#{target}", f.where)
