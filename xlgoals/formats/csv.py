"""CSV, one row per indicator with its project's fields; UTF-8 with BOM so Excel opens it in Chinese.

The columns are the fields that have one in the field table (``layout.TABLE_FIELDS`` and
``INDICATOR_FIELDS``, their ``csv`` label, in that order), with the parts of the parsed 指标值 right
after it: a new field with a CSV label is a new column, with no change here."""

from __future__ import annotations

import csv
import io

from xlgoals.fields import IndicatorField
from xlgoals.layout import INDICATOR_FIELDS, TABLE_FIELDS
from xlgoals.model import Document, Indicator, field_text

INDEX = "序号"
VALUE_PARTS = ("比较符", "数值", "单位", "指标类型")  # from the parsed 指标值
_TABLE = [(f, info.csv) for f, info in TABLE_FIELDS.items() if info.csv]
_INDICATOR = [(f, info.csv) for f, info in INDICATOR_FIELDS.items() if info.csv]


def _columns() -> tuple[str, ...]:
    out = [INDEX, *(label for _, label in _TABLE)]
    for f, label in _INDICATOR:
        out.append(label)
        if f == IndicatorField.VALUE:
            out.extend(VALUE_PARTS)
    return tuple(out)


COLUMNS = _columns()


def _value_parts(ind: Indicator) -> list[str]:
    v = ind.value
    return [v.op, "" if v.number is None else f"{v.number:f}", v.unit, v.kind.value]


def build_csv(doc: Document) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for t in doc.tables:
        project = [str(t.index), *(field_text(t, f) for f, _ in _TABLE)]
        for ind in t.indicators:
            row = list(project)
            for f, _ in _INDICATOR:
                row.append(field_text(ind, f))
                if f == IndicatorField.VALUE:
                    row.extend(_value_parts(ind))
            w.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
