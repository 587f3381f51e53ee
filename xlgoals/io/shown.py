"""Cells as a workbook shows them where the stored value differs: a percent-formatted number.

A sheet stores 100% as 1 and 29.2% as 0.292; a reader that sees only values reports 「指标值“1”不是
百分比」 for a cell the clerk sees as 100%. The template's own percent cells are known by position;
for any other workbook (read by its labels) this finds the cells whose number format is a
percentage, from the package's styles and sheets — read only on that path, never for the template.
"""

from __future__ import annotations

import re
from pathlib import Path

from xlgoals.io.ooxml import Package, Unpatchable, Workbook, m, split_ref

# Excel's built-in percent formats (ECMA-376 §18.8.30): numFmtId → decimals shown.
_BUILTIN = {9: 0, 10: 2}
_QUOTED = re.compile(r'"[^"]*"|\\.')


def _percent_decimals(code: str) -> int | None:
    """The decimals a number format shows for a percentage ("0.0%" → 1); None when it is not one."""
    bare = _QUOTED.sub("", code.split(";")[0])
    if "%" not in bare:
        return None
    fraction = bare.split(".", 1)[1] if "." in bare else ""
    return sum(ch in "0#?" for ch in fraction.split("%")[0])


def percent_cells(path: Path) -> dict[str, dict[tuple[int, int], int]]:
    """Sheet name → (row, column) → decimals, for every cell formatted as a percentage; empty when the
    file is not a package this can read (the values are then read as stored)."""
    try:
        pkg = Package(path.read_bytes())
        wb = Workbook(pkg)
    except (OSError, Unpatchable):
        return {}
    codes = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in wb.styles.root.iter(m("numFmt"))}
    percent: dict[int, int] = {}
    for k, xf in enumerate(wb.styles.xfs.iterchildren(m("xf"))):
        fid = int(xf.get("numFmtId", "0") or 0)
        decimals = _BUILTIN.get(fid) if fid in _BUILTIN else _percent_decimals(codes.get(fid, ""))
        if decimals is not None:
            percent[k] = decimals
    if not percent:
        return {}
    out: dict[str, dict[tuple[int, int], int]] = {}
    for name in wb.order:
        try:
            sheet = wb.sheet(name)
            rows = sheet.rows() if sheet is not None else {}
        except Unpatchable:
            continue
        cells: dict[tuple[int, int], int] = {}
        for row in rows.values():
            for c in row.iterchildren(m("c")):
                style, ref = c.get("s"), c.get("r")
                if style and ref and style.isdigit() and int(style) in percent:
                    try:
                        cells[split_ref(ref)] = percent[int(style)]
                    except Unpatchable:
                        continue
        if cells:
            out[name] = cells
    return out


def as_shown(value: float, decimals: int) -> str:
    """A percent-formatted number as the sheet shows it: 0.292 → "29.2%" (with one decimal)."""
    return f"{value * 100:.{decimals}f}%"
