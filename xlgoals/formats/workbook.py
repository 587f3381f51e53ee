"""Workbooks (.xlsx/.xlsm): inspect the package, read its cells through a Grid adapter, and hand the
Grid to the layout it holds — the xlgoals template, or the flat 项目支出绩效目标表."""

from __future__ import annotations

import contextlib
from pathlib import Path

from xlgoals import layout as L
from xlgoals import limits
from xlgoals.errors import NotATableError, XlgoalsInputError
from xlgoals.firstuse import function
from xlgoals.formats import labelled
from xlgoals.formats.flat_workbook import is_flat, read_flat
from xlgoals.formats.script import is_traditional, simplified_cell
from xlgoals.formats.template_workbook import is_template, project_sheet_markers, read_template
from xlgoals.io import fast as fast_io
from xlgoals.io.container import inspect_other_workbook, inspect_workbook, is_ole
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.io.shown import percent_cells
from xlgoals.model import Document, SourceFormat
from xlgoals.synonyms import DEFAULT, Synonyms

# Read by python-calamine alone (openpyxl reads none of them): Excel 97-2003, Excel's binary
# workbook, OpenDocument (LibreOffice) and WPS's own format where it is BIFF underneath.
OTHER_SUFFIXES = (".xls", ".xlsb", ".ods", ".et")
_SAVE_AS = "请用 Excel、WPS 或 LibreOffice 打开后“另存为” .xlsx 再试。"
_UNREADABLE_OTHER = {
    ".xls": "这个旧版 Excel 97-2003 工作簿（.xls）无法读取，可能已损坏或是其他文件改了扩展名：" + _SAVE_AS,
    ".xlsb": "这个 Excel 二进制工作簿（.xlsb）无法读取，可能已损坏：" + _SAVE_AS,
    ".ods": "这个 OpenDocument 表格（.ods）无法读取，可能已损坏：" + _SAVE_AS,
    ".et": "这个 WPS 表格文件（.et）无法直接读取：请在 WPS 中“另存为” .xlsx 后重试。",
}


# openpyxl's adapter, loaded when a workbook needs it (a far cell, what calamine refuses, --reader
# openpyxl): python-calamine reads the others, and a check starts without openpyxl.
OPENPYXL_GRID = "xlgoals.io.xlsx:read_grid"


def read_grid_document(grid: WorkbookGrid, synonyms: Synonyms = DEFAULT) -> Document:
    """A Grid (from any adapter: calamine, openpyxl, xlwings) → Document: the xlgoals template, the
    flat layout, or any other workbook whose labels say what its cells are (sheet by sheet)."""
    if is_template(grid) or made_by_xlgoals(grid):
        return read_template(grid)  # a template missing its hidden sheet: its reader says so
    if is_flat(grid):
        return read_flat(grid)
    _simplify(grid)
    shown = percent_cells(Path(grid.path)) if grid.path.lower().endswith((".xlsx", ".xlsm")) else {}
    rows = [
        r
        for s in grid.sheets
        if not s.hidden
        for r in [*labelled.sheet_rows(s, grid.path, shown.get(s.name)), labelled.GridRow()]
    ]
    found = labelled.read_rows(rows, synonyms, grid.path, SourceFormat.WORKBOOK)
    if found is not None:
        return found
    if not any(_template_like(s) for s in grid.sheets):  # nothing of the template either
        # labels seen: a table read wrongly, listed as unreadable; none: some other workbook (in a
        # folder, skipped)
        kind = XlgoalsInputError if labelled.seen_labels(rows, synonyms) else NotATableError
        raise kind(labelled.explain(rows, synonyms), file=grid.path)
    return read_template(grid)  # a template missing its hidden sheet: its reader says so


def _simplify(grid: WorkbookGrid) -> None:
    """A workbook written in 繁體: its text cells in 简体 (see ``formats.script``)."""
    sample = "".join(v for s in grid.sheets for r in s.rows[:200] for v in r if isinstance(v, str))
    if is_traditional(sample):
        for s in grid.sheets:
            s.rows = [[simplified_cell(v) for v in r] for r in s.rows]


def _template_like(sheet: SheetGrid) -> bool:
    """A sheet laid out as the template's project sheet (two of its column-A labels or more: 预算单位,
    项目编码 …), whose reader then says what is missing; one "一级指标" alone is any table's."""
    return len(project_sheet_markers(sheet)) >= 2


def made_by_xlgoals(grid: WorkbookGrid) -> bool:
    """A workbook the xlgoals template made (its 项目清单 and _config sheets), even without _xlgoals."""
    return grid.get(L.LIST_SHEET) is not None and grid.get(L.CONFIG_SHEET) is not None


def read_grid(path: Path, fast: bool = True) -> WorkbookGrid:
    """The cells of a workbook, after ``io.container`` has found it safe to read: python-calamine when
    ``fast`` and no sheet spans a far area (else it would abort), openpyxl otherwise or when calamine
    rejects what openpyxl tolerates (a malformed merge, say)."""
    if path.suffix.lower() in OTHER_SUFFIXES or is_ole(path):  # an .xls renamed .xlsx is read as one
        inspect_other_workbook(path)  # a password, a Word file, a bomb: one Chinese sentence
        try:
            return fast_io.read_grid(path, by_content=True)
        except XlgoalsInputError:
            why = _UNREADABLE_OTHER.get(path.suffix.lower(), _UNREADABLE_OTHER[".xls"])
            raise XlgoalsInputError(why, file=str(path)) from None
    package = inspect_workbook(path)  # a password, a lock file, a bomb: one Chinese sentence
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise XlgoalsInputError(f"不是 .xlsx/.xlsm 工作簿（扩展名为“{path.suffix}”）。", file=str(path))
    grid: WorkbookGrid | None = None
    if fast and package.largest_area <= limits.MAX_FAST_AREA:
        with contextlib.suppress(XlgoalsInputError):  # let the tolerant reader try; its verdict stands
            grid = fast_io.read_grid(path)
    if grid is None:
        grid = function(OPENPYXL_GRID)(path)
        assert isinstance(grid, WorkbookGrid)
    unknown = package.uncached_of()
    for sheet in grid.sheets:
        sheet.unknown = unknown.get(sheet.name, frozenset())
    return grid


def read(path: Path, fast: bool = True, synonyms: Synonyms = DEFAULT) -> Document:
    return read_grid_document(read_grid(path, fast), synonyms)
