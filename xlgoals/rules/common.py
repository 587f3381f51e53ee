"""Helpers the rule families share."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from xlgoals.frameworks import canonical_level1, canonical_level2
from xlgoals.model import GoalTable, Indicator
from xlgoals.values import DOC_NUMBER, Form, IndicatorValue

NUMBERING = re.compile(r"^\s*(?:[（(]\d{1,3}[)）]|\d{1,3}\s*[.、．,，](?!\d))\s*")
PUNCT = re.compile(r"[\s，,。.；;：:、“”\"'《》（）()【】\[\]—\-]+")


def rows(t: GoalTable) -> list[tuple[int, Indicator]]:
    """The real indicator rows: not the "无" placeholders of the flat layout."""
    return [(k, i) for k, i in enumerate(t.indicators) if not i.is_placeholder]


def l1(ind: Indicator) -> str:
    return canonical_level1(ind.level1)


def l2(ind: Indicator) -> str:
    return canonical_level2(ind.level2)


@lru_cache(maxsize=16384)  # several rules compare the same names and descriptions
def clean(text: str) -> str:
    """For comparing texts: no doc number, numbering, punctuation or spaces."""
    if "号" in text:  # every doc number ends in 号: most texts need not be searched for one
        text = DOC_NUMBER.sub("", text)
    text = NUMBERING.sub("", text)
    return PUNCT.sub("", text)


def strip_parenthetical(name: str) -> str:
    """The name without a trailing bracketed note: "参保率（实际参保人数/应参保人数）" → "参保率"."""
    return re.sub(r"[（(][^（()）]*[)）]\s*$", "", name.strip()).strip()


def rate_name(name: str) -> bool:
    """ "…率", ignoring a trailing "(%)" or a bracketed formula."""
    return strip_parenthetical(name).endswith("率")


def to_wan(v: IndicatorValue) -> Decimal | None:
    """A money value in 万元 (total amounts only: 万元, 亿元, 元 — not 元/人 unit costs)."""
    if v.form != Form.NUMBER or v.number is None:
        return None
    if v.unit == "万元":
        return v.number
    if v.unit == "亿元":
        return v.number * 10000
    if v.unit == "元":
        return v.number / 10000
    return None


def is_cost_row(ind: Indicator) -> bool:
    return l2(ind) == "成本指标" or l1(ind) == "成本指标"


def is_satisfaction_row(ind: Indicator) -> bool:
    return l1(ind) == "满意度指标" or l2(ind) == "服务对象满意度指标"


def quote(text: str, limit: int = 30) -> str:
    text = text.replace("\n", " ")
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"
