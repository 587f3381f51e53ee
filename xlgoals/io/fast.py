"""python-calamine adapter: the fast read-only path for check-only runs (about 25× openpyxl).

Reads cached formula values only, and turns error cells into "" — fine for the reader, which reads
input cells and never trusts formula results. Call it only on a package ``io.container`` inspected:
calamine allocates a sheet's whole span at once, so a sheet reaching a far cell goes to ``io.xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from xlgoals.io.container import damaged_workbook
from xlgoals.io.grid import SheetGrid, WorkbookGrid, trimmed
from xlgoals.layout import UNREAD_SHEETS


def read_grid(path: Path, by_content: bool = False) -> WorkbookGrid:
    """``by_content``: the format is found from the file's bytes, not its extension (an .xls, .xlsb or
    .ods — or an .xlsx someone renamed .xls)."""
    try:
        if by_content:
            with path.open("rb") as fh:
                wb = CalamineWorkbook.from_filelike(fh)
        else:
            wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise damaged_workbook(path, exc, opening=True) from None
    grid = WorkbookGrid(str(path))
    try:
        grid.order = [meta.name for meta in wb.sheets_metadata]
        for meta in wb.sheets_metadata:
            if meta.name in UNREAD_SHEETS:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = trimmed(sheet.to_python(skip_empty_area=False))
            grid.sheets.append(SheetGrid(meta.name, rows, hidden=meta.visible != SheetVisibleEnum.Visible))
    except Exception as exc:
        raise damaged_workbook(path, exc, opening=False) from None
    finally:
        wb.close()
    return grid
