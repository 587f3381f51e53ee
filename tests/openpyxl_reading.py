"""openpyxl's full load for tests that read what a workbook holds — values, formulas, fills, notes,
merges — and never its borders.

Loading a template workbook, openpyxl spends about four fifths of its time copying the borders of
each merged range onto the cells it covers (``MergedCellRange._get_borders`` and ``format``); the
tests that read workbooks opened the same few dozens of times a run. Nothing that writes a
workbook uses this: a save after it would lose those borders.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any
from unittest import mock

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.merge import MergedCellRange


def _start_only(mcr: MergedCellRange) -> None:
    mcr.start_cell = mcr.ws._cells.get((mcr.min_row, mcr.min_col)) or mcr.ws.cell(mcr.min_row, mcr.min_col)


def load_for_reading(src: Path | str | IO[bytes], **kwargs: Any) -> Workbook:
    """``openpyxl.load_workbook(src, **kwargs)`` without the borders of merged cells."""
    with (
        mock.patch.object(MergedCellRange, "_get_borders", _start_only),
        mock.patch.object(MergedCellRange, "format", lambda mcr: None),
    ):
        return openpyxl.load_workbook(src, **kwargs)
