"""How a sheet of findings prints: the height a row needs for its wrapped text, and the page setup
every report sheet shares (A4 landscape, one page wide, the header row repeated on each page).

Spreadsheet writers do not measure text: a wrapped cell keeps the default row height unless told,
and LibreOffice then prints the text over the rows below. So each row gets the height its longest
wrapped cell needs, estimated from the column width in characters (a CJK character takes two).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

LINE_POINTS = 15.0  # one line of 10–11 pt text
A4 = 9  # the paper size code of A4


@lru_cache(maxsize=4096)  # a report repeats its rules' texts on every row: each is measured once
def display_width(text: str) -> int:
    """Width in narrow characters: full-width and wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@lru_cache(maxsize=4096)  # the same messages and fixes, in the same columns, on row after row
def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a column ``width`` characters wide (each paragraph wraps on its own)."""
    usable = max(width * 0.9, 1.0)  # cell padding, and words that do not break exactly at the edge
    return sum(max(1, math.ceil(display_width(p) / usable)) for p in str(text).split("\n"))


def row_height(values: Sequence[object], widths: Sequence[float]) -> float:
    """The height (points) a row needs so that every wrapped cell shows all its text."""
    lines = max((wrapped_lines(str(v), w) for v, w in zip(values, widths, strict=False) if v), default=1)
    return LINE_POINTS * lines
