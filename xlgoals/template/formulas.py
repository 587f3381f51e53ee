"""The template's live formulas. Each mirrors a function of ``xlgoals.sheet_flags`` exactly.

Plain A1 references only (no structured references, no LET/dynamic arrays, no x14 features), so
Excel 2010+, WPS and LibreOffice all evaluate them the same way.
"""

from __future__ import annotations

from xlgoals import layout as L


def required() -> str:
    b3, e3, c4, c5, b8 = "$B$3", "$E$3", "$C$4", "$C$5", "$B$8"
    parts = "&".join(
        f'IF({cell}="","{name} ","")'
        for cell, name in (
            (b3, "项目编码"),
            (e3, "项目名称"),
            (c4, "预算数"),
            (c5, "资金用途"),
            (b8, "绩效目标"),
        )
    )
    return (
        f'=IF(COUNTA($B$2,$C$2,{b3},{e3},{c4},{c5},{b8})=0,"",'
        f'IF(OR({b3}="",{e3}="",{c4}="",{c5}="",{b8}=""),TRIM("必填："&{parts}),""))'
    )


def budget() -> str:
    return '=IF(AND(ISNUMBER($C$4),COUNT($E$4,$G$4)>0,ABS($C$4-(N($E$4)+N($G$4)))>0.005),"预算数≠财政资金+其他资金","")'


def plan() -> str:
    d, e, f, g = "$D$7", "$E$7", "$F$7", "$G$7"
    target = 'IF($C$6="%",1,N($C$4))'
    down = (
        f"OR(AND(ISNUMBER({d}),ISNUMBER({e}),{e}<{d}),AND(ISNUMBER({e}),ISNUMBER({f}),{f}<{e}),"
        f"AND(ISNUMBER({f}),ISNUMBER({g}),{g}<{f}))"
    )
    return (
        f'=IF(COUNT({d}:{g})=0,"",IF({down},"累计支出计划出现下降",'
        f'IF(MAX({d}:{g})>{target}+0.000001,IF($C$6="%","累计支出超过100%","累计支出超过预算数"),'
        f'IF(ABS(N({g})-{target})>0.000001,IF($C$6="%","12月底累计应为100%","12月底累计应等于预算数"),""))))'
    )


def row(r: int) -> str:
    return (
        f'=IF(COUNTA($A{r}:$G{r})=0,"",IF($F{r}="","指标值未填",'
        f'IF($C{r}="","三级指标未填",IF($G{r}="","确定依据未填",""))))'
    )


def footer(last_row: int) -> str:
    count = f'COUNTIF($H$2:$H$7,"?*")+COUNTIF($H${L.IND_FIRST_ROW}:$H${last_row},"?*")'
    return f'=IF({count}=0,"未发现表内问题","表内提示 "&({count})&" 处，见H列")'


def flag_count(sheet: str, last_row: int) -> str:
    q = L.quote_sheet(sheet)
    return f'=COUNTIF({q}!$H$2:$H$7,"?*")+COUNTIF({q}!$H${L.IND_FIRST_ROW}:$H${last_row},"?*")'


def link_value(sheet: str, a1: str) -> str:
    q = L.quote_sheet(sheet)
    return f'=IF({q}!{a1}="","",{q}!{a1})'


def indicator_count(sheet: str, last_row: int) -> str:
    q = L.quote_sheet(sheet)
    return f"=COUNTA({q}!$C${L.IND_FIRST_ROW}:$C${last_row})"
