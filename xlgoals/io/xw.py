"""xlwings adapter: a Book (COM on Windows/Mac, or the remote JSON engine) ⇄ Grid and marks.

Reads values only — the remote engine cannot read colours or formulas. Writes fills, notes, the
校验结果 sheet and its links with the same rows as the headless annotator. What it emits is limited
to what the calling client can execute: a VBA client (RunServerPython) has no notes, so there the
messages live on the 校验结果 sheet only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlgoals import layout as L
from xlgoals.findings import Finding
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.marks import cell_marks, fill, link_target, note_text, result_rows, worst


def _client(book: Any) -> str:
    api = getattr(book, "api", None)
    return api.get("client", "") if isinstance(api, dict) else "COM"


def supports_notes(book: Any) -> bool:
    return _client(book) != "VBA"


def supports_copy_sheet(book: Any) -> bool:
    return _client(book) != "VBA"


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


def clear_marks(book: Any) -> None:
    """Undo the fills of an earlier 校验 (recorded in the hidden _xlgoals sheet)."""
    meta = _sheet(book, L.META_SHEET)
    if meta is None:
        return
    rows = _rows(meta)
    first = None
    for r, row in enumerate(rows, start=1):
        if row and row[0] == L.MARK_KEY:
            first = first or r
            target = _sheet(book, str(row[1]))
            if target is not None:
                target[str(row[2])].color = None
    if first is not None:
        meta.range((first, 1), (len(rows), 3)).clear_contents()


def apply_marks(book: Any, findings: Sequence[Finding], labels: dict[int, str]) -> None:
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
