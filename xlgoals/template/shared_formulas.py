"""Repeated row formulas written once, as Excel's own shared formulas.

Every indicator row of a project sheet carries the same 提示 formula (about 3 KB) with its row
number changed: written out in full, thirty rows are three quarters of the sheet's XML, and every
program that opens the workbook parses them all (Excel, WPS, LibreOffice, and xlgoals itself when it
checks or marks the file). Excel writes such a run once — ``<f t="shared" ref="H10:H39" si="0">`` on
the first cell and ``<f t="shared" si="0"/>`` on the others, each reading the first one's formula
moved to its own row — and every spreadsheet program reads it so.

xlsxwriter writes each formula in full; ``share`` rewrites a finished package: in each column, a run
of cells whose formula is the cell above's moved down one row becomes one shared formula. A formula
is shared only where moving the first one gives exactly the text written for that cell, so the
workbook means the same cell for cell.
"""

from __future__ import annotations

import io
import re
import zipfile

# A formula cell as xlsxwriter writes it: <c r="H12" s="19"><f>…</f>
_FORMULA_CELL = re.compile(r'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*)><f>([^<]*)</f>')
# An A1 reference outside a string literal: its row moves unless it is absolute ($12).
_REF = re.compile(r"(?<![A-Za-z0-9_.])(\$?[A-Z]{1,3})(\$?)([0-9]{1,7})(?![0-9A-Za-z_(])")
_SHEET_PART = re.compile(r"xl/worksheets/sheet[0-9]+\.xml")


class _Mover:
    """A formula cut once at its relative row numbers, so that it can be moved down any number of
    rows by joining the pieces (the sheets' 3 KB formulas are moved once per row they might share)."""

    def __init__(self, formula: str) -> None:
        self.texts: list[str] = []  # formula = texts[0] + ref 0 + texts[1] + … + texts[-1]
        self.refs: list[tuple[str, int]] = []  # (column part, row) of each relative reference
        text: list[str] = []
        # A literal's "" is two quotes, so the parts between quotes alternate outside/inside.
        for k, part in enumerate(formula.split('"')):
            if k:
                text.append('"')
            if k % 2:
                text.append(part)
                continue
            at = 0
            for m in _REF.finditer(part):
                if m.group(2):  # an absolute row stays as it is
                    continue
                text.append(part[at : m.start()])
                self.texts.append("".join(text))
                text = []
                self.refs.append((m.group(1), int(m.group(3))))
                at = m.end()
            text.append(part[at:])
        self.texts.append("".join(text))

    def moved(self, rows: int) -> str:
        out = [self.texts[0]]
        for (column, row), text in zip(self.refs, self.texts[1:], strict=True):
            out += [column, str(row + rows), text]
        return "".join(out)


def moved(formula: str, rows: int) -> str:
    """``formula`` as it reads ``rows`` rows further down: relative row numbers shifted, absolute
    ones and the text inside string literals kept."""
    return _Mover(formula).moved(rows)


def share_sheet(xml: str) -> str:
    """The sheet's XML with each run of moved copies of a formula (down one column) shared."""
    cells = [(m, m.group(1), int(m.group(2)), m.group(4)) for m in _FORMULA_CELL.finditer(xml)]
    by_column: dict[str, list[tuple[re.Match[str], int, str]]] = {}
    for m, col, row, formula in cells:
        by_column.setdefault(col, []).append((m, row, formula))
    replace: dict[int, tuple[int, str]] = {}  # match start → (match end, new text)
    si = 0
    for col, run in by_column.items():
        k = 0
        while k < len(run):
            first, row, formula = run[k]
            n = 1
            if k + 1 < len(run) and run[k + 1][1] == row + 1:  # only a cell right above another is cut
                mover = _Mover(formula)
                while k + n < len(run) and run[k + n][1] == row + n and mover.moved(n) == run[k + n][2]:
                    n += 1
            if n > 1:
                last = row + n - 1
                replace[first.start()] = (
                    first.end(),
                    f'<c r="{col}{row}"{first.group(3)}><f t="shared" ref="{col}{row}:{col}{last}" '
                    f'si="{si}">{formula}</f>',
                )
                for m, r, _ in run[k + 1 : k + n]:
                    replace[m.start()] = (m.end(), f'<c r="{col}{r}"{m.group(3)}><f t="shared" si="{si}"/>')
                si += 1
            k += n
    if not replace:
        return xml
    out: list[str] = []
    at = 0
    for start in sorted(replace):
        end, text = replace[start]
        out += [xml[at:start], text]
        at = end
    out.append(xml[at:])
    return "".join(out)


def share(package: bytes) -> bytes:
    """The workbook ``package`` with repeated row formulas shared, every other part as it was."""
    src = zipfile.ZipFile(io.BytesIO(package))
    buf = io.BytesIO()
    with src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if _SHEET_PART.fullmatch(info.filename):
                data = share_sheet(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info, data, compress_type=info.compress_type)
    return buf.getvalue()
