"""The checks that live in the workbook, defined once.

(A rule of writing them: AND and OR evaluate every argument in a spreadsheet, so a guard such as
ISNUMBER(x) does not protect arithmetic on x beside it — every operand of arithmetic is wrapped in
N(), or a text cell would make the flag show #VALUE!. ``formula.evaluate`` refuses arithmetic on
text, and a LibreOffice test runs every check over text-filled cells, so a slip fails a test.)

Each ``LiveCheck`` names the rule it belongs to, the cell it marks (a field of the header block or
of an indicator row), the short sentence the sheet shows in the 提示 column, and its condition as a
``formula.Expr``. From that one definition come:

* the template's live flags and fills (``template/formulas.py`` renders the expressions);
* the rules' conditions (``evaluate_table`` runs the same expressions in Python on what the cells
  hold — the rules only word the message, with the values);
* the worksheet functions (``xlgoals.excel.udfs``).

What the cells hold is a ``SheetView``: captured by the workbook reader for a workbook, or derived
from the model (``derived_view``, which is also what the builder writes) for any other source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xlgoals import layout as L
from xlgoals.fields import BUDGET_FIELDS, PLAN_POINTS, IndicatorField, TableField
from xlgoals.formula import (
    ABS,
    AND,
    CLEAN,
    COUNT,
    COUNTA,
    IF,
    ISNUMBER,
    ISTEXT,
    LAST_FILLED,
    LEFT,
    LEN,
    NOT,
    OR,
    RIGHT,
    SAME,
    SUBSTITUTE,
    TRIM,
    Area,
    Combined,
    Expr,
    LastFilled,
    N,
    Ref,
    SameCounts,
    Value,
    blank,
    cell_value,
    compiled_all,
    contains,
    filled,
    one_of,
    op,
    plain_number,
)
from xlgoals.formula import VALUE as NUMBER_OF
from xlgoals.frameworks import (
    BENEFICIARY,
    FRAMEWORK_A,
    FRAMEWORK_B,
    LEVEL1_ALIASES,
    QUALITY,
    QUANTITY,
    TIMELINESS,
    canonical_level2,
    level1_lists,
)
from xlgoals.model import LAYOUT_FIELDS, GoalTable, Layout, PlanMode, SheetRow, SheetView

P = L.PROJECT

PLAN_AREA = "plan"  # the four plan cells as one range
BLOCK_AREA = "indicators"  # the whole indicator block
BELOW_AREA = "below"  # for an indicator row: the 三级指标 and 指标值 cells of the rows below it in the block
ABOVE_AREA = "above"  # for an indicator row: the 三级指标 cells above it, from the block's header row
LEVEL1_AREA = "level1_above"  # for an indicator row: the 一级 cells from the block's first row down to it
PERCENT_EPS = 0.00005  # 0.005 percentage points, as the cells hold fractions
AMOUNT_EPS = 0.005  # 万元


@dataclass(frozen=True, eq=False)  # one object per check: hashed by identity, not through its tree
class LiveCheck:
    code: str  # the rule it belongs to
    target: TableField | IndicatorField  # the cell it marks
    message: str  # what the 提示 column says: one sentence, ending in 。
    when: Expr  # fires when true
    needs: TableField | IndicatorField | None = None  # only in layouts that have this field
    kind: str = ""  # which of its rule's problems, when a rule has several ("text", "sum" …)
    # The sheet marks only part of what its rule finds (a rule that reads a value's meaning, which
    # no formula can fully): where it marks, the rule reports the same cell; the rule may report
    # more. Such a rule keeps its own logic; a full check is the rule's condition.
    partial: bool = False


def _t(f: TableField) -> Ref:
    return Ref(f.value)


def _i(f: IndicatorField) -> Ref:
    return Ref(f.value)


# --- the header block ---------------------------------------------------------------------------

_INPUTS = (
    TableField.UNIT_CODE,
    TableField.UNIT_NAME,
    TableField.PROJECT_CODE,
    TableField.PROJECT_NAME,
    *BUDGET_FIELDS,
    TableField.FUND_USE,
    TableField.GOALS,
)
STARTED = op(">", COUNTA(*(_t(f) for f in _INPUTS), Area(PLAN_AREA), Area(BLOCK_AREA)), 0)
_REQUIRED = (
    TableField.PROJECT_CODE,
    TableField.PROJECT_NAME,
    TableField.BUDGET_TOTAL,
    TableField.BUDGET_FISCAL,
    TableField.FUND_USE,
    TableField.GOALS,
)
TOTAL, FISCAL, OTHER = (_t(f) for f in BUDGET_FIELDS)
POINTS = tuple(_t(f) for f in PLAN_POINTS)
PERCENT = op("<>", TRIM(_t(TableField.PLAN_MODE)), L.PLAN_MODE_AMOUNT)
PLAN_TEXT = OR(*(ISTEXT(p) for p in POINTS))


def _exceeds_percent(p: Expr) -> Expr:
    return AND(PERCENT, ISNUMBER(p), op(">", N(p), 1 + PERCENT_EPS))


def _exceeds_total(p: Expr) -> Expr:
    return AND(NOT(PERCENT), ISNUMBER(TOTAL), ISNUMBER(p), op(">", N(p), op("+", N(TOTAL), AMOUNT_EPS)))


def _exceeds(p: Expr) -> Expr:
    return OR(_exceeds_percent(p), _exceeds_total(p))


PLAN_EXCEEDS = OR(*(_exceeds(p) for p in POINTS))
_PLAN_ENDS = OR(
    AND(PERCENT, op(">", ABS(op("-", N(POINTS[3]), 1)), PERCENT_EPS)),
    AND(NOT(PERCENT), ISNUMBER(TOTAL), op(">", ABS(op("-", N(POINTS[3]), N(TOTAL))), AMOUNT_EPS)),
)


def _name(f: TableField) -> str:
    return L.field_name(f)


HEADER_CHECKS: tuple[LiveCheck, ...] = (
    LiveCheck("STRUCT-013", TableField.UNIT_CODE, "本表尚未填写。", NOT(STARTED)),
    *(LiveCheck("STRUCT-001", f, f"{_name(f)}未填。", AND(STARTED, blank(_t(f))), f) for f in _REQUIRED),
    LiveCheck(
        "CODE-001",
        TableField.PROJECT_CODE,
        "项目编码应为21位（6位区划+2位年度+类别字母+12位编号）。",
        AND(filled(_t(TableField.PROJECT_CODE)), op("<>", LEN(TRIM(_t(TableField.PROJECT_CODE))), 21)),
    ),
    *(LiveCheck("FUND-001", f, f"{_name(f)}应填数字。", ISTEXT(_t(f)), f, "text") for f in BUDGET_FIELDS),
    *(
        LiveCheck(
            "FUND-001", f, f"{_name(f)}为负数。", AND(ISNUMBER(_t(f)), op("<", N(_t(f)), 0)), f, "negative"
        )
        for f in BUDGET_FIELDS
    ),
    LiveCheck(
        "FUND-001",
        TableField.BUDGET_TOTAL,
        "预算数≠财政资金+其他资金。",
        AND(
            ISNUMBER(TOTAL),
            op(">", COUNT(FISCAL, OTHER), 0),
            NOT(ISTEXT(FISCAL)),
            NOT(ISTEXT(OTHER)),
            op(">", ABS(op("-", N(TOTAL), op("+", N(FISCAL), N(OTHER)))), AMOUNT_EPS),
        ),
        TableField.BUDGET_FISCAL,
        "sum",
    ),
    *(
        LiveCheck("PLAN-001", f, f"{point}未填。", AND(STARTED, blank(p)), TableField.SPEND_PLAN)
        for f, point, p in zip(PLAN_POINTS, L.Label.PLAN_POINTS, POINTS, strict=True)
    ),
    *(
        LiveCheck("PLAN-006", f, f"{point}应填数字。", ISTEXT(p), TableField.SPEND_PLAN)
        for f, point, p in zip(PLAN_POINTS, L.Label.PLAN_POINTS, POINTS, strict=True)
    ),
    *(
        LiveCheck(
            "PLAN-002",
            PLAN_POINTS[k],
            f"{L.Label.PLAN_POINTS[k]}小于{L.Label.PLAN_POINTS[k - 1]}，累计数不应下降。",
            AND(
                NOT(PLAN_EXCEEDS),  # 30 typed in a % cell is one mistake, reported as such (PLAN-003)
                ISNUMBER(POINTS[k - 1]),
                ISNUMBER(POINTS[k]),
                op("<", N(POINTS[k]), N(POINTS[k - 1])),
            ),
            TableField.SPEND_PLAN,
        )
        for k in range(1, 4)
    ),
    *(  # the advice follows the 填写方式: in 万元 a "type 30%" would mislead
        LiveCheck(
            "PLAN-003",
            f,
            f"{point}超过100%（百分比请输入“30%”，不要输入“30”）。",
            _exceeds_percent(p),
            TableField.SPEND_PLAN,
            "exceeds",
        )
        for f, point, p in zip(PLAN_POINTS, L.Label.PLAN_POINTS, POINTS, strict=True)
    ),
    *(
        LiveCheck("PLAN-003", f, f"{point}超过预算数。", _exceeds_total(p), TableField.SPEND_PLAN, "exceeds")
        for f, point, p in zip(PLAN_POINTS, L.Label.PLAN_POINTS, POINTS, strict=True)
    ),
    LiveCheck(
        "PLAN-003",
        PLAN_POINTS[3],
        "12月底累计应为100%（或等于预算数）。",
        AND(op(">", COUNT(Area(PLAN_AREA)), 0), NOT(PLAN_TEXT), NOT(PLAN_EXCEEDS), _PLAN_ENDS),
        TableField.SPEND_PLAN,
        "end",
    ),
)

# --- an indicator row ---------------------------------------------------------------------------

NAME, VALUE, BASIS = _i(IndicatorField.NAME), _i(IndicatorField.VALUE), _i(IndicatorField.BASIS)
SCORE, UNIT = _i(IndicatorField.SCORE), _i(IndicatorField.UNIT_COLUMN)
_NONE = "无"


def _is_none(x: Expr) -> Expr:
    return OR(blank(x), op("=", TRIM(x), _NONE))


def _real(x: Expr) -> Expr:
    return AND(filled(x), op("<>", TRIM(x), _NONE))


LEVEL1, LEVEL2, DESCRIPTION = (
    _i(IndicatorField.LEVEL1),
    _i(IndicatorField.LEVEL2),
    _i(IndicatorField.DESCRIPTION),
)
EMPTY_ROW = AND(*(blank(x) for x in (LEVEL2, NAME, DESCRIPTION, VALUE, BASIS)))
PLACEHOLDER = AND(_is_none(NAME), _is_none(VALUE))  # a "无" row of the flat layout, or an empty one
REAL = NOT(PLACEHOLDER)

ROW_CHECKS: tuple[LiveCheck, ...] = (
    LiveCheck(
        "STRUCT-014",
        IndicatorField.NAME,
        "空行：请删除此行，或在此填写指标。",
        AND(EMPTY_ROW, op(">", COUNTA(Area(BELOW_AREA)), 0)),
    ),
    LiveCheck("STRUCT-009", IndicatorField.VALUE, "指标值未填。", AND(_real(NAME), blank(VALUE))),
    LiveCheck(
        "STRUCT-011",
        IndicatorField.NAME,
        "三级指标与上方的指标重复。",
        AND(_real(NAME), op(">", SAME(Area(ABOVE_AREA), NAME), 0)),
    ),
    LiveCheck(
        "STRUCT-010",
        IndicatorField.NAME,
        "三级指标未填，却填了指标值。",
        AND(_is_none(NAME), OR(_real(VALUE), _real(SCORE))),
    ),
    LiveCheck(
        "STRUCT-012",
        IndicatorField.BASIS,
        "确定依据未填。",
        AND(REAL, filled(VALUE), blank(BASIS)),
        IndicatorField.BASIS,
    ),
    LiveCheck("VAL-001", IndicatorField.VALUE, "“百分比”应写作%。", AND(REAL, contains(VALUE, "百分比"))),
    LiveCheck(
        "VAL-001",
        IndicatorField.UNIT_COLUMN,
        "度量单位“百分比”应写作%。",
        AND(REAL, NOT(contains(VALUE, "百分比")), contains(UNIT, "百分比")),
        IndicatorField.UNIT_COLUMN,
    ),
    LiveCheck(
        "VAL-011",
        IndicatorField.VALUE,
        "指标值含占位符“**”。",
        AND(REAL, OR(contains(SUBSTITUTE(VALUE, " ", ""), "**"), contains(VALUE, "＊＊"))),
    ),
)


# --- parts of rules that read a value's meaning (``partial``) ----------------------------------
# Each is written narrower than its rule: only forms whose meaning a formula reads beyond doubt
# ("≥75%", "≥500", "尽快"). ``tests/test_livecheck_partial.py`` holds every one to "where the sheet
# marks, 校验 reports the same cell" over many values.

SATISFACTION_FLOOR = 80  # SAT-002's default satisfaction_min (%): the template marks below it
OUTPUT_COUNTABLE = (QUANTITY, QUALITY, TIMELINESS)  # 二级 whose values are counted in units
HASTE_WORDS = ("尽快", "及时", "适时", "按时", "尽早", "立即", "马上")  # no time at all (TIME-001)
HASTE_ACTIONS = ("完成", "办理", "拨付", "发放", "到位")  # "及时拨付" names no time either
TIME_NAME_WORDS = ("时间", "期限", "时限", "日期")  # a 时效 name that asks for a date or a period


def _without(x: Expr, texts: Sequence[str]) -> Expr:
    """``x`` with every one of ``texts`` taken out."""
    for t in texts:
        x = SUBSTITUTE(x, t, "")
    return x


def _one_leading(s: Expr, bare: Expr, marks: Sequence[str], more: int = 0) -> Expr:
    """``bare`` is ``s`` without ``marks``, and ``s`` had just one of them, at its start (besides
    ``more`` other marks): "≥75%" but not "7≥5%" or "≥≥75%"."""
    leading = op("+", more, OR(*(op("=", LEFT(s, 1), m) for m in marks)))
    return op("=", op("-", LEN(s), LEN(bare)), leading)


_S = TRIM(VALUE)
# The forms clerks write most ("≥75%", "≥500" and the bare "75%", "500"); "＞75%", "<500" … are 校验's.
# Every mark more makes each row's formula longer, and every file the template makes carries 30 rows.
_GE = ("≥",)
_PERCENT_NUMBER = _without(_S, (*_GE, "%"))  # "≥75%" → "75"
_BARE_NUMBER = _without(_S, _GE)  # "≥500" → "500"
_HASTE = tuple(w + a for w in HASTE_WORDS for a in ("", *HASTE_ACTIONS))

LEVEL1_WORDS = tuple(LEVEL1_ALIASES)  # 产出, 效益, 满意度, 成本: every allowed 一级 holds one of these
_BLANKS = (" ", "\u3000", "\u00a0")  # spaces a 一级 cell may hold (with line breaks: CLEAN) that name nothing


def _wrong_level2() -> dict[str, tuple[str, ...]]:
    """一级 (of both frameworks) → the standard 二级 names allowed under neither framework's 一级 of
    that name: what STRUCT-003 reports whichever framework a table follows."""
    merged: dict[str, set[str]] = {}
    for spec in (FRAMEWORK_A, FRAMEWORK_B):
        for level1, names in spec.allowed.items():
            merged.setdefault(level1, set()).update(names)
    known = sorted({n for names in merged.values() for n in names if canonical_level2(n) == n})
    shared = set(FRAMEWORK_A.allowed) & set(FRAMEWORK_B.allowed)  # a 一级 allowed whatever the framework
    return {level1: tuple(n for n in known if n not in merged[level1]) for level1 in sorted(shared)}


_BLOCK_LEVEL1 = TRIM(LAST_FILLED(Area(LEVEL1_AREA)))

PARTIAL_ROW_CHECKS: tuple[LiveCheck, ...] = (
    LiveCheck(
        "STRUCT-002",
        IndicatorField.LEVEL1,
        L.LEVEL1_REFUSED.format(names="、".join(name for name, _ in level1_lists())),
        AND(
            op(">", LEN(_without(CLEAN(LEVEL1), _BLANKS)), 0),
            *(NOT(contains(LEVEL1, w)) for w in LEVEL1_WORDS),
        ),
        IndicatorField.LEVEL1,
        partial=True,
    ),
    LiveCheck(
        "STRUCT-003",
        IndicatorField.LEVEL2,
        "二级指标不属于这一组的一级指标，请从下拉框选择。",
        OR(
            *(
                AND(op("=", _BLOCK_LEVEL1, a), one_of(TRIM(LEVEL2), wrong))
                for a, wrong in _wrong_level2().items()
            )
        ),
        IndicatorField.LEVEL2,
        partial=True,
    ),
    LiveCheck(
        "SAT-002",
        IndicatorField.VALUE,
        f"满意度目标低于{SATISFACTION_FLOOR}%。",
        AND(
            op("=", TRIM(LEVEL2), BENEFICIARY),
            op("=", RIGHT(_S, 1), "%"),
            _one_leading(_S, _PERCENT_NUMBER, _GE, more=1),  # the % at the end is the one more
            IF(plain_number(_PERCENT_NUMBER), op("<", NUMBER_OF(_PERCENT_NUMBER), SATISFACTION_FLOOR), False),
        ),
        IndicatorField.LEVEL2,
        partial=True,
    ),
    LiveCheck(
        "VAL-014",
        IndicatorField.VALUE,
        "指标值只有数字，请写上计量单位。",
        AND(
            one_of(TRIM(LEVEL2), OUTPUT_COUNTABLE),
            _real(NAME),
            NOT(contains(NAME, "率")),
            NOT(contains(NAME, "满意")),
            blank(UNIT),
            ISTEXT(VALUE),
            _one_leading(_S, _BARE_NUMBER, _GE),
            plain_number(_BARE_NUMBER),
        ),
        IndicatorField.LEVEL2,
        partial=True,
    ),
    LiveCheck(
        "TIME-001",
        IndicatorField.VALUE,
        "时效指标只写了“尽快”一类的词，没有时间：请填日期或期限。",
        AND(
            op("=", TRIM(LEVEL2), TIMELINESS),
            OR(*(contains(NAME, w) for w in TIME_NAME_WORDS)),
            NOT(contains(NAME, "率")),
            one_of(_S, _HASTE),
        ),
        IndicatorField.LEVEL2,
        partial=True,
    ),
)
ROW_CHECKS = (*ROW_CHECKS, *PARTIAL_ROW_CHECKS)


def applies(check: LiveCheck, layout: Layout) -> bool:
    """Whether the check runs on documents of this layout (the flat layout has no 财政资金, …)."""
    return check.needs is None or check.needs in LAYOUT_FIELDS[layout]


# --- what the cells hold --------------------------------------------------------------------------


def plan_mode_cell(t: GoalTable) -> str:
    return L.PLAN_MODE_AMOUNT if t.spend_plan.mode == PlanMode.AMOUNT else L.PLAN_MODE_PERCENT


def _money(value: Decimal | None, raw: str) -> Value:
    return float(value) if value is not None else (raw or None)


def derived_header(t: GoalTable) -> dict[TableField, Value]:
    """The header block's input cells as the builder writes them for this table."""
    b = t.budget
    percent = plan_mode_cell(t) == L.PLAN_MODE_PERCENT
    cells: dict[TableField, Value] = {
        TableField.UNIT_CODE: t.unit_code or None,
        TableField.UNIT_NAME: t.unit_name or None,
        TableField.PROJECT_CODE: t.project_code or None,
        TableField.PROJECT_NAME: t.project_name or None,
        TableField.BUDGET_TOTAL: _money(b.total, b.total_raw),
        TableField.BUDGET_FISCAL: _money(b.fiscal, b.fiscal_raw),
        TableField.BUDGET_OTHER: _money(b.other, b.other_raw),
        TableField.FUND_USE: t.fund_use or None,
        TableField.PLAN_MODE: plan_mode_cell(t),
        TableField.GOALS: "\n".join(t.goals) or None,
    }
    for f, p in zip(PLAN_POINTS, t.spend_plan.points, strict=True):
        if p.value is not None:
            cells[f] = float(p.value / 100) if percent else float(p.value)
        else:
            cells[f] = p.raw or None
    return cells


def derived_row(t: GoalTable, k: int) -> dict[IndicatorField, Value]:
    ind = t.indicators[k]
    level1_written = k == 0 or t.indicators[k - 1].level1 != ind.level1
    return {
        f: cell_value(ind.value_raw if f == IndicatorField.VALUE else getattr(ind, f.value))
        for f in IndicatorField
        if f != IndicatorField.LEVEL1 or level1_written
    }


def derived_view(t: GoalTable) -> SheetView:
    return SheetView(
        header=derived_header(t),
        rows=[SheetRow(row=0, cells=derived_row(t, k), indicator=k) for k in range(len(t.indicators))],
    )


def view(t: GoalTable) -> SheetView:
    """What the table's cells hold: as read from its workbook, or as the builder would write it."""
    return t.sheet if t.sheet is not None else derived_view(t)


def header_cells(v: SheetView) -> dict[str, Value]:
    return {f.value: x for f, x in v.header.items()}


def areas(v: SheetView) -> dict[str, Sequence[Value]]:
    return {
        PLAN_AREA: [v.header.get(f) for f in PLAN_POINTS],
        BLOCK_AREA: [x for r in v.rows for x in r.cells.values()],
    }


# --- evaluating -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fired:
    check: LiveCheck
    row: SheetRow | None = None  # the indicator row, for a row check


def evaluate_view(v: SheetView, layout: Layout, code: str | None = None) -> list[Fired]:
    """Every live check (of rule ``code``, or of all) that fires on these cells: header checks first,
    then row by row."""

    def wanted(c: LiveCheck) -> bool:
        return (code is None or c.code == code) and applies(c, layout)

    header = [c for c in HEADER_CHECKS if wanted(c)]
    rows = [c for c in ROW_CHECKS if wanted(c)]
    cells, spans = header_cells(v), areas(v)
    out = [Fired(c) for c, hit in zip(header, _all(header)(cells, spans), strict=True) if hit is True]
    row_checks = _all(rows)
    # The checks only ask whether anything below a row is filled (COUNTA(below)>0): each row gets
    # the nearest filled cell below it, found in one pass from the bottom, not the whole area.
    nearest: list[list[Value]] = []
    seen: list[Value] = []
    for r in reversed(v.rows if rows else ()):
        nearest.append(seen)
        filled_here: list[Value] = [x for f in BELOW_FIELDS if (x := r.cells.get(f)) is not None]  # COUNTA
        seen = filled_here[:1] or seen
    nearest.reverse()
    above = SameCounts()  # the 三级指标 column from the header row down to the row before
    above.add(P.column(IndicatorField.NAME).header)
    level1 = LastFilled()  # the 一级 column from the block's first row down to this row
    for r, below in zip(v.rows if rows else (), nearest, strict=True):
        row_cells = {f.value: x for f, x in r.cells.items()}
        level1.add(r.cells.get(IndicatorField.LEVEL1))
        spans = {BELOW_AREA: below, ABOVE_AREA: above, LEVEL1_AREA: level1}
        out += [Fired(c, r) for c, hit in zip(rows, row_checks(row_cells, spans), strict=True) if hit is True]
        above.add(r.cells.get(IndicatorField.NAME))
    return out


BELOW_FIELDS = (IndicatorField.NAME, IndicatorField.VALUE)


def evaluate_table(t: GoalTable, layout: Layout, code: str | None = None) -> list[Fired]:
    return evaluate_view(view(t), layout, code)


def _all(checks: list[LiveCheck]) -> Combined:
    """The conditions of ``checks`` as one function of the cells (``formula.compiled_all``)."""
    return compiled_all([c.when for c in checks])
