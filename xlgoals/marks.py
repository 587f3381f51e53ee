"""What 校验 marks on a workbook, whoever writes it (openpyxl, xlwings, the service's clients): each
cell with findings gets a fill by its worst severity and a note with every message and fix; the
校验结果 sheet gets one row per finding, linking to its cell."""

from __future__ import annotations

from collections.abc import Sequence

from xlgoals import layout as L
from xlgoals.findings import Finding, Severity
from xlgoals.template import formulas as F


def worst(findings: Sequence[Finding]) -> Severity:
    return min((f.severity for f in findings), key=lambda s: s.rank)


def fill(severity: Severity) -> str:
    """The fill colour (RRGGBB) of a cell whose worst finding has ``severity``."""
    return L.MARK_FILLS[severity.value]


def note_text(findings: Sequence[Finding]) -> str:
    lines = [
        f"[{f.severity.label} {f.code}] {f.message}" + (f"\n  修改：{f.hint}" if f.hint else "")
        for f in findings
    ]
    return "xlgoals 校验：\n" + "\n".join(lines)


def result_rows(findings: Sequence[Finding], labels: dict[int, str]) -> list[list[str]]:
    """The 校验结果 table (without header), in report order: the same for headless and Excel."""
    rows = []
    for f in findings:
        project = labels.get(f.table, "") if f.table is not None else "文档"
        rows.append([f.severity.label, f.code, project, f.where, f.message, f.hint])
    return rows


def cell_marks(findings: Sequence[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """(sheet, cell) → the findings located there, for every finding located at a cell."""
    marks: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        loc = f.location
        if loc is not None and loc.sheet is not None and loc.cell is not None:
            marks.setdefault((loc.sheet, loc.cell), []).append(f)
    return marks


def link_target(f: Finding) -> str | None:
    """ "'sheet'!C4" for a finding located at a cell."""
    loc = f.location
    if loc is None or loc.sheet is None or loc.cell is None:
        return None
    return f"{L.quote_sheet(loc.sheet)}!{loc.cell}"


def footer_suffix(findings: Sequence[Finding]) -> str:
    """What 校验 adds to a project sheet's 表内校验 row (``findings``: those located on the sheet), so
    the printed sheet says what was painted: the live count and the last 校验 agree on paper."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    parts = [f"{s.label} {n} 处" for s, n in counts.items() if n]
    if not parts:
        return "；校验未发现问题"
    return f"；校验发现{'、'.join(parts)}，见标色单元格的批注和“{L.RESULTS_SHEET}”工作表"


def by_sheet(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if f.location is not None and f.location.sheet is not None:
            out.setdefault(f.location.sheet, []).append(f)
    return out


def footer_formulas(
    column_a: dict[str, list[object]], findings: Sequence[Finding]
) -> dict[str, tuple[int, str]]:
    """Project sheet → (row, formula) of its 表内校验 cell after 校验: the live count of 提示 cells
    followed by what 校验 found on the sheet. ``column_a``: each sheet's column A from row 1 (the
    footer is found by its label, so it is found after rows were inserted)."""
    on_sheet = by_sheet(findings)
    out: dict[str, tuple[int, str]] = {}
    for name, values in column_a.items():
        if name in L.RESERVED_SHEETS:
            continue
        row = L.PROJECT.find_footer(values)
        if row is not None:
            out[name] = (row, F.footer(row - 1, footer_suffix(on_sheet.get(name, []))))
    return out
