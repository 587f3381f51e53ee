"""The same 项目编码 in two units' workbooks: one finding per place naming every file (CODE-005),
in every report and on the 汇总, and nothing when a file is checked on its own."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import run, seed, seed_workbook
from xlgoals.batch import check_paths
from xlgoals.config import ConfigPolicy
from xlgoals.crossfile import ACROSS_FILES
from xlgoals.runcontext import RunContext
from xlgoals.template.builder import build_bytes


@pytest.fixture
def two_units(tmp_path: Path) -> Path:
    """单位B resubmitted 单位A's workbook with one project renamed; 002 is another county's."""
    root = tmp_path / "收到的表"
    root.mkdir()
    (root / "单位A.xlsx").write_bytes(seed_workbook("000"))
    other = seed("000").model_copy(deep=True)
    other.tables = other.tables[:2]
    (root / "单位B.xlsx").write_bytes(build_bytes(other))
    (root / "002.xlsx").write_bytes(seed_workbook("002"))
    return root


def test_check_names_every_file_a_code_is_in(two_units: Path) -> None:
    done = run("check", str(two_units), "--format", "json", "-q")
    report = json.loads(done.stdout)
    across = [f for f in report["files"] if f["path"] == ACROSS_FILES]
    assert len(across) == 1
    findings = across[0]["findings"]
    codes = {seed("000").tables[k].project_code for k in (0, 1)}
    assert {f["code"] for f in findings} == {"CODE-005"}
    assert len(findings) == 4  # two codes, each in two files: a finding at each place
    for f in findings:
        assert "单位A.xlsx" in f["message"] and "单位B.xlsx" in f["message"]
        assert any(c in f["message"] for c in codes)
        assert f["location"]["cell"] and f["location"]["file"].endswith(("单位A.xlsx", "单位B.xlsx"))
    assert report["summary"]["files"] == 3  # the checks across files are not a file
    assert report["summary"]["by_rule"]["CODE-005"] == 4
    text = run("check", str(two_units), "-q").stdout
    assert ACROSS_FILES in text and "CODE-005" in text


def test_one_file_alone_has_nothing_across_files(two_units: Path) -> None:
    batch = check_paths([two_units / "单位A.xlsx"], progress=False)
    assert all(f.path != ACROSS_FILES for f in batch.report.files)
    assert not batch.repeated
    assert "CODE-005" not in batch.report.by_rule()


def test_ignore_turns_it_off(two_units: Path) -> None:
    batch = check_paths(
        [two_units], RunContext(ConfigPolicy.load(overrides={"ignore": "CODE-005"})), progress=False
    )
    assert not batch.repeated and "CODE-005" not in batch.report.by_rule()


def test_summary_flags_every_row_of_a_repeated_code(two_units: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    done = run("summary", str(two_units), "-o", str(out), "-q")
    assert done.returncode in (0, 1), done.stderr
    assert "2 个项目编码在多个文件中出现" in done.stdout
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert "2 个项目编码在多个文件中出现（共 4 行" in ws["A2"].value
    rows = [r for r in ws.iter_rows(values_only=True) if r[1] and str(r[1]).startswith("130")]
    codes = {seed("000").tables[k].project_code for k in (0, 1)}
    flagged = [r for r in rows if any("CODE-005" in str(v) for v in r if v)]
    assert len(flagged) == 4 and {r[1] for r in flagged} == codes
    assert all(r[1] not in codes for r in rows if r not in flagged)


def test_a_run_keeps_little_of_each_table_and_builds_only_the_repeated_ones() -> None:
    """Memory of a run stays flat in its size: what the checks across files keep of a table is a few
    hundred bytes (not its model), and only tables whose code is in several files are rebuilt."""
    import tracemalloc

    from xlgoals.config import Config
    from xlgoals.crossfile import CrossFile
    from xlgoals.findings import FileResult, ProjectRef
    from xlgoals.model import Location

    def result(k: int) -> FileResult:
        refs = [
            ProjectRef(
                table=t,
                code=f"13073024P0004741{k:04d}{t}",
                name="乡村振兴衔接资金项目（第二批）",
                unit_code="301001",
                unit_name="某某县农业农村局",
                location=Location(sheet=f"项目{t}", cell="B3"),
            )
            for t in (1, 2, 3)
        ]
        return FileResult(path=f"单位{k:04d}.xlsx", projects=refs)

    across = CrossFile()
    tracemalloc.start()
    try:
        for k in range(1000):  # each result arrives from a worker, is added, and is dropped
            across.add(result(k))
        across.add(result(7).model_copy(update={"path": "重复提交.xlsx"}))  # one unit sent twice
        kept = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        found = across.result(Config())
        extra = tracemalloc.get_traced_memory()[1] - kept
    finally:
        tracemalloc.stop()
    assert kept / 3003 < 800  # bytes per table (the ProjectRef itself is ~3 KB)
    assert extra / 3003 < 500  # six tables built for the three repeated codes, not 3 003 (~6 KB each)
    assert found is not None and {f.code for f in found.findings} == {"CODE-005"}
    assert len(found.findings) == 6 and across.repeated == {f"13073024P00047410007{t}" for t in (1, 2, 3)}
    assert {f.location.file for f in found.findings if f.location} == {"单位0007.xlsx", "重复提交.xlsx"}
