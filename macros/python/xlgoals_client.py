"""The Python client of the xlgoals button protocol (docs/服务.md §8): what a press sends, and how an
answer is applied to a workbook through a *host* — the spreadsheet program's object model behind a
dozen small methods. Standard library only: it runs inside LibreOffice (the extension carries this
file) and in Excel's local Python (xlwings), and the tests hold the VBA and WPS clients to it.

Applying an answer: its operations in order; ``unprotect`` unprotects a sheet that is protected and
remembers it with the options to restore; once the list is done — or when an operation fails
halfway — every sheet unprotected is protected again, so a failure never leaves a sheet open.
"""

from __future__ import annotations

import base64
import contextlib
from typing import Any, Protocol

VERSION = 1  # the protocol version this client speaks


class ClientError(Exception):
    """One sentence for the clerk (the service's, or this client's)."""


class Host(Protocol):
    def is_protected(self, sheet: str) -> bool: ...
    def unprotect(self, sheet: str) -> None: ...
    def protect(self, sheet: str, allow: str) -> None: ...
    def fill(self, sheet: str, cells: str, color: str | None) -> None: ...
    def note(self, sheet: str, cell: str, text: str) -> None: ...
    def clear(self, sheet: str, cells: str) -> None: ...
    def values(self, sheet: str, cell: str, rows: list[list[Any]]) -> None: ...
    def formula(self, sheet: str, cell: str, formula: str) -> None: ...
    def link(self, sheet: str, cell: str, target: str, text: str) -> None: ...
    def add_sheet(self, name: str, after: str) -> None: ...
    def copy_sheet(self, sheet: str, name: str, after: str) -> None: ...
    def insert_rows(self, sheet: str, row: int, count: int) -> None: ...
    def save_file(self, name: str, data: bytes) -> None: ...


def request(
    action: str,
    book: str,
    sheets: list[tuple[str, bool, list[list[Any]]]],
    *,
    client: str,
    client_version: str,
    can: tuple[str, ...] = (),
    token: str = "",
) -> dict[str, Any]:
    """A press as JSON data: the button, the workbook's name, each sheet's (name, hidden, values from A1)."""
    return {
        "xlgoals": VERSION,
        "client": client,
        "client_version": client_version,
        "action": action,
        "book": book,
        "can": list(can),
        "token": token,
        "sheets": [{"name": n, "hidden": h, "rows": rows} for n, h, rows in sheets],
    }


def apply(answer: dict[str, Any], host: Host) -> str:
    """Apply ``answer`` (the service's JSON) to the workbook behind ``host``; its message."""
    if answer.get("error"):
        raise ClientError(str(answer["error"]))
    version = answer.get("xlgoals")
    if not isinstance(version, int) or version > VERSION:
        raise ClientError("校验服务比此加载项新：请更新加载项（或从校验服务网页下载新模板）后再试。")
    unprotected: list[tuple[str, str]] = []
    try:
        for op in answer.get("ops", []):
            _apply_one(op, host, unprotected)
    finally:
        for sheet, allow in reversed(unprotected):
            with contextlib.suppress(Exception):  # protect every other sheet again, whatever this one does
                host.protect(sheet, allow)
    return str(answer.get("message", ""))


def _apply_one(op: dict[str, Any], host: Host, unprotected: list[tuple[str, str]]) -> None:
    kind, sheet = op.get("op"), op.get("sheet", "")
    if kind == "unprotect":
        if host.is_protected(sheet):
            host.unprotect(sheet)
            unprotected.append((sheet, op.get("allow", "")))
    elif kind == "fill":
        host.fill(sheet, op["cell"], op.get("color"))
    elif kind == "note":
        host.note(sheet, op["cell"], op.get("text", ""))
    elif kind == "clear":
        host.clear(sheet, op["cell"])
    elif kind == "values":
        host.values(sheet, op["cell"], op["rows"])
    elif kind == "formula":
        host.formula(sheet, op["cell"], op["text"])
    elif kind == "link":
        host.link(sheet, op["cell"], op["target"], op.get("text", ""))
    elif kind == "add_sheet":
        host.add_sheet(op["name"], op["after"])
    elif kind == "copy_sheet":
        host.copy_sheet(sheet, op["name"], op["after"])
    elif kind == "insert_rows":
        host.insert_rows(sheet, int(op["row"]), int(op["count"]))
    elif kind == "save_file":
        host.save_file(op["text"], base64.b64decode(op["data"]))
    else:
        raise ClientError(f"校验服务要求的操作“{str(kind)[:20]}”此加载项不认识：请更新加载项后再试。")
