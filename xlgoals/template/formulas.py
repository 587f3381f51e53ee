"""The template's live formulas. Each mirrors a function of ``xlgoals.sheet_flags`` exactly.

Plain A1 references only (no structured references, no LET/dynamic arrays, no x14 features), so
Excel 2010+, WPS and LibreOffice all evaluate them the same way. Every cell comes from the layout.
"""

from __future__ import annotations

from xlgoals import layout as L
from xlgoals.fields import PLAN_POINTS, IndicatorField, TableField

P = L.PROJECT


def _abs(f: TableField) -> str:
    return P.input(f).at.abs.split(":")[0]


def required() -> str:
    cells = [
        (_abs(TableField.PROJECT_CODE), L.Label.PROJECT_CODE),
        (_abs(TableField.PROJECT_NAME), L.Label.PROJECT_NAME),
        (_abs(TableField.BUDGET_TOTAL), L.Label.BUDGET_TOTAL),
        (_abs(TableField.FUND_USE), L.Label.FUND_USE),
        (_abs(TableField.GOALS), L.Label.GOALS),
    ]
    parts = "&".join(f'IF({cell}="","{name} ","")' for cell, name in cells)
    anyone = ",".join([_abs(TableField.UNIT_CODE), _abs(TableField.UNIT_NAME), *(c for c, _ in cells)])
    empty = ",".join(f'{c}=""' for c, _ in cells)
    return f'=IF(COUNTA({anyone})=0,"",IF(OR({empty}),TRIM("必填："&{parts}),""))'


def budget() -> str:
    t, f, o = _abs(TableField.BUDGET_TOTAL), _abs(TableField.BUDGET_FISCAL), _abs(TableField.BUDGET_OTHER)
    return f'=IF(AND(ISNUMBER({t}),COUNT({f},{o})>0,ABS({t}-(N({f})+N({o})))>0.005),"预算数≠财政资金+其他资金","")'


def plan() -> str:
    d, e, f, g = (_abs(x) for x in PLAN_POINTS)
    mode, total = _abs(TableField.PLAN_MODE), _abs(TableField.BUDGET_TOTAL)
    rng = L.plan_range().abs
    percent = f'{mode}="{L.PLAN_MODE_PERCENT}"'
    target = f"IF({percent},1,N({total}))"
    down = (
        f"OR(AND(ISNUMBER({d}),ISNUMBER({e}),{e}<{d}),AND(ISNUMBER({e}),ISNUMBER({f}),{f}<{e}),"
        f"AND(ISNUMBER({f}),ISNUMBER({g}),{g}<{f}))"
    )
    return (
        f'=IF(COUNT({rng})=0,"",IF({down},"累计支出计划出现下降",'
        f'IF(MAX({rng})>{target}+0.000001,IF({percent},"累计支出超过100%","累计支出超过预算数"),'
        f'IF(ABS(N({g})-{target})>0.000001,IF({percent},"12月底累计应为100%","12月底累计应等于预算数"),""))))'
    )


def row(r: int) -> str:
    def c(f: IndicatorField) -> str:
        return f"${L.column_letter(P.column(f).col)}{r}"

    block = f"${L.column_letter(1)}{r}:${L.column_letter(P.print_columns)}{r}"
    return (
        f'=IF(COUNTA({block})=0,"",IF({c(IndicatorField.VALUE)}="","指标值未填",'
        f'IF({c(IndicatorField.NAME)}="","三级指标未填",IF({c(IndicatorField.BASIS)}="","确定依据未填",""))))'
    )


def _flag_count(prefix: str, last_row: int) -> str:
    flags = sorted(P.flags.values(), key=lambda c: c.row)
    col = L.column_letter(P.flag_column)
    header = f"{prefix}${col}${flags[0].row}:${col}${flags[-1].row}"
    block = f"{prefix}{L.column_range(P.flag_column, P.first_indicator_row, last_row, absolute=True)}"
    return f'COUNTIF({header},"?*")+COUNTIF({block},"?*")'


def footer(last_row: int) -> str:
    count = _flag_count("", last_row)
    return f'=IF({count}=0,"未发现表内问题","表内提示 "&({count})&" 处，见H列")'


def flag_count(sheet: str, last_row: int) -> str:
    return "=" + _flag_count(f"{L.quote_sheet(sheet)}!", last_row)


def link_value(sheet: str, f: TableField) -> str:
    q, a1 = L.quote_sheet(sheet), _abs(f)
    return f'=IF({q}!{a1}="","",{q}!{a1})'


def unit(sheet: str) -> str:
    q = L.quote_sheet(sheet)
    return f'=TRIM({q}!{_abs(TableField.UNIT_CODE)}&" "&{q}!{_abs(TableField.UNIT_NAME)})'


def indicator_count(sheet: str, last_row: int) -> str:
    col = P.column(IndicatorField.NAME).col
    return f"=COUNTA({L.quote_sheet(sheet)}!{L.column_range(col, P.first_indicator_row, last_row, absolute=True)})"


def list_sum(col: int, first: int, last: int) -> str:
    return f"=SUM({L.column_range(col, first, last)})"
