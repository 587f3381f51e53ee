"""校验 in LibreOffice Calc, proven end to end in the real program: the extension built by
``xlgoals libreoffice-addin`` is installed into a LibreOffice of its own (its Extension Manager, a
fresh profile), a workbook is opened and its buttons are dispatched as a click dispatches them,
against the real ``xlgoals serve``. What the workbook then holds — fills, notes, 校验结果 and its
links, protection — is what Excel's buttons leave on the strict Excel double, press after press.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw

from tests import soffice
from tests.excel_double import Book
from tests.helpers import ROOT, seed_workbook
from tests.live import running_service
from tests.openpyxl_reading import load_for_reading
from xlgoals import layout as L
from xlgoals.excel import buttons
from xlgoals.libreoffice.package import build_extension, extension_files
from xlgoals.template.builder import build_bytes

pytestmark = pytest.mark.soffice
SAT_SHEET = "1 城乡居民养老保险县级配套"
MARKS = set(L.MARK_FILLS.values())


@pytest.fixture(scope="module")
def calc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Path]]:
    """(service URL, a LibreOffice with the extension for that service installed, its message log)."""
    soffice.require_uno()
    tmp = tmp_path_factory.mktemp("lo-addin")
    with running_service(tmp / "service", "--workers", "2") as url:
        oxt = tmp / "xlgoals.oxt"  # as a clerk gets it: the link on the service's page
        with urllib.request.urlopen(url + "/libreoffice/xlgoals.oxt", timeout=60) as r:
            assert "xlgoals.oxt" in r.headers["Content-Disposition"]
            oxt.write_bytes(r.read())
        assert oxt.read_bytes() == build_extension(url)  # the service's address built in
        log = tmp / "messages.log"
        office = soffice.office("extension", env={"XLGOALS_MESSAGE_LOG": str(log)})
        office.ask({"install": str(oxt)})
        yield url, office, log


def _messages(log: Path) -> list[str]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.write_text("", encoding="utf-8")
    return lines


def _session(office: Any, path: Path, steps: list[dict[str, Any]]) -> list[Any]:
    results: list[Any] = office.ask({"session": str(path), "steps": steps})["results"]
    return results


def _marks(path: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(sheet, cell) → (fill, note) of every cell 校验 marked, as a workbook file holds them."""
    wb = load_for_reading(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                rgb = (
                    str(c.fill.start_color.rgb)[-6:].upper()
                    if c.fill is not None and c.fill.fill_type == "solid"
                    else ""
                )
                if rgb in MARKS or (c.comment is not None and "xlgoals" in c.comment.text):
                    out[(ws.title, c.coordinate)] = (rgb, c.comment.text.strip() if c.comment else None)
    return out


def _double_marks(book: Book) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {
        k: (fill or "", note.strip() if note else None)
        for k, (fill, note) in book.marks().items()
        if fill in MARKS or note
    }


def _results(path: Path) -> list[tuple[Any, ...]]:
    ws = load_for_reading(path)[L.RESULTS_SHEET]
    return [tuple(c.value for c in row[:6]) for row in ws.iter_rows() if any(c.value for c in row[:6])]


def _links(path: Path) -> list[str]:
    ws = load_for_reading(path)[L.RESULTS_SHEET]
    return [c.hyperlink.location for c in ws["D"] if c.hyperlink is not None]


def _protection(path: Path) -> dict[str, tuple[bool, bool, bool]]:
    """Each sheet's (protected, rows may be inserted, rows may be deleted)."""
    wb = load_for_reading(path)
    return {
        ws.title: (bool(ws.protection.sheet), not ws.protection.insertRows, not ws.protection.deleteRows)
        for ws in wb.worksheets
    }


def test_the_extension_is_reproducible_and_carries_the_address() -> None:
    a = build_extension("http://10.1.2.3:8000/")
    assert a == build_extension("http://10.1.2.3:8000")
    files = extension_files("http://10.1.2.3:8000")
    assert json.loads(files["settings.json"])["url"] == "http://10.1.2.3:8000"
    assert b"@VERSION@" not in files["description.xml"]
    addons = files["Addons.xcu"].decode("utf-8")
    for action, title in (
        ("validate", "校验"),
        ("totals", "汇总"),
        ("export", "导出"),
        ("new_project", "新增项目"),
    ):
        assert f"vnd.xlgoals:{action}" in addons and f'<value xml:lang="zh-CN">{title}</value>' in addons
    assert files["xlgoals_client.py"] == (ROOT / "macros" / "python" / "xlgoals_client.py").read_bytes()


def test_the_toolbar_is_there_with_its_four_buttons(calc, tmp_path) -> None:
    _url, office, _log = calc
    path = tmp_path / "blank.xlsx"
    path.write_bytes(build_bytes(None))
    (toolbar,) = _session(office, path, [{"toolbar": "org.xlgoals.libreoffice.toolbar"}])
    assert toolbar["exists"]
    assert toolbar["name"] == "绩效目标" and toolbar["docked"]  # not a floating "Add-On 1"
    assert toolbar["items"] == [
        [f"vnd.xlgoals:{action}", title]
        for action, title in (
            ("validate", "校验"),
            ("totals", "汇总"),
            ("export", "导出"),
            ("new_project", "新增项目"),
        )
    ]


def test_press_fix_press_and_new_project_as_excel_does(calc, tmp_path, monkeypatch) -> None:
    """校验, 校验 again, fix a cell and 校验, 新增项目 and 校验: after each press the workbook holds the
    marks, the 校验结果 rows and links and the protection Excel's buttons leave."""
    _url, office, log = calc
    _messages(log)
    path = tmp_path / "000.xlsx"
    path.write_bytes(seed_workbook("000"))
    outs = [tmp_path / f"after{k}.xlsx" for k in range(4)]
    fix = {"set": SAT_SHEET, "cells": {"F15": "≥90%"}}
    _session(office, path, [
        {"dispatch": "vnd.xlgoals:validate"}, {"store": str(outs[0])},
        {"dispatch": "vnd.xlgoals:validate"}, {"store": str(outs[1])},
        fix, {"dispatch": "vnd.xlgoals:validate"}, {"store": str(outs[2])},
        {"dispatch": "vnd.xlgoals:new_project"}, {"dispatch": "vnd.xlgoals:validate"}, {"store": str(outs[3])},
    ])  # fmt: skip
    said = _messages(log)
    assert (
        len(said) == 5
        and said[0].startswith("发现 ")
        and said[3] == "已新增项目表『项目7』，并已加入『项目清单』。"
    )

    book = Book.from_xlsx(path)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    buttons.validate_button()
    assert _marks(outs[0]) == _double_marks(book) and (SAT_SHEET, "F15") in _marks(outs[0])
    assert _results(outs[0])[1:] == [tuple(r) for r in _double_results(book)]
    assert _links(outs[0])[0] == book.sheets[L.RESULTS_SHEET].cell(2, L.RESULTS.link_column).link
    assert _marks(outs[1]) == _marks(outs[0]) and _results(outs[1]) == _results(outs[0])  # twice = once
    book.sheets[SAT_SHEET].api.Unprotect()
    book.sheets[SAT_SHEET]["F15"].value = "≥90%"
    book.sheets[SAT_SHEET].api.Protect(
        DrawingObjects=True, Contents=True, AllowInsertingRows=True, AllowDeletingRows=True
    )
    buttons.validate_button()
    assert (SAT_SHEET, "F15") not in _marks(outs[2]) and _marks(outs[2]) == _double_marks(book)
    buttons.new_project_button()
    buttons.validate_button()
    assert _marks(outs[3]) == _double_marks(book) and any(s == "项目7" for s, _ in _marks(outs[3]))
    before, after = _protection(path), _protection(outs[3])
    for sheet, state in before.items():
        assert after[sheet] == state, sheet  # protected again, rows still insertable where they were
    assert after["项目7"] == before[SAT_SHEET]


def _double_results(book: Book) -> list[list[Any]]:
    ws = book.sheets[L.RESULTS_SHEET]
    rows = []
    r = 2
    while ws.cell(r, 1).value:
        rows.append([ws.cell(r, c).value for c in range(1, 7)])
        r += 1
    return rows


def test_export_writes_beside_the_workbook_and_totals_beside_the_list(calc, tmp_path) -> None:
    _url, office, log = calc
    _messages(log)
    path = tmp_path / "001.xlsx"
    path.write_bytes(seed_workbook("001"))
    out = tmp_path / "totals.xlsx"
    _session(
        office,
        path,
        [{"dispatch": "vnd.xlgoals:export"}, {"dispatch": "vnd.xlgoals:totals"}, {"store": str(out)}],
    )
    said = _messages(log)
    assert said[0].startswith("已导出") and "44 个项目" in said[1]
    for suffix in (".json", ".docx", ".csv"):
        assert (tmp_path / f"001{suffix}").stat().st_size > 0
    ws = openpyxl.load_workbook(out)[L.LIST_SHEET]
    assert ws.cell(L.LIST.header_row + 1 + 44, L.LIST_TOTALS_COLUMN).value == "合计"


def test_with_the_service_down_one_sentence_and_nothing_changes(calc, tmp_path) -> None:
    """The workbook names a service that does not answer (its xlwings.conf sheet overrides the
    extension's address): one sentence, no mark, every sheet still protected."""
    _url, office, log = calc
    _messages(log)
    path = tmp_path / "000.xlsm"
    path.write_bytes(seed_workbook("000", macros=True))
    wb = openpyxl.load_workbook(path, keep_vba=True)
    conf = wb[L.XLWINGS_CONF_SHEET]
    row = next(r for r in range(1, conf.max_row + 1) if conf.cell(r, 1).value == "XLGOALS_SERVICE_URL")
    conf.cell(row, 2).value = "http://127.0.0.1:9"
    wb.save(path)
    out = tmp_path / "after.xlsx"
    _session(office, path, [{"dispatch": "vnd.xlgoals:validate"}, {"store": str(out)}])
    assert _messages(log) == ["无法连接校验服务 http://127.0.0.1:9：请检查网络，或联系财政局信息科。"]
    assert not _marks(out)
    assert {k: v[0] for k, v in _protection(out).items()} == {k: v[0] for k, v in _protection(path).items()}


def test_the_marked_sheet_renders(calc, tmp_path) -> None:
    """The marked sheet on paper (PDF → PNG): XLGOALS_UPDATE_SCREENSHOTS=1 keeps the picture for the guide."""
    _url, office, log = calc
    path = tmp_path / "000.xlsx"
    path.write_bytes(seed_workbook("000"))
    out = tmp_path / "marked.xlsx"
    _session(office, path, [{"dispatch": "vnd.xlgoals:validate"}, {"store": str(out)}])
    _messages(log)
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        if ws.title != SAT_SHEET:
            ws.sheet_state = "hidden"
    wb.active = wb.sheetnames.index(SAT_SHEET)
    one = tmp_path / "one.xlsx"
    wb.save(one)
    (pdf,) = soffice.convert([one], "pdf", tmp_path / "pdf")
    if shutil.which("pdftoppm") is None:
        soffice.missing("pdftoppm (poppler-utils)")
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    (png,) = tmp_path.glob("page*.png")
    assert png.stat().st_size > 10_000
    if os.environ.get("XLGOALS_UPDATE_SCREENSHOTS") == "1":
        shutil.copy(png, ROOT / "docs" / "images" / "libreoffice-marked.png")
