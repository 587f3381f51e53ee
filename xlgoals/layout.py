"""Where every field of the 绩效目标表 lives in the workbook — defined once.

The template builder, the writer, both readers and the annotator all use this module, so the
template can change without breaking them. Bump ``LAYOUT_VERSION`` whenever a position changes;
the reader refuses versions it does not know.

Project sheet (printed columns A–G; H = live flags; I–L = optional flat-layout columns; • = input):

    1  •table title (A1:G1)
    2  预算单位 | •单位编码 | •单位名称 (C:E) | 单位：万元 (F:G)          | H2 flag: required fields
    3  项目编码 | •项目编码 (B:C) | 项目名称 | •项目名称 (E:G)
    4  预算规模及资金用途 (A4:A5) | 预算数 | •C4 | 其中：财政资金 | •E4 | 其他资金 | •G4 | H4 flag: 预算数
    5                             | 资金用途 | •资金用途 (C:G)
    6  资金支出计划… (A6:A7) | 填写方式 | •C6 (% / 万元) | 3月底 | 6月底 | 10月底 | 12月底
    7                        | 累计 (B7:C7)           | •D7   | •E7   | •F7    | •G7    | H7 flag: plan
    8  绩效目标 | •绩效目标 (B:G)
    9  一级指标 | 二级指标 | 三级指标 | 绩效指标描述 (D:E) | 指标值 | 指标值确定依据 | 提示 | 度量单位 | 指标值类型 | 分值 | 评（扣）分标准
   10… indicator rows (at least INDICATOR_ROWS); 表内校验 footer after the block
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlgoals.values import DOC_NUMBER

LAYOUT_VERSION = 1
SUPPORTED_VERSIONS = (1,)

# Sheet names.
INSTRUCTIONS_SHEET = "填表说明"
DOCUMENT_SHEET = "公开说明"
LIST_SHEET = "项目清单"
LISTS_SHEET = "_lists"  # hidden: dropdown sources
META_SHEET = "_xlgoals"  # hidden: layout version (A1 key, B1 value) and the marker
RESULTS_SHEET = "校验结果"
CONFIG_SHEET = "_config"  # hidden: per-workbook rule configuration (A key, B value)
META_MARKER = "xlgoals-layout"

PROJECT_SHEET_PREFIX = "项目"
MAX_SHEET_NAME = 31

INDICATOR_ROWS = 30  # rows prepared in an empty project sheet
COLUMNS = 7  # A–G


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
    row: int  # 1-based
    col: int  # 1-based

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    @property
    def abs(self) -> str:
        return f"${column_letter(self.col)}${self.row}"


def ref(a1: str) -> CellRef:
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", a1)
    if m is None:
        raise ValueError(a1)
    return CellRef(int(m.group(2)), column_index(m.group(1)))


# --- header block -------------------------------------------------------------------------------
TITLE = ref("A1")
UNIT_CODE = ref("B2")
UNIT_NAME = ref("C2")
PROJECT_CODE = ref("B3")
PROJECT_NAME = ref("E3")
BUDGET_TOTAL = ref("C4")
BUDGET_FISCAL = ref("E4")
BUDGET_OTHER = ref("G4")
FUND_USE = ref("C5")
PLAN_MODE = ref("C6")
PLAN_POINTS = (ref("D7"), ref("E7"), ref("F7"), ref("G7"))
GOALS = ref("B8")
PLAN_HEADER = ref("A6")  # holds the header as the source wrote it, e.g. "资金支出计划（%）"
FLAG_COL = 8  # H
FLAG_REQUIRED = ref("H2")
FLAG_BUDGET = ref("H4")
FLAG_PLAN = ref("H7")

# Labels the reader checks to recognise a project sheet (cell → expected text).
LABELS: dict[str, str] = {
    "A2": "预算单位",
    "F2": "单位：万元",
    "A3": "项目编码",
    "D3": "项目名称",
    "A4": "预算规模及资金用途",
    "B4": "预算数",
    "D4": "其中：财政资金",
    "F4": "其他资金",
    "B5": "资金用途",
    "B6": "填写方式",
    "D6": "3月底",
    "E6": "6月底",
    "F6": "10月底",
    "G6": "12月底",
    "A8": "绩效目标",
    "A9": "一级指标",
    "B9": "二级指标",
    "C9": "三级指标",
    "D9": "绩效指标描述",
    "F9": "指标值",
    "G9": "指标值确定依据",
    "H9": "提示",
}
PLAN_HEADER_PREFIX = "资金支出计划"
DEFAULT_TITLE = "绩效目标表"
HEADER_MERGES = ("A1:G1", "C2:E2", "F2:G2", "B3:C3", "E3:G3", "A4:A5", "C5:G5", "A6:A7", "B7:C7", "B8:G8")
PRINT_COLUMNS = 7  # A–G

PLAN_MODE_PERCENT = "%"
PLAN_MODE_AMOUNT = "万元"

# --- indicator block ----------------------------------------------------------------------------
IND_HEADER_ROW = 9
IND_FIRST_ROW = 10
IND_COLS = {"level1": 1, "level2": 2, "name": 3, "description": 4, "value": 6, "basis": 7}
IND_DESC_EXTRA_COL = 5  # E: merged with D on written rows; a user may type into it on inserted rows
IND_FLAG_COL = 8  # H
IND_FLAT_COLS = {"unit_column": 9, "value_type": 10, "score": 11, "scoring_rule": 12}  # I–L
IND_FLAT_LABELS = {
    "unit_column": "度量单位",
    "value_type": "指标值类型",
    "score": "分值",
    "scoring_rule": "评（扣）分标准",
}
FOOTER_LABEL = "表内校验"


def footer_row(indicator_rows: int) -> int:
    """The row of the header-flag footer after a block of ``indicator_rows`` rows."""
    return IND_FIRST_ROW + indicator_rows


# --- 项目清单 sheet --------------------------------------------------------------------------------
LIST_HEADER_ROW = 3
LIST_FIRST_ROW = 4
LIST_COLUMNS = (
    "序号",
    "工作表",
    "预算单位",
    "项目编码",
    "项目名称",
    "预算数",
    "财政资金",
    "其他资金",
    "指标数",
    "表内提示",
)
LIST_TOTAL_LABEL = "合计"
LIST_PREPARED_ROWS = 20  # rows with live formulas in the empty template


def project_sheet_name(index: int, project_name: str, taken: set[str]) -> str:
    """A legal, unique, readable sheet name: "3 城乡低保资金县级配套" cut to 31 characters."""
    bad = "[]:*?/\\"
    clean = DOC_NUMBER.sub("", project_name).replace("绩效目标表", "")
    clean = re.sub(r"\s+", " ", "".join("_" if ch in bad else ch for ch in clean)).strip().strip("'")
    base = f"{index} {clean}".strip() if clean else f"{PROJECT_SHEET_PREFIX}{index}"
    name = base[:MAX_SHEET_NAME].rstrip()
    k = 2
    while name.lower() in {t.lower() for t in taken} or name in _RESERVED:
        suffix = f"({k})"
        name = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        k += 1
    return name


_RESERVED = {
    INSTRUCTIONS_SHEET,
    DOCUMENT_SHEET,
    LIST_SHEET,
    LISTS_SHEET,
    META_SHEET,
    RESULTS_SHEET,
    CONFIG_SHEET,
    "History",
}


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"
