"""Edit a workbook in a real LibreOffice the way a clerk does, through UNO (run with Debian's python3,
which has the ``uno`` module; the project's venv does not).

    /usr/bin/python3 tests/uno_edit.py IN.xlsx OUT.xlsx EDITS.json

EDITS is a list of steps, applied in order:

* ``{"insert_rows": SHEET, "after": ROW, "count": N, "columns": [FIRST, LAST], "keep": [COL…]}`` —
  what 填表说明 tells a clerk: insert N rows below row ROW and paste a copy of its columns FIRST–LAST
  into them (formulas, merges, validation and fills come along), then clear the copies' cells except
  the columns in ``keep`` (the 提示 formula); columns are 1-based;
* ``{"copy_sheet": SHEET, "as": NAME}`` — copy a project sheet by hand (placed after it);
* ``{"set": SHEET, "cells": {"C12": "text" or number or null}}`` — type into cells.

The document is recalculated and stored as .xlsx. Nothing here knows the template's layout: the
caller (tests/test_editing.py) names every row and cell.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.table import CellAddress  # type: ignore[import-not-found]


def _props(**kw: object) -> tuple[object, ...]:
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def _connect(pipe: str) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not answer on its pipe")


def _put(cell: object, value: object) -> None:
    if value is None:
        cell.setString("")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.setValue(float(value))
    else:
        cell.setString(str(value))


def _insert_rows(doc: object, step: dict) -> None:
    sheet = doc.Sheets.getByName(step["insert_rows"])
    sheet.unprotect("")  # the template allows inserting rows; UNO's API asks for an unprotected sheet
    after, n = int(step["after"]), int(step["count"])  # 1-based sheet row
    first, last = (int(c) - 1 for c in step["columns"])  # UNO counts from 0
    keep = {int(c) - 1 for c in step["keep"]}
    sheet.Rows.insertByIndex(after, n)
    src = sheet.getCellRangeByPosition(first, after - 1, last, after - 1).getRangeAddress()
    for k in range(n):
        dest = CellAddress()
        dest.Sheet, dest.Column, dest.Row = src.Sheet, first, after + k
        sheet.copyRange(dest, src)
        for col in range(first, last + 1):
            if col not in keep:
                sheet.getCellByPosition(col, after + k).setString("")
    sheet.protect("")


def _copy_sheet(doc: object, step: dict) -> None:
    sheets = doc.Sheets
    names = list(sheets.getElementNames())
    sheets.copyByName(step["copy_sheet"], step["as"], names.index(step["copy_sheet"]) + 1)


def _set(doc: object, step: dict) -> None:
    sheet = doc.Sheets.getByName(step["set"])
    for a1, value in step["cells"].items():
        _put(sheet.getCellRangeByName(a1), value)


def main() -> None:
    src, out, edits = (
        Path(sys.argv[1]).resolve(),
        Path(sys.argv[2]).resolve(),
        json.loads(Path(sys.argv[3]).read_text("utf-8")),
    )
    work = out.with_name(f"uno-input-{os.getpid()}{src.suffix}")  # LibreOffice leaves a lock file beside
    shutil.copy(src, work)  # what it opens: never the caller's file
    pipe = f"xlgoals{os.getpid()}"
    profile = Path(tempfile.mkdtemp(prefix="xlgoals-uno-"))
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    try:
        desktop = _connect(pipe)
        doc = desktop.loadComponentFromURL(work.as_uri(), "_blank", 0, _props(Hidden=True))
        for step in edits:
            if "insert_rows" in step:
                _insert_rows(doc, step)
            elif "copy_sheet" in step:
                _copy_sheet(doc, step)
            else:
                _set(doc, step)
        doc.calculateAll()
        doc.storeToURL(out.as_uri(), _props(FilterName="Calc MS Excel 2007 XML"))
        doc.close(True)
    finally:
        office.terminate()
        office.wait(timeout=60)
        work.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
