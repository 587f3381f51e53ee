"""openpyxl adapter (read-only, values only): the faithful, streaming reader. It reads the cells a
sheet really has (the dimension a file declares is ignored), so a single far cell costs nothing."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl

from xlgoals.io.container import damaged_workbook
from xlgoals.io.grid import SheetGrid, WorkbookGrid, trimmed
from xlgoals.layout import UNREAD_SHEETS


def read_grid(path: Path) -> WorkbookGrid:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise damaged_workbook(path, exc, opening=True) from None
    grid = WorkbookGrid(str(path))
    try:
        grid.order = list(wb.sheetnames)
        for ws in wb.worksheets:
            if ws.title in UNREAD_SHEETS:
                continue
            ws.reset_dimensions()  # trust the cells, not the <dimension> a file declares
            rows = ws.iter_rows(values_only=True)  # no bounds given: it would pad every row to them
            grid.sheets.append(SheetGrid(ws.title, trimmed(rows), hidden=ws.sheet_state != "visible"))
    except Exception as exc:
        raise damaged_workbook(path, exc, opening=False) from None
    finally:
        wb.close()
    return grid
