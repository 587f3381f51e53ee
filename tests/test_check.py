"""``xlgoals check`` end to end: the issue's findings on the seeds, outputs, config, annotation."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import ROOT, SEEDS, run, same_findings, seed, seed_workbook
from xlgoals import layout as L
from xlgoals.check import check_document
from xlgoals.rules.registry import REGISTRY
from xlgoals.template.builder import build_bytes

SNAPSHOT = Path(__file__).parent / "data" / "findings_snapshot.json"


def test_every_rule_is_documented_and_coded_by_its_family():
    import re

    for r in REGISTRY.values():
        d = r.doc
        assert all((r.slug, d.title, d.what, d.why, d.bad, d.good, d.fix)), r.code
        assert re.fullmatch(rf"{r.family.code}-\d{{3}}", r.code), r.code


def test_rules_command():
    res = run("rules")
    assert (
        res.returncode == 0 and res.stdout.count("\n") == 1 + len(REGISTRY) + 1 and "COST-004" in res.stdout
    )
    one = run("rules", "COST-002")
    assert one.returncode == 0 and "成本指标金额超过预算数" in one.stdout and "修改：" in one.stdout
    bad = run("rules", "NOPE-1")
    assert bad.returncode == 2 and "没有规则" in bad.stderr


def _by_code(findings, code):
    return [f for f in findings if f.code == code]


def test_seed_000_findings_named_in_the_issue():
    found = check_document(seed("000"))
    (doc1,) = _by_code(found, "DOC-001")
    assert "涉及项目5个" in doc1.message and "列出6项" in doc1.message and doc1.location.line == 6
    (sat,) = _by_code(found, "SAT-001")
    assert "≥1.9" in sat.message and sat.location.line == 102
    for code in ("VAL-006", "TIME-001"):
        (f,) = _by_code(found, code)
        assert "≤12个月" in f.message and f.location.line == 371
    cost4 = _by_code(found, "COST-004")
    assert {f.location.line for f in cost4} == {468, 558}
    assert any("人均补助标准" in f.message and "≤350万" in f.message for f in cost4)


def test_seed_000_workbook_gives_the_same_findings_at_cells(tmp_path):
    path = tmp_path / "000.xlsx"
    path.write_bytes(seed_workbook("000"))
    from xlgoals.check import check_file

    result, doc = check_file(path)
    assert doc is not None
    # the same findings; the workbook's name a project by its sheet, the text's by its position
    assert same_findings(doc, list(result.findings)) == same_findings(seed("000"))
    (sat,) = _by_code(result.findings, "SAT-001")
    assert str(sat.location) == "'1 城乡居民养老保险县级配套'!F15"
    (doc1,) = _by_code(result.findings, "DOC-001")
    assert doc1.location.sheet == L.DOCUMENT_SHEET
    # another project is named as the clerk sees it: by its sheet, wherever that sheet stands
    copied = next(f for f in _by_code(result.findings, "IND-007") if f.location.cell == "D13")
    assert "工作表“2 企业养老保险县级配套”" in copied.message, copied.message


def test_seed_004_and_001_findings_named_in_the_issue():
    f4 = check_document(seed("004"))
    assert len(_by_code(f4, "GOAL-001")) == 9
    assert all("目标内容1" in f.message for f in _by_code(f4, "GOAL-001"))
    assert _by_code(f4, "VAL-001") and any("≥95百分比" in f.message for f in _by_code(f4, "VAL-001"))
    assert len(_by_code(f4, "VAL-002")) == 9
    f1 = check_document(seed("001"))
    (cost2,) = _by_code(f1, "COST-002")
    assert "≤936.24万元" in cost2.message and "935.11" in cost2.message
    val9 = _by_code(f1, "VAL-009")
    assert len(val9) == 7 and not any("受害面积" in f.message for f in val9)


def test_exit_codes_and_text_report(tmp_path):
    res = run("check", str(SEEDS["000"]))
    assert res.returncode == 1
    assert "第102行" in res.stdout and "SAT-001" in res.stdout and "→ " in res.stdout
    assert res.stdout.strip().splitlines()[-1].startswith("汇总：1 个文件")
    clean = run("check", str(SEEDS["000"]), "--select", "IND-001")
    assert clean.returncode == 0
    bad = tmp_path / "bad.xlsx"
    bad.write_text("x", encoding="utf-8")
    unreadable = run("check", str(bad))
    assert (
        unreadable.returncode == 2
        and "无法读取" in unreadable.stdout
        and "Traceback" not in unreadable.stderr
    )


def test_folders_are_searched_and_json_report_is_versioned(tmp_path):
    out = tmp_path / "r.json"
    res = run("check", str(ROOT / "examples"), "--format", "json", "-o", str(out))
    assert res.returncode == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "xlgoals.report" and data["version"] == 1
    assert data["summary"]["files"] == 5 and data["summary"]["by_rule"]["GOAL-001"] == 9
    first = next(f for f in data["files"] if f["path"].endswith(SEEDS["000"].name))
    sat = next(x for x in first["findings"] if x["code"] == "SAT-001")
    assert sat["location"]["line"] == 102 and sat["severity"] == "error" and sat["hint"]


def test_a_json_report_entry_is_its_file_as_data_one_finding_a_line():
    """Each file of the JSON report (``report.file_json``) reads back as ``file_dict`` — with findings,
    and without (an unreadable file) — and each finding takes one line of the file."""
    from xlgoals.findings import FileResult
    from xlgoals.report import file_dict, file_json

    doc = seed("000")
    found = FileResult(path="000.txt", tables=[(t.index, t.label) for t in doc.tables])
    found.findings = check_document(doc)
    unreadable = FileResult(path="坏.xlsx", error="坏.xlsx：工作簿已损坏。")
    for fr in (found, unreadable):
        text = file_json(fr)
        assert json.loads(text) == file_dict(fr)
        lines = [line for line in text.splitlines() if line.lstrip().startswith('{"code"')]
        assert [json.loads(line.rstrip(",")) for line in lines] == file_dict(fr)["findings"]
    assert len(found.findings) > 20


def test_xlsx_report_has_a_row_per_table_and_links_per_finding(tmp_path):
    wbp = tmp_path / "000.xlsx"
    wbp.write_bytes(seed_workbook("000"))
    out = tmp_path / "report.xlsx"
    res = run("check", str(wbp), str(SEEDS["002"]), "--format", "xlsx", "-o", str(out))
    assert res.returncode == 1, res.stderr
    wb = openpyxl.load_workbook(out)
    files = wb["文件"]
    assert files.max_row == 1 + 2 + 6 + 7
    issues = wb["问题"]
    sat = next(r for r in issues.iter_rows(min_row=2) if r[4].value == "SAT-001")
    link = sat[2].hyperlink
    assert link.target == "000.xlsx" and link.location == "'1 城乡居民养老保险县级配套'!F15"
    assert sat[5].value.startswith("满意度指标值“≥1.9”")


def test_configuration_sources(tmp_path):
    wbp = tmp_path / "units" / "000.xlsx"
    wbp.parent.mkdir()
    wbp.write_bytes(seed_workbook("000"))

    def codes(*extra: str) -> set[str]:
        res = run("check", str(wbp), "--format", "json", *extra, cwd=tmp_path)
        return {f["code"] for f in json.loads(res.stdout)["files"][0]["findings"]}

    assert "SAT-001" in codes()
    (tmp_path / "pyproject.toml").write_text('[tool.xlgoals]\nignore = ["SAT"]\n', encoding="utf-8")
    assert "SAT-001" not in codes() and "DOC-001" in codes()
    (wbp.parent / "xlgoals.toml").write_text('ignore = ["DOC"]\n', encoding="utf-8")
    assert "DOC-001" not in codes() and "SAT-001" in codes()  # the nearer file replaces the list
    wb = openpyxl.load_workbook(wbp)
    ws = wb[L.CONFIG_SHEET]
    ws.append(["ignore", "DOC,COST"])
    ws.append(["severity.VAL-006", "error"])
    wb.save(wbp)
    res = json.loads(run("check", str(wbp), "--format", "json", cwd=tmp_path).stdout)
    found = {f["code"]: f["severity"] for f in res["files"][0]["findings"]}
    assert "COST-004" not in found and found["VAL-006"] == "error"
    explicit = tmp_path / "reviewer.toml"
    explicit.write_text('ignore = []\n[severity]\n"VAL-006" = "info"\n', encoding="utf-8")
    res = json.loads(
        run("check", str(wbp), "--format", "json", "--config", str(explicit), cwd=tmp_path).stdout
    )
    found = {f["code"]: f["severity"] for f in res["files"][0]["findings"]}
    assert "COST-004" in found and found["VAL-006"] == "info"  # the reviewer's --config wins
    explicit.write_text("satisfaction_min = '很高'\n", encoding="utf-8")
    bad = run("check", str(wbp), "--config", str(explicit), cwd=tmp_path)
    assert bad.returncode == 2 and "satisfaction_min" in bad.stdout + bad.stderr


def test_a_config_file_that_is_not_text_or_cannot_be_followed_is_one_sentence(tmp_path):
    src = tmp_path / "000.txt"
    src.write_bytes(SEEDS["000"].read_bytes())
    workbook = tmp_path / "a.xlsx"
    workbook.write_bytes(build_bytes(None))
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    for config, said in (
        (workbook, "不是 UTF-8 编码的文本"),
        (tmp_path / "loop.toml", "符号链接形成了循环"),
        (tmp_path, "应是一个文件"),
    ):
        res = run("check", str(src), "--config", str(config))
        assert res.returncode == 2 and said in res.stderr and "Traceback" not in res.stderr, res.stderr
    (tmp_path / "xlgoals.toml").write_text("ignore = [SAT]\n", encoding="utf-8")
    res = run("check", str(src))
    said = (
        res.stdout + res.stderr
    )  # a file found near the input: that input is unreadable, said in the report
    assert res.returncode == 2 and "第 1 行" in said and "Invalid" not in said, said


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_annotate_marks_a_copy_and_never_the_original(tmp_path):
    src = tmp_path / "in" / "000.xlsx"
    src.parent.mkdir()
    src.write_bytes(seed_workbook("000"))
    before = _sha(src)
    res = run("check", str(src), "--annotate", str(tmp_path / "out"))
    assert res.returncode == 1
    assert _sha(src) == before
    out = tmp_path / "out" / "000.xlsx"
    wb = openpyxl.load_workbook(out)
    cell = wb["1 城乡居民养老保险县级配套"]["F15"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "SAT-001" in cell.comment.text and "≥1.9" in cell.comment.text
    results = wb[L.RESULTS_SHEET]
    rows = list(results.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(check_document(seed("000")))
    sat = next(r for r in results.iter_rows(min_row=2) if r[1].value == "SAT-001")
    assert sat[3].hyperlink.location == "'1 城乡居民养老保险县级配套'!F15"
    # Annotating the annotated copy again replaces the marks instead of piling them up.
    again = run("check", str(out), "--annotate", str(tmp_path / "again"), "--select", "SAT")
    assert again.returncode == 1
    wb2 = openpyxl.load_workbook(tmp_path / "again" / "000.xlsx")
    assert wb2["1 城乡居民养老保险县级配套"]["F15"].comment.text.count("SAT-001") == 1
    assert wb2["1 城乡居民养老保险县级配套"]["F10"].comment is None  # VAL-005's mark is cleared
    assert wb2[L.RESULTS_SHEET].max_row == 2


def test_an_annotated_copy_never_replaces_a_file_it_did_not_write(tmp_path):
    """check pair.txt --annotate <its own folder> used to replace an unrelated pair.xlsx there; and
    pair.txt and pair.xlsx checked together wrote one copy over the other."""
    folder = tmp_path / "单位"
    folder.mkdir()
    (folder / "pair.txt").write_bytes(SEEDS["000"].read_bytes())
    precious = folder / "pair.xlsx"
    precious.write_bytes(b"a clerk's own file")
    res = run("check", str(folder / "pair.txt"), "-q", "--annotate", str(folder))
    assert res.returncode == 1 and precious.read_bytes() == b"a clerk's own file"
    copy = folder / "pair（标注）.xlsx"
    assert "SAT-001" in openpyxl.load_workbook(copy)["1 城乡居民养老保险县级配套"]["F15"].comment.text
    assert f"标注副本：{copy}（同名文件已存在且不是 xlgoals 写的标注副本" in res.stdout
    again = run("check", str(folder / "pair.txt"), "-q", "--annotate", str(folder))  # its own copy: replaced
    assert sorted(p.name for p in folder.iterdir()) == ["pair.txt", "pair.xlsx", "pair（标注）.xlsx"]
    assert again.returncode == 1 and precious.read_bytes() == b"a clerk's own file"
    both_in = tmp_path / "both"  # both checked: one copy each, neither lost
    both_in.mkdir()
    (both_in / "pair.txt").write_bytes(SEEDS["000"].read_bytes())
    (both_in / "pair.xlsx").write_bytes(seed_workbook("001"))
    both = run("check", str(both_in), "-q", "--select", "SAT", "--annotate", str(tmp_path / "out"))
    assert both.returncode == 1
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["pair.xlsx", "pair（标注）.xlsx"]
    sources = {
        openpyxl.load_workbook(p, read_only=True).custom_doc_props["xlgoals-annotated"].value
        for p in out.iterdir()
    }
    assert sources == {"pair.txt", "pair.xlsx"}


def test_annotate_a_published_text_converts_it_first(tmp_path):
    res = run("check", str(SEEDS["000"]), "--annotate", str(tmp_path))
    assert res.returncode == 1
    wb = openpyxl.load_workbook(tmp_path / f"{SEEDS['000'].stem}.xlsx")
    assert "SAT-001" in wb["1 城乡居民养老保险县级配套"]["F15"].comment.text


def test_annotate_refuses_to_write_over_the_original(tmp_path):
    src = tmp_path / "000.xlsx"
    src.write_bytes(seed_workbook("000"))
    before = _sha(src)
    res = run("check", str(src), "--annotate", str(tmp_path))
    assert res.returncode == 2 and "会覆盖原文件" in res.stderr
    assert _sha(src) == before


@pytest.mark.soffice
def test_annotated_copy_opens_in_libreoffice_with_fills_notes_and_links(tmp_path):
    from tests import soffice

    src = tmp_path / "000.xlsx"
    src.write_bytes(seed_workbook("000"))
    assert run("check", str(src), "--annotate", str(tmp_path / "ann")).returncode == 1
    (resaved,) = soffice.convert([tmp_path / "ann" / "000.xlsx"], "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(resaved)
    cell = wb["1 城乡居民养老保险县级配套"]["F15"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "SAT-001" in cell.comment.text
    sat = next(r for r in wb[L.RESULTS_SHEET].iter_rows(min_row=2) if r[1].value == "SAT-001")
    assert sat[3].hyperlink.location == "'1 城乡居民养老保险县级配套'!F15"
