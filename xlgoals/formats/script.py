"""Tables published in Traditional script (繁體) read as their Simplified original: the labels are
recognised and the rules see the words they know. A text is converted only when it is written in
Traditional characters (OpenCC's t2s conversion), so a Simplified table is never touched."""

from __future__ import annotations

from functools import cache

import opencc

# Traditional forms common in these tables whose Simplified forms differ (標, 項, 級 …): a table that
# uses several of them is written in Traditional script.
_TRADITIONAL = frozenset(
    "標項級預資績單數質產滿會經濟態續響務對據確計劃財額總門編碼實長職責開環設說備內體類屬負聯電話準評權際"
    "報審見織運轉發業區縣鄉鎮農關維護養險醫療衛學補貼應當與為個萬達規範條檢驗證調況問題結書統導術處"
)
_SAMPLE = 50_000  # characters looked at to decide
_ENOUGH = 8  # Traditional characters that make a table Traditional


def is_traditional(text: str) -> bool:
    return sum(ch in _TRADITIONAL for ch in text[:_SAMPLE]) >= _ENOUGH


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in Simplified characters when it is written in Traditional ones; else unchanged."""
    return _to_simplified().convert(text) if is_traditional(text) else text


def simplified_cell(value: object) -> object:
    """A cell of a Traditional workbook: its text converted, numbers and dates as they are."""
    return _to_simplified().convert(value) if isinstance(value, str) else value
