"""A fake Excel client for Linux tests: build the remote engine's payload from a real workbook, and
replay the actions xlwings returns onto the workbook with openpyxl."""

from __future__ import annotations

import copy
import datetime as dt
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
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    ws.cell(a["start_row"] + 1 + i, a["start_column"] + 1 + j, v)
        elif func == "setRangeColor":
            for c in _cells(ws, a):
                c.fill = (
                    PatternFill(fill_type=None)
                    if args[0] is None
                    else PatternFill("solid", start_color=args[0].lstrip("#"))
                )
        elif func == "addNote":
            ws[args[0].replace("$", "")].comment = Comment(args[1], "xlgoals")
        elif func == "addHyperlink":
            c = ws.cell(a["start_row"] + 1, a["start_column"] + 1)
            c.hyperlink = Hyperlink(ref=c.coordinate, location=args[0].lstrip("#"))
        elif func == "addSheet":
            wb.create_sheet(args[1], index=args[0])
            order.insert(args[0], args[1])
        elif func in ("rangeClearContents", "sheetClearContents"):
            targets = (
                _cells(ws, a) if func == "rangeClearContents" else [c for row in ws.iter_rows() for c in row]
            )
            for c in targets:
                if type(c).__name__ != "MergedCell":
                    c.value = None
        elif func == "copySheet":
            src = wb[order[a["sheet_position"]]]
            new = wb.copy_worksheet(src)
            new.title = args[2]
            wb.move_sheet(new, offset=wb.sheetnames.index(src.title) + 1 - wb.sheetnames.index(new.title))
            order.insert(a["sheet_position"] + 1, args[2])
        elif func == "setSheetName":
            old = order[a["sheet_position"]]
            wb[old].title = args[0]
            order[a["sheet_position"]] = args[0]
        elif func == "alert":
            alerts.append(args[0])
        elif func in ("setNumberFormat", "rangeInsert"):
            pass  # formatting / row insertion do not change what the checks compare
        else:
            raise AssertionError(f"unexpected action {func}")
    wb.save(out)
    return alerts


def column(c: int) -> str:
    return get_column_letter(c)
