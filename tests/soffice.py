"""LibreOffice as a test oracle and a host: recalculate workbooks, render them to PDF, edit them as a
clerk does — one LibreOffice per test process for the whole run.

LibreOffice recalculates xlsx formulas on load only with the profile below (docs/tooling.md); the
profile also lets a workbook's macros run when a test calls them (``run_basic``). The
first request starts ``soffice --headless`` on a private profile and a resident helper on Debian's
python3 (``tests/uno_worker.py``, which has the ``uno`` bridge the venv lacks) that drives it over UNO;
later requests reuse both, so a run pays LibreOffice's start once instead of once per call. Tests
skip where soffice or python3-uno is missing, and fail instead when XLGOALS_REQUIRE_SOFFICE=1 (CI),
so a missing install is never hidden.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
# What ``soffice --convert-to`` calls each format: (export filter, suffix).
FILTERS = {
    "xlsx": ("Calc MS Excel 2007 XML", ".xlsx"),
    "pdf": ("calc_pdf_Export", ".pdf"),
    "xls": ("MS Excel 97", ".xls"),
    "ods": ("calc8", ".ods"),
    "html": ("HTML (StarCalc)", ".html"),
}
UNO_PYTHON = "/usr/bin/python3"
HERE = Path(__file__).resolve().parent


def missing(what: str) -> None:
    """Skip (locally) or fail (CI, XLGOALS_REQUIRE_SOFFICE=1) a test that needs ``what``."""
    if os.environ.get("XLGOALS_REQUIRE_SOFFICE") == "1":
        pytest.fail(f"{what} is required here (XLGOALS_REQUIRE_SOFFICE=1) but not installed")
    pytest.skip(f"{what} not installed")


def require_soffice() -> str:
    exe = shutil.which("soffice")
    if exe is None:
        missing("soffice (LibreOffice)")
    assert exe is not None
    return exe


def require_uno() -> str:
    """Debian's python3 with LibreOffice's bridge (package python3-uno)."""
    require_soffice()
    ok = Path(UNO_PYTHON).exists() and (
        subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
    )
    if not ok:
        missing("python3-uno (LibreOffice's Python bridge, Debian package python3-uno)")
    return UNO_PYTHON


def new_profile(prefix: str = "xlgoals-lo-") -> Path:
    """A private LibreOffice profile that recalculates every formula on load."""
    profile = Path(tempfile.mkdtemp(prefix=prefix))
    user = profile / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
    return profile


class _Office:
    """A resident helper (and its LibreOffice) of this test process."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        python = require_uno()
        self.profile = new_profile()
        self.process = subprocess.Popen(
            [python, str(HERE / "uno_worker.py"), str(self.profile)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, **(env or {})},
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        if '"ready"' not in first:
            raise RuntimeError(f"LibreOffice's UNO helper did not start: {first!r}")
        self.lock = threading.Lock()

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        with self.lock:
            self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("LibreOffice's UNO helper went away")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise AssertionError(f"LibreOffice failed: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


_lock = threading.Lock()
_offices: dict[str, _Office] = {}


def office(key: str = "oracle", env: dict[str, str] | None = None) -> _Office:
    """The LibreOffice of this test process for ``key``: the oracle (conversions, edits, VBA), or a
    host of its own (with an extension installed, its environment given)."""
    with _lock:
        current = _offices.get(key)
        if current is None or current.process.poll() is not None:
            current = _offices[key] = _Office(env)
            atexit.register(current.close)
        return current


def convert(files: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """What ``soffice --convert-to fmt`` gives for each file (formulas recalculated); the output paths."""
    filter_name, suffix = FILTERS[fmt]
    answer = office().ask(
        {"convert": [str(f) for f in files], "filter": filter_name, "suffix": suffix, "outdir": str(outdir)}
    )
    outs = [Path(p) for p in answer["written"]]
    assert all(o.exists() for o in outs), outs
    return outs


class Cell:
    def __init__(self, value: object) -> None:
        self.value = None if value == "" else value


class Sheet:
    """A sheet's values as LibreOffice computed them, read as openpyxl reads one (1-based)."""

    def __init__(self, title: str, rows: list[list[object]]) -> None:
        self.title, self.rows = title, rows
        self.max_row = len(rows)

    def cell(self, row: int, column: int) -> Cell:
        if row <= len(self.rows) and column <= len(self.rows[row - 1]):
            return Cell(self.rows[row - 1][column - 1])
        return Cell(None)

    def __getitem__(self, key: str) -> Any:
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        if key.isalpha():  # a column: its cells from row 1
            col = column_index_from_string(key)
            return [self.cell(r, col) for r in range(1, self.max_row + 1)]
        letters, row = coordinate_from_string(key)
        return self.cell(row, column_index_from_string(letters))


class Book:
    def __init__(self, sheets: list[tuple[str, list[list[object]]]]) -> None:
        self._sheets = {name: Sheet(name, rows) for name, rows in sheets}
        self.sheetnames = list(self._sheets)

    def __getitem__(self, name: str) -> Sheet:
        return self._sheets[name]


def values(files: list[Path]) -> list[Book]:
    """Each file's values after LibreOffice recalculated it, read without storing a copy (a formula
    that gives an error reads "#ERROR")."""
    answer = office().ask({"values": [str(f) for f in files]})
    return [Book([(name, rows) for name, rows in book]) for book in answer["books"]]


def run_basic(
    workbook: Path, calls: list[dict[str, Any]], *, stub: list[str], replace: dict[str, str]
) -> list[Any]:
    """Run functions of ``workbook``'s VBA project in LibreOffice's Basic (tests/uno_worker.py)."""
    answer = office().ask({"basic": str(workbook), "stub": stub, "replace": replace, "calls": calls})
    results: list[Any] = answer["results"]
    return results


def edit(src: Path, out: Path, steps: list[dict[str, Any]]) -> Path:
    """A clerk's edits (tests/uno_edit.py) applied in LibreOffice, recalculated, stored as .xlsx."""
    office().ask({"edit": str(src), "out": str(out), "steps": steps})
    return out
