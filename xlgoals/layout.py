"""The official 绩效目标表 and the xlgoals workbook, defined once, as data.

Two things live here and nowhere else:

* the table's vocabulary — the printed labels of the official table and the Chinese names of its
  fields (``Label``, ``field_name``), used by every importer, exporter, rule and report;
* the workbook — every sheet name, cell, merge, width, style, validation, print setting and
  protection option of the template (``PROJECT``, ``LIST``, ``DOC``, …), read by the builder, both
  readers, the formula generator, the annotator and the xlwings glue.

Nothing else in the package spells a cell address or a label (a test greps for them). Bump
``LAYOUT_VERSION`` whenever a position changes and teach ``xlgoals.migrate`` to read the old one.

Project sheet (printed columns A–G; H = live flags; I–M = optional columns of other layouts; • = input):

    1  •table title (A1:G1)
    2  预算单位 | •单位编码 | •单位名称 (C:E) | 单位：万元 (F:G)          | H2 flag: required fields
    3  项目编码 | •项目编码 (B:C) | 项目名称 | •项目名称 (E:G)
    4  预算规模及资金用途 (A4:A5) | 预算数 | •C4 | 其中：财政资金 | •E4 | 其他资金 | •G4 | H4 flag: 预算数
    5                             | 资金用途 | •资金用途 (C:G)
    6  资金支出计划… (A6:A7) | 填写方式 | •C6 (% / 万元) | 3月底 | 6月底 | 10月底 | 12月底
    7                        | 累计 (B7:C7)           | •D7   | •E7   | •F7    | •G7    | H7 flag: plan
    8  绩效目标 | •绩效目标 (B:G)
    9  一级指标 | 二级指标 | 三级指标 | 绩效指标描述 (D:E) | 指标值 | 指标值确定依据 | 提示 | 度量单位 | 指标值类型 | 分值 | 评（扣）分标准 | 指标解释
   10… indicator rows (at least INDICATOR_ROWS); 表内校验 footer after the block
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from xlgoals.fields import PLAN_POINTS, Field, IndicatorField, Layout, MetaField, TableField
from xlgoals.values import DOC_NUMBER

LAYOUT_VERSION = 2
SUPPORTED_VERSIONS = (1, 2)
# What changed:
#   2 — 提示 cells on every header row that has a live check (H2, H3, H4, H5, H7, H8), fills from the
#       checks' own conditions; the hidden _xlgoals sheet records the document's layout (hebei|flat),
#       which version 1 left the reader to guess from the flat-layout columns I–L.


# === the official table's vocabulary ==========================================================


class Label:
    """The printed labels of the official 绩效目标表 (and of the sheets xlgoals adds)."""

    TITLE = "绩效目标表"
    UNIT = "预算单位"
    MONEY_UNIT = "单位：万元"
    PROJECT_CODE = "项目编码"
    PROJECT_NAME = "项目名称"
    BUDGET_BLOCK = "预算规模及资金用途"
    BUDGET_TOTAL = "预算数"
    BUDGET_FISCAL = "其中：财政资金"
    BUDGET_OTHER = "其他资金"
    FUND_USE = "资金用途"
    PLAN = "资金支出计划"
    PLAN_PERCENT = "资金支出计划（%）"
    PLAN_MODE = "填写方式"
    PLAN_POINTS = ("3月底", "6月底", "10月底", "12月底")
    CUMULATIVE = "累计"
    GOALS = "绩效目标"
    LEVEL1 = "一级指标"
    LEVEL2 = "二级指标"
    NAME = "三级指标"
    DESCRIPTION = "绩效指标描述"
    VALUE = "指标值"
    BASIS = "指标值确定依据"
    UNIT_COLUMN = "度量单位"
    VALUE_TYPE = "指标值类型"
    SCORE = "分值"
    SCORING_RULE = "评（扣）分标准"
    EXPLANATION = "指标解释"
    ACTUAL = "实际完成值"
    SCORED = "得分"
    DEVIATION = "偏差原因分析及改进措施"
    FLAG = "提示"
    FOOTER = "表内校验"
    INDICATOR_HEADER = (LEVEL1, LEVEL2, NAME, DESCRIPTION, VALUE, BASIS)


PLAN_MODE_PERCENT = "%"
PLAN_MODE_AMOUNT = "万元"

H, F, N, D = Layout.HEBEI, Layout.FLAT, Layout.NATIONAL, Layout.DEPARTMENT


@dataclass(frozen=True)
class FieldInfo:
    """Everything xlgoals knows of a field besides its path, in one place. The layouts' field sets
    (``model.LAYOUT_FIELDS``), the CSV columns, the Document JSON and its documentation, and every
    message naming the field are made from it (docs/document-json.md: ``./dev docs``)."""

    name: str  # its Chinese name, as messages, reports and the docs show it
    layouts: tuple[Layout, ...] = ()  # the official forms that have it (a new field says which)
    csv: str | None = None  # its column in the CSV export (None: not a column of its own)
    doc: str = ""  # what it holds


# Table fields: one per row of the official forms (budget, plan, …: one per cell), in the order of the
# CSV columns.
TABLE_FIELDS: dict[TableField, FieldInfo] = {
    TableField.TITLE: FieldInfo("表格标题", (H, F), "表格标题", "表格上方的标题，如“1.城乡低保资金县级配套绩效目标表”"),
    TableField.UNIT_CODE: FieldInfo("单位编码", (H, F, N, D), "预算单位编码", "预算单位（主管部门）编码"),
    TableField.UNIT_NAME: FieldInfo("单位名称", (H, N, D), Label.UNIT, "预算单位名称；部门整体表的部门名称"),
    TableField.PROJECT_CODE: FieldInfo(Label.PROJECT_CODE, (H, N), Label.PROJECT_CODE, "项目编码"),
    TableField.PROJECT_NAME: FieldInfo(Label.PROJECT_NAME, (H, F, N), Label.PROJECT_NAME, "项目名称"),
    TableField.BUDGET_TOTAL: FieldInfo(Label.BUDGET_TOTAL, (H, F, N, D), Label.BUDGET_TOTAL, "预算数（万元），精确的十进制文本"),
    TableField.BUDGET_FISCAL: FieldInfo("财政资金", (H, N, D), "财政资金", "其中：财政资金（万元）"),
    TableField.BUDGET_OTHER: FieldInfo(Label.BUDGET_OTHER, (H, N, D), Label.BUDGET_OTHER, "其他资金（万元）"),
    TableField.FUND_USE: FieldInfo(Label.FUND_USE, (H,), Label.FUND_USE, "资金用途"),
    TableField.SPEND_PLAN: FieldInfo(Label.PLAN, (H,), None, "资金支出计划：标题、填写方式和四个累计节点"),
    **{
        f: FieldInfo(f"{Label.PLAN} {p}", (H,), p, f"截至{p}的累计支出计划，照写的文本")
        for f, p in zip(PLAN_POINTS, Label.PLAN_POINTS, strict=True)
    },
    TableField.PLAN_MODE: FieldInfo(Label.PLAN_MODE, (H,), "支出计划方式", "填写方式：percent（%）、amount（万元）或 unknown"),
    TableField.GOALS: FieldInfo(Label.GOALS, (H, F, N, D), Label.GOALS, "绩效目标（申报表的年度目标），每个编号一行"),
    TableField.INDICATORS: FieldInfo("绩效指标", (H, F, N, D), None, "绩效指标表，每行一个指标"),
    TableField.IMPLEMENTER: FieldInfo("实施单位", (N,), "实施单位", "实施单位（申报表）"),
    TableField.PROJECT_KIND: FieldInfo("项目属性", (N,), "项目属性", "项目属性：新增或延续，照写（勾选的一项）"),
    TableField.PERIOD: FieldInfo("实施期", (N,), "实施期", "实施期或项目起止时间，照写"),
    TableField.LONG_TERM_GOALS: FieldInfo("中长期目标", (N,), "中长期目标", "中长期目标（实施期目标），每个编号一行"),
    TableField.FUNCTIONS: FieldInfo("部门职能", (D,), "部门职能", "部门职能（部门整体表）"),
}  # fmt: skip
# Indicator fields: one per column of the indicator tables.
INDICATOR_FIELDS: dict[IndicatorField, FieldInfo] = {
    IndicatorField.LEVEL1: FieldInfo(Label.LEVEL1, (H, F, N, D), Label.LEVEL1, "一级指标（合并单元格向下填充）"),
    IndicatorField.LEVEL2: FieldInfo(Label.LEVEL2, (H, F, N, D), Label.LEVEL2, "二级指标（合并单元格向下填充）"),
    IndicatorField.NAME: FieldInfo(Label.NAME, (H, F, N, D), Label.NAME, "三级指标（指标名称）"),
    IndicatorField.DESCRIPTION: FieldInfo(Label.DESCRIPTION, (H, F), Label.DESCRIPTION, "绩效指标描述（平铺表：指标值内容）"),
    IndicatorField.VALUE: FieldInfo(Label.VALUE, (H, F, N, D), Label.VALUE, "指标值，照写；解析出的比较符、数值、单位随之给出"),
    IndicatorField.BASIS: FieldInfo(Label.BASIS, (H,), Label.BASIS, "指标值确定依据"),
    IndicatorField.UNIT_COLUMN: FieldInfo(Label.UNIT_COLUMN, (F, N, D), Label.UNIT_COLUMN, "度量单位（单独一列时）"),
    IndicatorField.VALUE_TYPE: FieldInfo(Label.VALUE_TYPE, (F, N, D), Label.VALUE_TYPE, "指标值类型（≥ ≤ 定性 …，单独一列时）"),
    IndicatorField.SCORE: FieldInfo(Label.SCORE, (F, N, D), Label.SCORE, "分值或权重"),
    IndicatorField.SCORING_RULE: FieldInfo(Label.SCORING_RULE, (F, N, D), Label.SCORING_RULE, "评（扣）分标准"),
    IndicatorField.EXPLANATION: FieldInfo(Label.EXPLANATION, (N, D), Label.EXPLANATION, "指标解释：指标衡量什么、怎样计算（申报表）"),
    IndicatorField.ACTUAL: FieldInfo(Label.ACTUAL, (N, D), Label.ACTUAL, "实际完成值（绩效自评表）"),
    IndicatorField.SCORED: FieldInfo(Label.SCORED, (N, D), Label.SCORED, "得分（绩效自评表）"),
    IndicatorField.DEVIATION: FieldInfo(Label.DEVIATION, (N, D), Label.DEVIATION, "偏差原因分析及改进措施（绩效自评表）"),
}  # fmt: skip
META_FIELDS: dict[MetaField, FieldInfo] = {
    MetaField.TITLE: FieldInfo("标题", doc="文件标题"),
    MetaField.BUDGET_YEAR: FieldInfo("预算年度", doc="预算年度"),
    MetaField.REGION_CODE: FieldInfo("区划代码", doc="6 位区划代码"),
    MetaField.ISSUER: FieldInfo("发文单位", doc="落款单位"),
    MetaField.ISSUE_DATE: FieldInfo("落款日期", doc="落款日期，照写"),
    MetaField.DOC_NUMBER: FieldInfo("文号", doc="文号，照写"),
    MetaField.INTRO: FieldInfo("说明", doc="公开说明的正文"),
    MetaField.STATED_COUNT: FieldInfo("说明中的项目个数", doc="说明中写的项目个数"),
    MetaField.STATED_TOTAL: FieldInfo("说明中的资金合计", doc="说明中写的资金合计（万元）"),
    MetaField.LISTED_ITEMS: FieldInfo("说明中列出的项目", doc="说明中逐项列出的项目及金额"),
    MetaField.TOC: FieldInfo("目录", doc="目录条目"),
    MetaField.DEPARTMENT_GOALS: FieldInfo("部门整体绩效目标", doc="部门整体绩效目标一节的正文"),
}


def field_info(f: Field) -> FieldInfo:
    if isinstance(f, TableField):
        return TABLE_FIELDS[f]
    if isinstance(f, IndicatorField):
        return INDICATOR_FIELDS[f]
    return META_FIELDS[f]


_SPACE = re.compile(r"\s+")
_KEY_CHARS = str.maketrans({":": "：", "(": "（", ")": "）"})


def label_key(text: object) -> str:
    """A label as compared: no white space, full-width colon and brackets ("其中:财政 资金" → "其中：财政资金")."""
    if text is None:
        return ""
    return _SPACE.sub("", str(text)).translate(_KEY_CHARS)


def field_name(f: Field) -> str:
    """The Chinese name of a field, as messages and reports show it."""
    return field_info(f).name


# The flat 项目支出绩效目标表 (one row per indicator): its 13 column labels, in order, and the
# field each holds ("" for the 4 project columns, which the flat reader handles itself).
FLAT_COLUMNS: tuple[tuple[str, TableField | IndicatorField], ...] = (
    ("单位代码", TableField.UNIT_CODE),
    ("单位（专项）名称", TableField.PROJECT_NAME),
    ("资金总额", TableField.BUDGET_TOTAL),
    ("实施期绩效目标", TableField.GOALS),
    (Label.LEVEL1, IndicatorField.LEVEL1),
    (Label.LEVEL2, IndicatorField.LEVEL2),
    (Label.NAME, IndicatorField.NAME),
    (Label.VALUE, IndicatorField.VALUE),
    ("指标值内容", IndicatorField.DESCRIPTION),
    ("评（扣分标准）", IndicatorField.SCORING_RULE),
    (Label.UNIT_COLUMN, IndicatorField.UNIT_COLUMN),
    (Label.VALUE_TYPE, IndicatorField.VALUE_TYPE),
    ("备注", IndicatorField.SCORE),
)
FLAT_TITLE = "项目支出绩效目标表"
# Header cells after a foreign indicator table's columns that no field is read from.
EXTRA_COLUMNS = ("备注", "说明")


# === cells ======================================================================================


@lru_cache(maxsize=4096)  # a few dozen columns, asked for thousands of times per workbook
def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


@dataclass(frozen=True)
class CellRef:
    """A cell, or a rectangle of cells, on a sheet (1-based)."""

    row: int
    col: int
    last_row: int = 0  # 0: a single cell
    last_col: int = 0

    @property
    def bottom(self) -> int:
        return self.last_row or self.row

    @property
    def right(self) -> int:
        return self.last_col or self.col

    @property
    def is_range(self) -> bool:
        return (self.bottom, self.right) != (self.row, self.col)

    @property
    def a1(self) -> str:
        """ "C4", or "C5:G5" for a range."""
        first = f"{column_letter(self.col)}{self.row}"
        return f"{first}:{column_letter(self.right)}{self.bottom}" if self.is_range else first

    @property
    def abs(self) -> str:
        """ "$C$4", or "$D$7:$G$7"."""
        first = f"${column_letter(self.col)}${self.row}"
        return f"{first}:${column_letter(self.right)}${self.bottom}" if self.is_range else first


def ref(a1: str) -> CellRef:
    """ "C4" or "C5:G5" → CellRef."""
    m = re.fullmatch(r"([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?", a1)
    if m is None:
        raise ValueError(a1)
    first = (int(m.group(2)), column_index(m.group(1)))
    if m.group(3) is None:
        return CellRef(*first)
    return CellRef(*first, int(m.group(4)), column_index(m.group(3)))


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def cell_name(col: int, row: int) -> str:
    return f"{column_letter(col)}{row}"


def column_range(col: int, first_row: int, last_row: int, *, absolute: bool = False) -> str:
    """ "F10:F39", or "$H$10:$H$39"."""
    c = column_letter(col)
    if absolute:
        return f"${c}${first_row}:${c}${last_row}"
    return f"{c}{first_row}:{c}{last_row}"


# === styles =====================================================================================

FONT = "宋体"
FONT_SIZE = 10


class Style(StrEnum):
    TITLE = "title"
    LABEL = "label"
    LABEL_LEFT = "label_left"
    TEXT_IN = "text_in"
    WRAP_IN = "wrap_in"
    CODE_IN = "code_in"
    MONEY_IN = "money_in"
    PLAN_IN = "plan_in"
    FLAG = "flag"
    HEAD = "head"
    NOTE = "note"
    LIST_MONEY = "list_money"
    LIST_TEXT = "list_text"
    LIST_TOTAL = "list_total"
    LIST_TOTAL_MONEY = "list_total_money"
    LINK = "link"
    PLAIN = "plain"
    BAD_FILL = "bad_fill"
    AMOUNT_NUMFMT = "amount_numfmt"
    ROW_FLAG = "row_flag"  # an indicator row's 提示: unlocked, so a row copied with it pastes (see below)


_BOXED: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter", "border": 1}
HEADER_FILL = "#DDEBF7"
LABEL_FILL = "#F2F2F2"
FLAG_COLOR = "#C00000"
BAD_FILL = "#FFC7CE"

# xlsxwriter format properties of every style the workbook uses (in the order they are created).
STYLES: dict[Style, dict[str, Any]] = {
    Style.TITLE: {"font_name": FONT, "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"},
    Style.LABEL: {**_BOXED, "bold": True, "align": "center", "text_wrap": True, "bg_color": LABEL_FILL},
    Style.LABEL_LEFT: {**_BOXED, "bold": True, "text_wrap": True, "bg_color": LABEL_FILL},
    Style.TEXT_IN: {**_BOXED, "locked": False, "text_wrap": True, "num_format": "@"},
    Style.WRAP_IN: {**_BOXED, "locked": False, "text_wrap": True, "valign": "top", "num_format": "@"},
    Style.CODE_IN: {**_BOXED, "locked": False, "num_format": "@"},
    Style.MONEY_IN: {**_BOXED, "locked": False, "num_format": "0.00"},
    Style.PLAN_IN: {**_BOXED, "locked": False, "num_format": "0%", "align": "center"},
    Style.FLAG: {
        "font_name": FONT,
        "font_size": FONT_SIZE,
        "font_color": FLAG_COLOR,
        "text_wrap": True,
        "valign": "vcenter",
    },
    Style.HEAD: {**_BOXED, "bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL},
    Style.NOTE: {"font_name": FONT, "font_size": FONT_SIZE, "text_wrap": True, "valign": "top"},
    Style.LIST_MONEY: {**_BOXED, "num_format": "0.00"},
    Style.LIST_TEXT: {**_BOXED, "text_wrap": True},
    Style.LIST_TOTAL: {**_BOXED, "bold": True, "bg_color": LABEL_FILL},
    Style.LIST_TOTAL_MONEY: {**_BOXED, "bold": True, "bg_color": LABEL_FILL, "num_format": "0.00"},
    Style.LINK: {**_BOXED, "font_color": "blue", "underline": 1},
    Style.PLAIN: {"font_name": FONT, "font_size": FONT_SIZE},
    Style.BAD_FILL: {"bg_color": BAD_FILL},
    Style.AMOUNT_NUMFMT: {"num_format": "0.00"},
    # Inserting and deleting indicator rows on the protected sheet, as 填表说明 says: LibreOffice (and,
    # by reports, Excel) pastes into unlocked cells only and deletes only rows with no locked cell, so
    # every cell of an indicator row — its 提示 formula, and the empty columns to the right, which have
    # the workbook's default format (unlocked by the builder) — is unlocked.
    Style.ROW_FLAG: {
        "font_name": FONT,
        "font_size": FONT_SIZE,
        "font_color": FLAG_COLOR,
        "text_wrap": True,
        "valign": "vcenter",
        "locked": False,
    },
}

# Text wrapping, for row heights (neither Excel nor LibreOffice autofits rows written by a library).
LINE_HEIGHT = 14.0  # points per wrapped line at 10 pt
MIN_ROW_HEIGHT = 15.0


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (CJK counts double)."""
    usable = max(width - 1.5, 1.0)
    lines = 0
    for para in text.split("\n"):
        w = sum(2 if ord(ch) > 0x2E7F else 1 for ch in para)
        lines += max(1, -(-int(w) // int(usable)))
    return lines


def row_height(cells: list[tuple[str, float]], minimum: float = MIN_ROW_HEIGHT) -> float:
    """A row height that shows every wrapped cell in full."""
    lines = max((text_lines(text, width) for text, width in cells if text), default=1)
    return max(minimum, lines * LINE_HEIGHT + 2)


# === sheets =====================================================================================

INSTRUCTIONS_SHEET = "填表说明"
LIST_SHEET = "项目清单"
DOCUMENT_SHEET = "公开说明"
LISTS_SHEET = "_lists"  # hidden: dropdown sources
# The sheets just before and after the project sheets; the 项目清单 合计 of amounts sums every sheet
# between them, so neither may hold a number in an amount cell (a test checks it).
PROJECT_SPAN = (DOCUMENT_SHEET, LISTS_SHEET)
META_SHEET = "_xlgoals"  # hidden: layout version, incomplete-table notes, earlier marks
CONFIG_SHEET = "_config"  # hidden: per-workbook rule configuration (A key, B value)
RESULTS_SHEET = "校验结果"
XLWINGS_CONF_SHEET = "xlwings.conf"
XLWINGS_CONF_INACTIVE = "_xlwings.conf"
MAX_SHEET_NAME = 31
PROJECT_SHEET_PREFIX = "项目"

# Sheets that are never project sheets, whatever they contain.
RESERVED_SHEETS = frozenset(
    {
        INSTRUCTIONS_SHEET,
        LIST_SHEET,
        DOCUMENT_SHEET,
        LISTS_SHEET,
        META_SHEET,
        CONFIG_SHEET,
        RESULTS_SHEET,
        XLWINGS_CONF_SHEET,
        XLWINGS_CONF_INACTIVE,
    }
)
# Sheets no reader needs to load: the instructions, the dropdown sources, old results. (项目清单 is
# read: check compares its rows with the project sheets, STRUCT-016.)
UNREAD_SHEETS = frozenset({INSTRUCTIONS_SHEET, LISTS_SHEET, RESULTS_SHEET})


def project_sheet_name(index: int, project_name: str, taken: set[str]) -> str:
    """A legal, unique, readable sheet name: "3 城乡低保资金县级配套" cut to 31 characters."""
    bad = "[]:*?/\\"
    clean = DOC_NUMBER.sub("", project_name).replace(Label.TITLE, "")
    clean = re.sub(r"\s+", " ", "".join("_" if ch in bad else ch for ch in clean)).strip().strip("'")
    base = f"{index} {clean}".strip() if clean else f"{PROJECT_SHEET_PREFIX}{index}"
    name = base[:MAX_SHEET_NAME].rstrip()
    k = 2
    lowered = {t.lower() for t in taken}
    while name.lower() in lowered or name in RESERVED_SHEETS or name == "History":
        suffix = f"({k})"
        name = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        k += 1
    return name


@dataclass(frozen=True)
class PageSetup:
    landscape: bool = False
    paper: int = 9  # A4
    fit_width: int = 1
    fit_height: int = 0  # 0: as many pages as needed
    center: bool = False
    margins: tuple[float, float, float, float] | None = None  # left, right, top, bottom (inches)
    repeat_rows: int = 0  # header rows printed on every page (1-based last row; 0 none)


# === the project sheet ==========================================================================


@dataclass(frozen=True)
class Item:
    """One thing written on the project sheet's header block: a fixed label, or a field's value.

    ``anchor`` is where the label sits whose row the reader searches for to find this input (one of
    the sheet's ``anchors``), so a sheet with rows inserted above still reads.
    """

    at: CellRef
    style: Style
    text: str = ""
    field: TableField | None = None
    anchor: CellRef | None = None
    grows: bool = False  # the row's height follows this cell's wrapped text


def _label(a1: str, text: str, style: Style = Style.LABEL) -> Item:
    return Item(ref(a1), style, text=text)


def _input(a1: str, f: TableField, style: Style, anchor: str, *, grows: bool = False) -> Item:
    return Item(ref(a1), style, field=f, anchor=ref(anchor), grows=grows)


@dataclass(frozen=True)
class Anchor:
    """A label the reader searches for (in its column) to find a row of the header block.

    ``prefix`` when the label only starts that way ("资金支出计划（%）"); an anchor that is not
    ``required`` falls back to its distance from the anchor above it."""

    label: str
    at: CellRef
    prefix: bool = False
    required: bool = True


@dataclass(frozen=True)
class Column:
    """One column of the indicator block (a range when its cells are merged across columns)."""

    field: IndicatorField
    col: int
    header: str
    last_col: int = 0

    @property
    def right(self) -> int:
        return self.last_col or self.col


@dataclass(frozen=True)
class ProjectSheet:
    widths: tuple[float, ...]  # A, B, C, …
    header: tuple[Item, ...]  # in the order they are written
    row_heights: dict[int, float]  # fixed (title, indicator header) or minimum (growing rows) heights
    anchors: tuple[Anchor, ...]  # in sheet order; the labels that make a project sheet
    flags: dict[str, CellRef]  # live flag cells of the header block
    indicator_header_row: int
    first_indicator_row: int
    indicator_rows: int  # rows prepared in an empty sheet
    columns: tuple[Column, ...]  # the printed indicator columns
    extra_columns: tuple[Column, ...]  # the flat layout's columns, beside the print area
    flag_column: int
    print_columns: int
    page: PageSetup
    freeze_rows: int
    protection: dict[str, bool]
    button: CellRef

    def footer_row(self, indicator_rows: int) -> int:
        """The row of the 表内校验 footer after a block of ``indicator_rows`` rows."""
        return self.first_indicator_row + indicator_rows

    def find_footer(self, column_a: Sequence[object]) -> int | None:
        """The 表内校验 row of a sheet whose column A (from row 1) is ``column_a``: found by its label
        below the indicator header, so also after rows were inserted or deleted."""
        for r in range(self.first_indicator_row, len(column_a) + 1):
            if label_key(column_a[r - 1]) == Label.FOOTER:
                return r
        return None

    def input(self, f: TableField) -> Item:
        for item in self.header:
            if item.field == f:
                return item
        raise KeyError(f)

    def column(self, f: IndicatorField) -> Column:
        for c in (*self.columns, *self.extra_columns):
            if c.field == f:
                return c
        raise KeyError(f)


_A2, _A3, _A4, _A6, _A8, _B5 = "A2", "A3", "A4", "A6", "A8", "B5"
PROJECT = ProjectSheet(
    widths=(11, 12, 18, 14, 14, 13, 16, 26, 10, 10, 8, 18, 24),
    header=(
        # the title is the row above 预算单位, wherever that is (a clerk's "附件1" row above it is not it)
        Item(ref("A1:G1"), Style.TITLE, text=Label.TITLE, field=TableField.TITLE, anchor=ref(_A2)),
        _label(_A2, Label.UNIT),
        _input("B2", TableField.UNIT_CODE, Style.CODE_IN, _A2),
        _input("C2:E2", TableField.UNIT_NAME, Style.TEXT_IN, _A2, grows=True),
        _label("F2:G2", Label.MONEY_UNIT),
        _label(_A3, Label.PROJECT_CODE),
        _input("B3:C3", TableField.PROJECT_CODE, Style.CODE_IN, _A3, grows=True),
        _label("D3", Label.PROJECT_NAME),
        _input("E3:G3", TableField.PROJECT_NAME, Style.TEXT_IN, _A3, grows=True),
        _label("A4:A5", Label.BUDGET_BLOCK),
        _label("B4", Label.BUDGET_TOTAL),
        _label("D4", Label.BUDGET_FISCAL),
        _label("F4", Label.BUDGET_OTHER),
        _input("C4", TableField.BUDGET_TOTAL, Style.MONEY_IN, _A4),
        _input("E4", TableField.BUDGET_FISCAL, Style.MONEY_IN, _A4),
        _input("G4", TableField.BUDGET_OTHER, Style.MONEY_IN, _A4),
        _label(_B5, Label.FUND_USE),
        _input("C5:G5", TableField.FUND_USE, Style.WRAP_IN, _B5, grows=True),
        Item(ref("A6:A7"), Style.LABEL, text=Label.PLAN, field=TableField.SPEND_PLAN, anchor=ref(_A6)),
        _label("B6", Label.PLAN_MODE),
        _input("C6", TableField.PLAN_MODE, Style.CODE_IN, _A6),
        *(_label(f"{c}6", p) for c, p in zip("DEFG", Label.PLAN_POINTS, strict=True)),
        _label("B7:C7", Label.CUMULATIVE),
        *(_input(f"{c}7", f, Style.PLAN_IN, _A6) for c, f in zip("DEFG", PLAN_POINTS, strict=True)),
        _label(_A8, Label.GOALS),
        _input("B8:G8", TableField.GOALS, Style.WRAP_IN, _A8, grows=True),
    ),
    row_heights={1: 30, 5: 30, 8: 60, 9: 28},
    anchors=(
        Anchor(Label.UNIT, ref(_A2)),
        Anchor(Label.PROJECT_CODE, ref(_A3)),
        Anchor(Label.BUDGET_BLOCK, ref(_A4)),
        Anchor(Label.FUND_USE, ref(_B5), required=False),
        Anchor(Label.PLAN, ref(_A6), prefix=True),
        Anchor(Label.GOALS, ref(_A8)),
        Anchor(Label.LEVEL1, ref("A9")),
    ),
    flags={"required": ref("H2"), "budget": ref("H4"), "plan": ref("H7")},
    indicator_header_row=9,
    first_indicator_row=10,
    indicator_rows=30,
    columns=(
        Column(IndicatorField.LEVEL1, 1, Label.LEVEL1),
        Column(IndicatorField.LEVEL2, 2, Label.LEVEL2),
        Column(IndicatorField.NAME, 3, Label.NAME),
        Column(IndicatorField.DESCRIPTION, 4, Label.DESCRIPTION, last_col=5),
        Column(IndicatorField.VALUE, 6, Label.VALUE),
        Column(IndicatorField.BASIS, 7, Label.BASIS),
    ),
    extra_columns=(
        Column(IndicatorField.UNIT_COLUMN, 9, Label.UNIT_COLUMN),
        Column(IndicatorField.VALUE_TYPE, 10, Label.VALUE_TYPE),
        Column(IndicatorField.SCORE, 11, Label.SCORE),
        Column(IndicatorField.SCORING_RULE, 12, Label.SCORING_RULE),
        Column(IndicatorField.EXPLANATION, 13, Label.EXPLANATION),
    ),
    flag_column=8,
    print_columns=7,
    page=PageSetup(fit_height=1, center=True, margins=(0.4, 0.4, 0.5, 0.5)),
    freeze_rows=9,
    protection={
        "insert_rows": True,
        "delete_rows": True,
        "format_rows": True,
        "format_columns": True,
        "select_locked_cells": True,
        "select_unlocked_cells": True,
    },
    button=ref("H1"),
)


# Any of these in column A (near the top) makes a sheet a project sheet.
PROJECT_SHEET_MARKERS = frozenset({Label.UNIT, Label.PROJECT_CODE, Label.BUDGET_BLOCK, Label.LEVEL1})
SCAN_ROWS = 40  # how far down the reader searches for the header labels


def plan_mode_options() -> list[str]:
    return [PLAN_MODE_PERCENT, PLAN_MODE_AMOUNT]


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
LEVEL1_LIST_NAME = "一级指标"  # defined name of the 一级 dropdown; one per 一级 holds its 二级
LEVEL1_REFUSED = "一级指标只能是{names}，请从下拉框选择。"  # names: the dropdown's list
LEVEL2_ASKED = "这个二级指标不在所选一级指标的标准列表中（见下拉框）。确实要用，请点“是”；校验会再检查它。"
ALL_LEVEL2_LIST_NAME = "二级指标全部"
BASIS_LIST_NAME = "依据建议"
VALUE_PROMPT = "定量：比较符+数值+单位，如 ≥95%、≤350万元、≥1000人；比率用%；成本用≤；满意度 ≥90%。定性请写明分级（如“达成年度指标”）。"
PLAN_PROMPT = (
    "填写截至该月底的累计数：填写方式为%时填百分比（如25%），为万元时填金额；12月底应为100%或等于预算数。"
)


def project_validations(last_row: int, level1_names: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    """The data validations of a project sheet whose indicator block ends at ``last_row``;
    ``level1_names``: the 一级 dropdown's list (``frameworks.level1_lists``), named when one is refused."""
    p = PROJECT
    first = p.first_indicator_row

    def block(f: IndicatorField) -> str:
        return column_range(p.column(f).col, first, last_row)

    level1_first = cell_name(p.column(IndicatorField.LEVEL1).col, first)
    money = {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_title": "金额",
        "error_message": "请填写不小于0的数字（单位：万元），不要带单位或文字。",
    }
    return [
        # 一级: only the list (STRUCT-002 is an error for anything else); 二级: the list of its 一级, and
        # a name outside it asks before it is kept (regional variants exist; STRUCT-003 judges them).
        # Typing is checked; pasting is not (no spreadsheet checks a paste): 校验 still reports both.
        (
            block(IndicatorField.LEVEL1),
            {
                "validate": "list",
                "source": f"={LEVEL1_LIST_NAME}",
                "error_type": "stop",
                "error_title": Label.LEVEL1,
                "error_message": LEVEL1_REFUSED.format(names="、".join(level1_names)),
            },
        ),
        (
            block(IndicatorField.LEVEL2),
            {
                "validate": "list",
                "source": f'=INDIRECT(IF(${level1_first}="","{ALL_LEVEL2_LIST_NAME}",${level1_first}))',
                "error_type": "warning",
                "error_title": Label.LEVEL2,
                "error_message": LEVEL2_ASKED,
            },
        ),
        (block(IndicatorField.VALUE), {"validate": "any", "input_title": Label.VALUE, "input_message": VALUE_PROMPT}),
        (block(IndicatorField.BASIS), {"validate": "list", "source": f"={BASIS_LIST_NAME}", "show_error": False}),
        (
            p.input(TableField.PLAN_MODE).at.a1,
            {
                "validate": "list",
                "source": plan_mode_options(),
                "error_title": Label.PLAN_MODE,
                "error_message": f"请选择 {PLAN_MODE_PERCENT} 或 {PLAN_MODE_AMOUNT}",
            },
        ),
        *((p.input(f).at.a1, dict(money)) for f in (TableField.BUDGET_TOTAL, TableField.BUDGET_FISCAL, TableField.BUDGET_OTHER)),
        (
            plan_range().a1,
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "input_title": Label.PLAN,
                "input_message": PLAN_PROMPT,
            },
        ),
    ]  # fmt: skip


def plan_range() -> CellRef:
    """The four plan cells as one range (D7:G7)."""
    first, last = PROJECT.input(PLAN_POINTS[0]).at, PROJECT.input(PLAN_POINTS[-1]).at
    return CellRef(first.row, first.col, last.row, last.col)


# === 项目清单 =====================================================================================


class ListKind(StrEnum):
    INDEX = "index"  # 序号
    SHEET = "sheet"  # a link to the project sheet
    UNIT = "unit"  # 单位编码 + 单位名称
    FIELD = "field"  # a header field of the project sheet
    COUNT = "count"  # number of indicators
    FLAGS = "flags"  # number of live flags


@dataclass(frozen=True)
class ListColumn:
    label: str
    width: float
    kind: ListKind
    field: TableField | None = None
    total: bool = False  # summed in the 合计 row


@dataclass(frozen=True)
class ListSheet:
    title: str
    note: str
    header_row: int
    first_row: int
    columns: tuple[ListColumn, ...]
    total_label: str
    page: PageSetup
    buttons_row: int
    buttons_col: int  # first button's column (1-based); each further one two columns right


LIST = ListSheet(
    title="项目清单（合计为实时公式）",
    note="点击“工作表”列的链接进入项目；新增项目后在此增加一行。",
    header_row=3,
    first_row=4,
    columns=(
        ListColumn("序号", 6, ListKind.INDEX),
        ListColumn("工作表", 24, ListKind.SHEET),
        ListColumn(Label.UNIT, 28, ListKind.UNIT),
        ListColumn(Label.PROJECT_CODE, 24, ListKind.FIELD, TableField.PROJECT_CODE),
        ListColumn(Label.PROJECT_NAME, 36, ListKind.FIELD, TableField.PROJECT_NAME),
        ListColumn(Label.BUDGET_TOTAL, 12, ListKind.FIELD, TableField.BUDGET_TOTAL, total=True),
        ListColumn("财政资金", 12, ListKind.FIELD, TableField.BUDGET_FISCAL, total=True),
        ListColumn(Label.BUDGET_OTHER, 12, ListKind.FIELD, TableField.BUDGET_OTHER, total=True),
        ListColumn("指标数", 8, ListKind.COUNT, total=True),
        ListColumn("表内提示", 10, ListKind.FLAGS, total=True),
    ),
    total_label="合计",
    page=PageSetup(landscape=True),
    buttons_row=2,
    buttons_col=12,
)
# Where the 汇总 button writes the core's totals on 项目清单 (beside the live formulas).
LIST_TOTALS_COLUMN = 12
LIST_TOTALS_TITLE = "xlgoals 汇总（核心计算）"
LIST_TOTALS_ROWS = 200  # the rows the 汇总 button empties before writing (its block: 项目数 + 2 rows)


# === 公开说明 =====================================================================================


@dataclass(frozen=True)
class DocSheet:
    title: str
    widths: dict[int, float]  # column → width
    first_row: int
    fields: tuple[tuple[str, MetaField], ...]
    items_header_row: int
    items_columns: tuple[str, ...]  # A–D: the projects listed in the intro
    toc_first_col: int
    toc_columns: tuple[str, ...]  # F–H: the table of contents
    page: PageSetup
    protection: dict[str, bool]


DOC = DocSheet(
    title="公开说明（编制公开文本时填写，可留空）",
    widths={1: 22, 2: 60, 3: 14, 4: 14, 6: 8, 7: 50, 8: 8},
    first_row=3,
    fields=(
        ("标题", MetaField.TITLE),
        ("预算年度", MetaField.BUDGET_YEAR),
        ("区划代码", MetaField.REGION_CODE),
        ("发文单位", MetaField.ISSUER),
        ("落款日期", MetaField.ISSUE_DATE),
        ("文号", MetaField.DOC_NUMBER),
        ("说明正文", MetaField.INTRO),
        ("说明中的项目个数", MetaField.STATED_COUNT),
        ("说明中的资金合计（万元）", MetaField.STATED_TOTAL),
        ("部门整体绩效目标", MetaField.DEPARTMENT_GOALS),
    ),
    items_header_row=15,
    items_columns=("序号", "说明中列出的项目", "金额（万元）", "原文"),
    toc_first_col=6,
    toc_columns=("序号", "目录条目", "页码"),
    page=PageSetup(landscape=True),
    protection={"insert_rows": True, "select_locked_cells": True, "select_unlocked_cells": True},
)


# === the hidden sheets ==========================================================================

META_MARKER = "xlgoals-layout"
META_VERSION = ref("B1")  # beside the marker in A1
META_NOTE = ("说明", "此工作表由 xlgoals 使用，请勿修改。")  # row 2
META_LAYOUT_KEY = "layout"  # row 3: layout | hebei or flat (version 2)
META_FIRST_NOTE_ROW = 4
META_INCOMPLETE = "incomplete"  # a row: incomplete | sheet | reason
MARK_KEY = "mark"  # a row: mark | sheet | cell — a cell 校验 marked (cleared by the next 校验)

# The macro-enabled template: its buttons and the hidden sheet xlwings reads its settings from.
BUTTONS = (  # (caption, VBA Sub in macros/excel/Module1.bas); the first is also on every project sheet
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
    (
        "XLGOALS_SERVICE_URL",
        "",
        "校验服务的地址（如 http://10.1.2.3:8000）：填写后按钮由财政局的校验服务完成，本机不需要 Python；留空则用本机 Python",
    ),
    ("XLGOALS_TOKEN", "", "校验服务的访问口令（如有）"),
)
# The VBA client's own sentences (everything else it shows comes from the service): written into the
# template's VBA as character codes by ./dev vba (macros/excel/XgStrings.bas), so the source stays ASCII.
CLIENT_TEXTS = {
    "title": "xlgoals",
    "unreachable": "无法连接校验服务 {0}：请检查网络，或联系财政局信息科。",
    "http_error": "校验服务出错（状态 {0}），请稍后重试；一直如此时请联系财政局信息科。",
    "bad_answer": "校验服务的回答无法识别：请确认 xlwings.conf 工作表中的 XLGOALS_SERVICE_URL 是 xlgoals 校验服务的地址。",
    "newer": "校验服务比此模板新：请从校验服务网页下载新模板，把内容复制过去后再试。",
    "unknown_op": "校验服务要求的操作此模板不认识：请从校验服务网页下载新模板后再试。",
    "failed": "xlgoals 未能完成操作（{0}），各工作表的保护已恢复；请重试，或把工作簿交给财政局信息科。",
}
BUTTON_SIZE = {"width": 80, "height": 26}
CONFIG_WIDTHS = (22, 70)
XLWINGS_CONF_WIDTHS = (30, 44, 60)
INSTRUCTIONS_WIDTHS = (20, 90)
INSTRUCTIONS_TITLE = "绩效目标表 填表说明"
INSTRUCTIONS_FIRST_ROW = 3
INSTRUCTIONS_TITLE_HEIGHT = 30.0
LOCKED_SHEET_PROTECTION = {"select_locked_cells": True, "select_unlocked_cells": True}


def protection_text(options: dict[str, bool]) -> str:
    """The options a sheet is protected with again, as the client protocol says them: the allowed
    ones, comma-separated and sorted ("delete_rows,format_rows,…")."""
    return ",".join(sorted(k for k, v in options.items() if v))


def protection_of(sheet_name: str, *, project: bool = False) -> dict[str, bool] | None:
    """The protection the template gives a sheet — xlsxwriter's option names, True = allowed to the
    user (``insert_rows``…; cell contents and drawing objects are always protected) — or None for a
    sheet it leaves unprotected. The builder protects with it; the Excel buttons restore it after
    writing (``io.xw.unprotected``)."""
    if project:
        return PROJECT.protection
    return {
        INSTRUCTIONS_SHEET: LOCKED_SHEET_PROTECTION,
        DOCUMENT_SHEET: DOC.protection,
        LISTS_SHEET: LOCKED_SHEET_PROTECTION,
        META_SHEET: LOCKED_SHEET_PROTECTION,
    }.get(sheet_name)


# === 校验 marks and the 校验结果 sheet ==============================================================


@dataclass(frozen=True)
class ResultsSheet:
    columns: tuple[str, ...]
    widths: tuple[float, ...]
    wrap_from: int  # 1-based: columns from here on wrap
    link_column: int  # the column holding the link to the marked cell
    position: int  # where the sheet is inserted (0-based index, clipped to the sheet count)
    page: PageSetup = field(default_factory=lambda: PageSetup(landscape=True))
    empty: str = "未发现问题"
    freeze_rows: int = 1
    # What the template's sheet says before the first 校验.
    pending: str = (
        "尚未校验：点“校验”按钮（或在校验服务网页上传本工作簿）后，发现的问题逐条列在这里，并链接到单元格。"
    )


# Fills of the cells 校验 marks, by severity (info is not the template's header blue).
MARK_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "E4DFEC"}
NOTE_AUTHOR = "xlgoals"
NOTE_SIZE = (360, 60, 45, 400)  # width; height = min(base + per finding × n, cap)
LINK_COLOR = "0000FF"

RESULTS = ResultsSheet(
    columns=("严重程度", "代码", "项目", "单元格", "问题", "修改建议"),
    widths=(8, 11, 30, 40, 60, 50),
    wrap_from=5,
    link_column=4,
    position=2,
)
