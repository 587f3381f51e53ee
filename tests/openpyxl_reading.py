"""openpyxl's full load for tests that read what a workbook holds — values, formulas, fills, notes,
merges — and never its borders; and openpyxl's shared-formula translation remembered for the run.

Loading a template workbook, openpyxl spends about four fifths of its time copying the borders of
each merged range onto the cells it covers (``MergedCellRange._get_borders`` and ``format``); the
tests that read workbooks opened the same few dozens of times a run. Nothing that writes a
workbook uses this: a save after it would lose those borders.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any
from unittest import mock

import openpyxl
from openpyxl.formula.translate import Translator
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.merge import MergedCellRange


def _start_only(mcr: MergedCellRange) -> None:
    mcr.start_cell = mcr.ws._cells.get((mcr.min_row, mcr.min_col)) or mcr.ws.cell(mcr.min_row, mcr.min_col)


def load_for_reading(src: Path | str | IO[bytes], **kwargs: Any) -> Workbook:
    """``openpyxl.load_workbook(src, **kwargs)`` without the borders of merged cells."""
    with (
        mock.patch.object(MergedCellRange, "_get_borders", _start_only),
        mock.patch.object(MergedCellRange, "format", lambda mcr: None),
    ):
        return openpyxl.load_workbook(src, **kwargs)


# Loading formulas, openpyxl gives each cell of a shared formula the first cell's formula translated
# to it (``Translator``: tokenise the ~3 KB 提示 formula, then rewrite every reference) — two thirds
# of a formula load of a template workbook, and the same translations again in every workbook the
# tests open, since they all come from one template. Both steps are pure functions of their
# arguments; ``remember_translations`` keeps their results for the test process (same text out).
_TRANSLATORS: dict[tuple[str, str], dict[str, Any]] = {}
_TRANSLATIONS: dict[tuple[str, int, int, str | None, int, int], str] = {}
_LIMIT = 50_000  # entries; past it the memo starts again (a long run holds a few thousand)
_original_init = Translator.__init__
_original_translate = Translator.translate_formula


def _init(self: Translator, formula: str, origin: str) -> None:
    known = _TRANSLATORS.get((formula, origin))
    if known is None:
        _original_init(self, formula, origin)
        if len(_TRANSLATORS) > _LIMIT:
            _TRANSLATORS.clear()
        _TRANSLATORS[(formula, origin)] = dict(vars(self))  # the tokens are only read after this
    else:
        vars(self).update(known)


def _translate(self: Translator, dest: str | None = None, row_delta: int = 0, col_delta: int = 0) -> str:
    key = (self.tokenizer.formula, self.row, self.col, dest, row_delta, col_delta)
    text = _TRANSLATIONS.get(key)
    if text is None:
        text = _original_translate(self, dest, row_delta, col_delta)
        if len(_TRANSLATIONS) > _LIMIT:
            _TRANSLATIONS.clear()
        _TRANSLATIONS[key] = text
    return text


def remember_translations() -> None:
    """From now on in this process, openpyxl translates each shared formula to each cell once."""
    Translator.__init__ = _init  # type: ignore[method-assign]
    Translator.translate_formula = _translate  # type: ignore[method-assign]
