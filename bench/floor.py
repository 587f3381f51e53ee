"""The reading floor of the benchmark: python-calamine reading every sheet of a workbook, nothing
else — what no check can beat. bench/run.py times it, bench/instructions.py counts it; both use this."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook


def read_every_sheet(path: Path) -> int:
    """Read every sheet of ``path``; the number of rows read."""
    with path.open("rb") as fh:
        wb = CalamineWorkbook.from_filelike(fh)
        return sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)
