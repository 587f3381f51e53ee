"""An installed xlgoals (a wheel, not this checkout) carries the client-side code of ``macros/`` and
builds from it exactly what the checkout builds: the macro-enabled template and the WPS add-in."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT
from xlgoals.wps.package import build_package

PROBE = """
import hashlib, sys
from pathlib import Path
import xlgoals, xlgoals.macros
from xlgoals.template.builder import build_bytes
from xlgoals.wps.package import build_package
target = Path(sys.argv[1])
assert Path(xlgoals.__file__).is_relative_to(target), xlgoals.__file__
assert Path(xlgoals.macros.__file__).is_relative_to(target), xlgoals.macros.__file__
print(hashlib.sha256(build_bytes(None, macros=True)).hexdigest())
print(hashlib.sha256(build_package("http://10.1.2.3:8000")).hexdigest())
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from this checkout, installed into a folder of its own."""
    tmp = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist")],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    (wheel,) = (tmp / "dist").glob("xlgoals-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    shipped = {f"xlgoals/macros/{p.relative_to(ROOT / 'macros').as_posix()}" for p in (ROOT / "macros").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}  # fmt: skip
    assert shipped <= names, sorted(shipped - names)
    subprocess.run([*pip, "install", "--no-deps", "--target", str(tmp / "site"), str(wheel)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    return tmp / "site"


def test_an_installed_wheel_builds_the_same_template_and_addin(installed: Path) -> None:
    import hashlib

    res = subprocess.run(
        [sys.executable, "-c", PROBE, str(installed)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=installed,  # not the checkout: nothing may come from it
        env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"},
    )
    assert res.returncode == 0, res.stderr
    template, addin = res.stdout.split()
    committed = (ROOT / "workbook_templates" / "绩效目标表.xlsm").read_bytes()
    assert template == hashlib.sha256(committed).hexdigest()
    assert addin == hashlib.sha256(build_package("http://10.1.2.3:8000")).hexdigest()
