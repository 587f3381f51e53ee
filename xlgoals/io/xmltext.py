"""XML written as text, escaped as lxml writes it: the parts marking makes whole (校验结果, a sheet's
first notes and their drawing) and the formulas it splices into a sheet come out byte for byte as the
same content built as a tree and serialised by lxml would."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

_IN_TEXT = re.compile("[&<>\r]")
_IN_ATTRIBUTE = re.compile('[&<>"\n\r\t]')


def text(value: str) -> str:
    """``value`` as an element's content."""
    if _IN_TEXT.search(value) is None:  # most texts: nothing to escape, no four passes over them
        return value
    return escape(value, {"\r": "&#13;"})


def attribute(value: str) -> str:
    """``value`` as an attribute's, in double quotes."""
    if _IN_ATTRIBUTE.search(value) is None:
        return value
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
