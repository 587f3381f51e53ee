"""Reports print: every report sheet is A4 landscape, one page wide, with its header row repeated,
and each row is tall enough for its wrapped text (LibreOffice otherwise prints it over the rows
below). Rendered with LibreOffice: the report of example 000 (56 findings) took 45 pages before."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import SEEDS, run, seed
from xlgoals import layout as L
from xlgoals.model import Indicator
from xlgoals.printing import display_width, row_height, wrapped_lines
from xlgoals.template.builder import build_bytes


def test_wrapped_text_measures() -> None:
    assert display_width("SAT-001") == 7 and display_width("满意度") == 6
    assert wrapped_lines("满意度" * 10, 30) == 3  # 60 units in 27 usable
    assert wrapped_lines("a\nb\nc", 10) == 3
    assert row_height(["短", "很长的修改建议" * 10], [10, 20]) == 15.0 * wrapped_lines(
        "很长的修改建议" * 10, 20
    )


def _width(ws: object, col: int, default: float | None = None) -> float:
    """A column's width as written (xlsxwriter writes ranges of equal columns as one <col>)."""
    for dim in ws.column_dimensions.values():  # type: ignore[attr-defined]
        if dim.min is not None and dim.min <= col <= dim.max:
            return float(dim.width)
    if default is not None:
        return default
    raise AssertionError(col)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.xlsx"
    assert run("check", str(SEEDS["000"]), "--format", "xlsx", "-o", str(out), "-q").returncode == 1
    return out


def test_every_report_sheet_is_set_up_for_a4(report: Path) -> None:
    wb = openpyxl.load_workbook(report)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None), ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows, ws.title
    problems = wb["问题"]
    widths = [_width(problems, c) for c in range(1, 8)]
    for r in range(2, problems.max_row + 1):
        values = [problems.cell(r, c).value or "" for c in range(1, 8)]
        assert problems.row_dimensions[r].height >= row_height(values, widths) - 0.01, r


def test_the_location_column_shows_the_line_not_the_path_again(report: Path) -> None:
    problems = openpyxl.load_workbook(report)["问题"]
    places = [problems.cell(r, 3).value for r in range(2, problems.max_row + 1)]
    assert places and all(p.startswith("第") and p.endswith("行") for p in places), places[:3]


def test_document_findings_sit_on_the_units_sheet_not_an_unnamed_one(report: Path) -> None:
    names = openpyxl.load_workbook(report).sheetnames
    assert "（未填单位）" not in names


@pytest.mark.soffice
def test_the_report_prints_on_few_pages_one_page_wide(report: Path, tmp_path: Path) -> None:
    from tests import soffice

    (pdf,) = soffice.convert([report], "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    sheets = len(openpyxl.load_workbook(io.BytesIO(report.read_bytes())).sheetnames)
    assert pages <= 15, pages  # 45 before the page setup
    assert pages >= sheets


@pytest.mark.soffice
def test_the_annotated_workbook_prints_its_problems_on_each_project_sheet(tmp_path: Path) -> None:
    """Each project sheet of the annotated 000 prints on one page, with the 提示 column and a
    表内校验 row that counts what 校验 painted on that sheet."""
    from tests import soffice
    from xlgoals.check import check_file
    from xlgoals.marks import by_sheet, footer_suffix

    run("check", str(SEEDS["000"]), "-q", "--annotate", str(tmp_path / "ann"))
    (annotated,) = (tmp_path / "ann").glob("*.xlsx")
    result, _doc = check_file(annotated)  # the copy's findings are the marks it carries
    on_sheet = by_sheet(result.findings)
    wb = openpyxl.load_workbook(annotated)
    projects = [s for s in wb.sheetnames if s[0].isdigit()]
    assert len(projects) == 6
    (pdf,) = soffice.convert([annotated], "pdf", tmp_path / "pdf")
    pages = [
        subprocess.run(
            ["pdftotext", "-f", str(k), "-l", str(k), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for k in range(1, 1 + _pages(pdf))
    ]
    sheet_pages = [p for p in pages if re.search(r"表内校验\s+表内(未发现问题|提示)", p)]
    assert len(sheet_pages) == len(projects)  # one page each
    for name, page in zip(projects, sheet_pages, strict=True):
        suffix = footer_suffix(on_sheet.get(name, [])).lstrip("；")
        flat = "".join(page.split())
        assert "".join(suffix.split()) in flat, (name, suffix)
        assert "提示" in page


@pytest.mark.soffice
def test_a_folders_review_workbook_prints_one_page_wide(tmp_path: Path) -> None:
    """A reviewer's folder of 4 files (an example of each layout, each twice, so the same project
    codes also meet across files): every sheet one page wide, no row shorter than its wrapped text.
    (Each file adds about 20 pages; more files prove nothing more.)"""
    from tests import soffice

    folder = tmp_path / "in"
    folder.mkdir()
    seeds = [SEEDS["000"], SEEDS["003"]]
    for k in range(2 * len(seeds)):
        (folder / f"{k:02d}_{seeds[k % len(seeds)].name}").write_bytes(seeds[k % len(seeds)].read_bytes())
    out = tmp_path / "review.xlsx"
    assert run("check", str(folder), "--format", "xlsx", "-o", str(out), "-q").returncode == 1
    wb = openpyxl.load_workbook(out)
    assert "（未填单位）" not in wb.sheetnames and "（多个文件之间）" in wb.sheetnames
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None), ws.title
        widths = [_width(ws, c, 8.43) for c in range(1, ws.max_column + 1)]
        for r in range(2, ws.max_row + 1):  # nothing prints over the next row
            values = [str(ws.cell(r, c).value or "") for c in range(1, ws.max_column + 1)]
            height = ws.row_dimensions[r].height
            assert height is None or height >= row_height(values, widths) - 0.01, (ws.title, r)
    (pdf,) = soffice.convert([out], "pdf", tmp_path / "pdf")
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(_pages(pdf)), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = [
        line.split(":", 1)[1] for line in info.splitlines() if line.startswith("Page") and " size:" in line
    ]
    assert sizes and all("(A4)" in s for s in sizes), sizes[:3]
    assert all(float(s.split()[0]) > float(s.split()[2]) for s in sizes)  # landscape
    # One page wide: a unit sheet's first finding has its 修改建议 (last column) on the page of its title.
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    unit = next(ws for ws in wb.worksheets if str(ws.cell(1, 1).value).startswith("预算单位："))
    title, hint = str(unit.cell(1, 1).value), str(unit.cell(3, unit.max_column).value)
    page = next(p for p in text.split("\f") if title in p)
    assert "".join(hint.split())[:12] in "".join(page.split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_a_rows_hint_is_shown_whole(tmp_path: Path) -> None:
    """A blank row inside the indicators carries a hint that wraps to two lines: the row is tall
    enough for it (it was printed clipped, at half height)."""
    doc = seed("000").model_copy(deep=True)
    doc.tables = doc.tables[:1]
    doc.tables[0].indicators[2] = Indicator(level1=doc.tables[0].indicators[2].level1)
    path = tmp_path / "blank_row.xlsx"
    path.write_bytes(build_bytes(doc))
    ws = next(w for w in openpyxl.load_workbook(path).worksheets if w.title.startswith("1 "))
    row = L.PROJECT.first_indicator_row + 2
    hint = ws.cell(row, L.PROJECT.flag_column)
    shown = re.search(r'"(空行[^"]*)"', str(hint.value))
    assert shown, hint.value
    width = ws.column_dimensions[L.column_letter(L.PROJECT.flag_column)].width
    assert ws.row_dimensions[row].height >= L.row_height([(shown.group(1), width)])
