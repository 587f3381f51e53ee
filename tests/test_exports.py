"""Exports: the 公开 .docx, the flat 项目支出绩效目标表 (both ways) and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import docx
import openpyxl
import pytest

from tests.helpers import SEEDS, run, seed
from xlgoals.formats import read_document
from xlgoals.formats.csv import COLUMNS, build_csv
from xlgoals.formats.docx import build_docx
from xlgoals.formats.flat_workbook import build_flat


def test_docx_of_seed_000_states_6_projects_and_12980(tmp_path):
    out = tmp_path / "000.docx"
    res = run("convert", str(SEEDS["000"]), "-o", str(out))
    assert res.returncode == 0, res.stderr
    d = docx.Document(str(out))
    text = "\n".join(p.text for p in d.paragraphs)
    assert (
        "涉及项目6个，财政资金12980万元" in text
    )  # the source said 5; the count is computed from the tables
    assert "1.城乡居民养老保险县级配套2800万元；" in text
    assert "6.2024年义务教育阶段蛋奶工程县级配套资金350万元。" in text
    assert len(d.tables) == 6
    section = d.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert d.styles["Normal"].font.name == "宋体"
    first = d.tables[0]
    assert first.cell(1, 1).text == "13073024P00047410001H" and first.cell(2, 2).text == "2800.00"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "004"])
def test_docx_import_gives_back_the_same_tables(prefix, tmp_path):
    path = tmp_path / f"{prefix}.docx"
    path.write_bytes(build_docx(seed(prefix)))
    back = read_document(path)
    assert back.comparable().tables == seed(prefix).comparable().tables
    assert back.meta.stated_count == len(back.tables)
    assert back.meta.stated_total == sum(t.budget.total for t in back.tables)


def test_flat_layout_round_trip_of_seed_003(tmp_path):
    path = tmp_path / "003.xlsx"
    res = run("convert", str(SEEDS["003"]), "-o", str(path), "--layout", "flat")
    assert res.returncode == 0, res.stderr
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[3]][:4] == ["单位代码", "单位（专项）名称", "资金总额", "实施期绩效目标"]
    assert ws.max_row == 3 + 44
    for fast in (True, False):
        from xlgoals.formats.workbook import read as read_workbook

        back = read_workbook(path, fast=fast)
        assert back.comparable().tables == seed("003").comparable().tables
        assert str(back.tables[0].indicators[0].locations["value"]) == "项目支出绩效目标表!H4"


def test_hebei_tables_in_the_flat_layout_keep_their_values(tmp_path):
    path = tmp_path / "000-flat.xlsx"
    path.write_bytes(build_flat(seed("000")))
    back = read_document(path)
    original = seed("000")
    assert [t.project_name for t in back.tables] == [t.project_name for t in original.tables]
    assert [t.budget.total for t in back.tables] == [t.budget.total for t in original.tables]
    for t_back, t_orig in zip(back.tables, original.tables, strict=True):
        for a, b in zip(t_back.indicators, t_orig.indicators, strict=True):
            assert (a.level1, a.level2, a.name) == (b.level1, b.level2, b.name)
            va, vb = a.value, b.value
            assert (va.op, va.number, va.unit) == (vb.op, vb.number, vb.unit), (a.value_raw, b.value_raw)
            assert va.kind == vb.kind or vb.form.value == "text"


def test_csv_has_a_bom_and_a_row_per_indicator():
    data = build_csv(seed("000"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 40
    sat = next(r for r in rows if r["指标值"] == "≥1.9")
    assert sat["项目名称"] == "怀财字【2024】7号 城乡居民养老保险县级配套" and sat["预算数"] == "2800.00"
    assert sat["比较符"] == "≥" and Decimal(sat["数值"]) == Decimal("1.9")


def test_unknown_output_format_is_refused(tmp_path):
    res = run("convert", str(SEEDS["000"]), "-o", str(tmp_path / "x.pdf"))
    assert res.returncode == 2 and "不支持的输出格式" in res.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_bad_docx_gets_a_chinese_message(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    res = run("convert", str(bad), "-o", str(tmp_path / "x.json"))
    assert res.returncode == 2 and "不是 Word 文档" in res.stderr


def test_docx_findings_are_located_by_table_row_and_column(tmp_path):
    path = tmp_path / "000.docx"
    path.write_bytes(build_docx(seed("000")))
    d = docx.Document(str(path))
    res = run("check", str(path), "--format", "json", "-o", str(tmp_path / "r.json"))
    assert res.returncode == 1, res.stderr
    findings = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["files"][0]["findings"]
    places = [f["location"]["place"] for f in findings if f["location"] and "place" in f["location"]]
    assert places and all(p.startswith(("表", "第")) for p in places)
    # VAL-005 on "≥90％" of the first table: the place names the cell that holds it in Word.
    val = next(f for f in findings if f["code"] == "VAL-005" and f["table"] == 1)
    table, row, col = (int(x) for x in re.findall(r"\d+", val["location"]["place"]))
    cells = d.tables[table - 1].rows[row - 1]._tr.tc_lst
    assert "".join(t.text or "" for t in cells[col - 1].iter(docx.oxml.ns.qn("w:t"))) == "≥90％"
    # a document-level finding points at a paragraph
    doc_level = [f for f in findings if f["table"] is None and f["location"]]
    assert doc_level and all(f["location"]["place"].endswith("段") for f in doc_level)
    assert any(f["where"].endswith("段") for f in doc_level)


def test_a_publication_of_thousands_of_indicators_is_written_in_one_pass():
    big = seed("000").model_copy(deep=True)
    big.tables = big.tables[:1]
    big.tables[0].indicators = [i.model_copy() for _ in range(500) for i in big.tables[0].indicators]
    n = len(big.tables[0].indicators)
    d = docx.Document(io.BytesIO(build_docx(big)))
    (table,) = d.tables
    assert len(table.rows) == 8 + n
    # the 一级 cells of a group are one vertically merged cell
    first = table.rows[8]._tr.tc_lst[0]
    assert first.tcPr.vMerge is not None and first.tcPr.vMerge.val == "restart"
