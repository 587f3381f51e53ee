"""Generate the VBA wrappers of our worksheet functions on Linux, with xlwings' own generator.

On Windows, xlwings writes these when a user clicks "Import Functions" (which needs "Trust access to
the VBA project object model"). We pre-bake them into Module1 instead: xlwings.udfs is imported with
pywin32 stubbed (docs/tooling.md), in a subprocess so the stubs never leak into anything else.
"""

from __future__ import annotations

import subprocess
import sys

MODULE = "xlgoals.excel.udfs"

_SCRIPT = r"""
import io, sys, types
for n in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    m = types.ModuleType(n)
    m.CoInitialize = lambda: None
    m.com_error = Exception
    m.Dispatch = lambda *a, **k: None
    sys.modules[n] = m
import xlwings as xw
import xlwings.udfs as xu
xw.func, xw.arg, xw.ret = xu.xlfunc, xu.xlarg, xu.xlret
import importlib
mod = importlib.import_module(sys.argv[1])
buf = io.StringIO()
class FakeWb:
    Name = "template.xlsm"
xu.generate_vba_wrapper(sys.argv[1], mod, buf, FakeWb())
sys.stdout.write(buf.getvalue())
"""


def generate_udf_wrappers() -> str:
    res = subprocess.run(
        [sys.executable, "-c", _SCRIPT, MODULE], capture_output=True, text=True, check=True, encoding="utf-8"
    )
    text = res.stdout.replace("\r\n", "\n")
    lines = [ln.rstrip() for ln in text.split("\n")]
    out = "\n".join(lines).strip("\n") + "\n"
    out.encode("ascii")  # VBA stays ASCII-only
    return out
