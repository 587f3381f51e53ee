"""The 公开 publication as Word (.docx): title, an intro whose project count and total are computed
from the tables, the numbered list of projects with amounts, then one official table per project.

The layout is the one the published seeds were dumped from, so ``importers/docx.py`` can read it
back through the same text parser.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from xlgoals.model import Document, GoalTable
from xlgoals.values import DOC_NUMBER

FONT = "宋体"


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
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
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
    merge(0, 5, 0, 6, "单位：万元")
    merge(1, 0, 1, 0, "项目编码", True)
    merge(1, 1, 1, 2, t.project_code)
    merge(1, 3, 1, 3, "项目名称", True)
    merge(1, 4, 1, 6, t.project_name)
    merge(2, 0, 3, 0, "预算规模及资金用途", True)
    b = t.budget
    for col, text in enumerate(
        ("预算数", _money_cell(b.total, b.total_raw), "其中：财政资金", _money_cell(b.fiscal, b.fiscal_raw),
         "其他资金", _money_cell(b.other, b.other_raw)),
        start=1,
    ):  # fmt: skip
        merge(2, col, 2, col, text, col in (1, 3, 5))
    merge(3, 1, 3, 6, t.fund_use)
    merge(4, 0, 5, 0, t.spend_plan.header or "资金支出计划（%）", True)
    spans = ((1, 2), (3, 3), (4, 4), (5, 6))
    for (c1, c2), label, point in zip(
        spans, ("3月底", "6月底", "10月底", "12月底"), t.spend_plan.points, strict=True
    ):
        merge(4, c1, 4, c2, label, True)
        merge(5, c1, 5, c2, point.raw)
    merge(6, 0, 6, 0, "绩效目标", True)
    merge(6, 1, 6, 6, "\n".join(t.goals))
    for (c1, c2), label in zip(
        ((0, 0), (1, 1), (2, 2), (3, 4), (5, 5), (6, 6)),
        ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"), strict=True,
    ):  # fmt: skip
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
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    style = d.styles["Normal"]
    style.font.name = FONT
    from docx.oxml.ns import qn

    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    d.core_properties.author = "xlgoals"
    title = doc.meta.title or (
        f"{doc.meta.budget_year}年重大政策和重点项目绩效目标" if doc.meta.budget_year else "绩效目标"
    )
    para = d.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(para.add_run(title), 16, True)
    sentence, items = publication_intro(doc)
    _font(d.add_paragraph().add_run(sentence))
    for item in items:
        _font(d.add_paragraph().add_run(item))
    _font(d.add_paragraph().add_run("附件：绩效目标表"))
    if doc.meta.issuer:
        _font(d.add_paragraph().add_run(doc.meta.issuer))
    if doc.meta.issue_date:
        _font(d.add_paragraph().add_run(doc.meta.issue_date))
    for k, t in enumerate(doc.tables, start=1):
        heading = t.title or f"{k}.{DOC_NUMBER.sub('', t.project_name).strip()}绩效目标表"
        p = d.add_paragraph()
        _font(p.add_run(heading), 12, True)
        _table(d, t)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
