"""The county 汇总 workbook: one row per project, a subtotal per 预算单位, a grand total.

Every number is computed by ``xlgoals.totals`` and stored as a number (0.00); subtotals and the
grand total are also live SUM formulas, cached with the core's values (LibreOffice checks they agree).
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter

from xlgoals import layout as L
from xlgoals.fields import TableField
from xlgoals.totals import LEVEL1_COLUMNS, ProjectRow, by_unit, grand_total

HEADERS = (
    (L.Label.UNIT, 30),
    (L.Label.PROJECT_CODE, 24),
    (L.Label.PROJECT_NAME, 36),
    (L.Label.BUDGET_TOTAL, 12),
    (L.field_name(TableField.BUDGET_FISCAL), 12),
    (L.Label.BUDGET_OTHER, 12),
    *((point, 11) for point in L.Label.PLAN_POINTS),
    *((name.removesuffix("指标"), 7) for name in LEVEL1_COLUMNS),
    ("校验结果", 9),
    ("来源文件", 40),
)
FIRST_ROW = 4  # 1-based: title, note, header, then data


REPEATED = "项目编码在多个文件中出现（CODE-005）"


def build_summary(
    rows: list[ProjectRow],
    unreadable: list[tuple[str, str]],
    repeated: set[str] | frozenset[str] = frozenset(),
) -> bytes:
    """``repeated``: 项目编码 found in several files. Such rows are all kept and flagged, and the
    sheet says so above the table: which copy is right is the reviewer's call, and silently counting
    one of them could drop a real project whose code was mistyped."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": "绩效目标汇总", "author": "xlgoals", "created": datetime(2024, 1, 1)})
    base = {"font_name": L.FONT, "font_size": 10, "border": 1, "valign": "vcenter"}
    f: dict[str, Any] = {
        "title": wb.add_format({"font_name": L.FONT, "font_size": 16, "bold": True}),
        "head": wb.add_format(
            {**base, "bold": True, "align": "center", "bg_color": "#DDEBF7", "text_wrap": True}
        ),
        "text": wb.add_format({**base, "text_wrap": True}),
        "money": wb.add_format({**base, "num_format": "0.00"}),
        "int": wb.add_format({**base, "num_format": "0"}),
        "sub": wb.add_format({**base, "bold": True, "bg_color": "#F2F2F2"}),
        "sub_money": wb.add_format({**base, "bold": True, "bg_color": "#F2F2F2", "num_format": "0.00"}),
        "total": wb.add_format({**base, "bold": True, "bg_color": "#FCE4D6"}),
        "total_money": wb.add_format({**base, "bold": True, "bg_color": "#FCE4D6", "num_format": "0.00"}),
    }
    ws = wb.add_worksheet("汇总")
    ws.write_string(0, 0, "项目支出绩效目标汇总（单位：万元）", f["title"])
    note = "资金支出计划为累计金额：百分比方式按 预算数 × 百分比 折算。小计、合计为实时公式。"
    flagged = [r for r in rows if r.project_code in repeated]
    if flagged:
        note += (
            f"注意：{len(repeated)} 个项目编码在多个文件中出现（共 {len(flagged)} 行，已在“校验结果”列标出），"
            "合计中每个文件各计一次，请核对后再使用合计。"
        )
    ws.write_string(1, 0, note)
    for col, (label, width) in enumerate(HEADERS):
        ws.write_string(FIRST_ROW - 2, col, label, f["head"])
        ws.set_column(col, col, width)
    r = FIRST_ROW - 1
    subtotal_rows: list[int] = []
    for unit, members, sub in by_unit(rows):
        first = r
        for row in members:
            values: list[Decimal | None] = [row.total, row.fiscal, row.other, *row.plan]
            ws.write_string(r, 0, row.unit, f["text"])
            ws.write_string(r, 1, row.project_code, f["text"])
            ws.write_string(r, 2, row.project_name, f["text"])
            for k, v in enumerate(values):
                if v is None and k < len(row.uncounted) and row.uncounted[k]:
                    ws.write_string(r, 3 + k, row.uncounted[k], f["money"])  # as typed; SUM skips it
                elif v is None:
                    ws.write_blank(r, 3 + k, None, f["money"])
                else:
                    ws.write_number(r, 3 + k, float(v), f["money"])
            for k, name in enumerate(LEVEL1_COLUMNS):
                ws.write_number(r, 10 + k, row.counts[name], f["int"])
            status = f"{row.status}；{REPEATED}" if row.project_code in repeated else row.status
            ws.write_string(r, 10 + len(LEVEL1_COLUMNS), status, f["text"])
            ws.write_string(r, 11 + len(LEVEL1_COLUMNS), row.source, f["text"])
            r += 1
        ws.write_string(r, 0, f"小计：{unit}（{sub.projects}个项目）", f["sub"])
        ws.write_string(r, 1, "", f["sub"])
        ws.write_string(r, 2, "", f["sub"])
        sub_values = [sub.total, sub.fiscal, sub.other, *sub.plan]
        for k, v in enumerate(sub_values):
            col = 3 + k
            letter = chr(ord("A") + col)
            ws.write_formula(r, col, f"=SUM({letter}{first + 1}:{letter}{r})", f["sub_money"], float(v))
        for k, name in enumerate(LEVEL1_COLUMNS):
            letter = chr(ord("A") + 10 + k)
            ws.write_formula(r, 10 + k, f"=SUM({letter}{first + 1}:{letter}{r})", f["sub"], sub.counts[name])
        subtotal_rows.append(r + 1)
        r += 1
    total = grand_total(rows)
    ws.write_string(r, 0, f"合计（{total.projects}个项目）", f["total"])
    ws.write_string(r, 1, "", f["total"])
    ws.write_string(r, 2, "", f["total"])
    for k, v in enumerate([total.total, total.fiscal, total.other, *total.plan]):
        col = 3 + k
        letter = chr(ord("A") + col)
        cells = ",".join(f"{letter}{x}" for x in subtotal_rows) or "0"
        ws.write_formula(r, col, f"=SUM({cells})", f["total_money"], float(v))
    for k, name in enumerate(LEVEL1_COLUMNS):
        letter = chr(ord("A") + 10 + k)
        cells = ",".join(f"{letter}{x}" for x in subtotal_rows) or "0"
        ws.write_formula(r, 10 + k, f"=SUM({cells})", f["total"], total.counts[name])
    ws.freeze_panes(FIRST_ROW - 1, 3)
    ws.autofilter(FIRST_ROW - 2, 0, max(r - 1, FIRST_ROW - 1), len(HEADERS) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(FIRST_ROW - 2)
    if unreadable:
        bad = wb.add_worksheet("无法读取")
        bad.write_string(0, 0, "文件", f["head"])
        bad.write_string(0, 1, "原因", f["head"])
        bad.set_column(0, 0, 50)
        bad.set_column(1, 1, 80)
        for k, (path, reason) in enumerate(unreadable, start=1):
            bad.write_string(k, 0, path, f["text"])
            bad.write_string(k, 1, reason, f["text"])
    wb.close()
    return buf.getvalue()
