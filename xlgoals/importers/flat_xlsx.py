"""The flat 项目支出绩效目标表 as a workbook (any sheet whose header row names its 13 columns)."""

from __future__ import annotations

import re
from typing import Any

from xlgoals.errors import XlgoalsInputError
from xlgoals.importers.flat_text import FLAT_COLUMNS, Row, tables_from_rows
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.layout import column_letter
from xlgoals.model import Document, Location


def _label(v: Any) -> str:
    return re.sub(r"\s+", "", str(v)) if v is not None else ""


def find_header(grid: WorkbookGrid) -> tuple[SheetGrid, int, dict[str, int]] | None:
    for sheet in grid.sheets:
        for r in range(1, min(sheet.max_row, 30) + 1):
            row = sheet.rows[r - 1]
            labels = {_label(v): c + 1 for c, v in enumerate(row)}
            if "单位代码" in labels and "实施期绩效目标" in labels:
                return sheet, r, labels
    return None


def read_flat_grid(grid: WorkbookGrid) -> Document | None:
    found = find_header(grid)
    if found is None:
        return None
    sheet, header, labels = found
    missing = [c for c in FLAT_COLUMNS if _label(c) not in labels]
    if missing:
        raise XlgoalsInputError(
            f"项目支出绩效目标表缺少列：{'、'.join(missing)}。",
            file=grid.path,
            sheet=sheet.name,
            cell=f"A{header}",
        )
    from xlgoals.reader import text

    rows: list[Row] = []
    for r in range(header + 1, sheet.max_row + 1):
        values = {c: sheet.value(r, labels[_label(c)]) for c in FLAT_COLUMNS}
        if all(v is None or text(v) == "" for v in values.values()):
            continue
        rows.append(
            {
                c: (
                    text(values[c]),
                    Location(file=grid.path, sheet=sheet.name, cell=f"{column_letter(labels[_label(c)])}{r}"),
                )
                for c in FLAT_COLUMNS
            }
        )
    if not rows:
        raise XlgoalsInputError("项目支出绩效目标表没有数据行。", file=grid.path, sheet=sheet.name)
    return Document(source=grid.path, layout="flat-workbook", tables=tables_from_rows(grid.path, rows))
