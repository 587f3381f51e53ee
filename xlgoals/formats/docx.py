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

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from xlgoals import layout as L
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats.published_text import parse_text
from xlgoals.model import Document, GoalTable, SourceFormat
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


def _font(run: Any, size: float | None = None, bold: bool = False) -> None:
    run.font.name = L.FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), L.FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _set(cell: Any, text: str, bold: bool = False) -> None:
    lines = text.split("\n") if text else [""]
    cell.text = ""
    para = cell.paragraphs[0]
    for k, line in enumerate(lines):
        if k:
            para = cell.add_paragraph()
        _font(para.add_run(line), 9, bold)


def _table(d: Any, t: GoalTable) -> None:
    rows = 8 + len(t.indicators)
    table = d.add_table(rows=rows, cols=7)
    table.style = "Table Grid"
    c = table.cell

    def merge(r1: int, c1: int, r2: int, c2: int, text: str, bold: bool = False) -> None:
        cell = c(r1, c1).merge(c(r2, c2)) if (r1, c1) != (r2, c2) else c(r1, c1)
        _set(cell, text, bold)

    merge(0, 0, 0, 4, f"{t.unit_code}{t.unit_name}")
    merge(0, 5, 0, 6, L.Label.MONEY_UNIT)
    merge(1, 0, 1, 0, L.Label.PROJECT_CODE, True)
    merge(1, 1, 1, 2, t.project_code)
    merge(1, 3, 1, 3, L.Label.PROJECT_NAME, True)
    merge(1, 4, 1, 6, t.project_name)
    merge(2, 0, 3, 0, L.Label.BUDGET_BLOCK, True)
    b = t.budget
    for col, text in enumerate(
        (L.Label.BUDGET_TOTAL, _money_cell(b.total, b.total_raw), L.Label.BUDGET_FISCAL,
         _money_cell(b.fiscal, b.fiscal_raw), L.Label.BUDGET_OTHER, _money_cell(b.other, b.other_raw)),
        start=1,
    ):  # fmt: skip
        merge(2, col, 2, col, text, col in (1, 3, 5))
    merge(3, 1, 3, 6, t.fund_use)
    merge(4, 0, 5, 0, t.spend_plan.header or L.Label.PLAN_PERCENT, True)
    spans = ((1, 2), (3, 3), (4, 4), (5, 6))
    for (c1, c2), label, point in zip(spans, L.Label.PLAN_POINTS, t.spend_plan.points, strict=True):
        merge(4, c1, 4, c2, label, True)
        merge(5, c1, 5, c2, point.raw)
    merge(6, 0, 6, 0, L.Label.GOALS, True)
    merge(6, 1, 6, 6, "\n".join(t.goals))
    for (c1, c2), label in zip(
        ((0, 0), (1, 1), (2, 2), (3, 4), (5, 5), (6, 6)), L.Label.INDICATOR_HEADER, strict=True
    ):
        merge(7, c1, 7, c2, label, True)
    k = 0
    while k < len(t.indicators):
        n = 1
        while k + n < len(t.indicators) and t.indicators[k + n].level1 == t.indicators[k].level1:
            n += 1
        merge(8 + k, 0, 8 + k + n - 1, 0, t.indicators[k].level1)
        k += n
    for k, ind in enumerate(t.indicators):
        r = 8 + k
        merge(r, 1, r, 1, ind.level2)
        merge(r, 2, r, 2, ind.name)
        merge(r, 3, r, 4, ind.description)
        merge(r, 5, r, 5, ind.value_raw)
        merge(r, 6, r, 6, ind.basis)


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
    _font(para.add_run(title), 16, True)
    sentence, items = publication_intro(doc)
    _font(d.add_paragraph().add_run(sentence))
    for item in items:
        _font(d.add_paragraph().add_run(item))
    _font(d.add_paragraph().add_run(f"附件：{L.Label.TITLE}"))
    if doc.meta.issuer:
        _font(d.add_paragraph().add_run(doc.meta.issuer))
    if doc.meta.issue_date:
        _font(d.add_paragraph().add_run(doc.meta.issue_date))
    for k, t in enumerate(doc.tables, start=1):
        heading = t.title or f"{k}.{DOC_NUMBER.sub('', t.project_name).strip()}{L.Label.TITLE}"
        p = d.add_paragraph()
        _font(p.add_run(heading), 12, True)
        _table(d, t)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# === reading ===================================================================================


def docx_to_text(path: Path) -> str:
    try:
        d = docx.Document(str(path))
    except Exception as exc:
        raise XlgoalsInputError(
            f"Word 文档无法打开（{type(exc).__name__}），文件可能已损坏或不是 .docx。", file=str(path)
        ) from None
    lines: list[str] = []

    def para_text(p: Any) -> str:
        return "".join(t.text or "" for t in p.iter(qn("w:t")))

    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(para_text(child))
        elif child.tag == qn("w:tbl"):
            for tr in child.iter(qn("w:tr")):
                for tc in tr.iter(qn("w:tc")):
                    pr = tc.find(qn("w:tcPr"))
                    vmerge = pr.find(qn("w:vMerge")) if pr is not None else None
                    if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                        lines.append("\t")
                        continue
                    texts = [para_text(p) for p in tc.iter(qn("w:p"))] or [""]
                    lines.append("\t" + texts[0])
                    lines.extend(t for t in texts[1:] if t.strip())
                lines.append("")
            lines.append("")
    return "\n".join(lines)


def read(path: Path) -> Document:
    doc = parse_text(docx_to_text(path), str(path))
    doc.format = SourceFormat.DOCX
    return doc
