"""Text that can always be written out: lone surrogates (from a JSON "\\ud800" or a file name that is
not valid UTF-8) become U+FFFD, and the control characters XML forbids are dropped, so printing a
message, saving a report or writing a cell never fails on what a user's input contained."""

from __future__ import annotations

import os
import re

_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` without lone surrogates."""
    if text.isprintable():  # a surrogate never is
        return text
    return _SURROGATES.sub("\ufffd", text)


def xml_safe(text: str) -> str:
    """``text`` fit for an XML document (a workbook cell, a note, a Word paragraph)."""
    if text.isprintable():  # nearly every text: no control character, surrogate or non-character
        return text
    return _XML_ILLEGAL.sub("", printable(text))


def path_text(path: os.PathLike[str] | str) -> str:
    """A path as text for a person: bytes that were not valid in its encoding shown as U+FFFD, and
    control characters (a line break, ESC) as "?" — a name must not break a report's lines or send
    a terminal escape sequences."""
    return name_text(os.fspath(path))


def name_text(name: str) -> str:
    """A file name as text for a person (see ``path_text``)."""
    return _CONTROLS.sub("?", printable(name))
