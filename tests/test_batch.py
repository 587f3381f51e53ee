"""The reviewer's folder: many workbooks plus whatever else landed there."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import run, seed_workbook
from xlgoals.batch import Progress, check_paths
from xlgoals.runcontext import RunContext


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The converted examples in two unit folders, plus junk."""
    root = tmp_path_factory.mktemp("incoming")
    (root / "怀来县").mkdir()
    (root / "昌黎县").mkdir()
    for prefix, sub in (
        ("000", "怀来县"),
        ("004", "怀来县"),
        ("001", "昌黎县"),
        ("002", "昌黎县"),
        ("003", "昌黎县"),
    ):
        (root / sub / f"{prefix}.xlsx").write_bytes(seed_workbook(prefix))
    good = seed_workbook("000")
    (root / "怀来县" / "~$000.xlsx").write_bytes(b"\x07xlgoals" + bytes(155))  # Excel's lock file
    (root / "random.txt").write_bytes(os.urandom(4096))
    (root / "昌黎县" / "truncated.xlsx").write_bytes(good[: len(good) // 3])
    import msoffcrypto.format.ooxml as ooxml

    buf = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(good)).encrypt("1234", buf)
    (root / "password.xlsx").write_bytes(buf.getvalue())
    return root


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_a_folder_with_junk_reports_good_files_and_names_each_bad_one(folder, tmp_path):
    before = _hashes(folder)
    out = tmp_path / "r.json"
    res = run(
        "check",
        str(folder),
        "-j",
        "2",
        "--format",
        "json",
        "-o",
        str(out),
        "--annotate",
        str(tmp_path / "ann"),
    )
    assert res.returncode == 2, (
        res.stderr
    )  # unreadable files outrank errors; the lock file counts for nothing
    assert _hashes(folder) == before  # no input file changed
    data = json.loads(out.read_text(encoding="utf-8"))
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    assert len(by_name) == 9
    for name in ("000.xlsx", "001.xlsx", "002.xlsx", "003.xlsx", "004.xlsx"):
        assert by_name[name]["error"] == "" and by_name[name]["findings"]
    assert "临时锁定文件" in by_name["~$000.xlsx"]["skipped"] and not by_name["~$000.xlsx"]["error"]
    assert by_name["~$000.xlsx"]["status"] == "已跳过"
    assert "二进制" in by_name["random.txt"]["error"]
    assert "损坏" in by_name["truncated.xlsx"]["error"]
    assert "打开密码" in by_name["password.xlsx"]["error"]
    assert data["summary"]["unreadable"] == 3 and data["summary"]["skipped"] == 1
    # --annotate mirrors the input tree.
    assert (tmp_path / "ann" / "怀来县" / "000.xlsx").exists() and (
        tmp_path / "ann" / "昌黎县" / "001.xlsx"
    ).exists()


def test_workers_do_not_change_the_report(folder):
    one = check_paths([folder], RunContext(workers=1), progress=False).report
    two = check_paths([folder], RunContext(workers=2), progress=False).report
    assert one.model_dump() == two.model_dump()
    glob = check_paths([folder], RunContext(workers=1), pattern="0*.xlsx", progress=False).report
    assert sorted(Path(f.path).name for f in glob.files) == [
        "000.xlsx",
        "001.xlsx",
        "002.xlsx",
        "003.xlsx",
        "004.xlsx",
    ]


def test_progress_bar_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = Progress(3, tty, enabled=True)
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        bar.step(name)
    assert "3/3" in tty.getvalue() and "#" in tty.getvalue()
    bar.clear()  # before a report line: the progress line is wiped, the cursor back at column 0
    assert tty.getvalue().endswith("\r") and tty.getvalue().rstrip("\r ").endswith("c.xlsx")
    pipe = io.StringIO()
    bar = Progress(3, pipe, enabled=True)
    bar.step("a.xlsx")
    assert pipe.getvalue() == ""
    quiet = Tty()
    bar = Progress(3, quiet, enabled=False)
    bar.step("a.xlsx")
    assert quiet.getvalue() == ""


def test_xlsx_report_has_a_sheet_per_unit_and_the_overall_sheets(folder, tmp_path):
    out = tmp_path / "report.xlsx"
    res = run("check", str(folder), "-q", "--format", "xlsx", "-o", str(out))
    assert res.returncode == 2
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["文件", "问题"]
    assert "316007 怀来县社会保险事业管理中心" in wb.sheetnames
    assert "816001 怀来县官厅镇人民政府" in wb.sheetnames
    unit = wb["316007 怀来县社会保险事业管理中心"]
    rows = list(unit.iter_rows(min_row=3, values_only=True))
    assert rows and all(r[0].endswith("000.xlsx") for r in rows)
    status = {r[0]: r[2] for r in wb["文件"].iter_rows(min_row=2, values_only=True) if r[1] == "（整个文件）"}
    assert sum(1 for s in status.values() if s == "无法读取") == 3
    assert sum(1 for s in status.values() if s == "已跳过") == 1


def test_lock_file_of_a_single_file_is_exit_2(folder):
    res = run("check", str(folder / "怀来县" / "~$000.xlsx"))
    assert res.returncode == 2 and "临时锁定文件" in res.stdout


def test_a_streamed_run_keeps_counts_and_unreadable_files_only(folder):
    kept = check_paths([folder], RunContext(workers=1), progress=False).report
    seen: list[str] = []
    streamed = check_paths(
        [folder], RunContext(workers=1), progress=False, keep=False, on_result=lambda fr: seen.append(fr.path)
    ).report
    assert seen == [f.path for f in kept.files]  # every result passed on, in input order
    assert streamed.counts() == kept.counts() and streamed.by_rule() == kept.by_rule()
    assert streamed.exit_code() == kept.exit_code() == 2
    assert [f.path for f in streamed.files] == [f.path for f in kept.files if f.error or f.skipped]
    assert all(not f.findings for f in streamed.files)
