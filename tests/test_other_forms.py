"""The forms a reviewer receives besides .xlsx, .docx and pasted text: old and other workbooks (.xls,
.xlsb, .ods — read by python-calamine) and saved web pages (.html, .mhtml). Each is made by the real
program where one runs here (LibreOffice saves the .xls, .ods and .html) or as a government site and a
browser write it (tests/foreign.py), and must read as the table it was saved from."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from tests import soffice
from tests.foreign import HERE, TEXTS, build_html, build_mhtml, build_text_form
from tests.helpers import seed_workbook
from xlgoals.check import check_document
from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import IndicatorField
from xlgoals.formats import read_document
from xlgoals.model import Document, SourceFormat
from xlgoals.synonyms import DEFAULT

IDS = [t.stem for t in TEXTS]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The foreign fixtures' workbooks and seed 000's template workbook, each saved by LibreOffice as
    .xls, .ods and .html (one conversion per format for all of them)."""
    soffice.require_soffice()
    soffice.require_uno()
    folder = tmp_path_factory.mktemp("saved")
    books = [shutil.copy(t.with_suffix(".xlsx"), folder) for t in TEXTS]
    (folder / "000.xlsx").write_bytes(seed_workbook("000"))
    books = [Path(b) for b in books] + [folder / "000.xlsx"]
    out = {}
    for fmt in ("xls", "ods", "html"):
        for path in soffice.convert(books, fmt, folder / fmt):
            out[f"{path.stem}.{fmt}"] = path
    return out


def _findings(doc: Document) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.message, f"{f.location.sheet}!{f.location.cell}" if f.location else "")
                  for f in check_document(doc))  # fmt: skip


@pytest.mark.parametrize("fmt", ["xls", "ods"])
@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_a_workbook_saved_as_xls_or_ods_reads_as_the_xlsx(
    text: Path, fmt: str, saved: dict[str, Path]
) -> None:
    doc = read_document(saved[f"{text.stem}.{fmt}"])
    assert doc.comparable() == read_document(text.with_suffix(".xlsx")).comparable()
    cells = [ind.locations[IndicatorField.VALUE] for t in doc.tables for ind in t.indicators]
    assert cells and all(c.sheet == "绩效目标表" and c.cell for c in cells)


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_the_template_saved_as_xls_or_ods_checks_as_the_xlsx(fmt: str, saved: dict[str, Path]) -> None:
    """A clerk whose WPS saves .xls by default: the same findings at the same cells."""
    original = saved["000.xls"].parent.parent / "000.xlsx"
    assert _findings(read_document(saved[f"000.{fmt}"])) == _findings(read_document(original))


def test_an_xls_renamed_xlsx_is_read_by_what_it_is(saved: dict[str, Path], tmp_path: Path) -> None:
    renamed = tmp_path / "表.xlsx"
    renamed.write_bytes(saved["000.xls"].read_bytes())
    assert _findings(read_document(renamed)) == _findings(read_document(saved["000.xls"]))


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("坏.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8, ("97-2003", "另存为")),
        ("坏.ods", b"PK\x03\x04" + b"\x00" * 100, ("损坏",)),
        ("文本.xls", "项目名称\t指标值\n".encode(), ("不是工作簿",)),
        ("空.xlsb", b"", ("文件为空",)),
    ],
)
def test_a_damaged_old_workbook_is_one_sentence(
    name: str, data: bytes, words: tuple[str, ...], tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(XlgoalsInputError) as caught:
        read_document(path)
    assert all(w in str(caught.value) for w in words), caught.value


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_the_page_libreoffice_saves_reads_as_the_table(text: Path, saved: dict[str, Path]) -> None:
    doc = read_document(saved[f"{text.stem}.html"])
    assert doc.format == SourceFormat.HTML
    assert doc.comparable() == read_document(text).comparable()


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_a_saved_government_page_reads_as_the_table_and_says_where_each_value_is(
    text: Path, tmp_path: Path
) -> None:
    page = tmp_path / f"{text.stem}.html"
    page.write_bytes(build_html(text))
    assert b"rowspan" in page.read_bytes() and "关闭窗口".encode("gbk") in page.read_bytes()
    archive = tmp_path / f"{text.stem}.mhtml"
    archive.write_bytes(build_mhtml(page.read_bytes()))
    expected = read_document(text).comparable()
    doc = read_document(page)
    assert doc.comparable() == expected
    assert read_document(archive).comparable() == expected
    # every indicator's place names the cell of the page that holds it, as a reader counts cells
    tables = [t for t in lxml.html.fromstring(page.read_bytes()).iter("table") if not t.findall(".//table")]
    for t in doc.tables:
        for ind in t.indicators:
            for f, want in ((IndicatorField.NAME, ind.name), (IndicatorField.VALUE, ind.value_raw)):
                place = ind.locations[f].place
                assert place is not None
                m = re.fullmatch(r"表(\d+) 第(\d+)行 第(\d+)列", place)
                assert m, place
                k, r, c = map(int, m.groups())
                assert _cells(tables[k - 1])[r - 1][c - 1] == want, place


def _cells(table: lxml.html.HtmlElement) -> list[list[str]]:
    """The text of each row's cells as a reader counts them along the row: a cell merged down from
    the row above counts (it is there, blank, in the row), a cell merged across counts once."""
    rows: list[list[str]] = []
    reach: dict[int, int] = {}  # grid column of a cell merged down → the last row it covers
    for r, tr in enumerate(table.findall("tr")):
        out: list[str] = []
        col = 0
        tds = list(tr.findall("td"))
        while tds or any(k >= col and last >= r for k, last in reach.items()):
            if reach.get(col, -1) >= r:
                out.append("")
                col += 1
                continue
            if not tds:
                col += 1
                continue
            td = tds.pop(0)
            out.append(td.text_content().strip())
            if int(td.get("rowspan", "1")) > 1:
                reach[col] = r + int(td.get("rowspan", "1")) - 1
            col += int(td.get("colspan", "1"))
        rows.append(out)
    return rows


def test_a_44_project_page_checks_as_its_text(tmp_path: Path) -> None:
    """Seed 001 (44 Hebei tables) saved as a page: the same findings as the published text, except
    where a page cannot keep what the text had (a browser shows no leading space)."""
    text = HERE.parent.parent.parent / "examples" / "published" / "001_fb8fa97e1a3e9d8b.txt"
    page = tmp_path / "001.html"
    page.write_bytes(build_html(text, encoding="utf-8"))
    ours = {(f.code, f.message) for f in check_document(read_document(page))}
    theirs = {(f.code, f.message) for f in check_document(read_document(text))}
    assert len(theirs) > 100 and ours == theirs


def test_a_page_without_a_table_says_what_was_missing(tmp_path: Path) -> None:
    page = tmp_path / "通知.html"
    page.write_text("<html><body><h1>关于2024年绩效目标的通知</h1><p>各单位：请按时报送。</p></body></html>")
    with pytest.raises(XlgoalsInputError) as caught:
        read_document(page)
    assert "指标" in str(caught.value)


def _content(doc: Document) -> list[tuple[str, ...]]:
    """What a reviewer checks, in reading order: each table's name, unit and money, and every
    indicator (annual and long-term) with its levels and value. Goals are left out: a form that joins
    a cell's lines (``|``, spaces) cannot say where one goal ends."""
    out: list[tuple[str, ...]] = []
    for t in doc.tables:
        out.append(
            (t.project_name, t.unit_name, str(t.budget.total), str(t.budget.fiscal), str(t.budget.other))
        )
        for kind, inds in (("年度", t.indicators), ("长期", t.long_term_indicators)):
            out += [(kind, i.level1, i.level2, i.name, i.value_raw) for i in inds]
    return out


@pytest.mark.parametrize("form", ["pipe", "spaces", "lines"])
@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_a_table_pasted_in_another_text_form_reads_as_the_table(
    text: Path, form: str, tmp_path: Path
) -> None:
    """|-delimited rows, cells separated by runs of spaces (empty cells gone), one cell per line
    (rows gone): the same tables and indicators, each located at the line that holds it."""
    pasted = tmp_path / f"{text.stem}.txt"
    pasted.write_text(build_text_form(text, form), encoding="utf-8")
    doc = read_document(pasted)
    assert _content(doc) == _content(read_document(text))
    lines = pasted.read_text(encoding="utf-8").split("\n")
    for t in doc.tables:
        for ind in t.indicators:
            line = ind.locations[IndicatorField.VALUE].line
            assert line is not None and ind.value_raw in lines[line - 1], (line, ind.value_raw)


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_goals_pasted_one_cell_per_line_keep_their_columns_and_end_where_they_end(
    text: Path, tmp_path: Path
) -> None:
    """Copied one cell per line, the goals read as in the table: side by side (“项目绩效目标 | 长期目标 |
    年度目标” over the two texts) the long-term text stays long-term and the annual one annual (a
    numbered “2.” continues the text above it); and a goal's text ends at the next heading, such as
    the 申报表's “项目资金” over its money, which holds no value of its own."""
    pasted = tmp_path / f"{text.stem}.txt"
    pasted.write_text(build_text_form(text, "lines"), encoding="utf-8")
    want = [(t.goals, t.long_term_goals) for t in read_document(text).tables]
    assert [(t.goals, t.long_term_goals) for t in read_document(pasted).tables] == want
    assert all(goals for goals, _ in want)


def test_the_fixtures_hold_goals_side_by_side_and_a_heading_after_a_goal() -> None:
    """What the test above is about is in the fixtures (a change to them must not make it vacuous)."""
    side_by_side = [t.stem for t in TEXTS if read_document(t).tables[0].long_term_goals]
    assert side_by_side == ["national_hunan_ningxiang", "national_shaanxi_jiaxian"]
    fengjie = next(t for t in TEXTS if t.stem == "national_chongqing_fengjie")
    lines = [x for x in build_text_form(fengjie, "lines").split("\n") if x.strip()]
    assert lines[lines.index("2.新建厕所1个并配套化粪池") + 1] == "项目资金"


def _wrapped(pasted: str) -> str:
    """One-cell-per-line text as a PDF viewer copies a table with narrow columns: each label of four
    or five characters on two lines, a longer one on three ("指标值确" / "定依据"…)."""
    out: list[str] = []
    for line in pasted.split("\n"):
        s = line.strip()
        if len(s) >= 4 and DEFAULT.is_label(s):
            cut = [0, len(s) // 2, len(s)] if len(s) < 6 else [0, len(s) // 3, 2 * len(s) // 3, len(s)]
            out += [s[a:b] for a, b in itertools.pairwise(cut)]
        else:
            out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_labels_wrapped_over_lines_read_as_the_table(text: Path, tmp_path: Path) -> None:
    """Labels wrapped over two or three lines (“三级” / “指标”, “主管部” / “门编码”) are joined again:
    the same tables and indicators, each value located at its line."""
    pasted = tmp_path / f"{text.stem}.txt"
    wrapped = _wrapped(build_text_form(text, "lines"))
    assert wrapped.count("\n") > build_text_form(text, "lines").count("\n") + 5
    pasted.write_text(wrapped, encoding="utf-8")
    doc = read_document(pasted)
    assert _content(doc) == _content(read_document(text))
    lines = wrapped.split("\n")
    for t in doc.tables:
        for ind in t.indicators:
            line = ind.locations[IndicatorField.VALUE].line
            assert line is not None and ind.value_raw in lines[line - 1], (line, ind.value_raw)


@pytest.mark.parametrize(
    ("cell", "flagged"), [("—", False), ("-", False), ("／", False), ("无", False), ("若干", True)]
)
def test_a_dash_or_nothing_in_an_amount_cell_is_empty_not_an_invalid_amount(
    cell: str, flagged: bool, tmp_path: Path
) -> None:
    """Forms print "—", "-", "/" or "无" where a source of money has nothing (Hunan's 其他 here)."""
    text = (HERE / "national_hunan_ningxiang.txt").read_text(encoding="utf-8")
    assert "\t总额：8650.50万元" in text and "\t其他：3030.20万元" in text
    text = text.replace("\t总额：8650.50万元", "\t总额：5620.30万元").replace(
        "\t其他：3030.20万元", f"\t其他：{cell}"
    )
    path = tmp_path / "表.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    codes = {f.code for f in check_document(doc)}
    assert ("FUND-001" in codes) == flagged
    assert (doc.tables[0].budget.other_raw == "") != flagged


def test_a_workbook_not_recognised_says_which_labels_were_seen(tmp_path: Path) -> None:
    """Not "缺少隐藏的版本信息工作表 _xlgoals": which labels were found, which header is missing."""
    from openpyxl import Workbook

    from xlgoals.errors import NotATableError

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in (
        ["项目支出绩效目标表"],
        ["项目名称", "某项目"],
        ["一级指标", "二级指标", "三级指标", "指标数值"],
    ):
        ws.append(row)
    wb.save(tmp_path / "表.xlsx")
    with pytest.raises(XlgoalsInputError) as caught:
        read_document(tmp_path / "表.xlsx")
    message = str(caught.value)
    assert not isinstance(caught.value, NotATableError) and "_xlgoals" not in message
    assert "项目名称、一级指标、二级指标、三级指标" in message and "“指标值”列" in message
    notice = Workbook()
    assert notice.active is not None
    notice.active.append(["关于公开绩效目标的通知"])
    notice.save(tmp_path / "通知.xlsx")
    with pytest.raises(NotATableError, match="没有认出任何栏目名称"):  # in a folder: skipped, not unreadable
        read_document(tmp_path / "通知.xlsx")


# The fixtures with plain percentages ("100%") among their values (the others write "≥95%" and the like).
PERCENTS = [t for t in TEXTS if t.stem in ("department_fujian_ningde", "national_chongqing_fengjie",
                                            "national_hunan_ningxiang")]  # fmt: skip


@pytest.mark.parametrize("text", PERCENTS, ids=[t.stem for t in PERCENTS])
def test_a_percent_formatted_number_reads_as_the_percentage_shown(text: Path, tmp_path: Path) -> None:
    """The unit's workbook stores "100%" as 1 and "92.5%" as 0.925 with a percent format: read as the
    clerk sees the cell, the table is the one typed as text."""
    from openpyxl import load_workbook

    wb = load_workbook(text.with_suffix(".xlsx"))
    ws = wb.active
    assert ws is not None
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            m = re.fullmatch(r"(\d+(?:\.(\d+))?)%", str(cell.value or ""))
            if m:
                cell.value = float(m.group(1)) / 100
                cell.number_format = "0%" if m.group(2) is None else "0." + "0" * len(m.group(2)) + "%"
                changed += 1
    path = tmp_path / "表.xlsx"
    wb.save(path)
    assert changed
    doc = read_document(path)
    assert doc.comparable() == read_document(text.with_suffix(".xlsx")).comparable()
    original = read_document(text.with_suffix(".xlsx"))
    assert [f.message for f in check_document(doc)] == [f.message for f in check_document(original)]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each foreign fixture's government page printed to PDF by Chromium (“打印 → 另存为 PDF”): a
    text layer, ruled tables, the page's furniture above and below, long cells wrapped."""
    from tests.live import chromium

    folder = tmp_path_factory.mktemp("printed")
    out = {}
    with chromium() as browser:
        page = browser.new_page()
        for text in TEXTS:
            html = folder / f"{text.stem}.html"
            html.write_bytes(build_html(text))
            page.goto(html.as_uri())
            out[text.stem] = folder / f"{text.stem}.pdf"
            page.pdf(path=str(out[text.stem]), format="A4")
    return out


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_a_pdf_with_a_text_layer_reads_as_the_table(text: Path, printed: dict[str, Path]) -> None:
    doc = read_document(printed[text.stem])
    assert doc.format == SourceFormat.PDF
    assert _content(doc) == _content(read_document(text))
    places = [ind.locations[IndicatorField.VALUE].place or "" for t in doc.tables for ind in t.indicators]
    assert places and all(re.fullmatch(r"第\d+页 表\d+ 第\d+行 第\d+列", p) for p in places), places


def test_a_scanned_pdf_is_named_as_one(tmp_path: Path) -> None:
    """A PDF of images only (a scan): no text to read, and the reviewer is told to ask for the file."""
    from PIL import Image

    scan = tmp_path / "扫描件.pdf"
    Image.new("RGB", (600, 800), "white").save(scan, "PDF")
    with pytest.raises(XlgoalsInputError, match="没有文字层"):
        read_document(scan)


@pytest.mark.parametrize("data", [b"%PDF-1.4\n%garbage", b"not a pdf at all", b""])
def test_a_damaged_pdf_is_one_sentence(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "坏.pdf"
    path.write_bytes(data)
    with pytest.raises(XlgoalsInputError) as caught:
        read_document(path)
    assert "PDF" in str(caught.value) or "为空" in str(caught.value)


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_a_table_published_in_traditional_script_reads_as_its_simplified_original(
    text: Path, tmp_path: Path
) -> None:
    """The same table in 繁體 (OpenCC's s2t, as a Hong Kong or Taiwan copy would be): as text and as a
    workbook, it reads as the original; a Simplified table is never converted."""
    import opencc
    from openpyxl import load_workbook

    from xlgoals.formats.script import is_traditional

    to_traditional = opencc.OpenCC("s2t")
    original = text.read_text(encoding="utf-8")
    assert not is_traditional(original)
    traditional = tmp_path / f"{text.stem}.txt"
    traditional.write_text(to_traditional.convert(original), encoding="utf-8")
    assert "指標" in traditional.read_text(encoding="utf-8")
    assert _content(read_document(traditional)) == _content(read_document(text))
    wb = load_workbook(text.with_suffix(".xlsx"))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = to_traditional.convert(cell.value)
    wb.save(tmp_path / "表.xlsx")
    assert _content(read_document(tmp_path / "表.xlsx")) == _content(read_document(text.with_suffix(".xlsx")))


def test_a_text_not_recognised_says_which_labels_were_seen(tmp_path: Path) -> None:
    path = tmp_path / "表.txt"
    path.write_text(
        "\t项目名称\n\t某项目\n\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标数值\n", encoding="utf-8"
    )
    with pytest.raises(XlgoalsInputError) as caught:
        read_document(path)
    assert "文中认出的栏目：项目名称、一级指标、二级指标、三级指标" in str(caught.value)


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("主管部门\n及编码", "unit_name"),
        ("指标值及单位", "value"),
        ("全年指标值", "value"),
        ("指标值(年度)", "value"),
    ],
)
def test_the_labels_other_regions_print(label: str, field: str) -> None:
    """Headers seen in other regions' tables (a label wrapped over two lines in a narrow column included)."""
    from xlgoals.synonyms import DEFAULT

    found = DEFAULT.header_field(label) or DEFAULT.column_field(label)
    assert found is not None and found.value == field
