"""A strict double of Excel as xlwings (COM) shows it, for the tests of the local-Python buttons and
of the operations every client applies. It refuses, raises and misplaces where Excel and xlwings do:

* ``Range.add_note`` raises ValueError on a cell that already has a note, on empty text, on more than
  one cell (xlwings 0.37.8, ``main.Range.add_note``);
* on a protected sheet, writing or clearing a locked cell raises (Excel's run-time error 1004); so
  does a fill unless formatting cells is allowed, a note unless drawing objects are, a link unless
  inserting hyperlinks is allowed and the cell unlocked, inserting rows unless allowed;
* writing to or clearing part of a merged area raises ("Cannot change part of a merged cell");
* ``Sheets.add`` with neither ``before`` nor ``after`` inserts before the *active* sheet, and the new
  sheet becomes active; a copied sheet keeps its protection and becomes active;
* a string assigned to a cell is read as Excel reads typing: ``'text`` is the text after the
  apostrophe, ``=…`` a formula, a number-like string a number, TRUE/FALSE a boolean — unless the cell
  is formatted as text (``@``); ``ClearContents`` keeps a cell's link (only ``Hyperlinks.Delete`` removes it).

The state starts from a real .xlsx (openpyxl: values, formulas, locked cells, merges, protection,
number formats) and can be read back for assertions (``cell``, ``fills``, ``notes``, ``links``).
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from tests.openpyxl_reading import load_for_reading

PROTECT_OPTIONS = (  # Worksheet.Protect keywords → the option names of the template's layout
    ("AllowFormattingCells", "format_cells"),
    ("AllowFormattingColumns", "format_columns"),
    ("AllowFormattingRows", "format_rows"),
    ("AllowInsertingColumns", "insert_columns"),
    ("AllowInsertingRows", "insert_rows"),
    ("AllowInsertingHyperlinks", "insert_hyperlinks"),
    ("AllowDeletingColumns", "delete_columns"),
    ("AllowDeletingRows", "delete_rows"),
    ("AllowSorting", "sort"),
    ("AllowFiltering", "autofilter"),
    ("AllowUsingPivotTables", "pivot_tables"),
)
XL_NO_SELECTION = -4142


class ExcelError(Exception):
    """What Excel raises through COM (run-time error 1004 and its kin)."""


@dataclass
class Cell:
    value: Any = None
    formula: str = ""
    fill: str | None = None  # RRGGBB
    note: str | None = None
    link: str | None = None  # "'sheet'!C4"
    locked: bool = True
    text_format: bool = False  # number format "@"


@dataclass
class Protection:
    on: bool = False
    allowed: set[str] = field(default_factory=set)  # layout option names
    drawing_objects: bool = True
    selection: int = XL_NO_SELECTION


def _split(a1: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?([0-9]+)", a1)
    if m is None:
        raise ExcelError(f"not a cell address: {a1}")
    return int(m.group(2)), column_index_from_string(m.group(1))


def _area(address: str) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of "C4", "C4:G5" or "3:5" (whole rows)."""
    whole_rows = re.fullmatch(r"([0-9]+):([0-9]+)", address)
    if whole_rows:
        return int(whole_rows.group(1)), 1, int(whole_rows.group(2)), 16384
    first, _, last = address.partition(":")
    r1, c1 = _split(first)
    r2, c2 = _split(last) if last else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


class Sheet:
    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self.name = name
        self.cells: dict[tuple[int, int], Cell] = {}
        self.merged: list[tuple[int, int, int, int]] = []
        self.protection = Protection()
        self.hidden = False
        self.api = _SheetApi(self)

    # --- the xlwings API ---------------------------------------------------------------------
    def range(self, first: Any, last: Any = None) -> Range:
        if isinstance(first, tuple):
            r1, c1 = first
            r2, c2 = last if last is not None else first
            return Range(self, (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        return Range(self, _area(first))

    def __getitem__(self, address: str) -> Range:
        return self.range(address)

    @property
    def used_range(self) -> Range:
        filled = [k for k, c in self.cells.items() if c.value is not None or c.formula]
        if not filled:
            return Range(self, (1, 1, 1, 1))
        rows, cols = [r for r, _ in filled], [c for _, c in filled]
        return Range(self, (min(rows), min(cols), max(rows), max(cols)))

    def copy(self, before: Sheet | None = None, after: Sheet | None = None, name: str | None = None) -> Sheet:
        assert (before is None) or (after is None), "you must provide either before or after but not both"
        if name is not None and name.lower() in (s.name.lower() for s in self.book.sheet_list):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        new = Sheet(self.book, name or f"{self.name} (2)")
        new.cells = {k: Cell(**vars(c)) for k, c in self.cells.items()}
        new.merged = list(self.merged)
        new.protection = Protection(self.protection.on, set(self.protection.allowed),
                                    self.protection.drawing_objects, self.protection.selection)  # fmt: skip
        where = self.book.sheet_list.index(after) + 1 if after is not None else len(self.book.sheet_list)
        if before is not None:
            where = self.book.sheet_list.index(before)
        self.book.sheet_list.insert(where, new)
        self.book.active = new  # Excel activates the copy
        return new

    # --- the rules ---------------------------------------------------------------------------
    def cell(self, row: int, col: int) -> Cell:
        return self.cells.setdefault((row, col), Cell())

    def guard(self, action: str, area: tuple[int, int, int, int], *, locked_only: bool = True) -> None:
        p = self.protection
        if not p.on:
            return
        top, left, bottom, right = area
        cells = [
            self.cells.get((r, c), Cell())
            for r in range(top, bottom + 1)
            for c in range(left, min(right, 60) + 1)
        ]
        if action == "write" and any(c.locked for c in cells):
            raise ExcelError(f"1004: the cell is on a protected sheet ({self.name})")
        if action == "format" and "format_cells" not in p.allowed:
            raise ExcelError(f"1004: formatting on protected sheet {self.name}")
        if action == "note" and p.drawing_objects:
            raise ExcelError(f"1004: notes on protected sheet {self.name}")
        if action == "link" and ("insert_hyperlinks" not in p.allowed or any(c.locked for c in cells)):
            raise ExcelError(f"1004: hyperlink on protected sheet {self.name}")
        if action == "insert_rows" and "insert_rows" not in p.allowed:
            raise ExcelError(f"1004: inserting rows on protected sheet {self.name}")

    def check_merges(self, area: tuple[int, int, int, int]) -> None:
        top, left, bottom, right = area
        for mt, ml, mb, mr in self.merged:
            overlaps = not (mb < top or mt > bottom or mr < left or ml > right)
            inside = top <= mt and mb <= bottom and left <= ml and mr <= right
            if overlaps and not inside and (top, left, bottom, right) != (mt, ml, mt, ml):
                raise ExcelError(f"1004: cannot change part of a merged cell ({self.name})")


class _SheetApi:
    """``sheet.api``: the COM Worksheet's protection."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    @property
    def ProtectContents(self) -> bool:
        return self._sheet.protection.on

    @property
    def Visible(self) -> int:
        return 0 if self._sheet.hidden else -1

    def Unprotect(self, password: str = "") -> None:
        self._sheet.protection.on = False

    def Protect(self, **kwargs: Any) -> None:
        known = {"DrawingObjects", "Contents", "Scenarios", *(k for k, _ in PROTECT_OPTIONS)}
        unknown = set(kwargs) - known
        if unknown:
            raise ExcelError(f"Protect got unknown arguments {unknown}")
        p = self._sheet.protection
        p.on = True
        p.drawing_objects = bool(kwargs.get("DrawingObjects", True))
        p.allowed = {name for com, name in PROTECT_OPTIONS if kwargs.get(com, False)}

    @property
    def EnableSelection(self) -> int:
        return self._sheet.protection.selection

    @EnableSelection.setter
    def EnableSelection(self, value: int) -> None:
        self._sheet.protection.selection = value


class _Hyperlinks:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def Delete(self) -> None:
        for c in self._rng.cells():
            c.link = None


class _RangeApi:
    def __init__(self, rng: Range) -> None:
        self.Hyperlinks = _Hyperlinks(rng)


class Note:
    def __init__(self, cell: Cell) -> None:
        self._cell = cell

    @property
    def text(self) -> str:
        return self._cell.note or ""

    def delete(self) -> None:
        self._cell.note = None


def _typed(value: Any, cell: Cell) -> tuple[Any, str]:
    """(value, formula) of what Excel stores when ``value`` is assigned through Range.Value."""
    if not isinstance(value, str) or cell.text_format:
        return value, ""
    if value.startswith("'"):
        return value[1:], ""
    if value.startswith("="):
        return None, value
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE", ""
    try:
        return float(value), ""
    except ValueError:
        return value, ""


class Range:
    def __init__(self, sheet: Sheet, area: tuple[int, int, int, int]) -> None:
        self.sheet = sheet
        self.area = area
        self.api = _RangeApi(self)

    @property
    def row(self) -> int:
        return self.area[0]

    @property
    def column(self) -> int:
        return self.area[1]

    @property
    def shape(self) -> tuple[int, int]:
        top, left, bottom, right = self.area
        return bottom - top + 1, right - left + 1

    def cells(self) -> Iterator[Cell]:
        top, left, bottom, right = self.area
        for r in range(top, bottom + 1):
            for c in range(left, min(right, 200) + 1):
                yield self.sheet.cell(r, c)

    def options(self, **_: Any) -> Range:
        return self

    @property
    def value(self) -> Any:
        top, left, bottom, right = self.area
        rows = [
            [self.sheet.cells.get((r, c), Cell()).value for c in range(left, right + 1)]
            for r in range(top, bottom + 1)
        ]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        top, left = self.area[0], self.area[1]
        area = (top, left, top + len(rows) - 1, left + max(len(r) for r in rows) - 1)
        self.sheet.guard("write", area)
        self.sheet.check_merges(area)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                cell = self.sheet.cell(top + i, left + j)
                cell.value, cell.formula = _typed(v, cell)

    @property
    def formula(self) -> str:
        return self.sheet.cell(self.row, self.column).formula

    @formula.setter
    def formula(self, text: str) -> None:
        self.sheet.guard("write", self.area)
        self.sheet.check_merges(self.area)
        for cell in self.cells():
            cell.formula, cell.value = text, None

    def clear_contents(self) -> None:
        self.sheet.guard("write", self.area)
        self.sheet.check_merges(self.area)
        for cell in self.cells():
            cell.value, cell.formula = None, ""

    @property
    def color(self) -> Any:
        raise NotImplementedError("tests read fills with Sheet.cell()")

    @color.setter
    def color(self, value: str | None) -> None:
        self.sheet.guard("format", self.area)
        for cell in self.cells():
            cell.fill = None if value is None else value.lstrip("#").upper()

    @property
    def note(self) -> Note | None:
        cell = self.sheet.cell(self.row, self.column)
        return Note(cell) if cell.note is not None else None

    def add_note(self, text: str) -> Note:
        if not isinstance(text, str):
            raise TypeError("Note text must be a string")
        if not text:
            raise ValueError("Note text must not be empty")
        if self.shape != (1, 1):
            raise ValueError("A note can only be added to a single cell")
        if self.note is not None:
            raise ValueError("This cell already has a note")
        self.sheet.guard("note", self.area)
        cell = self.sheet.cell(self.row, self.column)
        cell.note = text
        return Note(cell)

    def add_hyperlink(
        self, address: str, text_to_display: str | None = None, screen_tip: str | None = None
    ) -> None:
        self.sheet.guard("link", self.area)
        cell = self.sheet.cell(self.row, self.column)
        cell.link = address.removeprefix("#")
        if text_to_display is not None:
            cell.value = text_to_display

    def insert(self, shift: str = "down") -> None:
        top, _left, bottom, right = self.area
        if right != 16384 or shift != "down":
            raise ExcelError("the double inserts whole rows only")
        self.sheet.guard("insert_rows", self.area, locked_only=False)
        count = bottom - top + 1
        moved = {((r + count) if r >= top else r, c): cell for (r, c), cell in self.sheet.cells.items()}
        self.sheet.cells = moved
        self.sheet.merged = [
            (t + count, c1, b + count, c2)
            if t >= top
            else (t, c1, b + count, c2)
            if b >= top
            else (t, c1, b, c2)
            for t, c1, b, c2 in self.sheet.merged
        ]


class Sheets:
    def __init__(self, book: Book) -> None:
        self._book = book

    def __iter__(self) -> Iterator[Sheet]:
        return iter(list(self._book.sheet_list))

    def __len__(self) -> int:
        return len(self._book.sheet_list)

    def __getitem__(self, key: str | int) -> Sheet:
        if isinstance(key, int):
            return self._book.sheet_list[key]
        for s in self._book.sheet_list:
            if s.name.lower() == key.lower():
                return s
        raise KeyError(key)

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        if name is not None and name.lower() in (s.name.lower() for s in self._book.sheet_list):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        new = Sheet(self._book, name or f"Sheet{len(self._book.sheet_list) + 1}")
        order = self._book.sheet_list
        if after is not None:
            where = order.index(after) + 1
        elif before is not None:
            where = order.index(before)
        else:  # Excel: before the active sheet
            where = order.index(self._book.active)
        order.insert(where, new)
        self._book.active = new
        return new


class App:
    def __init__(self) -> None:
        self.alerts: list[str] = []

    def alert(self, prompt: str, title: str | None = None, **_: Any) -> None:
        self.alerts.append(prompt)


_READ: dict[str, Book] = {}  # a workbook file's content hash → the book read from it


class Book:
    def __init__(self, fullname: str) -> None:
        self.fullname = fullname
        self.sheet_list: list[Sheet] = []
        self.active: Sheet | None = None
        self.sheets = Sheets(self)
        self.app = App()

    @classmethod
    def from_xlsx(cls, path: Path, active: str | None = None) -> Book:
        """A book holding what ``path`` holds (values, formulas, locked cells, merges, protection).
        A file read before is not read again: the tests open the same few workbooks dozens of times,
        and openpyxl's two full loads of one took about a second (a copy of the book, a few ms)."""
        data = path.read_bytes()
        key = hashlib.sha256(data).hexdigest()
        if key not in _READ:
            _READ[key] = cls._read(path)
        book = copy.deepcopy(_READ[key])
        book.fullname = str(path)
        if active:
            book.active = book.sheets[active]
        return book

    @classmethod
    def _read(cls, path: Path) -> Book:
        book = cls(str(path))
        values = load_for_reading(path, data_only=True)
        formulas = load_for_reading(path)
        for ws in formulas.worksheets:
            sheet = Sheet(book, ws.title)
            sheet.hidden = ws.sheet_state != "visible"
            cached = values[ws.title]
            for row in ws.iter_rows():
                for c in row:
                    if type(c).__name__ == "MergedCell":
                        continue
                    text = isinstance(c.value, str) and c.value.startswith("=")
                    cell = Cell(
                        value=cached[c.coordinate].value if text else c.value,
                        formula=c.value if text else "",
                        locked=bool(c.protection.locked),
                        text_format=c.number_format == "@",
                    )
                    if c.hyperlink is not None and c.hyperlink.location:
                        cell.link = c.hyperlink.location
                    if c.comment is not None:
                        cell.note = c.comment.text
                    if c.fill is not None and c.fill.fill_type == "solid":
                        cell.fill = str(c.fill.start_color.rgb)[-6:].upper()
                    if cell != Cell():
                        sheet.cells[(c.row, c.column)] = cell
            sheet.merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
            p = ws.protection
            if p.sheet:
                allowed = {name for _, name in PROTECT_OPTIONS if not getattr(p, _ATTR[name])}
                sheet.protection = Protection(True, allowed, bool(p.objects))
            book.sheet_list.append(sheet)
        book.active = book.sheet_list[formulas.index(formulas.active)]
        return book

    # --- what the tests read -----------------------------------------------------------------
    def names(self) -> list[str]:
        return [s.name for s in self.sheet_list]

    def marks(self) -> dict[tuple[str, str], tuple[str | None, str | None]]:
        """(sheet, cell) → (fill, note) of every filled or noted cell."""
        return {
            (s.name, f"{get_column_letter(c)}{r}"): (cell.fill, cell.note)
            for s in self.sheet_list
            for (r, c), cell in sorted(s.cells.items())
            if cell.fill is not None or cell.note is not None
        }

    def snapshot(self) -> dict[str, Any]:
        """Everything a press can change, comparable between two presses."""
        return {
            "order": self.names(),
            "cells": {
                (s.name, r, c): (cell.value, cell.formula, cell.fill, cell.note, cell.link)
                for s in self.sheet_list
                for (r, c), cell in s.cells.items()
                if cell.value is not None or cell.formula or cell.fill or cell.note or cell.link
            },
            "protection": {s.name: (s.protection.on, sorted(s.protection.allowed)) for s in self.sheet_list},
        }


_ATTR = {
    "format_cells": "formatCells",
    "format_columns": "formatColumns",
    "format_rows": "formatRows",
    "insert_columns": "insertColumns",
    "insert_rows": "insertRows",
    "insert_hyperlinks": "insertHyperlinks",
    "delete_columns": "deleteColumns",
    "delete_rows": "deleteRows",
    "sort": "sort",
    "autofilter": "autoFilter",
    "pivot_tables": "pivotTables",
}


def et_spec(book: Book) -> dict[str, Any]:
    """The same workbook for the WPS double (tests/data/et_double.js): values, unlocked cells,
    protection, merges — what ``makeEtApplication`` takes."""
    sheets = []
    for s in book.sheet_list:
        height = max((r for r, _ in s.cells), default=0)
        width = max((c for _, c in s.cells), default=0)
        rows = [
            [s.cells.get((r, c), Cell()).value for c in range(1, width + 1)] for r in range(1, height + 1)
        ]
        sheets.append(
            {
                "name": s.name,
                "rows": [[v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in rows],
                "locked": [[r, c] for (r, c), cell in s.cells.items() if not cell.locked],
                "protected": s.protection.on,
                "allowed": sorted(s.protection.allowed),
                "merged": [list(m) for m in s.merged],
                "hidden": s.hidden,
                "fills": [[r, c, cell.fill] for (r, c), cell in s.cells.items() if cell.fill],
                "notes": [[r, c, cell.note] for (r, c), cell in s.cells.items() if cell.note],
                "links": [[r, c, cell.link] for (r, c), cell in s.cells.items() if cell.link],
                "formulas": [[r, c, cell.formula] for (r, c), cell in s.cells.items() if cell.formula],
            }
        )
    return {"name": Path(book.fullname).name, "active": book.sheet_list.index(book.active), "sheets": sheets}


def comparable(book: Book) -> dict[str, Any]:
    """The double's workbook as the WPS double's ``window.state()`` shows one (numbers as floats)."""

    def norm(v: Any) -> Any:
        if v == "":
            return None  # an empty text is a blank to WPS's Value2
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    return {
        "order": book.names(),
        "sheets": [
            {
                "name": s.name,
                "protected": s.protection.on,
                "allowed": sorted(s.protection.allowed),
                "cells": {
                    f"{r},{c}": [norm(cell.value), cell.formula, cell.fill, cell.note, cell.link]
                    for (r, c), cell in sorted(s.cells.items())
                    if norm(cell.value) is not None or cell.formula or cell.fill or cell.note or cell.link
                },
            }
            for s in book.sheet_list
        ],
    }
