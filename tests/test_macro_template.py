"""The macro-enabled template built on Linux: reproducible, our exact VBA, buttons bound to real Subs,
the pinned xlwings module, and a VBA project LibreOffice (an independent reader) imports."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser

from tests.helpers import ROOT, seed_workbook
from xlgoals.excel import buttons
from xlgoals.io.xw import COM_ALLOW
from xlgoals.layout import BUTTONS, XLWINGS_CONF
from xlgoals.protocol import ACTIONS
from xlgoals.template.builder import build_bytes
from xlgoals.template.udf_vba import generate_udf_wrappers
from xlgoals.template.vba_text import generate_text_module
from xlgoals.template.vbaproject import CLIENT_MODULES, VBA_DIR, build_vba_project, module_source

XLSM = ROOT / "workbook_templates" / "绩效目标表.xlsm"
MACROS = VBA_DIR


def _norm(code: str) -> str:
    lines = [
        ln.rstrip() for ln in code.replace("\r\n", "\n").split("\n") if not ln.startswith("Attribute VB_")
    ]
    return "\n".join(lines).strip()


@pytest.fixture(scope="module")
def built() -> bytes:
    return build_bytes(None, macros=True)


@pytest.fixture(scope="module")
def modules(built) -> dict[str, str]:
    vp = VBA_Parser("t.xlsm", data=built)
    return {name: code for (_, _, name, code) in vp.extract_macros()}


def test_build_is_reproducible_and_equals_the_committed_file(built):
    assert build_bytes(None, macros=True) == built
    assert XLSM.read_bytes() == built, "run: ./dev xlgoals template"


def test_the_committed_vba_project_is_what_the_generator_builds():
    """The builder embeds macros/excel/vbaProject.bin (package data: users need no build tools)."""
    assert (MACROS / "vbaProject.bin").read_bytes() == build_vba_project(), "run: ./dev vba"


def test_udf_wrappers_and_client_sentences_are_current():
    assert (MACROS / "udf_wrappers.bas").read_text(encoding="ascii") == generate_udf_wrappers()
    assert (MACROS / "XgStrings.bas").read_text(encoding="ascii") == generate_text_module(), "run: ./dev vba"


def test_vba_sources_are_ascii_only():
    for path in MACROS.glob("*.bas"):
        path.read_bytes().decode("ascii")


def test_olevba_shows_exactly_our_source_and_xlwings_own_module(modules):
    assert set(modules) == {
        "ThisWorkbook.cls", "Sheet1.cls", "Sheet2.cls", "Module1.bas", "xlwings.bas", "Dictionary.cls",
        *CLIENT_MODULES,  # our client of an xlgoals service: no xlwings Remote/Web* modules any more
    }  # fmt: skip
    assert _norm(modules["Module1.bas"]) == _norm(module_source())
    wheel = (Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="utf-8", errors="replace")
    assert _norm(modules["xlwings.bas"]) == _norm(wheel)
    for name in CLIENT_MODULES:
        assert _norm(modules[name]) == _norm((MACROS / name).read_text(encoding="ascii")), name


def test_the_embedded_xlwings_vba_is_the_pinned_version(modules):
    (version,) = re.findall(r'XLWINGS_VERSION As String = "([^"]+)"', modules["xlwings.bas"])
    assert version == xlwings.__version__ == "0.37.8"


def test_every_button_runs_a_sub_that_calls_into_xlgoals_excel_buttons(built, modules):
    with zipfile.ZipFile(io.BytesIO(built)) as zf:
        vml = b"".join(zf.read(n) for n in zf.namelist() if n.endswith(".vml")).decode("utf-8")
    targets = set(re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml))
    assert targets == {macro for _, macro in BUTTONS}
    code = modules["Module1.bas"].replace("\r\n", "\n")
    for macro in targets:
        body = re.search(rf"^Sub {macro}\(\)\n(.*?)^End Sub", code, re.M | re.S)
        assert body, macro
        # With a service URL: that button of the protocol; without: that function in local Python.
        ((action, func),) = re.findall(r'XgRun "(\w+)", "(\w+)"', body.group(1))
        assert callable(getattr(buttons, func)) and action in ACTIONS
    run = re.search(
        r"^Private Sub XgRun\(action As String, button As String\)\n(.*?)^End Sub", code, re.M | re.S
    )
    assert run is not None
    assert 'GetConfig("XLGOALS_SERVICE_URL", "")' in run.group(1)
    assert 'XgServicePress action, url, GetConfig("XLGOALS_TOKEN", "")' in run.group(1)
    assert 'RunPython "import xlgoals.excel.buttons as m; m." & button & "()"' in run.group(1)
    for udf in ("XG_VALUE", "XG_CHECK_VALUE", "XG_CHECK_CODE", "XG_CHECK_PLAN", "XG_TOTAL"):
        assert f"Function {udf}(" in code


def test_xlwings_conf_sheet_has_the_documented_defaults(built):
    wb = openpyxl.load_workbook(io.BytesIO(built), keep_vba=True)
    ws = wb["xlwings.conf"]
    assert ws.sheet_state == "hidden"
    rows = [(r[0], r[1] or "") for r in ws.iter_rows(values_only=True)]
    assert rows == [(k, v) for k, v, _ in XLWINGS_CONF]  # keys contiguous from A1: xlwings stops at a blank
    conf = dict(rows)
    assert conf["ADD_WORKBOOK_TO_PYTHONPATH"] == "False" and conf["UDF Modules"] == "xlgoals.excel.udfs"


def test_annotating_an_xlsm_keeps_its_vba_and_buttons(tmp_path):
    src = tmp_path / "filled.xlsm"
    src.write_bytes(seed_workbook("000", macros=True))
    res = subprocess.run(
        [__import__("sys").executable, "-m", "xlgoals", "check", str(src), "--annotate", str(tmp_path / "ann"), "-q"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert res.returncode == 1, res.stderr
    out = tmp_path / "ann" / "filled.xlsm"
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")
        vml = b"".join(b.read(n) for n in b.namelist() if n.endswith(".vml"))
    assert b"XlGoalsValidate" in vml


@pytest.mark.soffice
def test_libreoffice_imports_every_module_of_the_vba_project(tmp_path):
    from tests import soffice

    (ods,) = soffice.convert([XLSM], "ods", tmp_path)
    with zipfile.ZipFile(ods) as zf:
        listed = zf.read("Basic/VBAProject/script-lb.xml").decode("utf-8")
        module1 = zf.read("Basic/VBAProject/Module1.xml").decode("utf-8")
    for name in (
        "Module1",
        "xlwings",
        "Dictionary",
        "ThisWorkbook",
        "Sheet1",
        "Sheet2",
        "XgClient",
        "XgHost",
        "XgStrings",
    ):
        assert f'library:name="{name}"' in listed
    assert "Sub XlGoalsValidate()" in module1 and "Function XG_CHECK_VALUE(" in module1


def test_the_vba_protects_with_every_option_the_layout_can_name(modules):
    """XgHostProtect reads the options the answer names; each one the layout uses is understood."""
    source = modules["XgHost.bas"]
    for option, argument in COM_ALLOW.items():
        assert f'{argument}:=(InStr(a, ",{option},") > 0)' in source


def test_the_vba_keeps_the_rules_excel_holds_it_to(modules):
    """What broke the old client, checked in the source (the LibreOffice run checks the behaviour):
    no Integer (rows past 32 767), a sheet added at a named place, a note removed before it is added,
    and every write-path error handled."""
    client, host = modules["XgClient.bas"], modules["XgHost.bas"]
    for source in (client, host):
        assert not re.search(r"\bAs Integer\b", source)
    assert "Worksheets.Add(After:=" in host and "Sheets.Add" not in host.replace("Worksheets.Add(After:=", "")
    note = re.search(r"Sub XgHostNote\(.*?End Sub", host, re.S)
    assert note and note.group(0).index("Comment.Delete") < note.group(0).index("AddComment")
    assert "On Error GoTo" in client and "XgHostProtect" in client


def test_the_compound_file_writer_round_trips_through_olefile():
    """template/cfb.py against olefile's reader: small (mini stream) and large streams, nested
    storages, and enough data to need several FAT sectors (where ms-cfb corrupted every stream)."""
    import random

    import olefile

    from xlgoals.template import cfb

    rnd = random.Random(13)
    tree = {
        "PROJECT": b"ID=x\r\n",
        "empty": b"",
        "VBA": {
            f"m{k}": rnd.randbytes(size) for k, size in enumerate([10, 63, 64, 4095, 4096, 9000, 70_000] * 3)
        },
        "deep": {"inner": {"leaf": rnd.randbytes(5000)}},
    }
    data = cfb.write(tree)
    assert len(data) > 128 * 512 * 2  # at least three FAT sectors' worth
    ole = olefile.OleFileIO(data)

    def walk(node, prefix=""):
        for name, value in node.items():
            if isinstance(value, dict):
                yield from walk(value, f"{prefix}{name}/")
            else:
                yield f"{prefix}{name}", value

    for path, value in walk(tree):
        assert ole.openstream(path).read() == value, path
    assert cfb.write(tree) == data
