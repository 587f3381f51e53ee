"""LibreOffice as a test oracle: recalculate workbooks and render them to PDF.

LibreOffice recalculates xlsx formulas on load only with the profile below (docs/tooling.md);
each process gets its own profile. Tests skip where soffice is missing, and fail instead when
XLGOALS_REQUIRE_SOFFICE=1 (CI), so a missing install is never hidden.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

_profile: Path | None = None


def require_soffice() -> str:
    exe = shutil.which("soffice")
    if exe is None:
        if os.environ.get("XLGOALS_REQUIRE_SOFFICE") == "1":
            pytest.fail(
                "soffice (LibreOffice) is required here (XLGOALS_REQUIRE_SOFFICE=1) but not installed"
            )
        pytest.skip("soffice (LibreOffice) not installed")
    return exe


def missing(what: str) -> None:
    """Skip (locally) or fail (CI, XLGOALS_REQUIRE_SOFFICE=1) a test that needs ``what``."""
    if os.environ.get("XLGOALS_REQUIRE_SOFFICE") == "1":
        pytest.fail(f"{what} is required here (XLGOALS_REQUIRE_SOFFICE=1) but not installed")
    pytest.skip(f"{what} not installed")


def _profile_dir() -> Path:
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="xlgoals-lo-"))
        user = _profile / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
    return _profile


def convert(files: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """``soffice --convert-to fmt`` for all files in one call; returns the output paths."""
    exe = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [
        exe,
        f"-env:UserInstallation={_profile_dir().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    outs = [outdir / f"{f.stem}.{fmt.split(':')[0]}" for f in files]
    missing = [o for o in outs if not o.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {res.stdout}\n{res.stderr}"
    return outs
