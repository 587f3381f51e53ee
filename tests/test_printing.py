"""Reports print: every report sheet is A4 landscape, one page wide, with its header row repeated,
and each row is tall enough for its wrapped text (LibreOffice otherwise prints it over the rows
below). Rendered with LibreOffice: the report of example 000 (56 findings) took 45 pages before."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import SEEDS, run
from xlgoals.printing import display_width, row_height, wrapped_lines


def test_wrapped_text_measures() -> None:
    assert display_width("SAT-001") == 7 and display_width("满意度") == 6
    assert wrapped_lines("满意度" * 10, 30) == 3  # 60 units in 27 usable
    assert wrapped_lines("a\nb\nc", 10) == 3
    assert row_height(["短", "很长的修改建议" * 10], [10, 20]) == 15.0 * wrapped_lines(
        "很长的修改建议" * 10, 20
    )


def _width(ws: object, col: int) -> float:
    """A column's width as written (xlsxwriter writes ranges of equal columns as one <col>)."""
    for dim in ws.column_dimensions.values():  # type: ignore[attr-defined]
        if dim.min is not None and dim.min <= col <= dim.max:
            return float(dim.width)
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
