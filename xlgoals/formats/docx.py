"""The 公开 publication as Word (.docx), both ways.

Writing: title, an intro whose project count and total are computed from the tables, the numbered
list of projects with amounts, then one official table per project (labels from the layout).
Reading: the document is rendered into the published-text layout the seeds come in (paragraphs
become lines; each table cell a tab-led line, its own paragraphs continuing on untabbed lines; a
vertically merged continuation an empty cell), then parsed by the published-text reader — so a
publication written here reads back with the same tables.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from xlgoals import layout as L
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats.published_text import parse_placed
from xlgoals.io.container import inspect_docx
from xlgoals.model import Document, GoalTable, SourceFormat
from xlgoals.safetext import xml_safe
from xlgoals.synonyms import DEFAULT, Synonyms
from xlgoals.values import DOC_NUMBER

# === writing ===================================================================================


def _amount(v: Decimal | None) -> str:
    if v is None:
        return ""
    return f"{v.normalize():f}"


def _money_cell(v: Decimal | None, raw: str) -> str:
    return raw if raw else ("" if v is None else f"{v:.2f}")


def publication_intro(doc: Document) -> tuple[str, list[str]]:
    """The intro sentence and the numbered list, with count and total computed from the tables."""
    total = sum((t.budget.total or Decimal(0) for t in doc.tables), Decimal(0))
    year = doc.meta.budget_year
    lead = f"{year}年，" if year else ""
    sentence = (
        f"{lead}现对重大政策和重点项目的绩效目标予以公开，涉及项目{len(doc.tables)}个，"
        f"财政资金{_amount(total)}万元。项目分别为："
    )
    items = []
    for k, t in enumerate(doc.tables, start=1):
        name = DOC_NUMBER.sub("", t.project_name).strip() or t.project_name
        end = "。" if k == len(doc.tables) else "；"
        items.append(f"{k}.{name}{_amount(t.budget.total)}万元{end}")
    return sentence, items


def _run(paragraph: Any, text: str) -> Any:
    """A run of ``text`` (without the control characters Word's XML cannot hold)."""
    return paragraph.add_run(xml_safe(text))


def _font(run: Any, size: float | None = None, bold: bool = False) -> None:
    run.font.name = L.FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), L.FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


# One cell of the official table: its grid span, text, bold, and vertical merge ("restart" on the
# first row of a merged block, "continue" below it, "" when not merged).
_Cell = tuple[int, str, bool, str]
_COLUMNS = 7


def _rows(t: GoalTable) -> list[list[_Cell]]:
    """The official table, row by row (labels from the layout)."""
    b = t.budget
    plan = list(zip((2, 1, 1, 2), L.Label.PLAN_POINTS, t.spend_plan.points, strict=True))
    rows: list[list[_Cell]] = [
        [(5, f"{t.unit_code}{t.unit_name}", False, ""), (2, L.Label.MONEY_UNIT, False, "")],
        [(1, L.Label.PROJECT_CODE, True, ""), (2, t.project_code, False, ""),
         (1, L.Label.PROJECT_NAME, True, ""), (3, t.project_name, False, "")],
        [(1, L.Label.BUDGET_BLOCK, True, "restart"),
         (1, L.Label.BUDGET_TOTAL, True, ""), (1, _money_cell(b.total, b.total_raw), False, ""),
         (1, L.Label.BUDGET_FISCAL, True, ""), (1, _money_cell(b.fiscal, b.fiscal_raw), False, ""),
         (1, L.Label.BUDGET_OTHER, True, ""), (1, _money_cell(b.other, b.other_raw), False, "")],
        [(1, "", False, "continue"), (6, t.fund_use, False, "")],
        [(1, t.spend_plan.header or L.Label.PLAN_PERCENT, True, "restart"),
         *((span, label, True, "") for span, label, _ in plan)],
        [(1, "", False, "continue"), *((span, point.raw, False, "") for span, _, point in plan)],
        [(1, L.Label.GOALS, True, ""), (6, "\n".join(t.goals), False, "")],
        [(span, label, True, "") for span, label in zip((1, 1, 1, 2, 1, 1), L.Label.INDICATOR_HEADER, strict=True)],
    ]  # fmt: skip
    for k, ind in enumerate(t.indicators):
        prev = t.indicators[k - 1].level1 if k else None
        nxt = t.indicators[k + 1].level1 if k + 1 < len(t.indicators) else None
        if k and prev == ind.level1:
            first: _Cell = (1, "", False, "continue")
        else:
            first = (1, ind.level1, False, "restart" if nxt == ind.level1 else "")
        rows.append(
            [first, (1, ind.level2, False, ""), (1, ind.name, False, ""), (2, ind.description, False, ""),
             (1, ind.value_raw, False, ""), (1, ind.basis, False, "")]
        )  # fmt: skip
    return rows


def _run_xml(text: str, size: float, bold: bool) -> str:
    font = escape(L.FONT, {'"': "&quot;"})
    return (
        f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
        f'{"<w:b/>" if bold else ""}<w:sz w:val="{round(size * 2)}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(xml_safe(text))}</w:t></w:r>'
    )


def _table_xml(t: GoalTable, width: int) -> str:
    """The table as WordprocessingML, written in one pass: python-docx's cell lookup and merge walk
    the whole table on every call, which makes a 10 000-indicator table take minutes."""
    col = width // _COLUMNS
    out = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
        'w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
        f'<w:gridCol w:w="{col}"/>' * _COLUMNS,
        "</w:tblGrid>",
    ]
    for row in _rows(t):
        out.append("<w:tr>")
        for span, text, bold, vmerge in row:
            out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{col * span}"/>')
            if span > 1:
                out.append(f'<w:gridSpan w:val="{span}"/>')
            if vmerge:
                out.append(f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>")
            out.append("</w:tcPr>")
            for line in text.split("\n") if text else [""]:
                out.append(f"<w:p>{_run_xml(line, 9, bold) if line else ''}</w:p>")
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def build_docx(doc: Document) -> bytes:
    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    style = d.styles["Normal"]
    style.font.name = L.FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), L.FONT)
    d.core_properties.author = "xlgoals"
    title = doc.meta.title or (
        f"{doc.meta.budget_year}年重大政策和重点项目绩效目标" if doc.meta.budget_year else L.Label.GOALS
    )
    para = d.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(_run(para, title), 16, True)
    sentence, items = publication_intro(doc)
    _font(_run(d.add_paragraph(), sentence))
    for item in items:
        _font(_run(d.add_paragraph(), item))
    _font(_run(d.add_paragraph(), f"附件：{L.Label.TITLE}"))
    if doc.meta.issuer:
        _font(_run(d.add_paragraph(), doc.meta.issuer))
    if doc.meta.issue_date:
        _font(_run(d.add_paragraph(), doc.meta.issue_date))
    width = int(section.page_width - section.left_margin - section.right_margin) // 635  # EMU → twips
    for k, t in enumerate(doc.tables, start=1):
        heading = t.title or f"{k}.{DOC_NUMBER.sub('', t.project_name).strip()}{L.Label.TITLE}"
        p = d.add_paragraph()
        _font(_run(p, heading), 12, True)
        p._p.addnext(parse_xml(_table_xml(t, width)))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# === reading ===================================================================================


def docx_to_text(path: Path) -> tuple[str, list[str]]:
    """The document as published-text lines, and for each line where a Word user finds it:
    "第P段" for a paragraph of the body, "表N 第R行 第C列" for a table cell."""
    inspect_docx(path)  # too big, not a package, a damaged member, a DTD: one Chinese sentence
    try:
        d = docx.Document(str(path))
    except Exception as exc:
        raise XlgoalsInputError(
            f"Word 文档无法打开（{type(exc).__name__}），文件可能已损坏或不是 .docx：请用 Word 或 WPS 打开后另存为 .docx 再试。",
            file=str(path),
        ) from None
    lines: list[str] = []
    places: list[str] = []

    def add(text: str, place: str) -> None:
        for k, part in enumerate(text.split("\n")):  # a line break inside a paragraph (Shift+Enter)
            if k == 0 or part.strip():
                lines.append(part)
                places.append(place)

    breaks = (qn("w:br"), qn("w:cr"))

    def para_text(p: Any) -> str:
        return "".join("\n" if e.tag in breaks else e.text or "" for e in p.iter(qn("w:t"), *breaks))

    paragraph = table = 0
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph += 1
            add(para_text(child), f"第{paragraph}段")
        elif child.tag == qn("w:tbl"):
            table += 1
            for r, tr in enumerate(child.iter(qn("w:tr")), start=1):
                for c, tc in enumerate(tr.iter(qn("w:tc")), start=1):
                    place = f"表{table} 第{r}行 第{c}列"
                    pr = tc.find(qn("w:tcPr"))
                    vmerge = pr.find(qn("w:vMerge")) if pr is not None else None
                    if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                        add("\t", place)
                        continue
                    texts = [para_text(p) for p in tc.iter(qn("w:p"))] or [""]
                    add("\t" + texts[0], place)
                    for more in texts[1:]:
                        if more.strip():
                            add(more, place)
                add("", f"表{table} 第{r}行")
            add("", f"表{table}")
    return "\n".join(lines), places


def read(path: Path, synonyms: Synonyms = DEFAULT) -> Document:
    text, places = docx_to_text(path)
    return parse_placed(text, places, str(path), SourceFormat.DOCX, synonyms)
