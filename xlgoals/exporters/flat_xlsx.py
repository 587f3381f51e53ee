"""The flat 项目支出绩效目标表 (seed 003's layout) as xlsx: one row per indicator.

Tables from the flat layout keep their 指标值 / 度量单位 / 指标值类型 / 备注 columns as written; tables
from the Hebei layout have their value split into the number, the unit and the operator (定性 for text).
The Hebei-only fields (项目编码, 财政资金, 资金用途, 支出计划, 确定依据) have no column in this layout.
"""

from __future__ import annotations

import io
from datetime import datetime

from xlgoals.importers.flat_text import FLAT_COLUMNS
from xlgoals.model import Document, Indicator
from xlgoals.values import Form

SHEET = "项目支出绩效目标表"
HEADER_ROW = 3  # 1-based


def split_value(ind: Indicator) -> tuple[str, str, str]:
    """(指标值, 度量单位, 指标值类型) for an indicator."""
    if ind.unit_column or ind.value_type:
        return ind.value_raw, ind.unit_column, ind.value_type
    v = ind.value
    if v.form == Form.NUMBER and v.number is not None:
        return f"{v.number:f}", v.unit or "-", v.op
    return ind.value_raw, "-", "定性" if ind.value_raw.strip() else ""


def build_flat(doc: Document) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": SHEET, "author": "xlgoals", "created": datetime(2024, 1, 1)})
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
    head = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#DDEBF7"})
    text = wb.add_format(base)
    ws = wb.add_worksheet(SHEET)
    ws.write_string(0, 0, SHEET, wb.add_format({"font_name": "宋体", "font_size": 16, "bold": True}))
    ws.write_string(1, 0, "金额单位：万元")
    for col, (label, width) in enumerate(
        zip(FLAT_COLUMNS, (10, 28, 11, 40, 11, 14, 24, 10, 30, 24, 8, 8, 8), strict=True)
    ):
        ws.write_string(HEADER_ROW - 1, col, label, head)
        ws.set_column(col, col, width)
    r = HEADER_ROW
    for t in doc.tables:
        previous_l1 = None
        for k, ind in enumerate(t.indicators):
            value, unit, kind = split_value(ind)
            first = k == 0
            cells = [
                t.unit_code if first else "",
                t.project_name if first else "",
                (t.budget.total_raw or (f"{t.budget.total:.2f}" if t.budget.total is not None else ""))
                if first
                else "",
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
            for col, cell in enumerate(cells):
                ws.write_string(r, col, cell, text)
            r += 1
    ws.freeze_panes(HEADER_ROW, 0)
    wb.close()
    return buf.getvalue()
