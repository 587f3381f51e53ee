"""The Grid: what every adapter (openpyxl, calamine, xlwings) hands to ``reader.py``.

Values only — formatting is written, never read back. Empty cells are ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlgoals import limits


@dataclass
class SheetGrid:
    name: str
    rows: list[list[Any]]
    hidden: bool = False
    unknown: frozenset[tuple[int, int]] = frozenset()  # (row, col) of formulas saved without a value

    def value(self, row: int, col: int) -> Any:
        """The value at 1-based (row, col), or None."""
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        r = self.rows[row - 1]
        if col > len(r):
            return None
        v = r[col - 1]
        return None if v == "" else v

    def filled(self, row: int, cols: Iterable[int]) -> dict[int, Any]:
        """The cells of ``cols`` on 1-based ``row`` that hold something, by column: ``value`` of each
        other one is None. One lookup of the row for all of them (a reader's row of fields)."""
        r = self.rows[row - 1] if 1 <= row <= len(self.rows) else []
        n = len(r)
        return {col: v for col in cols if 1 <= col <= n and (v := r[col - 1]) is not None and v != ""}

    @property
    def max_row(self) -> int:
        return len(self.rows)


@dataclass
class WorkbookGrid:
    path: str
    sheets: list[SheetGrid] = field(default_factory=list)
    # Every sheet's name in the workbook's order, the unread ones too (empty when unknown): the
    # 项目清单's 3-D sums cover the sheets between two of them.
    order: list[str] = field(default_factory=list)

    def get(self, name: str) -> SheetGrid | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sheets]


def trimmed(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Rows as lists, cut at ``limits.MAX_COLUMNS`` and ``limits.MAX_ROWS``, without their trailing
    empty cells, and without the empty rows after the last filled one. No layout reaches past the
    limits; a stray far cell costs nothing."""
    out: list[list[Any]] = []
    last = 0
    for k, row in enumerate(rows):
        if k >= limits.MAX_ROWS:
            break
        cells = list(row[: limits.MAX_COLUMNS])
        if float in map(type, cells):  # most rows hold no number: only those are looked through
            cells = [_finite(v) for v in cells]
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        out.append(cells)
        if cells:
            last = k + 1
    del out[last:]
    return out


def _finite(v: Any) -> Any:
    """A cell value as a spreadsheet could hold it: a NaN or infinity (which no spreadsheet stores,
    but a crafted file can) becomes the error text Excel would show."""
    if isinstance(v, float) and not math.isfinite(v):
        return "#NUM!"
    return v
