"""A saved web page (.html, .htm, .mhtml — “网页另存为”) → Document.

Many 公开 tables reach a reviewer as the page itself. Its tables are real ``<table>`` markup with
merged cells; they are laid out as the published-text layout the Word reader produces (one cell per
line starting with a tab, a blank line after each row, a vertically merged cell's later rows as an
empty cell, a horizontally merged cell as one cell), so every text parser — the Hebei table, the flat
table, the tables found by their labels — reads a page as it reads a Word document. Text outside the
tables (the title, 填报单位, the page's own furniture) becomes plain lines between them. Each value is
located as a reader finds it in the browser: "表2 第5行 第3列", or "正文第N段".
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html

from xlgoals import limits
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats.encoding import decode_text
from xlgoals.formats.published_text import parse_placed
from xlgoals.io.container import open_regular
from xlgoals.model import Document, SourceFormat
from xlgoals.synonyms import DEFAULT, Synonyms

_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "object", "select", "button"}
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "nav", "blockquote", "pre", "center", "dl", "dt", "dd", "form", "hr", "caption", "title",
}  # fmt: skip
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_MAX_SPAN = 1000  # a crafted rowspan="100000000" spans no more than this


def page_text(path: Path) -> tuple[str, list[str]]:
    """The page as published-text lines, and for each line where a reader finds it in the page."""
    data = open_regular(path, limits.MAX_TEXT_BYTES, "网页")
    if path.suffix.lower() in (".mhtml", ".mht") or data.lstrip()[:200].lower().startswith(
        (b"mime-version", b"from:", b"content-type: multipart")
    ):
        data = _html_of_archive(data, path)
    text, _encoding = decode_text(data, str(path))
    text = _XML_DECLARATION.sub("", text, count=1)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        raise XlgoalsInputError(
            "网页内容为空或无法解析，请在浏览器中重新“另存为”网页后再试。", file=str(path)
        ) from None
    page = _Page()
    page.walk(root)
    page.flush()
    if page.table:  # the page's footer (打印本页, 关闭窗口, the site's address) belongs to no table
        del page.lines[page.end :], page.places[page.end :]
    return "\n".join(page.lines), page.places


def _html_of_archive(data: bytes, path: Path) -> bytes:
    """The HTML part of a single-file web archive (.mhtml: a MIME message)."""
    message: Message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset:
                    try:
                        return payload.decode(charset).encode("utf-8")
                    except (LookupError, UnicodeDecodeError):
                        pass
                return payload
    raise XlgoalsInputError(
        "网页存档（.mhtml）中没有找到网页内容，请在浏览器中重新保存后再试。", file=str(path)
    )


class _Page:
    """Lines and their places, built by walking the page in document order."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.places: list[str] = []
        self.buffer: list[str] = []
        self.paragraph = 0
        self.table = 0
        self.end = 0  # the number of lines up to the end of the last table

    def add(self, line: str, place: str) -> None:
        self.lines.append(line)
        self.places.append(place)

    def text(self, piece: str | None) -> None:
        if piece:
            self.buffer.append(piece)

    def flush(self) -> None:
        """The text gathered since the last block boundary, as a line of the page's body."""
        line = _SPACE.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if line:
            self.paragraph += 1
            self.add(line, f"正文第{self.paragraph}段")

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _SKIP:
            self.text(el.tail)
            return
        if tag.lower() == "table" and not any(True for _ in el.iterdescendants("table")):
            self.flush()
            self.emit_table(el)
            self.text(el.tail)
            return
        block = tag.lower() in _BLOCK or tag.lower() in ("table", "tr", "td", "th", "body")
        if block:
            self.flush()
        if tag.lower() == "br":
            self.flush()
        self.text(el.text)
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        self.text(el.tail)

    def emit_table(self, table: Any) -> None:
        """A table's rows as the Word reader lays them out."""
        self.table += 1
        pending: dict[int, list[int]] = {}  # column → [rows it still covers, its width]
        for r, tr in enumerate(table.iter("tr"), start=1):
            col = c = 0
            seen: set[int] = set()
            cells = [td for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")]
            for td in [*cells, None]:
                # merged cells from the rows above that reach into this row here (after the last
                # cell: all that remain to the right)
                while (col in pending) or (td is None and any(k > col for k in pending)):
                    col = col if col in pending else min(k for k in pending if k > col)
                    c += 1
                    self.add("\t", f"表{self.table} 第{r}行 第{c}列")
                    rows, width = pending.pop(col)
                    seen.add(col)
                    if rows > 1:
                        pending[col] = [rows - 1, width]
                    col += width
                if td is None:
                    break
                c += 1
                width, height = _span(td.get("colspan")), _span(td.get("rowspan"))
                place = f"表{self.table} 第{r}行 第{c}列"
                parts = _cell_lines(td) or [""]
                self.add("\t" + parts[0], place)
                for more in parts[1:]:
                    self.add(more, place)
                if height > 1:
                    pending[col] = [height - 1, width]
                    seen.add(col)
                col += width
            for k in [k for k in pending if k not in seen]:  # overlapped by this row's own cells
                pending[k][0] -= 1
                if pending[k][0] <= 0:
                    del pending[k]
            self.add("", f"表{self.table} 第{r}行")
        self.add("", f"表{self.table}")
        self.end = len(self.lines)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip() or "1"), _MAX_SPAN))
    except ValueError:
        return 1


def _cell_lines(td: Any) -> list[str]:
    """A cell's text as the lines a reader sees: <br> and paragraphs break lines; the page source's
    own line breaks and runs of spaces are one space."""
    pieces: list[str] = []

    def walk(el: Any, top: bool) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            if not top and el.tail:
                pieces.append(el.tail)
            return
        if tag == "br" or tag in _BLOCK:
            pieces.append("\n")
        if el.text:
            pieces.append(el.text)
        for child in el:
            walk(child, False)
        if tag in _BLOCK:
            pieces.append("\n")
        if not top and el.tail:
            pieces.append(el.tail)

    walk(td, True)
    lines = [_SPACE.sub(" ", x).strip() for x in "".join(pieces).split("\n")]
    return [x for x in lines if x]


def read(path: Path, synonyms: Synonyms = DEFAULT) -> Document:
    text, places = page_text(path)
    return parse_placed(text, places, str(path), SourceFormat.HTML, synonyms)
