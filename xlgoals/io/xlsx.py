"""openpyxl adapter (read-only, values only): the faithful reader, also used for annotation."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl

from xlgoals.errors import XlgoalsInputError
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.io.sniff import check_workbook
from xlgoals.layout import UNREAD_SHEETS


def read_grid(path: Path) -> WorkbookGrid:
    check_workbook(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise XlgoalsInputError(
            f"工作簿无法打开（{type(exc).__name__}），文件可能已损坏。", file=str(path)
        ) from None
    grid = WorkbookGrid(str(path))
    try:
        for ws in wb.worksheets:
            if ws.title in UNREAD_SHEETS:
                continue
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            grid.sheets.append(SheetGrid(ws.title, rows, hidden=ws.sheet_state != "visible"))
    except Exception as exc:
        raise XlgoalsInputError(
            f"工作簿内容无法读取（{type(exc).__name__}），文件可能已损坏。", file=str(path)
        ) from None
    finally:
        wb.close()
    return grid
