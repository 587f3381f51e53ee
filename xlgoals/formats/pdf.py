"""A PDF with a text layer (many 公开 documents are PDFs) → Document, through pdfplumber.

Ruled tables are found from their lines and laid out as a workbook's rows (every column a cell, the
text of a merged area in its first cell), so the readers that find a table by its labels read them
as they read a sheet; the text between tables (titles, 填报单位) becomes plain lines. A cell's text
wrapped over several lines is joined again, except before a numbered item ("2.…"). A PDF whose
tables have no ruling lines is read from its text laid out in columns (cells separated by runs of
spaces). A scanned PDF — pages without text — is named as such. Locations read "第P页 表N 第R行 第C列"
or "第P页 第L行".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from xlgoals import limits
from xlgoals.errors import NotATableError, XlgoalsInputError
from xlgoals.formats.published_text import parse_placed
from xlgoals.formats.text_cells import NUMBERED_ITEM
from xlgoals.io.container import check_regular
from xlgoals.model import Document, SourceFormat
from xlgoals.synonyms import DEFAULT, Synonyms

MAX_PAGES = 500


def _cell(text: str | None) -> str:
    """A cell's text with the PDF's line wrapping undone: wrapped lines are joined; a line that starts
    a numbered item ("2.…", "（2）", "二、") starts a line of its own."""
    if not text:
        return ""
    out: list[str] = []
    for line in (x.strip() for x in text.replace("\t", " ").split("\n")):
        if not line:
            continue
        if out and not NUMBERED_ITEM.match(line):
            gap = " " if out[-1][-1:].isascii() and line[:1].isascii() and out[-1][-1:].isalnum() else ""
            out[-1] += gap + line
        else:
            out.append(line)
    return "\n".join(out)


def pdf_text(path: Path) -> tuple[str, list[str]]:
    """The document as published-text lines and where each is, or the text laid out in columns when
    no ruled table is found."""

    file = str(path)
    check_regular(path, limits.MAX_DOCX_BYTES, "PDF 文件")
    lines: list[str] = []
    places: list[str] = []
    plain: list[str] = []
    plain_places: list[str] = []
    any_text = False
    tables_found = 0
    try:
        with pdfplumber.open(file) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise XlgoalsInputError(
                    f"PDF 共 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页，请拆分后再试。", file=file
                )
            for number, page in enumerate(pdf.pages, start=1):
                text = page.extract_text(layout=True) or ""
                any_text = any_text or bool(text.strip())
                for k, line in enumerate(text.split("\n"), start=1):
                    if line.strip():
                        plain.append(line.rstrip())
                        plain_places.append(f"第{number}页 第{k}行")
                tables_found += _page_lines(page, number, tables_found, lines, places)
    except XlgoalsInputError:
        raise
    except (PdfminerException, PSException, PDFSyntaxError, PDFEncryptionError, PDFPasswordIncorrect,
            ValueError, KeyError, TypeError, OSError, RecursionError) as exc:  # fmt: skip
        # a damaged or encrypted file: pdfminer's own errors, or a parser meeting what it did not expect
        raise XlgoalsInputError(
            f"PDF 文件无法读取（{type(exc).__name__}），可能已损坏或加了密码：请重新获取或另存后再试。",
            file=file,
        ) from None
    if not any_text:
        raise NotATableError(
            "这个 PDF 没有文字层（是扫描件或图片）：无法读取其中的表格。请向报送单位索取 Excel 或 Word 原件。",
            file=file,
        )
    if tables_found:
        return "\n".join(lines), places
    return "\n".join(plain), plain_places


def _page_lines(page: Any, number: int, before: int, lines: list[str], places: list[str]) -> int:
    """The page's ruled tables and the text lines outside them, top to bottom; how many tables."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, int, Any]] = [(t.bbox[1], 1, t) for t in tables]
    for line in page.extract_text_lines(strip=True):
        middle = (line["top"] + line["bottom"]) / 2
        inside = any(x0 - 1 <= line["x0"] and line["x1"] <= x1 + 1 and top <= middle <= bottom
                     for x0, top, x1, bottom in boxes)  # fmt: skip
        if not inside:
            items.append((line["top"], 0, line["text"]))
    n = before
    for _top, kind, item in sorted(items, key=lambda x: (x[0], x[1])):
        if kind == 0:
            lines.append(str(item))
            places.append(f"第{number}页")
            continue
        n += 1
        for r, row in enumerate(item.extract(), start=1):
            for c, cell in enumerate(row, start=1):
                parts = _cell(cell).split("\n")
                lines.append("\t" + parts[0])
                places.append(f"第{number}页 表{n} 第{r}行 第{c}列")
                for more in parts[1:]:
                    lines.append(more)
                    places.append(f"第{number}页 表{n} 第{r}行 第{c}列")
            lines.append("")
            places.append(f"第{number}页 表{n} 第{r}行")
        lines.append("")
        places.append(f"第{number}页 表{n}")
    return n - before


def read(path: Path, synonyms: Synonyms = DEFAULT) -> Document:
    text, places = pdf_text(path)
    try:
        return parse_placed(text, places, str(path), SourceFormat.PDF, synonyms)
    except NotATableError as exc:
        if "\t" in text:
            raise
        raise NotATableError(
            "PDF 中没有找到带表格线的表格，按文字排列也没有认出绩效目标表（表格没有框线时，单元格里换行的文字"
            f"无法可靠地分回各列）：{exc.message}请向报送单位索取 Excel 或 Word 原件。",
            file=str(path),
        ) from None
