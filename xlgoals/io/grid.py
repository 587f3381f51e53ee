"""The Grid: what every adapter (openpyxl, calamine, xlwings) hands to ``reader.py``.

Values only — formatting is written, never read back. Empty cells are ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SheetGrid:
    name: str
    rows: list[list[Any]]
    hidden: bool = False

    def value(self, row: int, col: int) -> Any:
        """The value at 1-based (row, col), or None."""
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        r = self.rows[row - 1]
        if col > len(r):
            return None
        v = r[col - 1]
        return None if v == "" else v

    @property
    def max_row(self) -> int:
        return len(self.rows)


@dataclass
class WorkbookGrid:
    path: str
    sheets: list[SheetGrid] = field(default_factory=list)

    def get(self, name: str) -> SheetGrid | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sheets]
