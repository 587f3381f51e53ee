"""The flat 项目支出绩效目标表 as a workbook (any sheet whose header row names its 13 columns)."""

from __future__ import annotations

from xlgoals.errors import XlgoalsInputError
from xlgoals.importers.flat_text import FLAT_COLUMNS, Row, tables_from_rows
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.layout import column_letter
from xlgoals.model import Document, Location
from xlgoals.reader import label_key, text


def find_header(grid: WorkbookGrid) -> tuple[SheetGrid, int, dict[str, int]] | None:
    for sheet in grid.sheets:
        for r in range(1, min(sheet.max_row, 30) + 1):
            row = sheet.rows[r - 1]
            labels = {label_key(v): c + 1 for c, v in enumerate(row)}
            if "单位代码" in labels and "实施期绩效目标" in labels:
                return sheet, r, labels
    return None


def read_flat_grid(grid: WorkbookGrid) -> Document | None:
    found = find_header(grid)
    if found is None:
        return None
    sheet, header, labels = found
    missing = [c for c in FLAT_COLUMNS if label_key(c) not in labels]
    if missing:
        raise XlgoalsInputError(
            f"项目支出绩效目标表缺少列：{'、'.join(missing)}。",
            file=grid.path,
            sheet=sheet.name,
            cell=f"A{header}",
        )
    rows: list[Row] = []
    for r in range(header + 1, sheet.max_row + 1):
        values = {c: sheet.value(r, labels[label_key(c)]) for c in FLAT_COLUMNS}
        if all(v is None or text(v) == "" for v in values.values()):
            continue
        rows.append(
            {
                c: (
                    text(values[c]),
                    Location(
                        file=grid.path, sheet=sheet.name, cell=f"{column_letter(labels[label_key(c)])}{r}"
                    ),
                )
                for c in FLAT_COLUMNS
            }
        )
    if not rows:
        raise XlgoalsInputError("项目支出绩效目标表没有数据行。", file=grid.path, sheet=sheet.name)
    return Document(source=grid.path, layout="flat-workbook", tables=tables_from_rows(grid.path, rows))
