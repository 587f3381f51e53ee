"""Build the 绩效目标表 workbook with xlsxwriter: the empty template, or a Document filled in.

One builder for both, so the template and the converted workbooks can never drift apart. Every
position comes from ``xlgoals.layout``; every formula from ``template/formulas.py`` with its cached
value computed by ``xlgoals.sheet_flags`` (so readers that do not recalculate still see the truth).
Output is byte-reproducible: fixed document properties, fixed order of everything.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xlgoals import layout as L
from xlgoals import sheet_flags
from xlgoals.frameworks import BENEFIT_L2, FRAMEWORK_A, FRAMEWORK_B
from xlgoals.model import Document, GoalTable
from xlgoals.template import formulas as F
from xlgoals.template.instructions import INSTRUCTIONS

FONT = "宋体"
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)
BASIS_SUGGESTIONS = (
    "年初工作计划",
    "全年工作计划",
    "调查结果",
    "历史依据",
    "县级预算编制通知",
    "相关政策文件",
    "计划标准",
    "行业标准",
    "历史标准",
    "其他标准",
)
VALUE_PROMPT = "定量：比较符+数值+单位，如 ≥95%、≤350万元、≥1000人；比率用%；成本用≤；满意度 ≥90%。定性请写明分级（如“达成年度指标”）。"


@dataclass
class _Formats:
    title: Any
    label: Any
    label_left: Any
    text_in: Any
    wrap_in: Any
    code_in: Any
    money_in: Any
    plan_in: Any
    flag: Any
    head: Any
    note: Any
    list_money: Any
    list_text: Any
    list_total: Any
    list_total_money: Any
    link: Any
    plain: Any
    bad_fill: Any
    amount_numfmt: Any


def _formats(wb: Workbook) -> _Formats:
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "border": 1}

    def fmt(**kw: Any) -> Any:
        return wb.add_format({**base, **kw})

    return _Formats(
        title=wb.add_format(
            {"font_name": FONT, "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
        ),
        label=fmt(bold=True, align="center", text_wrap=True, bg_color="#F2F2F2"),
        label_left=fmt(bold=True, text_wrap=True, bg_color="#F2F2F2"),
        text_in=fmt(locked=False, text_wrap=True, num_format="@"),
        wrap_in=fmt(locked=False, text_wrap=True, valign="top", num_format="@"),
        code_in=fmt(locked=False, num_format="@"),
        money_in=fmt(locked=False, num_format="0.00"),
        plan_in=fmt(locked=False, num_format="0%", align="center"),
        flag=wb.add_format(
            {
                "font_name": FONT,
                "font_size": 10,
                "font_color": "#C00000",
                "text_wrap": True,
                "valign": "vcenter",
            }
        ),
        head=fmt(bold=True, align="center", text_wrap=True, bg_color="#DDEBF7"),
        note=wb.add_format({"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top"}),
        list_money=fmt(num_format="0.00"),
        list_text=fmt(text_wrap=True),
        list_total=fmt(bold=True, bg_color="#F2F2F2"),
        list_total_money=fmt(bold=True, bg_color="#F2F2F2", num_format="0.00"),
        link=fmt(font_color="blue", underline=1),
        plain=wb.add_format({"font_name": FONT, "font_size": 10}),
        bad_fill=wb.add_format({"bg_color": "#FFC7CE"}),
        amount_numfmt=wb.add_format({"num_format": "0.00"}),
    )


LINE_HEIGHT = 14.0  # points per wrapped line at 10 pt


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (CJK counts double)."""
    usable = max(width - 1.5, 1.0)
    lines = 0
    for para in text.split("\n"):
        w = sum(2 if ord(ch) > 0x2E7F else 1 for ch in para)
        lines += max(1, -(-int(w) // int(usable)))
    return lines


def row_height(cells: Sequence[tuple[str, float]], minimum: float = 15.0) -> float:
    """A row height that shows every wrapped cell in full (neither Excel nor LibreOffice autofits)."""
    lines = max((text_lines(text, width) for text, width in cells if text), default=1)
    return max(minimum, lines * LINE_HEIGHT + 2)


BUTTONS = (  # (caption, VBA Sub in macros/Module1.bas)
    ("校验", "XlGoalsValidate"),
    ("汇总", "XlGoalsTotals"),
    ("导出", "XlGoalsExport"),
    ("新增项目", "XlGoalsNewProject"),
)
XLWINGS_CONF = (  # xlwings reads A1 down to the first blank row of a sheet named "xlwings.conf"
    (
        "Interpreter_Win",
        r"C:\xlgoals\venv\Scripts\pythonw.exe",
        "Windows 上 Python 的位置（见 docs/使用说明.md）",
    ),
    ("Interpreter_Mac", "", "Mac 上 Python 的位置，如 /Users/用户名/xlgoals/venv/bin/python"),
    ("UDF Modules", "xlgoals.excel.udfs", "工作表函数所在的模块"),
    ("Use UDF Server", "True", "工作表函数使用常驻的 Python 进程（更快）"),
    ("Show Console", "False", "排查问题时改为 True"),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "False", "不要把工作簿所在文件夹加入 Python 路径（文件名可以是中文）"),
)


class _Builder:
    def __init__(self, wb: Workbook, doc: Document, macros: bool = False) -> None:
        self.wb = wb
        self.doc = doc
        self.macros = macros
        self.f = _formats(wb)
        taken: set[str] = set()
        self.sheet_names: list[str] = []
        for t in doc.tables:
            name = L.project_sheet_name(t.index or len(self.sheet_names) + 1, t.project_name, taken)
            taken.add(name)
            self.sheet_names.append(name)

    # --- the sheets, in workbook order ----------------------------------------------------------
    def build(self) -> None:
        self.instructions()
        lst = self.wb.add_worksheet(L.LIST_SHEET)
        if self.macros:
            for k, (caption, macro) in enumerate(BUTTONS):
                lst.insert_button(
                    1, 11 + 2 * k, {"macro": macro, "caption": caption, "width": 80, "height": 26}
                )
        docsheet = self.wb.add_worksheet(L.DOCUMENT_SHEET)
        rows = [self.project(name, t) for name, t in zip(self.sheet_names, self.doc.tables, strict=True)]
        self.project_list(lst, rows)
        self.document_sheet(docsheet)
        self.lists()
        self.meta()
        self.config_sheet()
        if self.macros:
            self.xlwings_conf()
        lst.activate()

    def instructions(self) -> None:
        ws = self.wb.add_worksheet(L.INSTRUCTIONS_SHEET)
        ws.set_column(0, 0, 20)
        ws.set_column(1, 1, 90)
        ws.merge_range(0, 0, 0, 1, "绩效目标表 填表说明", self.f.title)
        r = 2
        ws.set_row(0, 30)
        for heading, text in INSTRUCTIONS:
            ws.write_string(r, 0, heading, self.f.label_left)
            ws.write_string(r, 1, text, self.f.list_text)
            ws.set_row(r, row_height([(text, 90), (heading, 20)]))
            r += 1
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})

    def project(self, name: str, t: GoalTable) -> tuple[str, GoalTable, int]:
        f = self.f
        ws = self.wb.add_worksheet(name)
        nrows = max(L.INDICATOR_ROWS, len(t.indicators))
        last = L.IND_FIRST_ROW + nrows - 1
        footer = L.footer_row(nrows)
        widths = (11, 12, 18, 14, 14, 13, 16, 26, 10, 10, 8, 18)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

        def w(cell: L.CellRef, value: str, fmt: Any) -> None:
            ws.write_string(cell.row - 1, cell.col - 1, value, fmt)

        def merge(rng: str, value: str, fmt: Any) -> None:
            ws.merge_range(rng, value, fmt)

        ws.set_row(0, 30)
        merge("A1:G1", t.title or L.DEFAULT_TITLE, f.title)
        ws.write_string("A2", "预算单位", f.label)
        w(L.UNIT_CODE, t.unit_code, f.code_in)
        merge("C2:E2", t.unit_name, f.text_in)
        merge("F2:G2", "单位：万元", f.label)
        ws.write_string("A3", "项目编码", f.label)
        merge("B3:C3", t.project_code, f.code_in)
        ws.write_string("D3", "项目名称", f.label)
        merge("E3:G3", t.project_name, f.text_in)
        merge("A4:A5", "预算规模及资金用途", f.label)
        ws.write_string("B4", "预算数", f.label)
        ws.write_string("D4", "其中：财政资金", f.label)
        ws.write_string("F4", "其他资金", f.label)
        for cell, value in (
            (L.BUDGET_TOTAL, t.budget.total),
            (L.BUDGET_FISCAL, t.budget.fiscal),
            (L.BUDGET_OTHER, t.budget.other),
        ):
            if value is None:
                ws.write_blank(cell.row - 1, cell.col - 1, None, f.money_in)
            else:
                ws.write_number(cell.row - 1, cell.col - 1, float(value), f.money_in)
        ws.set_row(1, row_height([(t.unit_name, sum(widths[2:5]))]))
        ws.set_row(2, row_height([(t.project_name, sum(widths[4:7])), (t.project_code, sum(widths[1:3]))]))
        ws.write_string("B5", "资金用途", f.label)
        ws.set_row(4, row_height([(t.fund_use, sum(widths[2:7]))], 30))
        merge("C5:G5", t.fund_use, f.wrap_in)
        merge("A6:A7", t.spend_plan.header or L.PLAN_HEADER_PREFIX, f.label)
        ws.write_string("B6", "填写方式", f.label)
        w(L.PLAN_MODE, sheet_flags.plan_mode_cell(t), f.code_in)
        for letter, label in zip("DEFG", ("3月底", "6月底", "10月底", "12月底"), strict=True):
            ws.write_string(f"{letter}6", label, f.label)
        merge("B7:C7", "累计", f.label)
        for cell, value in zip(L.PLAN_POINTS, sheet_flags.plan_cells(t), strict=True):
            if value is None:
                ws.write_blank(cell.row - 1, cell.col - 1, None, f.plan_in)
            else:
                ws.write_number(cell.row - 1, cell.col - 1, float(value), f.plan_in)
        ws.write_string("A8", "绩效目标", f.label)
        ws.set_row(7, row_height([("\n".join(t.goals), sum(widths[1:7]))], 60))
        merge("B8:G8", "\n".join(t.goals), f.wrap_in)

        ws.write_formula(L.FLAG_REQUIRED.a1, F.required(), f.flag, sheet_flags.required_flag(t))
        ws.write_formula(L.FLAG_BUDGET.a1, F.budget(), f.flag, sheet_flags.budget_flag(t))
        ws.write_formula(L.FLAG_PLAN.a1, F.plan(), f.flag, sheet_flags.plan_flag(t))

        # Indicator block.
        hr = L.IND_HEADER_ROW - 1
        for col, label in (
            (0, "一级指标"),
            (1, "二级指标"),
            (2, "三级指标"),
            (5, "指标值"),
            (6, "指标值确定依据"),
        ):
            ws.write_string(hr, col, label, f.head)
        ws.merge_range(hr, 3, hr, 4, "绩效指标描述", f.head)
        ws.write_string(hr, L.IND_FLAG_COL - 1, "提示", f.head)
        for key, col in L.IND_FLAT_COLS.items():
            ws.write_string(hr, col - 1, L.IND_FLAT_LABELS[key], f.head)
        ws.set_row(hr, 28)
        starts = self._level1_blocks(t)
        for k in range(nrows):
            r = L.IND_FIRST_ROW - 1 + k
            ind = t.indicators[k] if k < len(t.indicators) else None
            level1_here = ind is not None and k in starts
            inside_block = any(s <= k < s + n for s, n in starts.items())
            if not inside_block:
                ws.write_blank(r, 0, None, f.text_in)
            texts = ("", "", "", "", "", "")
            if ind is not None:
                texts = (
                    ind.level1 if level1_here else "",
                    ind.level2,
                    ind.name,
                    ind.description,
                    ind.value_raw,
                    ind.basis,
                )
            for col, text in zip((1, 2, 5, 6), (texts[1], texts[2], texts[4], texts[5]), strict=True):
                ws.write_string(r, col, text, f.text_in)
            ws.merge_range(r, 3, r, 4, texts[3], f.text_in)
            if ind is not None:
                ws.set_row(
                    r,
                    row_height(
                        [
                            (ind.level1, widths[0]),
                            (texts[1], widths[1]),
                            (texts[2], widths[2]),
                            (texts[3], widths[3] + widths[4]),
                            (texts[4], widths[5]),
                            (texts[5], widths[6]),
                        ]
                    ),
                )
            flag = sheet_flags.row_flag(ind, level1_here) if ind is not None else ""
            ws.write_formula(r, L.IND_FLAG_COL - 1, F.row(r + 1), f.flag, flag)
            for key, col in L.IND_FLAT_COLS.items():
                ws.write_string(r, col - 1, getattr(ind, key) if ind is not None else "", f.text_in)
        for start, n in starts.items():
            ind = t.indicators[start]
            r = L.IND_FIRST_ROW - 1 + start
            if n > 1:
                ws.merge_range(r, 0, r + n - 1, 0, ind.level1, f.text_in)
            else:
                ws.write_string(r, 0, ind.level1, f.text_in)

        ws.write_string(footer - 1, 0, L.FOOTER_LABEL, f.label)
        ws.merge_range(footer - 1, 1, footer - 1, 6, "", f.label_left)
        ws.write_formula(footer - 1, 1, F.footer(last), f.label_left, sheet_flags.footer_text(t))

        self._validations(ws, last)
        self._conditional(ws, last)
        ws.freeze_panes(L.IND_FIRST_ROW - 1, 0)
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 1)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.print_area(0, 0, footer - 1, L.PRINT_COLUMNS - 1)
        if self.macros:
            ws.insert_button(
                "H1", {"macro": BUTTONS[0][1], "caption": BUTTONS[0][0], "width": 80, "height": 26}
            )
        ws.protect(
            "",
            {
                "insert_rows": True,
                "delete_rows": True,
                "format_rows": True,
                "format_columns": True,
                "select_locked_cells": True,
                "select_unlocked_cells": True,
            },
        )
        return name, t, last

    @staticmethod
    def _level1_blocks(t: GoalTable) -> dict[int, int]:
        """Row index → length of each run of rows sharing one 一级 (merged as printed)."""
        blocks: dict[int, int] = {}
        k = 0
        inds = t.indicators
        while k < len(inds):
            n = 1
            while k + n < len(inds) and inds[k + n].level1 == inds[k].level1:
                n += 1
            blocks[k] = n
            k += n
        return blocks

    def _validations(self, ws: Worksheet, last: int) -> None:
        first = L.IND_FIRST_ROW
        ws.data_validation(
            f"A{first}:A{last}", {"validate": "list", "source": "=一级指标", "show_error": False}
        )
        ws.data_validation(
            f"B{first}:B{last}",
            {
                "validate": "list",
                "source": f'=INDIRECT(IF($A{first}="","二级指标全部",$A{first}))',
                "show_error": False,
            },
        )
        ws.data_validation(
            f"F{first}:F{last}",
            {"validate": "any", "input_title": "指标值", "input_message": VALUE_PROMPT},
        )
        ws.data_validation(
            f"G{first}:G{last}", {"validate": "list", "source": "=依据建议", "show_error": False}
        )
        ws.data_validation(
            L.PLAN_MODE.a1,
            {
                "validate": "list",
                "source": ["%", "万元"],
                "error_title": "填写方式",
                "error_message": "请选择 % 或 万元",
            },
        )
        for cell in (L.BUDGET_TOTAL, L.BUDGET_FISCAL, L.BUDGET_OTHER):
            ws.data_validation(
                cell.a1,
                {
                    "validate": "decimal",
                    "criteria": ">=",
                    "value": 0,
                    "error_title": "金额",
                    "error_message": "请填写不小于0的数字（单位：万元），不要带单位或文字。",
                },
            )
        ws.data_validation(
            "D7:G7",
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "input_title": "资金支出计划",
                "input_message": "填写截至该月底的累计数：填写方式为%时填百分比（如25%），为万元时填金额；12月底应为100%或等于预算数。",
            },
        )

    def _conditional(self, ws: Worksheet, last: int) -> None:
        f = self.f
        ws.conditional_format(
            "D7:G7", {"type": "formula", "criteria": '=$C$6="万元"', "format": f.amount_numfmt}
        )
        ws.conditional_format("C4", {"type": "formula", "criteria": '=$H$4<>""', "format": f.bad_fill})
        ws.conditional_format("D7:G7", {"type": "formula", "criteria": '=$H$7<>""', "format": f.bad_fill})
        ws.conditional_format(
            f"F{L.IND_FIRST_ROW}:G{last}",
            {"type": "formula", "criteria": f'=$H{L.IND_FIRST_ROW}<>""', "format": f.bad_fill},
        )

    def project_list(self, ws: Worksheet, rows: Sequence[tuple[str, GoalTable, int]]) -> None:
        f = self.f
        ws.merge_range(0, 0, 0, len(L.LIST_COLUMNS) - 1, "项目清单（合计为实时公式）", f.title)
        ws.write_string(1, 0, "点击“工作表”列的链接进入项目；新增项目后在此增加一行。", f.plain)
        for col, (label, width) in enumerate(
            zip(L.LIST_COLUMNS, (6, 24, 28, 24, 36, 12, 12, 12, 8, 10), strict=True)
        ):
            ws.write_string(L.LIST_HEADER_ROW - 1, col, label, f.head)
            ws.set_column(col, col, width)
        r = L.LIST_FIRST_ROW - 1
        totals = [Decimal(0), Decimal(0), Decimal(0)]
        n_ind = 0
        n_flags = 0
        for k, (name, t, last) in enumerate(rows):
            ws.write_number(r, 0, k + 1, f.list_text)
            ws.write_url(r, 1, f"internal:{L.quote_sheet(name)}!A1", f.link, name)
            unit = f"{t.unit_code} {t.unit_name}".strip()
            q = L.quote_sheet(name)
            ws.write_formula(r, 2, f'=TRIM({q}!$B$2&" "&{q}!$C$2)', f.list_text, unit)
            ws.write_formula(r, 3, F.link_value(name, "$B$3"), f.list_text, t.project_code)
            ws.write_formula(r, 4, F.link_value(name, "$E$3"), f.list_text, t.project_name)
            for j, (cell, value) in enumerate(
                (("$C$4", t.budget.total), ("$E$4", t.budget.fiscal), ("$G$4", t.budget.other))
            ):
                cached: Any = "" if value is None else float(value)
                ws.write_formula(r, 5 + j, F.link_value(name, cell), f.list_money, cached)
                totals[j] += value or 0
            count = sum(1 for ind in t.indicators if ind.name)
            n_ind += count
            ws.write_formula(r, 8, F.indicator_count(name, last), f.list_text, count)
            flags = len(sheet_flags.table_flags(t))
            n_flags += flags
            ws.write_formula(r, 9, F.flag_count(name, last), f.list_text, flags)
            r += 1
        first, end = L.LIST_FIRST_ROW, max(r, L.LIST_FIRST_ROW)
        ws.write_string(r, 0, "", f.list_total)
        ws.write_string(r, 1, L.LIST_TOTAL_LABEL, f.list_total)
        for col in (2, 3, 4):
            ws.write_string(r, col, "", f.list_total)
        for j, letter in enumerate("FGH"):
            ws.write_formula(
                r, 5 + j, f"=SUM({letter}{first}:{letter}{end})", f.list_total_money, float(totals[j])
            )
        ws.write_formula(r, 8, f"=SUM(I{first}:I{end})", f.list_total, n_ind)
        ws.write_formula(r, 9, f"=SUM(J{first}:J{end})", f.list_total, n_flags)
        ws.freeze_panes(L.LIST_HEADER_ROW, 0)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)

    def document_sheet(self, ws: Worksheet) -> None:
        f = self.f
        m = self.doc.meta
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 60)
        ws.set_column(2, 3, 14)
        ws.set_column(5, 5, 8)
        ws.set_column(6, 6, 50)
        ws.set_column(7, 7, 8)
        ws.merge_range(0, 0, 0, 7, "公开说明（编制公开文本时填写，可留空）", f.title)
        values: list[tuple[str, Any]] = [
            ("标题", m.title),
            ("预算年度", m.budget_year),
            ("区划代码", m.region_code),
            ("发文单位", m.issuer),
            ("落款日期", m.issue_date),
            ("文号", m.doc_number),
            ("说明正文", m.intro),
            ("说明中的项目个数", m.stated_count),
            ("说明中的资金合计（万元）", m.stated_total),
            ("部门整体绩效目标", m.department_goals),
        ]
        for k, (label, value) in enumerate(values):
            r = DOC_FIRST_ROW - 1 + k
            ws.write_string(r, 0, label, f.label_left)
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                ws.write_number(r, 1, float(value), f.text_in if isinstance(value, int) else f.money_in)
            elif value is None:
                ws.write_blank(r, 1, None, f.text_in)
            else:
                ws.write_string(r, 1, str(value), f.wrap_in)
        hr = DOC_ITEMS_HEADER_ROW - 1
        for col, label in enumerate(("序号", "说明中列出的项目", "金额（万元）", "原文")):
            ws.write_string(hr, col, label, f.head)
        for col, label in zip((5, 6, 7), ("序号", "目录条目", "页码"), strict=True):
            ws.write_string(hr, col, label, f.head)
        for k, item in enumerate(m.listed_items):
            r = hr + 1 + k
            ws.write_number(r, 0, item.number, f.text_in)
            ws.write_string(r, 1, item.name, f.text_in)
            if item.amount is None:
                ws.write_blank(r, 2, None, f.money_in)
            else:
                ws.write_number(r, 2, float(item.amount), f.money_in)
            ws.write_string(r, 3, item.raw, f.text_in)
        for k, entry in enumerate(m.toc):
            r = hr + 1 + k
            if entry.number is None:
                ws.write_blank(r, 5, None, f.text_in)
            else:
                ws.write_number(r, 5, entry.number, f.text_in)
            ws.write_string(r, 6, entry.title, f.text_in)
            ws.write_string(r, 7, entry.page, f.code_in)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.protect("", {"insert_rows": True, "select_locked_cells": True, "select_unlocked_cells": True})

    def lists(self) -> None:
        ws = self.wb.add_worksheet(L.LISTS_SHEET)
        level1 = list(FRAMEWORK_A.allowed) + [k for k in FRAMEWORK_B.allowed if k not in FRAMEWORK_A.allowed]
        columns: list[tuple[str, list[str]]] = [("一级指标", level1)]
        for l1 in level1:
            allowed = list(FRAMEWORK_A.allowed.get(l1, ())) + [
                x for x in FRAMEWORK_B.allowed.get(l1, ()) if x not in FRAMEWORK_A.allowed.get(l1, ())
            ]
            columns.append((l1, allowed))
        everything: list[str] = []
        for _, items in columns[1:]:
            everything += [x for x in items if x not in everything]
        columns.append(("二级指标全部", everything))
        columns.append(("依据建议", list(BASIS_SUGGESTIONS)))
        for col, (name, items) in enumerate(columns):
            ws.write_string(0, col, name)
            for k, item in enumerate(items):
                ws.write_string(k + 1, col, item)
            letter = L.column_letter(col + 1)
            self.wb.define_name(
                name, f"={L.quote_sheet(L.LISTS_SHEET)}!${letter}$2:${letter}${len(items) + 1}"
            )
        ws.hide()
        ws.protect()
        assert set(BENEFIT_L2) <= set(everything)

    def xlwings_conf(self) -> None:
        ws = self.wb.add_worksheet("xlwings.conf")
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, 44)
        ws.set_column(2, 2, 60)
        for r, (key, value, note) in enumerate(XLWINGS_CONF):
            ws.write_string(r, 0, key)
            ws.write_string(r, 1, value)
            ws.write_string(r, 2, note)
        ws.hide()

    def config_sheet(self) -> None:
        _config_sheet(self.wb)

    def meta(self) -> None:
        ws = self.wb.add_worksheet(L.META_SHEET)
        ws.write_string(0, 0, L.META_MARKER)
        ws.write_number(0, 1, L.LAYOUT_VERSION)
        ws.write_string(1, 0, "说明")
        ws.write_string(1, 1, "此工作表由 xlgoals 使用，请勿修改。")
        r = META_NOTES_ROW - 1
        for name, t in zip(self.sheet_names, self.doc.tables, strict=True):
            if not t.complete:
                ws.write_string(r, 0, "incomplete")
                ws.write_string(r, 1, name)
                ws.write_string(r, 2, t.incomplete_reason)
                r += 1
        ws.hide()
        ws.protect()


DOC_FIRST_ROW = 3  # 公开说明: label rows 3–12
DOC_LABELS = (
    "标题",
    "预算年度",
    "区划代码",
    "发文单位",
    "落款日期",
    "文号",
    "说明正文",
    "说明中的项目个数",
    "说明中的资金合计（万元）",
    "部门整体绩效目标",
)
DOC_ITEMS_HEADER_ROW = 15
META_NOTES_ROW = 4


CONFIG_EXAMPLES = (
    ("# 校验配置", "A列写配置项，B列写值；以 # 开头的行不生效。命令行 --config 的设置优先于本表。"),
    ("# select", "只运行这些规则，逗号分隔，如 STRUCT,CODE,FUND"),
    ("# ignore", "不运行这些规则，如 IND-001,VAL-010"),
    ("# severity.VAL-003", "改变一条规则的级别：error / warning / info"),
    ("# satisfaction_min", "满意度目标下限（%），默认 80"),
    ("# budget_year", "预算年度，如 2024（默认从项目编码推断）"),
    ("# region_code", "6位区划代码，如 130730（默认从项目编码推断）"),
)


def _config_sheet(wb: Workbook) -> None:
    ws = wb.add_worksheet(L.CONFIG_SHEET)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 70)
    for r, (key, value) in enumerate(CONFIG_EXAMPLES):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    ws.hide()


def empty_document() -> Document:
    return Document(tables=[GoalTable(index=1)])


def build_bytes(doc: Document | None = None, *, macros: bool = False) -> bytes:
    """The workbook as bytes: the empty template when ``doc`` is None; .xlsm with the VBA project
    and buttons when ``macros``."""
    doc = doc if doc is not None else empty_document()
    if not doc.tables:
        doc = doc.model_copy(update={"tables": [GoalTable(index=1)]})
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT, "font_size": 10},
        },
    )
    wb.set_properties({"title": "绩效目标表", "author": "xlgoals", "created": FIXED_TIME})
    wb.set_calc_mode("auto")
    if macros:
        from xlgoals.template.vba import build_vba_project

        wb.add_vba_project(io.BytesIO(build_vba_project()), is_stream=True)
        wb.set_vba_name("ThisWorkbook")
    _Builder(wb, doc, macros).build()
    wb.close()
    return buf.getvalue()


def write_workbook(doc: Document | None, path: Path) -> None:
    from xlgoals.atomic import write_atomic

    write_atomic(path, build_bytes(doc))
