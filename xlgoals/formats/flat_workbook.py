"""The flat 项目支出绩效目标表 (seed 003's layout) as a workbook: one row per indicator.

Reading: any sheet whose header row (near the top) names the 13 columns of ``layout.FLAT_COLUMNS``,
in any order. Writing: tables from the flat layout keep their 指标值 / 度量单位 / 指标值类型 / 备注
columns as written; tables from the Hebei layout have their value split into the number, the unit
and the operator (定性 for text). The Hebei-only fields (项目编码, 财政资金, 资金用途, 支出计划,
确定依据) have no column in this layout.
"""

from __future__ import annotations

import io
from datetime import datetime

from xlgoals import layout as L
from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import TableField
from xlgoals.firstuse import function
from xlgoals.formats.cells import text
from xlgoals.formats.flat_text import Row, tables_from_rows
from xlgoals.io.grid import SheetGrid, WorkbookGrid
from xlgoals.model import Document, Indicator, Layout, Location, SourceFormat
from xlgoals.values import Form

HEADER_ROW = 3  # 1-based, when writing
HEADER_SCAN_ROWS = 30  # how far down the reader looks for the header row
WIDTHS = (10, 28, 11, 40, 11, 14, 24, 10, 30, 24, 8, 8, 8)
_KEYS = [L.label_key(label) for label, _ in L.FLAT_COLUMNS]
_GOALS = next(L.label_key(label) for label, f in L.FLAT_COLUMNS if f == TableField.GOALS)


def find_header(grid: WorkbookGrid) -> tuple[SheetGrid, int, dict[str, int]] | None:
    for sheet in grid.sheets:
        for r in range(1, min(sheet.max_row, HEADER_SCAN_ROWS) + 1):
            labels = {L.label_key(v): c + 1 for c, v in enumerate(sheet.rows[r - 1])}
            if _KEYS[0] in labels and _GOALS in labels:
                return sheet, r, labels
    return None


def is_flat(grid: WorkbookGrid) -> bool:
    return find_header(grid) is not None


def read_flat(grid: WorkbookGrid) -> Document:
    found = find_header(grid)
    if found is None:
        raise XlgoalsInputError("不是项目支出绩效目标表（未找到表头）。", file=grid.path)
    sheet, header, labels = found
    missing = [label for (label, _), key in zip(L.FLAT_COLUMNS, _KEYS, strict=True) if key not in labels]
    if missing:
        raise XlgoalsInputError(
            f"项目支出绩效目标表缺少列：{'、'.join(missing)}。",
            file=grid.path,
            sheet=sheet.name,
            cell=L.cell_name(1, header),
        )
    rows: list[Row] = []
    for r in range(header + 1, sheet.max_row + 1):
        values = {f: sheet.value(r, labels[key]) for (_, f), key in zip(L.FLAT_COLUMNS, _KEYS, strict=True)}
        if all(v is None or text(v) == "" for v in values.values()):
            continue
        rows.append(
            {
                f: (
                    text(values[f]),
                    Location(file=grid.path, sheet=sheet.name, cell=L.cell_name(labels[key], r)),
                )
                for (_, f), key in zip(L.FLAT_COLUMNS, _KEYS, strict=True)
            }
        )
    if not rows:
        raise XlgoalsInputError("项目支出绩效目标表没有数据行。", file=grid.path, sheet=sheet.name)
    return Document(
        source=grid.path,
        layout=Layout.FLAT,
        format=SourceFormat.WORKBOOK,
        tables=tables_from_rows(grid.path, rows),
    )


def split_value(ind: Indicator) -> tuple[str, str, str]:
    """(指标值, 度量单位, 指标值类型) for an indicator."""
    if ind.unit_column or ind.value_type:
        return ind.value_raw, ind.unit_column, ind.value_type
    v = ind.value
    if v.form == Form.NUMBER and v.number is not None:
        return f"{v.number:f}", v.unit or "-", v.op
    return ind.value_raw, "-", "定性" if ind.value_raw.strip() else ""


# The workbook writer, loaded when a flat table is written (reading one — every check of a
# workbook asks whether it is one — needs only the grid).
WRITER = "xlsxwriter:Workbook"


def build_flat(doc: Document) -> bytes:
    buf = io.BytesIO()
    wb = function(WRITER)(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": L.FLAT_TITLE, "author": "xlgoals", "created": datetime(2024, 1, 1)})
    base = {
        "font_name": L.FONT,
        "font_size": L.FONT_SIZE,
        "border": 1,
        "valign": "vcenter",
        "text_wrap": True,
    }
    head = wb.add_format({**base, "bold": True, "align": "center", "bg_color": L.HEADER_FILL})
    cell = wb.add_format(base)
    ws = wb.add_worksheet(L.FLAT_TITLE)
    ws.write_string(0, 0, L.FLAT_TITLE, wb.add_format({"font_name": L.FONT, "font_size": 16, "bold": True}))
    ws.write_string(1, 0, "金额单位：万元")
    for col, ((label, _), width) in enumerate(zip(L.FLAT_COLUMNS, WIDTHS, strict=True)):
        ws.write_string(HEADER_ROW - 1, col, label, head)
        ws.set_column(col, col, width)
    r = HEADER_ROW
    for t in doc.tables:
        previous_l1 = None
        for k, ind in enumerate(t.indicators):
            value, unit, kind = split_value(ind)
            first = k == 0
            total = t.budget.total_raw or (f"{t.budget.total:.2f}" if t.budget.total is not None else "")
            cells = [
                t.unit_code if first else "",
                t.project_name if first else "",
                total if first else "",
                "\n".join(t.goals) if first else "",
                ind.level1 if ind.level1 != previous_l1 else "",
                ind.level2,
                ind.name,
                value,
                ind.description,
                ind.scoring_rule,
                unit,
                kind,
                ind.score,
            ]
            previous_l1 = ind.level1
            for col, content in enumerate(cells):
                ws.write_string(r, col, content, cell)
            r += 1
    ws.freeze_panes(HEADER_ROW, 0)
    wb.close()
    return buf.getvalue()
