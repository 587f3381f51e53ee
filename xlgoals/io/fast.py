"""python-calamine adapter: the fast read-only path for check-only runs (about 25× openpyxl).

Reads cached formula values only, and turns error cells into "" — fine for the reader, which
reads input cells and never trusts formula results.
"""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from xlgoals.errors import XlgoalsInputError
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.io.sniff import check_workbook
from xlgoals.layout import UNREAD_SHEETS


def read_grid(path: Path) -> WorkbookGrid:
    check_workbook(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise XlgoalsInputError(
            f"工作簿无法打开（{type(exc).__name__}），文件可能已损坏。", file=str(path)
        ) from None
    grid = WorkbookGrid(str(path))
    try:
        for meta in wb.sheets_metadata:
            if meta.name in UNREAD_SHEETS:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            grid.sheets.append(SheetGrid(meta.name, rows, hidden=meta.visible != SheetVisibleEnum.Visible))
    except Exception as exc:
        raise XlgoalsInputError(
            f"工作簿内容无法读取（{type(exc).__name__}），文件可能已损坏。", file=str(path)
        ) from None
    finally:
        wb.close()
    return grid
