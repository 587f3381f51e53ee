"""The parity corpus: workbooks a clerk edited, and what the live sheet and ``xlgoals check`` say.

Each case starts from the first two tables of the bundled example 000 written into the template (or
the blank template) and makes the edits a clerk makes in a spreadsheet program — amounts typed as
text, 30 typed in a % cell, fields emptied, rows blanked … The workbooks are committed under ``tests/data/parity/`` with
``expected.json``: for each workbook, the findings of the rules that live in the sheet (sheet, cell,
rule) and the 项目清单 totals. ``tests/test_parity.py`` holds both sides to it: ``xlgoals check``
on the workbook, and the 提示 column and 项目清单 after LibreOffice recalculated it.

Regenerate after a deliberate change (then read the diff of expected.json before committing)::

    .venv/bin/python -m tests.parity
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from tests.helpers import ROOT, seed
from xlgoals import layout as L
from xlgoals.check import check_file
from xlgoals.fields import PLAN_POINTS, IndicatorField, TableField
from xlgoals.formats import read_document
from xlgoals.livecheck import HEADER_CHECKS, ROW_CHECKS, LiveCheck, evaluate_table, view
from xlgoals.model import Document, Layout
from xlgoals.template.builder import build_bytes
from xlgoals.template.formulas import flag_texts, header_checks, row_checks
from xlgoals.totals import grand_total, project_row

CORPUS = ROOT / "tests" / "data" / "parity"
EXPECTED = CORPUS / "expected.json"
LIVE_CODES = frozenset(
    c.code for c in (*HEADER_CHECKS, *ROW_CHECKS) if not c.partial
)  # the rule is the formula
PARTIAL_CODES = frozenset(c.code for c in ROW_CHECKS if c.partial)  # the sheet marks part of the rule
P = L.PROJECT
Edit = Callable[[openpyxl.Workbook], None]


@dataclass(frozen=True)
class Case:
    name: str
    note: str  # what the clerk did, in words
    edit: Edit
    blank: bool = False  # start from the blank template instead of example 000
    # A cell holds a formula saved without its value: LibreOffice computes it, the checker cannot
    # know it (it says so, STRUCT-015), so only the findings are compared, not the totals.
    unknown_value: bool = False


def project_sheets(wb: openpyxl.Workbook) -> list[str]:
    return [s for s in wb.sheetnames if s not in L.RESERVED_SHEETS and wb[s]["A2"].value == L.Label.UNIT]


def _first(wb: openpyxl.Workbook) -> Any:
    return wb[project_sheets(wb)[0]]


def _cell(f: TableField) -> str:
    at = P.input(f).at
    return L.cell_name(at.col, at.row)


def _set(**cells: object) -> Edit:
    """Type values into the first project sheet: field names or A1 addresses."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = _first(wb)
        for key, value in cells.items():
            ws[_cell(TableField(key)) if key in TableField._value2member_map_ else key] = value

    return edit


def _row(k: int, **cells: object) -> Edit:
    """Type into indicator row ``k`` (0-based) of the first project sheet, by indicator field."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = _first(wb)
        r = P.first_indicator_row + k
        for key, value in cells.items():
            ws.cell(r, P.column(IndicatorField(key)).col).value = value

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        for e in edits:
            e(wb)

    return edit


def _plan(*values: object) -> Edit:
    return _set(**{f.value: v for f, v in zip(PLAN_POINTS, values, strict=True)})


def _copy_name(src: int, dst: int, suffix: str = "") -> Edit:
    """Type indicator row ``src``'s 三级指标 into row ``dst`` (with ``suffix`` after it)."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws, col = _first(wb), P.column(IndicatorField.NAME).col
        ws.cell(P.first_indicator_row + dst, col).value = (
            str(ws.cell(P.first_indicator_row + src, col).value) + suffix
        )

    return edit


def _blank_row(k: int) -> Edit:
    return _row(k, **{c.field.value: None for c in P.columns[1:]})


T, F, OTHER = TableField.BUDGET_TOTAL.value, TableField.BUDGET_FISCAL.value, TableField.BUDGET_OTHER.value
MODE, NAME, CODE = TableField.PLAN_MODE.value, TableField.PROJECT_NAME.value, TableField.PROJECT_CODE.value
V, B, N = IndicatorField.VALUE.value, IndicatorField.BASIS.value, IndicatorField.NAME.value

CASES: tuple[Case, ...] = (
    Case("clean", "例 000 的前两个项目原样", lambda wb: None),
    Case("blank_template", "空白模板，什么也没填", lambda wb: None, blank=True),
    Case(
        "started_unit_only",
        "空白模板，只填了单位编码",
        _set(**{TableField.UNIT_CODE.value: "316007"}),
        blank=True,
    ),
    Case("code_20_characters", "项目编码少了一位（20位）", _set(**{CODE: "1307302400047410001H"})),
    Case(
        "code_trailing_space", "项目编码后多了一个空格（仍是21位）", _set(**{CODE: "13073024P00047410001H "})
    ),
    Case(
        "level3_duplicate",
        "第3、4行的三级指标改成与第1行相同（一个后面多了空格）",
        _both(_copy_name(0, 2), _copy_name(0, 3, "  ")),
    ),
    Case("amount_thousands_text", "预算数输入为文本“2,800.00”", _set(**{T: "2,800.00"})),
    Case("amount_wanyuan_text", "预算数输入为“2800万元”", _set(**{T: "2800万元"})),
    Case("amount_fullwidth", "财政资金输入为全角数字“２８００”", _set(**{F: "２８００"})),
    Case("amount_yuan_text", "财政资金按元输入为“28000000元”", _set(**{F: "28000000元"})),
    Case("amount_negative", "其他资金输入 -5", _set(**{OTHER: -5, T: 2795})),
    Case("amount_sum_wrong", "预算数改为 2900，财政资金仍为 2800", _set(**{T: 2900})),
    Case("amount_other_added", "预算数 2900 = 财政资金 2800 + 其他资金 100", _set(**{T: 2900, OTHER: 100})),
    Case("amount_fiscal_blank", "财政资金删空（必填）", _set(**{F: None})),
    Case("percent_whole_30", "3月底在%格子里输入 30（显示为 3000%）", _plan(30, 0.5, 0.75, 1)),
    Case("percent_whole_all", "四个节点都输入整数 25/50/75/100", _plan(25, 50, 75, 100)),
    Case("percent_text", "10月底输入为文本“75%”", _plan(0.25, 0.5, "75%", 1)),
    Case("plan_decreases", "6月底 50% 后 10月底 40%", _plan(0.25, 0.5, 0.4, 1)),
    Case("plan_not_ending", "12月底只填 95%", _plan(0.25, 0.5, 0.75, 0.95)),
    Case("plan_blank_point", "3月底空着", _plan(None, 0.5, 0.75, 1)),
    Case(
        "plan_amount_mode",
        "填写方式改为万元，填累计金额",
        _both(_set(**{MODE: "万元"}), _plan(700, 1400, 2100, 2800)),
    ),
    Case(
        "plan_amount_over",
        "万元方式，12月底 3000 超过预算数 2800",
        _both(_set(**{MODE: "万元"}), _plan(700, 1400, 2100, 3000)),
    ),
    Case("project_name_blank", "项目名称删空", _set(**{NAME: None})),
    Case("project_code_blank", "项目编码删空", _set(**{CODE: None})),
    Case(
        "fund_use_goals_blank",
        "资金用途和绩效目标删空",
        _set(**{TableField.FUND_USE.value: None, TableField.GOALS.value: None}),
    ),
    Case("value_blank", "第1行指标值删空", _row(0, **{V: None})),
    Case("name_blank_value_kept", "第2行三级指标删空，指标值还在", _row(1, **{N: None})),
    Case("basis_blank", "第1行确定依据删空", _row(0, **{B: None})),
    Case("value_percent_word", "指标值写成“≥90百分比”", _row(0, **{V: "≥90百分比"})),
    Case("value_placeholder", "指标值写成“**%”", _row(1, **{V: "**%"})),
    Case(
        "formula_without_value",
        "预算数是程序写入的公式 =1400+1400，没有保存结果",
        _set(**{T: "=1400+1400"}),
        unknown_value=True,
    ),
    Case("blank_row_inside", "第3行指标整行清空（中间空行）", _blank_row(2)),
    Case(
        "level1_pasted",
        "效益指标的一级粘贴为“工作指标”（下拉框拦不住粘贴）",
        _row(4, **{IndicatorField.LEVEL1.value: "工作指标"}),
    ),
    Case(
        "level2_wrong_group",
        "产出指标组里的一行二级指标改为“经济效益指标”",
        _row(1, **{IndicatorField.LEVEL2.value: "经济效益指标"}),
    ),
    Case("satisfaction_low", "满意度指标值改为“≥75%”", _row(5, **{V: "≥75%"})),
    Case("value_no_unit", "数量指标改为“参保人数”，指标值只写“≥500”", _row(0, **{N: "参保人数", V: "≥500"})),
    Case(
        "timeliness_haste",
        "时效指标改为“养老金发放时间”，指标值写“尽快”",
        _row(2, **{N: "养老金发放时间", V: "尽快"}),
    ),
    Case(
        "several_at_once",
        "文本金额、30、空依据同时出现",
        _both(_set(**{F: "2,800.00"}), _plan(30, 0.5, 0.75, 1), _row(0, **{B: None})),
    ),
)


def base() -> Document:
    """Example 000's first two tables: every case edits the first, the second is the 项目清单's other
    row (its 3-D sums span the sheets between); the example's four other tables, unchanged in every
    case, only doubled LibreOffice's load of each workbook."""
    doc = seed("000")
    return doc.model_copy(update={"tables": doc.tables[:2]})


def build(case: Case, out: Path) -> Path:
    """Write the case's workbook (the builder's output, then the clerk's edits saved by openpyxl)."""
    path = out / f"{case.name}.xlsx"
    path.write_bytes(build_bytes(None if case.blank else base()))
    wb = openpyxl.load_workbook(path)
    case.edit(wb)
    wb.save(path)
    return path


Finding = tuple[str, str, str]  # sheet, cell, rule


def checked(path: Path, codes: frozenset[str] = LIVE_CODES) -> list[Finding]:
    """What ``xlgoals check`` finds with the rules that live in the sheet, at project-sheet cells."""
    result, _doc = check_file(path)
    assert not result.error, result.error
    return sorted(
        (f.location.sheet, f.location.cell, f.code)
        for f in result.findings
        if f.code in codes and f.location is not None and f.location.sheet and f.location.cell
    )


def shown(path: Path) -> list[Finding]:
    """Where the sheet marks part of a rule (``LiveCheck.partial``), by the checks run in Python on
    the workbook's cells: each must be among ``checked(path, PARTIAL_CODES)``."""
    doc = read_document(path)
    out: list[Finding] = []
    for t in doc.tables:
        sheet = next(loc.sheet for loc in t.locations.values() if loc.sheet)
        for fired in evaluate_table(t, doc.layout):
            if fired.check.partial and fired.row is not None:
                assert isinstance(fired.check.target, IndicatorField)
                out.append(
                    (sheet, L.cell_name(P.column(fired.check.target).col, fired.row.row), fired.check.code)
                )
    return sorted(out)


def core_totals(path: Path) -> list[str]:
    """预算数, 财政资金, 其他资金, 指标数 and 表内提示 (cells of the 提示 column that say something)
    over all projects, as the core counts them."""
    doc = read_document(path)
    total = grand_total([project_row(str(path), t, "") for t in doc.tables])
    indicators = sum(1 for t in doc.tables for i in t.indicators if i.name)
    flags = sum(len(flag_texts(view(t), doc.layout)) for t in doc.tables)
    return [f"{total.total:.2f}", f"{total.fiscal:.2f}", f"{total.other:.2f}", str(indicators), str(flags)]


def _decode(text: str, checks: list[LiveCheck], where: str) -> list[LiveCheck]:
    """The checks whose messages make up a 提示 cell's text (they are joined in catalogue order)."""
    fired, pos = [], 0
    for c in checks:
        if text.startswith(c.message, pos):
            fired.append(c)
            pos += len(c.message)
    if pos != len(text):
        raise AssertionError(f"{where}: 提示 “{text}” is not made of the live checks' messages")
    return fired


def live(wb: openpyxl.Workbook, layout: Layout = Layout.HEBEI) -> list[Finding]:
    """What the recalculated 提示 column says, as (sheet, cell, rule) of the cells the checks mark."""
    out: list[Finding] = []
    for name in project_sheets(wb):
        ws = wb[name]
        footer = _footer_row(ws)
        for r, checks in header_checks(layout).items():
            text = ws.cell(r, P.flag_column).value or ""
            for c in _decode(str(text), checks, f"{name}!H{r}"):
                assert isinstance(c.target, TableField)
                out.append((name, _cell(c.target), c.code))
        for r in range(P.first_indicator_row, footer):
            text = ws.cell(r, P.flag_column).value or ""
            for c in _decode(str(text), row_checks(layout), f"{name}!H{r}"):
                assert isinstance(c.target, IndicatorField)
                out.append((name, L.cell_name(P.column(c.target).col, r), c.code))
    return sorted(out)


def _footer_row(ws: Any) -> int:
    row = P.find_footer([c.value for c in ws["A"]])
    assert row is not None, f"{ws.title}: no {L.Label.FOOTER} row"
    return row


def list_totals(wb: openpyxl.Workbook) -> list[str]:
    """The 项目清单 合计 row as the spreadsheet computed it."""
    ws = wb[L.LIST_SHEET]
    for r in range(L.LIST.first_row, ws.max_row + 1):
        if ws.cell(r, 2).value == L.LIST.total_label:
            cols = [k + 1 for k, c in enumerate(L.LIST.columns) if c.total]
            money, counts = cols[:3], cols[3:]
            return [f"{Decimal(str(ws.cell(r, c).value or 0)):.2f}" for c in money] + [
                str(int(ws.cell(r, c).value or 0)) for c in counts
            ]
    raise AssertionError("项目清单 has no 合计 row")


def expected() -> dict[str, Any]:
    return dict(json.loads(EXPECTED.read_text(encoding="utf-8")))


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    for old in CORPUS.glob("*.xlsx"):
        old.unlink()
    out: dict[str, Any] = {}
    for case in CASES:
        path = build(case, CORPUS)
        out[case.name] = {
            "note": case.note,
            "findings": [list(f) for f in checked(path)],
            "shown": [list(f) for f in shown(path)],
            "totals": core_totals(path),
        }
    EXPECTED.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CASES)} workbooks and {EXPECTED.relative_to(ROOT)} written", file=sys.stderr)


if __name__ == "__main__":
    main()
