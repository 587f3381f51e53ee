"""Tables of other shapes, found by their labels: the national 项目支出绩效目标申报表 and the 部门整体
支出绩效目标表 from six regions (tests/data/foreign: each a published table rewritten in our words,
its source address on its first line), as text, as a workbook laid out another way, and as Word.

``expected.json`` holds, per fixture, what a reviewer reads off the table (kind, header fields,
every indicator) and the findings of ``xlgoals check``; it was generated and then read against
the fixture line by line (``XLGOALS_UPDATE_SNAPSHOTS=1`` rewrites it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.foreign import TEXTS, build_docx, build_workbook
from xlgoals.check import check_document, check_file
from xlgoals.fields import IndicatorField, TableField
from xlgoals.formats import document_json, read_document
from xlgoals.formats.template_workbook import read_template
from xlgoals.formats.workbook import read_grid_document
from xlgoals.io import xlsx as xlsx_io
from xlgoals.layout import LIST, LIST_SHEET
from xlgoals.model import Document, Layout
from xlgoals.synonyms import DEFAULT
from xlgoals.template.builder import build_bytes

HERE = Path(__file__).parent / "data" / "foreign"
EXPECTED = HERE / "expected.json"
IDS = [t.stem for t in TEXTS]
HEADER = (
    TableField.UNIT_NAME,
    TableField.UNIT_CODE,
    TableField.PROJECT_NAME,
    TableField.IMPLEMENTER,
    TableField.PROJECT_KIND,
    TableField.PERIOD,
    TableField.GOALS,
    TableField.LONG_TERM_GOALS,
    TableField.FUNCTIONS,
)


def _summary(doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {"layout": doc.layout.value, "year": doc.meta.budget_year, "tables": []}
    for t in doc.tables:
        b = t.budget
        out["tables"].append(
            {
                **{f.value: getattr(t, f.value) for f in HEADER},
                "budget": [str(b.total), str(b.fiscal), str(b.other)],
                "indicators": [
                    " | ".join(
                        (i.level1, i.level2, i.name, i.value_raw, i.score, i.unit_column, i.explanation)
                    )
                    for i in t.indicators
                ],
                "long_term_indicators": [
                    " | ".join((i.level1, i.level2, i.name, i.value_raw)) for i in t.long_term_indicators
                ],
            }
        )
    out["findings"] = [
        f"{f.code} 第{f.location.line if f.location else '?'}行 {f.message}" for f in check_document(doc)
    ]
    return out


def _expected() -> dict[str, Any]:
    if os.environ.get("XLGOALS_UPDATE_SNAPSHOTS"):
        data = {t.stem: _summary(read_document(t)) for t in TEXTS}
        EXPECTED.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    result: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return result


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return _expected()


def test_fixtures_from_three_regions_or_more_per_kind_each_with_its_source():
    kinds: dict[str, set[str]] = {}
    for text in TEXTS:
        first = text.read_text(encoding="utf-8").split("\n", 1)[0]
        assert re.search(r"https?://\S+", first), text.name  # where the table was published
        kind, region, _ = text.stem.split("_", 2)
        kinds.setdefault(kind, set()).add(region)
    assert {k: len(v) for k, v in kinds.items()} == {"national": 4, "department": 3}


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_text_reads_as_the_reviewed_expectation(text: Path, expected: dict[str, Any]):
    doc = read_document(text)
    assert doc.layout == Layout(text.stem.split("_")[0])
    assert _summary(doc) == expected[text.stem]


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_every_field_read_is_located_at_its_line(text: Path):
    doc = read_document(text)
    lines = text.read_text(encoding="utf-8").split("\n")
    for t in doc.tables:
        for f in (*HEADER, TableField.BUDGET_TOTAL):
            value = t.budget.total if f == TableField.BUDGET_TOTAL else getattr(t, f.value)
            if value:
                loc = t.locations[f]
                assert loc.file == str(text) and loc.line is not None
                first = value[0] if isinstance(value, list) else str(value)
                assert first.split("\n")[0][:6] in lines[loc.line - 1] or f in (
                    TableField.BUDGET_TOTAL,
                    TableField.PROJECT_KIND,
                ), (f, loc, first)
        for ind in t.indicators:
            for f in (IndicatorField.NAME, IndicatorField.VALUE):
                line = ind.locations[f].line
                assert line is not None
                assert lines[line - 1].strip() == (ind.name if f == IndicatorField.NAME else ind.value_raw)


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_the_workbook_of_another_shape_reads_the_same_values_at_its_cells(text: Path):
    doc_text = read_document(text)
    doc_book = read_document(text.with_suffix(".xlsx"))  # committed: python -m tests.foreign
    assert doc_book.comparable() == doc_text.comparable()
    # and the committed workbook is what the generator makes (merged title, shifted, reordered …)
    fresh = build_workbook(text)
    grid_ws = fresh.active
    assert grid_ws is not None and grid_ws.merged_cells.ranges  # merged cells, as offices lay them out
    for t in doc_book.tables:
        for f, loc in t.locations.items():
            assert loc.sheet == "绩效目标表" and loc.cell is not None, f
        for ind in t.indicators:
            cell = ind.locations[IndicatorField.VALUE].cell
            assert cell is not None
            value = grid_ws[cell].value
            assert str(value) == ind.value_raw or float(value) == float(ind.value_raw)


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_the_word_version_reads_the_same_and_says_where_in_word(text: Path, tmp_path: Path):
    out = tmp_path / f"{text.stem}.docx"
    build_docx(text, out)
    doc = read_document(out)
    assert doc.comparable() == read_document(text).comparable()
    places = [loc.place for t in doc.tables for loc in t.locations.values()]
    assert places and all(p and p.startswith(("表", "第")) for p in places)


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_json_round_trip_keeps_every_field_and_location(text: Path):
    doc = read_document(text)
    back = document_json.loads(document_json.dumps(doc), str(text))
    assert back.model_dump() == doc.model_dump()
    assert back.layout == doc.layout
    assert [t.label for t in back.tables] == [t.label for t in doc.tables]


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_into_the_template_and_back_keeps_the_fields_the_template_has(text: Path, tmp_path: Path):
    doc = read_document(text)
    out = tmp_path / "t.xlsx"
    out.write_bytes(build_bytes(doc))
    back = read_template(xlsx_io.read_grid(out))
    assert len(back.tables) == len(doc.tables)
    for a, b in zip(doc.tables, back.tables, strict=True):
        assert (b.unit_code, b.unit_name, b.project_code, b.project_name) == (
            a.unit_code,
            a.unit_name,
            a.project_code,
            a.project_name,
        )
        assert (b.budget.total, b.budget.fiscal, b.budget.other) == (
            a.budget.total,
            a.budget.fiscal,
            a.budget.other,
        )
        assert b.goals == a.goals
        assert [(i.level1, i.level2, i.name, i.value_raw) for i in b.indicators] == [
            (i.level1, i.level2, i.name, i.value_raw) for i in a.indicators
        ]


def test_a_regions_own_labels_come_from_xlgoals_toml(tmp_path: Path):
    """A county whose form says "年度预算申请数" and "绩效指标名称": read wrongly without its
    xlgoals.toml, right with it — in check, convert and the summary alike."""
    src = (HERE / "department_sichuan_form.txt").read_text(encoding="utf-8")
    own = src.replace("\t年度资金总额", "\t年度预算申请数").replace("\t三级指标", "\t绩效指标名称")
    path = tmp_path / "表.txt"
    path.write_text(own, encoding="utf-8")
    result, doc = check_file(path)
    assert doc is not None and doc.tables[0].budget.total is None  # the amount's label is unknown
    assert {f.code for f in result.findings} >= {"FUND-001", "STRUCT-010"}
    (tmp_path / "xlgoals.toml").write_text(
        '[labels]\n"budget.total" = ["年度预算申请数"]\nname = "绩效指标名称"\n', encoding="utf-8"
    )
    result, doc = check_file(path)
    assert doc is not None
    assert doc.comparable().tables == read_document(HERE / "department_sichuan_form.txt").comparable().tables
    out = tmp_path / "表.json"
    done = subprocess.run(
        [sys.executable, "-m", "xlgoals", "convert", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert document_json.read(out).tables[0].budget.total == doc.tables[0].budget.total
    (tmp_path / "xlgoals.toml").write_text('[labels]\nbudget = ["x"]\n', encoding="utf-8")
    result, doc = check_file(path)
    assert doc is None and "labels.budget 不是可识别的字段" in result.error and "xlgoals.toml" in result.error


def test_the_synonym_table_is_one_table_of_fields():
    assert DEFAULT.header_field("年度资金总额（万元）：") == TableField.BUDGET_TOTAL
    assert DEFAULT.header_field("其中：财政拨款") == TableField.BUDGET_FISCAL
    assert DEFAULT.column_field("权重") == IndicatorField.SCORE
    assert DEFAULT.inline("财政拨款：6923.36万元") == (TableField.BUDGET_FISCAL, "6923.36万元")
    assert DEFAULT.inline("1.项目实施单位：怀来县官厅镇人民政府；全年开展森林防火宣传") is None


def test_a_remarks_column_is_not_read_as_scores(tmp_path: Path):
    """备注 heads the flat layout's 分值 column, but in a 申报表 it holds remarks: no WEIGHT finding."""
    text = (HERE / "national_shaanxi_jiaxian.txt").read_text(encoding="utf-8")
    path = tmp_path / "佳县.txt"
    path.write_text(text.replace("\t1200公里\n\t\n", "\t1200公里\n\t按养护台账统计\n", 1), encoding="utf-8")
    result, doc = check_file(path)
    assert doc is not None and "按养护台账统计" in path.read_text(encoding="utf-8")
    assert all(i.score == "" for i in doc.tables[0].indicators)
    assert not {f.code for f in result.findings if f.code.startswith("WEIGHT")}


def test_national_tables_skip_the_rules_of_fields_they_do_not_have(expected: dict[str, Any]):
    codes = {f.split()[0] for e in expected.values() for f in e["findings"]}
    assert not {c for c in codes if c.startswith(("PLAN-", "FUND-002", "STRUCT-012", "DOC-004"))}
    done = subprocess.run(
        [sys.executable, "-m", "xlgoals", "rules", "--kind", "national"], capture_output=True, text=True
    )
    assert done.returncode == 0
    listed = {line.split()[0] for line in done.stdout.splitlines()[1:-1]}
    assert "GOAL-005" in listed and "WEIGHT-001" in listed and "PLAN-001" not in listed


def test_a_table_refused_names_what_is_missing(tmp_path: Path):
    path = tmp_path / "x.txt"
    path.write_text("某单位通知\n\n\t项目名称\n\t某项目\n\n\t实施单位\n\t某单位\n", encoding="utf-8")
    result, doc = check_file(path)
    assert doc is None and "未找到绩效指标表的表头" in result.error


def test_a_grid_from_any_adapter_finds_the_form():
    grid = xlsx_io.read_grid(HERE / "national_hunan_ningxiang.xlsx")
    doc = read_grid_document(grid)
    assert doc.layout == Layout.NATIONAL and doc.tables[0].long_term_indicators


def _values_only(src: Path, out: Path, with_list: bool = False) -> None:
    """The project sheets of an xlgoals workbook as another office would hold them: values only (no
    formulas, no 提示 column), no hidden sheets — a Hebei table only its labels identify; ``with_list``:
    a list of the projects (项目名称, 项目编码 … one per row) in front, as offices keep one."""
    from openpyxl import Workbook, load_workbook

    book = load_workbook(src)
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    if with_list:  # its header as our 项目清单's, its rows the projects' values
        listing = wb.create_sheet("项目一览")
        header = [c.value for c in book[LIST_SHEET][LIST.first_row - 1]][:6]
        listing.append(header)
        for t in read_document(src).tables:
            listing.append(
                [
                    t.index,
                    t.project_name,
                    f"{t.unit_code} {t.unit_name}",
                    t.project_code,
                    t.project_name,
                    float(t.budget.total or 0),
                ]
            )
    for ws in book.worksheets:
        if not ws.title[:1].isdigit():
            continue
        sheet = wb.create_sheet(ws.title)
        for row in ws.iter_rows(max_col=7):
            for c in row:
                if not (isinstance(c.value, str) and c.value.startswith("=")):
                    sheet.cell(c.row, c.column, c.value)
    wb.save(out)


def test_a_hebei_table_in_someone_elses_workbook_reads_and_checks_as_the_template(tmp_path: Path):
    from xlgoals.convert import convert

    seed = Path(__file__).parent.parent / "examples" / "published" / "000_fbb7a527b95200de.txt"
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    convert(seed, ours)
    _values_only(ours, theirs)
    a, b = read_document(ours).comparable(), read_document(theirs).comparable()
    assert b.layout == Layout.HEBEI and b.tables == a.tables  # titles, units, plan (25% from 0.25), values
    found_a, _ = check_file(ours)
    found_b, _ = check_file(theirs)
    cells = lambda r: {(f.code, str(f.location)) for f in r.findings}  # noqa: E731
    # the same findings at the same cells; only the 公开说明 sheet's (DOC-001/003) are not in theirs
    assert cells(found_b) == {x for x in cells(found_a) if not x[1].startswith("公开说明")}


def test_a_list_of_projects_in_front_is_not_read_as_a_table(tmp_path: Path):
    from xlgoals.convert import convert

    seed = Path(__file__).parent.parent / "examples" / "published" / "000_fbb7a527b95200de.txt"
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    convert(seed, ours)
    _values_only(ours, theirs, with_list=True)
    listing = [c.value for c in load_workbook(theirs)["项目一览"][1]]
    assert "项目名称" in listing and "项目编码" in listing  # the list's header names projects
    assert read_document(theirs).comparable().tables == read_document(ours).comparable().tables


def test_a_system_export_with_one_row_per_indicator_reads_one_table_per_project():
    from tests.foreign import EXPORT, EXPORT_CODES

    doc = read_document(EXPORT)
    assert doc.layout == Layout.NATIONAL
    assert [t.project_code[:6] for t in doc.tables] == list(EXPORT_CODES.values())
    for t, stem in zip(doc.tables, EXPORT_CODES, strict=True):
        want = read_document(HERE / f"{stem}.txt").tables[0]
        fields = ("unit_name", "project_name", "implementer", "period", "goals")
        assert [getattr(t, f) for f in fields] == [getattr(want, f) for f in fields]
        assert (t.budget.total, t.budget.fiscal, t.budget.other) == (
            want.budget.total,
            want.budget.fiscal,
            want.budget.other,
        )
        got = [(i.level1, i.level2, i.name, i.value_raw, i.score, i.explanation) for i in t.indicators]
        assert got == [
            (i.level1, i.level2, i.name, i.value_raw, i.score, i.explanation) for i in want.indicators
        ]
        assert t.locations[TableField.PROJECT_CODE].sheet == "项目绩效目标"


@pytest.mark.parametrize("name", ["national_hunan_ningxiang", "department_sichuan_form"])
def test_a_blank_row_of_a_workbook_is_reported_at_the_empty_cell_beside_its_label(name: str):
    path = HERE / f"{name}.xlsx"
    result, _ = check_file(path)
    blanks = [f for f in result.findings if f.code == "STRUCT-017"]
    ws = load_workbook(path).active
    assert blanks and ws is not None
    for f in blanks:
        assert f.location is not None and f.location.cell is not None
        cell = ws[f.location.cell]
        assert cell.value is None  # where the clerk types the value
        label = ws.cell(cell.row, cell.column - 1).value
        assert DEFAULT.header_field(label) is not None, label


def test_labels_in_a_workbooks_own_config_sheet_are_refused_with_where_they_belong(tmp_path: Path):
    """The _config sheet cannot decide how its own workbook is read; the template does not offer it."""
    from xlgoals.convert import convert
    from xlgoals.layout import CONFIG_SHEET

    path = tmp_path / "表.xlsx"
    convert(Path(__file__).parent.parent / "examples" / "published" / "000_fbb7a527b95200de.txt", path)
    book = load_workbook(path)
    assert all(row[0] != "# labels" for row in book[CONFIG_SHEET].iter_rows(values_only=True))
    book[CONFIG_SHEET].append(["labels", "年度预算申请数"])
    book.save(path)
    result, _ = check_file(path)
    assert "labels" in result.error and "xlgoals.toml" in result.error and CONFIG_SHEET in result.error
