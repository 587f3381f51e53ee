"""The template's live formulas, rendered from ``xlgoals.livecheck`` with the cells of the layout.

Each 提示 cell (column H) of the header block joins the messages of the checks that mark a cell on
its row; each indicator row's 提示 cell does the same for the row checks. Conditional formats paint
the marked cells from the same conditions (not from the 提示 column, so they also work on rows a
user inserts). Plain A1 references only — no structured references, no LET or dynamic arrays, no
x14 features — so Excel 2010+, WPS and LibreOffice evaluate them alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from xlgoals import layout as L
from xlgoals.fields import IndicatorField, TableField
from xlgoals.formula import IF, Expr, Lit, Resolver, concat, render
from xlgoals.livecheck import (
    ABOVE_AREA,
    BELOW_AREA,
    BELOW_FIELDS,
    BLOCK_AREA,
    HEADER_CHECKS,
    LEVEL1_AREA,
    PLAN_AREA,
    ROW_CHECKS,
    LiveCheck,
    applies,
    evaluate_view,
)
from xlgoals.model import Layout, SheetView

P = L.PROJECT


def _input(f: TableField, *, absolute: bool = True) -> str:
    at = P.input(f).at
    return L.CellRef(at.row, at.col).abs if absolute else L.cell_name(at.col, at.row)


def block(last_row: int) -> str:
    """The indicator block's input cells (printed columns and the flat layout's), not the 提示 column."""
    first = P.first_indicator_row
    printed = f"$A${first}:${L.column_letter(P.print_columns)}${last_row}"
    extra = P.extra_columns
    flat = f"${L.column_letter(extra[0].col)}${first}:${L.column_letter(extra[-1].col)}${last_row}"
    return f"{printed},{flat}"


def header_resolver(last_row: int, sheet: str = "") -> Resolver:
    prefix = f"{L.quote_sheet(sheet)}!" if sheet else ""

    def resolve(name: str) -> str:
        if name == PLAN_AREA:
            return prefix + L.plan_range().abs
        if name == BLOCK_AREA:
            return ",".join(prefix + part for part in block(last_row).split(","))
        return prefix + _input(TableField(name))

    return resolve


def row_resolver(r: int, last_row: int) -> Resolver:
    """Cells of indicator row ``r``: column absolute, row relative (the formula is copied down); the
    rows below it run to the block's last row (absolute, so inserted rows widen it)."""
    return _row_cells(str(r), str(r - 1), str(r + 1), last_row)


def _row_cells(row: str, previous: str, next_row: str, last_row: int) -> Resolver:
    def letter(f: IndicatorField) -> str:
        return L.column_letter(P.column(f).col)

    def resolve(name: str) -> str:
        if name == BELOW_AREA:
            return ",".join(f"${letter(f)}{next_row}:${letter(f)}${last_row}" for f in BELOW_FIELDS)
        if name == LEVEL1_AREA:  # from the block's first row (absolute) down to this row
            level1_col = letter(IndicatorField.LEVEL1)
            return f"${level1_col}${P.first_indicator_row}:${level1_col}{row}"
        if name == ABOVE_AREA:  # from the header row (absolute), so a row inserted above still counts
            name_col = letter(IndicatorField.NAME)
            return f"${name_col}${P.indicator_header_row}:${name_col}{previous}"
        return f"${letter(IndicatorField(name))}{row}"

    return resolve


def _joined(checks: Sequence[LiveCheck], resolve: Resolver) -> str:
    if not checks:
        return '=""'
    parts: list[Expr] = [IF(c.when, c.message, "") for c in checks]
    return "=" + render(concat(parts) if len(parts) > 1 else parts[0], resolve)


@cache
def header_checks(layout: Layout) -> dict[int, list[LiveCheck]]:
    """Sheet row → the header checks that mark a cell on that row (in catalogue order)."""
    rows: dict[int, list[LiveCheck]] = {}
    for c in HEADER_CHECKS:
        if applies(c, layout):
            assert isinstance(c.target, TableField)
            rows.setdefault(P.input(c.target).at.row, []).append(c)
    return rows


@cache
def row_checks(layout: Layout) -> list[LiveCheck]:
    return [c for c in ROW_CHECKS if applies(c, layout)]


@cache
def header_flag(checks: tuple[LiveCheck, ...], last_row: int) -> str:
    return _joined(checks, header_resolver(last_row))


_ROW, _PREVIOUS, _NEXT = "\x01", "\x03", "\x02"  # a row's number, the one before and after it


@cache
def _row_flag_pattern(layout: Layout, last_row: int) -> str:
    """The row checks' formula rendered once, with placeholders for the row's number and the next
    one's (rendering the expression tree again for each of 10 000 rows took seconds)."""
    return _joined(row_checks(layout), _row_cells(_ROW, _PREVIOUS, _NEXT, last_row))


def row_flag(r: int, layout: Layout, last_row: int) -> str:
    pattern = _row_flag_pattern(layout, last_row)
    return pattern.replace(_ROW, str(r)).replace(_PREVIOUS, str(r - 1)).replace(_NEXT, str(r + 1))


@cache
def condition(check: LiveCheck, last_row: int, first_row: int = 0) -> str:
    """The check's condition as a conditional-format formula (for a row check: relative to ``first_row``)."""
    resolve = (
        row_resolver(first_row, last_row)
        if isinstance(check.target, IndicatorField)
        else header_resolver(last_row)
    )
    return "=" + render(check.when, resolve)


def flag_cells(last_row: int, prefix: str = "") -> str:
    """Every 提示 cell of a project sheet, as COUNTIF arguments."""
    col = L.column_letter(P.flag_column)
    rows = sorted(header_checks(Layout.HEBEI))
    header = f"{prefix}${col}${rows[0]}:${col}${rows[-1]}"
    body = f"{prefix}{L.column_range(P.flag_column, P.first_indicator_row, last_row, absolute=True)}"
    return f'COUNTIF({header},"?*")+COUNTIF({body},"?*")'


# What the 表内校验 row says. The sheet checks only what a formula can: with no 提示 it does not claim
# that nothing is wrong, and it says where the 提示 are: in the spreadsheet's 提示 column, which the
# template does not print (it prints the official columns only; an annotated copy prints it too), so
# on paper the row sends the reader to the file, not to a column the page lacks.
FOOTER_CLEAR = "表内未发现问题；完整检查请点“校验”"
FOOTER_CLEAR_CHECKED = "表内未发现问题"  # after 校验, whose result follows (``marks.footer_suffix``)
FOOTER_FLAGS = ("表内提示 ", " 处，见电子表格{col}列“提示”")


def footer(last_row: int, suffix: str = "") -> str:
    """The 表内校验 row's formula; ``suffix``: what the last 校验 found on the sheet (``marks``)."""
    count = flag_cells(last_row)
    col = L.column_letter(P.flag_column)
    tail = "&" + render(Lit(suffix), lambda name: name) if suffix else ""
    before, after = (render(Lit(part.format(col=col)), lambda name: name) for part in FOOTER_FLAGS)
    clear = render(Lit(FOOTER_CLEAR_CHECKED if suffix else FOOTER_CLEAR), lambda name: name)
    return f"=IF({count}=0,{clear},{before}&({count})&{after}){tail}"


def footer_text(flags: int) -> str:
    """What ``footer`` shows when the sheet has ``flags`` non-empty 提示 cells."""
    col = L.column_letter(P.flag_column)
    before, after = FOOTER_FLAGS
    return FOOTER_CLEAR if flags == 0 else f"{before}{flags}{after.format(col=col)}"


def flag_count(sheet: str, last_row: int) -> str:
    return "=" + flag_cells(last_row, f"{L.quote_sheet(sheet)}!")


def link_value(sheet: str, f: TableField) -> str:
    q, a1 = L.quote_sheet(sheet), _input(f)
    return f'=IF({q}!{a1}="","",{q}!{a1})'


def unit(sheet: str) -> str:
    q = L.quote_sheet(sheet)
    return f'=TRIM({q}!{_input(TableField.UNIT_CODE)}&" "&{q}!{_input(TableField.UNIT_NAME)})'


def indicator_count(sheet: str, last_row: int) -> str:
    col = P.column(IndicatorField.NAME).col
    return f"=COUNTA({L.quote_sheet(sheet)}!{L.column_range(col, P.first_indicator_row, last_row, absolute=True)})"


def list_sum(col: int, first: int) -> str:
    """The 合计 of a counted column of 项目清单: from the first project row down to the row above the
    合计 itself, wherever rows were inserted (a SUM over fixed rows does not widen when a row is
    inserted right above the 合计, which is where a clerk adds a project)."""
    letter = L.column_letter(col)
    return f"=SUM({letter}{first}:INDEX({letter}:{letter},ROW()-1))"


def list_row(index: int, sheet: str, last_row: int) -> list[int | str]:
    """A project's 项目清单 row, cell by cell: numbers, the sheet name, formulas (for a row added
    after the template was built — 新增项目; the builder writes the same formulas with cached values)."""
    out: list[int | str] = []
    for c in L.LIST.columns:
        if c.kind == L.ListKind.INDEX:
            out.append(index)
        elif c.kind == L.ListKind.SHEET:
            out.append(sheet)
        elif c.kind == L.ListKind.UNIT:
            out.append(unit(sheet))
        elif c.kind == L.ListKind.COUNT:
            out.append(indicator_count(sheet, last_row))
        elif c.kind == L.ListKind.FLAGS:
            out.append(flag_count(sheet, last_row))
        else:
            assert c.field is not None
            out.append(link_value(sheet, c.field))
    return out


def all_projects_sum(f: TableField) -> str:
    """An amount summed over every sheet between the two sheets that bracket the project sheets
    (a 3-D reference): a project sheet added by hand, by 新增项目 or in WPS counts even before it
    has a 项目清单 row. The names go unquoted, as LibreOffice reads only that form."""
    first, last = L.PROJECT_SPAN
    assert all(re.fullmatch(r"[_\w]+", n) for n in (first, last)), L.PROJECT_SPAN
    return f"=SUM({first}:{last}!{_input(f, absolute=False)})"


def texts(checks: Iterable[LiveCheck]) -> str:
    """What a 提示 cell shows when these of its checks fire (the formula's value, cached)."""
    return "".join(c.message for c in checks)


def flag_texts(view: SheetView, layout: Layout) -> dict[int, str]:
    """Sheet row → what its 提示 cell shows, for every row whose cell shows something. Rows of a view
    derived from the model (row 0) are numbered from the block's first row, as the builder writes them."""
    fired = evaluate_view(view, layout)
    out: dict[int, str] = {}
    for r, checks in header_checks(layout).items():
        ids = {id(f.check) for f in fired if f.row is None}
        text = texts(c for c in checks if id(c) in ids)
        if text:
            out[r] = text
    for k, row in enumerate(view.rows):
        text = texts(f.check for f in fired if f.row is row)
        if text:
            out[row.row or P.first_indicator_row + k] = text
    return out
