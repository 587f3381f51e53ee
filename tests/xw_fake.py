"""A fake Excel client for Linux tests: build the remote engine's payload from a real workbook, and
replay the actions xlwings returns onto the workbook with openpyxl — enforcing sheet protection the
way Excel does: on a protected sheet, writing or clearing a locked cell, a fill or number format
(unless formatting cells is allowed), a note, a hyperlink (unless allowed, and only in an unlocked
cell) or inserting rows (unless allowed) raises ``Protected``. The client-side macros XgUnprotect and
XgProtect (runMacro) are executed as the template's VBA does."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

REMOTE_BAS = Path(__import__("xlwings").__file__).parent / "addin" / "Remote.bas"


def vba_client_actions() -> set[str]:
    """The action names xlwings' VBA client (Remote.bas) can execute."""
    import re

    return set(re.findall(r"^Sub (\w+)\(", REMOTE_BAS.read_text(encoding="utf-8", errors="replace"), re.M))


def payload_from_xlsx(path: Path, client: str = "Office.js") -> dict[str, Any]:
    import xlwings as xw

    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(
                ["" if v is None else (v.isoformat() + "Z" if isinstance(v, dt.datetime) else v) for v in row]
            )
        sheets.append({"name": ws.title, "values": rows or [[""]], "pictures": [], "tables": [], "notes": []})
    return {
        "client": client,
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def remote_book(path: Path, client: str = "Office.js") -> Any:
    import xlwings as xw

    return xw.Book(json=copy.deepcopy(payload_from_xlsx(path, client)))


class Protected(Exception):
    """What Excel raises for a write to a protected sheet (run-time error 1004)."""


# the sheetProtection attributes (True = the action is locked) by xlsxwriter's option names
PROTECTION_ATTRIBUTES = {
    "objects": "objects",
    "scenarios": "scenarios",
    "format_cells": "formatCells",
    "format_columns": "formatColumns",
    "format_rows": "formatRows",
    "insert_columns": "insertColumns",
    "insert_rows": "insertRows",
    "insert_hyperlinks": "insertHyperlinks",
    "delete_columns": "deleteColumns",
    "delete_rows": "deleteRows",
    "select_locked_cells": "selectLockedCells",
    "select_unlocked_cells": "selectUnlockedCells",
    "sort": "sort",
    "autofilter": "autoFilter",
    "pivot_tables": "pivotTables",
}


def protection_state(ws: Any) -> tuple[bool, dict[str, bool]]:
    """(protected, each option's lock) of a sheet, comparable before and after a button."""
    p = ws.protection
    return bool(p.sheet), {name: bool(getattr(p, attr)) for name, attr in PROTECTION_ATTRIBUTES.items()}


def _guard(ws: Any, func: str, cells: Sequence[Any] = ()) -> None:
    p = ws.protection
    if not p.sheet:
        return
    locked = [c.coordinate for c in cells if type(c).__name__ != "MergedCell" and c.protection.locked]
    if func in ("setValues", "rangeClearContents", "sheetClearContents") and locked:
        raise Protected(f"{func} on locked {locked[0]} of protected sheet {ws.title}")
    if func in ("setRangeColor", "setNumberFormat") and p.formatCells:
        raise Protected(f"{func} on protected sheet {ws.title} (formatting cells not allowed)")
    if func == "addNote" and p.objects:
        raise Protected(f"addNote on protected sheet {ws.title}")
    if func == "addHyperlink" and (p.insertHyperlinks or locked):
        raise Protected(f"addHyperlink on protected sheet {ws.title}")
    if func == "rangeInsert" and p.insertRows:
        raise Protected(f"rangeInsert on protected sheet {ws.title}")


def _run_macro(wb: Any, args: list[Any]) -> None:
    """The template's client-side macros (macros/excel/Module1.bas)."""
    name = args[0].rsplit("!", 1)[-1]
    ws = wb[args[1]]
    if name == "XgUnprotect":
        ws.protection.sheet = False
    elif name == "XgProtect":
        allowed = set(filter(None, args[2].split(",")))
        ws.protection.sheet = True
        for option, attr in PROTECTION_ATTRIBUTES.items():
            setattr(ws.protection, attr, option not in allowed)
    else:
        raise AssertionError(f"unexpected macro {name}")


def _cells(ws: Any, a: dict[str, Any]) -> list[Any]:
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    return [ws.cell(r, c) for r in range(r0, r0 + a["row_count"]) for c in range(c0, c0 + a["column_count"])]


def apply_actions(path: Path, actions: list[dict[str, Any]], out: Path) -> list[str]:
    """Replay actions onto the workbook with openpyxl; returns the alert messages."""
    wb = openpyxl.load_workbook(path)
    order = list(wb.sheetnames)
    alerts: list[str] = []
    for a in actions:
        func, args = a["func"], a["args"]
        ws = wb[order[a["sheet_position"]]] if a.get("sheet_position") is not None else None

        if func == "setValues":
            _guard(
                ws,
                func,
                [
                    ws.cell(a["start_row"] + 1 + i, a["start_column"] + 1 + j)
                    for i, row in enumerate(a["values"])
                    for j in range(len(row))
                ],
            )
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    ws.cell(a["start_row"] + 1 + i, a["start_column"] + 1 + j, v)
        elif func == "setRangeColor":
            _guard(ws, func)
            for c in _cells(ws, a):
                c.fill = (
                    PatternFill(fill_type=None)
                    if args[0] is None
                    else PatternFill("solid", start_color=args[0].lstrip("#"))
                )
        elif func == "addNote":
            _guard(ws, func)
            ws[args[0].replace("$", "")].comment = Comment(args[1], "xlgoals")
        elif func == "addHyperlink":
            c = ws.cell(a["start_row"] + 1, a["start_column"] + 1)
            _guard(ws, func, [c])
            c.hyperlink = Hyperlink(ref=c.coordinate, location=args[0].lstrip("#"))
        elif func == "addSheet":
            wb.create_sheet(args[1], index=args[0])
            order.insert(args[0], args[1])
        elif func in ("rangeClearContents", "sheetClearContents"):
            targets = (
                _cells(ws, a) if func == "rangeClearContents" else [c for row in ws.iter_rows() for c in row]
            )
            _guard(ws, func, [c for c in targets if func == "rangeClearContents" or c.value is not None])
            for c in targets:
                if type(c).__name__ != "MergedCell":
                    c.value = None
        elif func == "copySheet":
            src = wb[order[a["sheet_position"]]]
            new = wb.copy_worksheet(src)
            new.protection = copy.copy(src.protection)  # Excel copies a sheet with its protection
            new.title = args[2]
            wb.move_sheet(new, offset=wb.sheetnames.index(src.title) + 1 - wb.sheetnames.index(new.title))
            order.insert(a["sheet_position"] + 1, args[2])
        elif func == "setSheetName":
            old = order[a["sheet_position"]]
            wb[old].title = args[0]
            order[a["sheet_position"]] = args[0]
        elif func == "alert":
            alerts.append(args[0])
        elif func == "runMacro":
            _run_macro(wb, args)
        elif func in ("setNumberFormat", "rangeInsert"):
            _guard(ws, func)  # otherwise formatting / row insertion do not change what the checks compare
        else:
            raise AssertionError(f"unexpected action {func}")
    wb.save(out)
    return alerts


def column(c: int) -> str:
    return get_column_letter(c)
