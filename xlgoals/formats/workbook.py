"""Workbooks (.xlsx/.xlsm): recognise the container, read its cells through a Grid adapter, and
hand the Grid to the layout it holds — the xlgoals template, or the flat 项目支出绩效目标表."""

from __future__ import annotations

from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.formats.flat_workbook import is_flat, read_flat
from xlgoals.formats.template_workbook import is_template, read_template
from xlgoals.io import fast as fast_io
from xlgoals.io import xlsx as xlsx_io
from xlgoals.io.grid import WorkbookGrid
from xlgoals.io.sniff import check_workbook
from xlgoals.model import Document


def read_grid_document(grid: WorkbookGrid) -> Document:
    """A Grid (from any adapter: calamine, openpyxl, xlwings) → Document."""
    if not is_template(grid) and is_flat(grid):
        return read_flat(grid)
    return read_template(grid)


def read(path: Path, fast: bool = True) -> Document:
    """Read a workbook: python-calamine when ``fast`` (about 25× openpyxl), else openpyxl."""
    check_workbook(path)  # an old .xls, a password, a lock file, a renamed file: one Chinese sentence
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise XlgoalsInputError(f"不是 .xlsx/.xlsm 工作簿（扩展名为“{path.suffix}”）。", file=str(path))
    grid = (fast_io if fast else xlsx_io).read_grid(path)
    return read_grid_document(grid)
