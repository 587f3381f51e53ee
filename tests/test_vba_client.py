"""The template's VBA client of the service (macros/excel/XgClient.bas), run for real: LibreOffice
opens the macro-enabled workbook and runs the VBA in its Basic (its VBA mode), with Excel's object
model replaced by a recording double (tests/data/XgHostDouble.bas; xlwings' module, which declares
Windows DLLs, is emptied). What the VBA sends is read by the service's own decoder and answered as
the request the Python client sends; what it does with an answer is, call by call, what the
protocol's Python client does (tests/clienthost.py) — and that, applied to the strict Excel double,
is what Excel allows (tests/test_excel.py). Real Excel is the release checklist's (docs/使用说明.md §7).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from xlgoals.macros.python import xlgoals_client

from tests import soffice
from tests.clienthost import RecordingHost, normalized
from tests.excel_double import Book
from tests.helpers import ROOT, seed
from tests.openpyxl_reading import load_for_reading
from xlgoals import layout as L
from xlgoals import protocol
from xlgoals.config import NEARBY
from xlgoals.io.xw import XlwingsHost, grid_from_book
from xlgoals.press import press
from xlgoals.template.builder import build_bytes

pytestmark = pytest.mark.soffice
DOUBLE = (ROOT / "tests" / "data" / "XgHostDouble.bas").read_text(encoding="ascii")
STUB = ["xlwings", "Dictionary", "Module1"]  # Windows DLL declarations; Module1 calls into xlwings
URL = "http://10.1.2.3:8000"


def _reference(path: Path, action: str) -> protocol.Request:
    """The press as the Python client would send it for the workbook at ``path``."""
    grid = grid_from_book(Book.from_xlsx(path))
    sheets = [protocol.Sheet(s.name, s.rows, s.hidden) for s in grid.sheets]
    return protocol.Request(protocol.VERSION, "test", "", action, path.name, sheets)


def _protected(path: Path) -> set[str]:
    return {ws.title for ws in load_for_reading(path).worksheets if ws.protection.sheet}


def _python_log(path: Path, answer: protocol.Answer) -> list[str]:
    host = RecordingHost(_protected(path))
    data = json.loads(protocol.answer_to_json(answer))
    log = [f"post|{URL}/api/press"]
    try:
        message = xlgoals_client.apply(data, host)
        log += host.log + ([f"say|{protocol.escape(message)}"] if message else [])
    except xlgoals_client.ClientError as exc:
        log += [*host.log, f"say|{protocol.escape(str(exc))}"]
    return log


def _vba(path: Path, presses: list[tuple[str, str, str]]) -> list[Any]:
    """Run XgTestPress (action, answer text, HTTP status) for each press, and the last body sent."""
    calls: list[dict[str, Any]] = []
    for action, answer, status in presses:
        calls.append({"module": "XgHost", "function": "XgTestPress", "args": [action, URL, answer, status]})
        calls.append({"module": "XgHost", "function": "XgTestLastBody", "args": []})
    return soffice.run_basic(path, calls, stub=STUB, replace={"XgHost": DOUBLE})


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The macro-enabled template filled with seed 000, the blank one, and 000 without 校验结果."""
    tmp = tmp_path_factory.mktemp("vba")
    out = {}
    for name, doc in (("000", seed("000")), ("blank", None)):
        out[name] = tmp / f"{name}.xlsm"
        out[name].write_bytes(build_bytes(doc, macros=True))
    old = openpyxl.load_workbook(out["000"], keep_vba=True)
    del old[L.RESULTS_SHEET]
    out["old"] = tmp / "old.xlsm"
    old.save(out["old"])
    return out


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("000", "validate"),
        ("blank", "validate"),
        ("old", "validate"),
        ("000", "totals"),
        ("000", "new_project"),
    ],
)
def test_the_vba_sends_the_workbook_and_applies_the_answer_as_the_python_client_does(workbooks, name, action):
    path = workbooks[name]
    answer = press(_reference(path, action), NEARBY)
    assert not answer.error, answer.error
    log, body = _vba(path, [(action, protocol.answer_to_text(answer).decode(), "200")])
    # What the VBA sent is what the Python client sends: the service answers both alike.
    sent = protocol.request_from_text(body.encode("utf-8"))
    assert (sent.client, sent.action, sent.version) == ("excel-vba", action, protocol.VERSION)
    assert [s.name for s in sent.sheets] == [s.name for s in _reference(path, action).sheets]
    assert press(sent, NEARBY).ops == answer.ops
    # What the VBA did with the answer is what the Python client does, call by call.
    assert normalized(log.splitlines()) == normalized(_python_log(path, answer))
    unprotected = {ln.split("|")[1] for ln in log.splitlines() if ln.startswith("unprotect|")}
    assert unprotected == {ln.split("|")[1] for ln in log.splitlines() if ln.startswith("protect|")}


def test_pressing_twice_and_after_a_fix_sends_what_the_sheet_holds(workbooks, tmp_path):
    """The second press of 校验 reads the marks the first recorded (in _xlgoals): its answer clears
    exactly the cells no longer found, as the Python client's second press does."""
    first = press(_reference(workbooks["000"], "validate"), NEARBY)
    book = Book.from_xlsx(workbooks["000"])
    xlgoals_client.apply(json.loads(protocol.answer_to_json(first)), XlwingsHost(book))
    marked = tmp_path / "marked.xlsm"
    _save(book, workbooks["000"], marked)
    second = press(_reference(marked, "validate"), NEARBY)
    log, body = _vba(marked, [("validate", protocol.answer_to_text(second).decode(), "200")])
    assert press(protocol.request_from_text(body.encode()), NEARBY).ops == second.ops
    assert normalized(log.splitlines()) == normalized(_python_log(marked, second))


def test_what_goes_wrong_is_one_sentence_and_the_sheets_are_protected_again(workbooks):
    path = workbooks["000"]
    answer = press(_reference(path, "validate"), NEARBY)
    text = protocol.answer_to_text(answer).decode()
    lines = text.splitlines()
    first_write = next(i for i, ln in enumerate(lines) if ln.startswith("fill\t"))
    unknown = "\n".join([*lines[: first_write + 1], "sparkle\tx", *lines[first_write + 1 :]])
    unprotected_first = next(ln.split("\t")[1] for ln in lines if ln.startswith("unprotect\t"))
    # a write to a sheet the answer did not unprotect: the double raises 1004 as Excel would
    protected_sheet = next(iter(sorted(_protected(path) - {unprotected_first})))
    refused = "\n".join([*lines[:first_write], f"fill\t{protected_sheet}\tA1\tFFC7CE", *lines[first_write:]])
    error = protocol.answer_to_text(protocol.Answer(error="无法完成：工作簿中没有项目表。")).decode()
    results = _vba(
        path,
        [
            ("validate", unknown, "200"),
            ("validate", refused, "200"),
            ("validate", error, "422"),
            ("validate", "", "0"),
            ("validate", "<html>Bad Gateway</html>", "502"),
        ],
    )
    logs = [r.splitlines() for r in results[0::2]]
    for log in logs[:2]:  # one unprotected sheet, protected again, then one sentence
        assert log[1] == f"unprotect|{unprotected_first}" and any(
            ln.startswith(f"protect|{unprotected_first}|") for ln in log
        )
        assert log[-1].startswith("say|") and len([ln for ln in log if ln.startswith("say|")]) == 1
    assert "此模板不认识" in logs[0][-1]
    assert "未能完成操作" in logs[1][-1] and "protected sheet" in logs[1][-1]
    assert logs[2] == [f"post|{URL}/api/press", "say|无法完成：工作簿中没有项目表。"]
    assert logs[3] == [
        f"post|{URL}/api/press",
        f"say|无法连接校验服务 {URL}：请检查网络，或联系财政局信息科。",
    ]
    assert logs[4][-1].startswith("say|校验服务出错（状态 502）")


def test_the_encoding_of_every_kind_of_value(workbooks):
    """The edges the xlwings VBA client got wrong: long digit strings (a code with a leading zero),
    tabs, newlines and backslashes in text, numbers of every size, booleans, error values."""
    cases = [
        ("s", "0123456789012345678901234", "0123456789012345678901234"),
        ("s", "1e5", "1e5"),
        ("s", "a\tb\\n\nc\r", "a\tb\\n\nc\r"),
        ("n", "0.1", 0.1),
        ("n", "-2.5", -2.5),
        ("n", "1E+20", 1e20),
        ("l", "2147483647", 2147483647.0),
        ("b", "1", True),
        ("e", "2042", "#N/A"),
        ("e", "2007", "#DIV/0!"),
        ("x", "", None),
    ]
    calls = [{"module": "XgHost", "function": "XgTestTyped", "args": [k, v]} for k, v, _ in cases]
    calls.append(
        {"module": "XgHost", "function": "XgTestUnescape", "args": [protocol.escape("a\tb\\c\nd\\t")]}
    )
    results = soffice.run_basic(workbooks["blank"], calls, stub=STUB, replace={"XgHost": DOUBLE})
    for (_kind, _value, expected), field in zip(cases, results[:-1], strict=True):
        assert protocol._untyped(field, "test") == expected, (field, expected)
    assert results[-1] == "a\tb\\c\nd\\t"


def _save(book: Book, source: Path, out: Path) -> None:
    """The double's marks (values, fills, notes) written into a copy of ``source`` (its VBA kept)."""
    wb = openpyxl.load_workbook(source, keep_vba=True)
    for sheet in book.sheet_list:
        if sheet.name not in wb.sheetnames:
            continue
        ws = wb[sheet.name]
        for (r, c), cell in sheet.cells.items():
            target = ws.cell(r, c)
            if type(target).__name__ == "MergedCell":
                continue
            target.value = cell.formula or cell.value
            target.fill = (
                PatternFill("solid", start_color=cell.fill) if cell.fill else PatternFill(fill_type=None)
            )
            target.comment = Comment(cell.note, "xlgoals") if cell.note else None
    wb.save(out)
