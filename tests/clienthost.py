"""A recording host for the protocol's Python client (macros/python/xlgoals_client.py): each call
becomes one line, in the form the VBA client's recording double writes (tests/data/XgHostDouble.bas),
so the VBA client run in LibreOffice and the Python client can be compared call by call. Strict where
the VBA double is: a write to a sheet that is protected raises."""

from __future__ import annotations

from typing import Any

from xlgoals.protocol import escape


class Refused(Exception):
    """A write to a protected sheet (Excel's run-time error 1004)."""


def shown(value: Any) -> str:
    """A value as the VBA client writes it into a block (text with Excel's text prefix)."""
    if value is None or value == "":
        return "e"
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int | float):
        return f"n{float(value)!r}"
    return "s" + escape("'" + value)


class RecordingHost:
    def __init__(self, protected: set[str]) -> None:
        self.protected = set(protected)
        self.log: list[str] = []

    def _write(self, sheet: str, line: str) -> None:
        if sheet in self.protected:
            raise Refused(f"protected sheet {sheet}")
        self.log.append(line)

    def is_protected(self, sheet: str) -> bool:
        return sheet in self.protected

    def unprotect(self, sheet: str) -> None:
        self.protected.discard(sheet)
        self.log.append(f"unprotect|{sheet}")

    def protect(self, sheet: str, allow: str) -> None:
        self.protected.add(sheet)
        self.log.append(f"protect|{sheet}|{allow}")

    def fill(self, sheet: str, cells: str, color: str | None) -> None:
        self._write(sheet, f"fill|{sheet}|{cells}|{color or ''}")

    def note(self, sheet: str, cell: str, text: str) -> None:
        self._write(sheet, f"note|{sheet}|{cell}|{escape(text)}")

    def clear(self, sheet: str, cells: str) -> None:
        self._write(sheet, f"clear|{sheet}|{cells}")

    def values(self, sheet: str, cell: str, rows: list[list[Any]]) -> None:
        width = max((len(r) for r in rows), default=0)
        cells = [shown(v) for r in rows for v in [*r, *([None] * (width - len(r)))]]
        self._write(sheet, "|".join([f"values|{sheet}|{cell}|{len(rows)}x{width}", *cells]))

    def formula(self, sheet: str, cell: str, formula: str) -> None:
        self._write(sheet, f"formula|{sheet}|{cell}|{escape(formula)}")

    def link(self, sheet: str, cell: str, target: str, text: str) -> None:
        self._write(sheet, f"link|{sheet}|{cell}|{escape(target)}|{escape(text)}")

    def add_sheet(self, name: str, after: str) -> None:
        self.log.append(f"add_sheet|{name}|{after}")

    def copy_sheet(self, sheet: str, name: str, after: str) -> None:
        if sheet in self.protected:
            self.protected.add(name)  # a copy keeps its sheet's protection
        self.log.append(f"copy_sheet|{sheet}|{name}|{after}")

    def insert_rows(self, sheet: str, row: int, count: int) -> None:
        self._write(sheet, f"insert_rows|{sheet}|{row}|{count}")

    def save_file(self, name: str, data: bytes) -> None:
        self.log.append(f"save_file|{name}|{len(data)}")


def normalized(lines: list[str]) -> list[str]:
    """A log with every number written the same way (VBA's Str$ writes ".25" and "2800")."""
    out = []
    for line in lines:
        if line.startswith("values|"):
            fields = line.split("|")
            head, cells = fields[:4], fields[4:]
            cells = [f"n{float(c[1:])!r}" if c.startswith("n") else c for c in cells]
            line = "|".join([*head, *cells])
        out.append(line)
    return out
