"""Workbook and Word versions of the foreign-layout fixtures (``tests/data/foreign/*.txt``).

Each text fixture is a real published table (its source address is its first line) rewritten in our
own words. The workbook holds the same table the way other offices lay one out in Excel: a merged
title row and a money-unit note above, the table shifted right by one column, the section labels
("年度绩效指标", "年度履职目标") merged down over their rows, the indicator columns in another order
for some fixtures, and the source note and a signature row below. ``python -m tests.foreign``
writes the .xlsx files next to the text; the test reads both and compares the Documents.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from docx import Document as WordDocument
from openpyxl import Workbook

from xlgoals.fields import IndicatorField
from xlgoals.formats.labelled import GridRow, text_rows
from xlgoals.synonyms import DEFAULT

HERE = Path(__file__).parent / "data" / "foreign"
TEXTS = sorted(HERE.glob("*.txt"))
# Fixtures whose workbook puts the indicator columns in another order (value first, then the name).
REORDERED = {"department_hubei_guangshui", "national_shaanxi_jiaxian"}


def _rows(text: Path) -> tuple[list[GridRow], list[str]]:
    lines = text.read_text(encoding="utf-8").split("\n")
    rows = text_rows(lines, str(text))
    notes = [r.cells[0].text for r in rows if r.free and r.cells[0].text.startswith("来源")]
    return [r for r in rows if not (r.free and r.cells[0].text.startswith("来源"))], notes


def _order(row: GridRow, header: dict[int, int] | None) -> dict[int, str]:
    """Column → text of a row, with the indicator columns permuted by ``header`` (old → new)."""
    out = {c.col: c.text for c in row.cells}
    if header is None:
        return out
    return {header.get(col, col): v for col, v in out.items()}


def build_workbook(text: Path) -> Workbook:
    rows, notes = _rows(text)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "绩效目标表"
    ws.cell(1, 1, "（本表自预算系统导出）")
    r = 2
    permutation: dict[int, int] | None = None
    first_filled: list[tuple[int, bool]] = []  # (sheet row, column-0 cell filled) of each table row
    for row in rows:
        if text.stem in REORDERED and _column(row, IndicatorField.NAME) is not None:
            name, value = _column(row, IndicatorField.NAME), _column(row, IndicatorField.VALUE)
            assert name is not None and value is not None
            permutation = {name: value, value: name}
        if row.free:
            ws.cell(r, 2, row.cells[0].text)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
            first_filled.append((r, True))
            r += 1
            continue
        values = _order(row, permutation)
        for col, v in values.items():
            ws.cell(r, col + 2, float(v) if _number(v) else v)
        first_filled.append((r, bool(values.get(0))))
        r += 1
    # Merge each section label down over the rows below it that leave that column blank.
    k = 0
    while k < len(first_filled):
        top, filled = first_filled[k]
        j = k + 1
        while j < len(first_filled) and not first_filled[j][1]:
            j += 1
        if filled and j - 1 > k:
            ws.merge_cells(start_row=top, start_column=2, end_row=first_filled[j - 1][0], end_column=2)
        k = j
    for note in notes:
        r += 1
        ws.cell(r, 2, "注：" + note)
    ws.cell(r + 1, 2, "填报人：（签字）")
    return wb


def _column(row: GridRow, f: IndicatorField) -> int | None:
    return next((c.col for c in row.cells if DEFAULT.column_field(c.text) == f), None)


def _number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return "." in v  # amounts ("182.60"); counts and codes stay text


def build_docx(text: Path, out: Path) -> None:
    """The table as a Word document: one Word table, the title and notes as paragraphs."""
    rows, _notes = _rows(text)
    d = WordDocument()
    table = None
    for row in rows:
        if row.free:
            d.add_paragraph(row.cells[0].text)
            table = None
            continue
        width = max((c.col for c in row.cells), default=0) + 1
        if table is None or width > len(table.columns):
            table = d.add_table(rows=0, cols=max(width, 8))
        cells = table.add_row().cells
        for c in row.cells:
            cells[c.col].text = c.text
    d.save(str(out))


def build_html(text: Path, encoding: str = "gbk") -> bytes:
    """The table as a government site publishes it and a browser saves it: a GBK page whose layout
    table holds the article (site furniture around it: 索引号, 发布日期, 打印本页), the title and notes
    as paragraphs, the form as a <table> whose section labels are merged down (rowspan) over the rows
    that leave them blank, whose last cell of a short row spans the rest (colspan), and whose line
    breaks inside a cell are <br>."""
    rows, notes = _rows(text)
    width = max((c.col + 1 for r in rows if not r.free for c in r.cells), default=1)
    out = [
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
        "<title>绩效目标公开</title><style>table.form td{border:1px solid}</style><script>var x = '<td>';</script>",
        "</head><body><table class='layout'><tr><td>索引号：000000-2024-00001 &nbsp; 发布日期：2024-03-01</td></tr>",
        "<tr><td><div class='article'>",
    ]
    table: list[list[tuple[str, int, int] | None]] = []  # rows of (text, rowspan, colspan); None: covered

    def close_table() -> None:
        if not table:
            return
        out.append("<table class='form' border='1' cellspacing='0'>")
        for cells in table:
            tds = "".join(
                f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>"
                + escape(t).replace("\n", "<br>\n  ")
                + "</td>"
                for cell in cells
                if cell is not None
                for t, rs, cs in [cell]
            )
            out.append(f"<tr>{tds}</tr>")
        out.append("</table>")
        table.clear()

    top: int | None = None  # the row whose first cell is merged down over the rows below
    for row in rows:
        if row.free:
            close_table()
            top = None
            out.append(f"<p style='text-align:center'>{escape(row.cells[0].text)}</p>")
            continue
        values = {c.col: c.text for c in row.cells}
        cells: list[tuple[str, int, int] | None] = []
        last = max(values) if values else 0
        for col in range(last + 1):
            cs = width - last if col == last else 1
            cells.append((values.get(col, ""), 1, cs))
        if values.get(0) or top is None or last == 0:
            top = len(table) if values.get(0) else None
        else:  # a blank first cell below a section label: the label's cell reaches down over it
            t, rs, cs = table[top][0]  # type: ignore[misc]
            table[top][0] = (t, rs + 1, cs)
            cells[0] = None
        table.append(cells)
    close_table()
    out += [f"<p>注：{escape(n)}</p>" for n in notes]
    out.append("</div></td></tr><tr><td>【打印本页】 【关闭窗口】</td></tr></table></body></html>")
    return "\n".join(out).encode(encoding, errors="xmlcharrefreplace")


def build_text_form(text: Path, form: str) -> str:
    """The table as the text a reviewer gets when copying it from a page or a PDF viewer: ``pipe``
    (``| a | b |`` rows, a Markdown rule under the first), ``spaces`` (cells separated by runs of
    spaces, empty cells gone), ``lines`` (one cell per line, a blank line between, rows gone). A cell's
    own line breaks stay line breaks in ``lines`` and become spaces in the others."""
    rows, _notes = _rows(text)
    out: list[str] = []
    ruled = False
    for row in rows:
        if row.free:
            out += [row.cells[0].text, ""]
            continue
        values = {c.col: c.text for c in row.cells}
        cells = [values.get(k, "") for k in range(max(values) + 1)] if values else []
        if form == "pipe":
            out.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
            if not ruled:
                out.append("|" + "---|" * len(cells))
                ruled = True
        elif form == "spaces":
            out.append("    ".join(c.replace("\n", " ") for c in cells if c))
        else:
            for c in cells:
                if c:
                    out += [*c.split("\n"), ""]
    return "\n".join(out) + "\n"


def build_mhtml(page: bytes, encoding: str = "gbk") -> bytes:
    """A browser's single-file archive of ``page`` (what Chrome's “网页，单个文件” saves)."""
    import base64

    body = base64.encodebytes(page).decode("ascii")
    return (
        "From: <Saved by Blink>\r\nSubject: page\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        f"------B\r\nContent-Type: text/html; charset={encoding}\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Location: http://www.example.gov.cn/page.html\r\n\r\n{body}\r\n"
        "------B\r\nContent-Type: text/css\r\n\r\ntd{}\r\n------B--\r\n"
    ).encode("ascii")


# A 预算管理一体化 export: one row per indicator, the project in columns, in the system's words and
# order. Its content is the three national fixtures; the project codes are made up (6-digit 区划 of
# the region, the year, "P", 12 digits), since the published tables had none.
EXPORT = HERE / "export_national_listing.xlsx"
EXPORT_COLUMNS = (
    ("预算单位名称", "unit_name"), ("项目代码", "project_code"), ("项目名称", "project_name"),
    ("实施单位", "implementer"), ("项目起止时间", "period"), ("年度资金总额", "budget.total"),
    ("财政拨款", "budget.fiscal"), ("其他资金", "budget.other"), ("年度目标", "goals"),
    ("一级指标", "level1"), ("二级指标", "level2"), ("指标名称", "name"), ("指标值", "value"),
    ("计量单位", "unit_column"), ("权重", "score"), ("指标解释", "explanation"),
)  # fmt: skip
EXPORT_CODES = {
    "national_hunan_ningxiang": "430182",
    "national_chongqing_fengjie": "500236",
    "national_shaanxi_jiaxian": "610828",
}


def build_export() -> Workbook:
    from xlgoals.formats import read_document

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "项目绩效目标"
    ws.cell(1, 1, "项目支出绩效目标（预算管理一体化系统导出）")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXPORT_COLUMNS))
    ws.cell(2, 1, "金额单位：万元")
    for k, (label, _) in enumerate(EXPORT_COLUMNS, start=1):
        ws.cell(3, k, label)
    r = 4
    for stem, region in EXPORT_CODES.items():
        doc = read_document(HERE / f"{stem}.txt")
        t = doc.tables[0]
        code = f"{region}{(doc.meta.budget_year or 2024) % 100:02d}P{len(stem):012d}"
        project = {
            "unit_name": t.unit_name, "project_code": code, "project_name": t.project_name,
            "implementer": t.implementer, "period": t.period, "goals": "\n".join(t.goals),
            "budget.total": t.budget.total, "budget.fiscal": t.budget.fiscal, "budget.other": t.budget.other,
        }  # fmt: skip
        top = r
        for ind in t.indicators:
            values = {
                "level1": ind.level1, "level2": ind.level2, "name": ind.name, "value": ind.value_raw,
                "unit_column": ind.unit_column, "score": ind.score, "explanation": ind.explanation,
            }  # fmt: skip
            for k, (_, key) in enumerate(EXPORT_COLUMNS, start=1):
                v = project.get(key) if r == top else values.get(key)
                if key in values:
                    v = values[key]
                if v not in (None, ""):
                    ws.cell(r, k, float(v) if key.startswith("budget.") else v)  # type: ignore[arg-type]
            r += 1
        for k, (_, key) in enumerate(EXPORT_COLUMNS, start=1):  # the project's cells, merged down
            if key in project and r - 1 > top:
                ws.merge_cells(start_row=top, start_column=k, end_row=r - 1, end_column=k)
    ws.cell(r + 1, 1, "注：本表为测试用构造数据，内容取自本目录三个申报表文本，项目代码为虚构。")
    return wb


def main() -> None:
    for text in TEXTS:
        out = text.with_suffix(".xlsx")
        build_workbook(text).save(out)
        print(out)
    build_export().save(EXPORT)
    print(EXPORT)


if __name__ == "__main__":
    main()
