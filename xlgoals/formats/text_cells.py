"""Tokenise the published-text layout of the seeds into cells.

In that layout (a Word table saved as text) a line that starts with a tab begins a table cell; a
line without a tab inside a table continues the cell above (a cell may span lines and blank lines);
bare numbers between tables are page numbers. Trailing tabs come from merged cells and carry nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xlgoals.layout import label_key

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
PAGE_NUMBER = re.compile(r"^\d{1,4}$")
# A line that starts a numbered item: "2.…", "（2）", "二、", "目标2".
NUMBERED_ITEM = re.compile(r"^(?:(\d{1,2})[.、．)]|[（(](\d{1,2})[)）]|([一二三四五六七八九十]+)、|目标(\d))")
_CHINESE_DIGITS = "一二三四五六七八九十"


def item_number(text: str) -> int | None:
    """The number of the numbered item ``text`` starts (``NUMBERED_ITEM``); None when it starts none."""
    m = NUMBERED_ITEM.match(text)
    if m is None:
        return None
    digits = m.group(1) or m.group(2) or m.group(4)
    if digits:
        return int(digits)
    words = m.group(3)
    return _CHINESE_DIGITS.index(words) + 1 if len(words) == 1 else 10 + len(words)  # 十一、…: past ten


def clean_line(line: str) -> str:
    """Drop Word bookmark markers and the carriage return of CRLF files."""
    return _BOOKMARK.sub("", line.rstrip("\r"))


@dataclass
class Cell:
    text: str
    line: int  # 1-based line of the cell's first line
    lines: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return label_key(self.text)

    @property
    def value(self) -> str:
        """The cell text without surrounding white space (inner line breaks kept)."""
        return self.text.strip()


def tokenize(lines: list[str], start: int, end: int) -> list[Cell]:
    """Cells of lines[start:end] (0-based indices; Cell.line is 1-based)."""
    cells: list[Cell] = []
    for idx in range(start, end):
        line = lines[idx]
        if line.startswith("\t"):
            parts = line.rstrip("\t").split("\t")[1:] or [""]
            for part in parts:
                cells.append(Cell(part, idx + 1, [idx + 1]))
        elif line.strip():
            if PAGE_NUMBER.match(line.strip()):
                continue
            if cells:
                cells[-1].text = cells[-1].text.rstrip() + "\n" + line.strip()
                cells[-1].lines.append(idx + 1)
    return cells
