"""What 校验 marks on a workbook, whoever writes it (openpyxl, xlwings, the service's clients): each
cell with findings gets a fill by its worst severity and a note with every message and fix; the
校验结果 sheet gets one row per finding, linking to its cell."""

from __future__ import annotations

from collections.abc import Sequence

from xlgoals import layout as L
from xlgoals.findings import Finding, Severity


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
