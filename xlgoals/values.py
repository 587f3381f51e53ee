"""The indicator-value grammar: how real tables write 指标值, and what it means.

``parse_value("≥95百分比")`` → op "≥", number 95, unit "%", kind 定量, normalisations ["百分比"].
Parsing never raises: text that fits no form is kept with kind ``unknown`` for a rule to report.
The flat 项目支出绩效目标表 layout splits a value over three columns (指标值 "842.07", 度量单位 "万元",
指标值类型 "≤"); ``parse_value`` combines them.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from xlgoals import limits


class Kind(StrEnum):
    QUANT = "定量"
    QUAL = "定性"
    UNKNOWN = "unknown"


class Form(StrEnum):
    NUMBER = "number"  # [op] number [unit]: "≥95%", "2个", "≤350万元"
    PERIOD = "period"  # "2024年1-12月"
    DEADLINE = "deadline"  # "12月31日前", "2024年6月底前"
    TEXT = "text"  # qualitative wording: "进一步提高", "及时完成"
    PLACEHOLDER = "placeholder"  # template residue: "≥**%", "**月**日前"
    EMPTY = "empty"
    OTHER = "other"  # digits but no known form: "1:1", "≥"


class Norm(StrEnum):
    """Normalisations applied to reach the normalised text (reported by VAL-005 / VAL-001)."""

    SPACE = "空格"
    FULLWIDTH = "全角符号"  # ％ ＞ ＜ ＝ ≧ ≦ ０-９ ．
    ASCII_OPERATOR = "ASCII比较符"  # >= <=
    BAIFENBI = "百分比"  # "百分比" → "%"
    WAN = "万→万元"  # unit "万" alone → "万元"
    THOUSANDS = "千分位"  # "4,500.00" → "4500.00"


OPERATORS = ("≥", "≤", "=", ">", "<")
# No amount in 万元 reaches this (it is 10^16 元); anything larger is a typo or hostile input.
MAX_AMOUNT = Decimal(10) ** 12

# A 文号 as tables and titles write it: "怀财字【2024】7号", "冀财社[2023]188号"; group 1 is its year.
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,3}[【\[〔(（]\s*(\d{4})\s*[】\]〕)）]\s*\d+\s*号")


class IndicatorValue(BaseModel):
    model_config = ConfigDict(frozen=True)

    raw: str
    normalized: str
    op: str = ""  # one of OPERATORS, or "" for none
    number: Decimal | None = None
    unit: str = ""
    kind: Kind = Kind.UNKNOWN
    form: Form = Form.EMPTY
    normalizations: tuple[Norm, ...] = ()

    @property
    def is_percent(self) -> bool:
        return self.unit in ("%", "‰")


_FULLWIDTH = str.maketrans(
    {
        "％": "%",
        "＞": ">",
        "＜": "<",
        "＝": "=",
        "≧": "≥",
        "≦": "≤",
        "．": ".",
        "，": ",",
        "０": "0",
        "１": "1",
        "２": "2",
        "３": "3",
        "４": "4",
        "５": "5",
        "６": "6",
        "７": "7",
        "８": "8",
        "９": "9",
    }
)
_ASCII_OPS = ((">=", "≥"), ("=>", "≥"), ("≥=", "≥"), ("<=", "≤"), ("=<", "≤"), ("≤=", "≤"))
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^(?P<op>[≥≤=><])?(?P<num>[0-9]+(?:\.[0-9]+)?)(?P<unit>[^0-9]*)$", re.ASCII)
_PERIOD = re.compile(r"^(?:\d{4}年)?\d{1,2}月?[-－—~～至到]\d{1,2}月(?:底|末)?$")
# "12月31日前", "2024年6月底前", "2025年年底前", "年底前", "上半年", "第三季度末前": a point in time.
_DEADLINE = re.compile(
    r"^(?:\d{4}年)?(?:\d{1,2}月(?:\d{1,2}日)?(?:底前|前|之前|以前|底|末)|年?[底末](?:前|之前|以前)?"
    r"|[上下]半年(?:前|内|底前)?|第?[一二三四1-4]季度(?:末|底)?(?:前|之前|内)?)$"
)
_UNIT_TOKEN = re.compile(r"^[^\d≥≤=><]*$")


def normalize_text(raw: str) -> tuple[str, tuple[Norm, ...]]:
    """Apply the spelling normalisations; return the text and what was changed (in a fixed order)."""
    applied: list[Norm] = []
    text = raw
    stripped = _SPACE.sub("", text)
    if stripped != text:
        applied.append(Norm.SPACE)
        text = stripped
    translated = text.translate(_FULLWIDTH)
    if translated != text:
        applied.append(Norm.FULLWIDTH)
        text = translated
    before = text
    changed = True
    while changed:  # "≥==" → "≥=" → "≥": fold until nothing changes, so normalising is idempotent
        folded = text
        for old, new in _ASCII_OPS:
            folded = folded.replace(old, new)
        changed, text = folded != text, folded
    if text != before:
        applied.append(Norm.ASCII_OPERATOR)
    if "百分比" in text:
        applied.append(Norm.BAIFENBI)
        text = text.replace("百分比", "%")
    unseparated = _THOUSANDS.sub("", text)
    if unseparated != text:
        applied.append(Norm.THOUSANDS)
        text = unseparated
    if re.search(r"[0-9]万$", text):
        applied.append(Norm.WAN)
        text += "元"
    return text, tuple(applied)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@lru_cache(maxsize=16384)
def parse_value(raw: str, unit_column: str = "", value_type: str = "") -> IndicatorValue:
    """Parse 指标值 text (plus the flat layout's 度量单位 and 指标值类型 columns). Never raises."""
    text, norms = normalize_text(raw if isinstance(raw, str) else str(raw))
    unit_col, unit_norms = normalize_text(unit_column or "")
    type_col, type_norms = normalize_text(value_type or "")
    if unit_col in ("-", "—", "－", "/", "无"):
        unit_col = ""
    all_norms = tuple(dict.fromkeys(norms + unit_norms + type_norms))
    qualitative_type = type_col == "定性"
    split_op = type_col if type_col in OPERATORS else ""

    if not text:
        return IndicatorValue(raw=raw, normalized="", form=Form.EMPTY, normalizations=all_norms)
    if "**" in text or "＊＊" in raw:
        return IndicatorValue(
            raw=raw, normalized=text, form=Form.PLACEHOLDER, kind=Kind.UNKNOWN, normalizations=all_norms
        )

    m = None if _DEADLINE.match(text) else _NUMBER.match(text)  # "12月底前" is a date, not 12 of 月底前
    if m and not qualitative_type:
        op = m.group("op") or split_op
        unit = m.group("unit") or (unit_col if _UNIT_TOKEN.match(unit_col) else "")
        number = _decimal(m.group("num"))
        return IndicatorValue(
            raw=raw,
            normalized=f"{op}{m.group('num')}{unit}",
            op=op,
            number=number,
            unit=unit,
            kind=Kind.QUANT,
            form=Form.NUMBER,
            normalizations=all_norms,
        )
    if _PERIOD.match(text):
        return IndicatorValue(
            raw=raw,
            normalized=text,
            unit=unit_col,
            kind=Kind.QUAL if qualitative_type else Kind.QUANT,
            form=Form.PERIOD,
            normalizations=all_norms,
        )
    if _DEADLINE.match(text):
        return IndicatorValue(
            raw=raw,
            normalized=text,
            op=split_op,
            unit=unit_col,
            kind=Kind.QUAL if qualitative_type else Kind.QUANT,
            form=Form.DEADLINE,
            normalizations=all_norms,
        )
    if not any(ch in "0123456789" for ch in text) and not any(op in text for op in OPERATORS):
        return IndicatorValue(
            raw=raw, normalized=text, unit=unit_col, kind=Kind.QUAL, form=Form.TEXT, normalizations=all_norms
        )
    if m and qualitative_type:
        # A number declared 定性 in the flat layout: keep the number, report the kind as written.
        return IndicatorValue(
            raw=raw,
            normalized=text,
            op=m.group("op") or "",
            number=_decimal(m.group("num")),
            unit=m.group("unit") or unit_col,
            kind=Kind.QUAL,
            form=Form.NUMBER,
            normalizations=all_norms,
        )
    return IndicatorValue(
        raw=raw, normalized=text, unit=unit_col, kind=Kind.UNKNOWN, form=Form.OTHER, normalizations=all_norms
    )


def parse_amount(raw: object) -> Decimal | None:
    """Parse a money cell (万元): "2800.00", "4,500.00", 2800.0. Blank, unreadable, not finite or
    absurdly large (``MAX_AMOUNT``) → None."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number: Decimal | None = Decimal(raw) if abs(raw) < MAX_AMOUNT else None
    elif isinstance(raw, float):
        number = Decimal(repr(raw)) if math.isfinite(raw) else None
    elif isinstance(raw, Decimal):
        number = raw
    else:
        text, _ = normalize_text(str(raw)[: limits.MAX_PATTERN_TEXT])
        text = text.removesuffix("万元")
        number = _decimal(text) if re.fullmatch(r"-?[0-9]{1,20}(?:\.[0-9]{1,20})?", text) else None
    if number is None or not number.is_finite() or number.copy_abs() >= MAX_AMOUNT:
        return None
    return number


def parse_plan_point(raw: object) -> tuple[Decimal | None, bool]:
    """Parse one 资金支出计划 cell: ("25%" → 25, True), ("1500.00" → 1500.00, False)."""
    if raw is None:
        return None, False
    text, _ = normalize_text(str(raw)[: limits.MAX_PATTERN_TEXT])
    if text.endswith("%"):
        return parse_amount(text[:-1]) if re.fullmatch(r"[0-9.]+", text[:-1]) else None, True
    return parse_amount(text), False
