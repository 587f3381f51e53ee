"""Document JSON: the import/export format of xlgoals (schema "xlgoals.document", version 2).

Numbers are strings of the exact decimal ("2800.00"), so no amount is rounded on the way.
The schema is documented in docs/document-json.md; JSON → Document → JSON is lossless. Version 1
files (whose "layout" also named the source format: "hebei-text", "flat-workbook" …) still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from xlgoals import limits
from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import IndicatorField, MetaField, TableField, attribute
from xlgoals.formats.encoding import read_text
from xlgoals.frameworks import detect_framework
from xlgoals.layout import INDICATOR_FIELDS, TABLE_FIELDS
from xlgoals.model import (
    Budget,
    Document,
    DocumentMeta,
    GoalTable,
    Indicator,
    Layout,
    ListedItem,
    Location,
    PlanMode,
    PlanPoint,
    SourceFormat,
    SpendPlan,
    TocEntry,
)
from xlgoals.safetext import printable
from xlgoals.values import MAX_AMOUNT

SCHEMA = "xlgoals.document"
VERSION = 2
READS = (1, 2)
# Version 1 wrote the source format into "layout".
_V1_LAYOUTS = {
    "hebei-text": (Layout.HEBEI, SourceFormat.TEXT),
    "flat-text": (Layout.FLAT, SourceFormat.TEXT),
    "workbook": (Layout.HEBEI, SourceFormat.WORKBOOK),
    "flat-workbook": (Layout.FLAT, SourceFormat.WORKBOOK),
    "docx": (Layout.HEBEI, SourceFormat.DOCX),
    "": (Layout.HEBEI, None),
}

JsonDict = dict[str, Any]
_K = TypeVar("_K", TableField, IndicatorField, MetaField)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _locs(
    locations: dict[TableField, Location] | dict[IndicatorField, Location] | dict[MetaField, Location],
) -> JsonDict:
    return {k: v.model_dump(exclude_none=True) for k, v in sorted(locations.items())}


def _loc(location: Location | None) -> JsonDict | None:
    return None if location is None else location.model_dump(exclude_none=True)


def _plain(model: type[BaseModel], fields: Iterable[TableField | IndicatorField]) -> list[tuple[str, bool]]:
    """(key, is a list of lines) of each field that is plain text in ``model`` — a ``str`` or a
    ``list[str]`` attribute of its own — in the field table's order. A new field of that kind is in
    the JSON (both ways) without a change here; amounts, the plan and the indicators have their own
    structure below."""
    out = []
    for f in fields:
        key = attribute(f)
        info = model.model_fields.get(key)
        if key != f.value or info is None:  # kept elsewhere (the plan points, value_raw in "value")
            continue
        if info.annotation is str or info.annotation == list[str]:
            out.append((key, info.annotation is not str))
    return out


_INDICATOR_TEXT = _plain(Indicator, INDICATOR_FIELDS)
_TABLE_TEXT = _plain(GoalTable, TABLE_FIELDS)


def indicator_to_dict(ind: Indicator) -> JsonDict:
    v = ind.value
    value = {
        "raw": ind.value_raw,
        "op": v.op,
        "number": _dec(v.number),
        "unit": v.unit,
        "kind": v.kind.value,
        "form": v.form.value,
        "normalized": v.normalized,
        "normalizations": [n.value for n in v.normalizations],
    }
    return {
        **{key: getattr(ind, key) for key, _ in _INDICATOR_TEXT},
        "value": value,
        "locations": _locs(ind.locations),
    }


def table_to_dict(t: GoalTable) -> JsonDict:
    return {
        "index": t.index,
        **{key: list(getattr(t, key)) if lines else getattr(t, key) for key, lines in _TABLE_TEXT},
        "budget": {
            "total": _dec(t.budget.total),
            "fiscal": _dec(t.budget.fiscal),
            "other": _dec(t.budget.other),
            "total_raw": t.budget.total_raw,
            "fiscal_raw": t.budget.fiscal_raw,
            "other_raw": t.budget.other_raw,
        },
        "spend_plan": {
            "header": t.spend_plan.header,
            "mode": t.spend_plan.mode.value,
            "points": [{"raw": p.raw, "value": _dec(p.value)} for p in t.spend_plan.points],
        },
        "framework": detect_framework(t).value,
        "complete": t.complete,
        "incomplete_reason": t.incomplete_reason,
        "indicators": [indicator_to_dict(i) for i in t.indicators],
        "long_term_indicators": [indicator_to_dict(i) for i in t.long_term_indicators],
        "locations": _locs(t.locations),
    }


def document_to_dict(doc: Document) -> JsonDict:
    m = doc.meta
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "source": doc.source,
        "layout": doc.layout.value,
        "format": doc.format.value if doc.format is not None else None,
        "meta": {
            "title": m.title,
            "budget_year": m.budget_year,
            "region_code": m.region_code,
            "issuer": m.issuer,
            "issue_date": m.issue_date,
            "doc_number": m.doc_number,
            "intro": m.intro,
            "stated_count": m.stated_count,
            "stated_total": _dec(m.stated_total),
            "listed_items": [
                {
                    "number": i.number,
                    "name": i.name,
                    "amount": _dec(i.amount),
                    "raw": i.raw,
                    "location": _loc(i.location),
                }
                for i in m.listed_items
            ],
            "toc": [
                {"number": e.number, "title": e.title, "page": e.page, "location": _loc(e.location)}
                for e in m.toc
            ],
            "department_goals": m.department_goals,
            "locations": _locs(m.locations),
        },
        "tables": [table_to_dict(t) for t in doc.tables],
    }


def dump_bytes(doc: Document) -> bytes:
    """The Document JSON file's content (UTF-8)."""
    return dumps(doc).encode("utf-8")


def dumps(doc: Document) -> str:
    return json.dumps(document_to_dict(doc), ensure_ascii=False, indent=2) + "\n"


# --- reading ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, message: str) -> XlgoalsInputError:
        return XlgoalsInputError(f"JSON 内容不符合文档格式：{path}：{message}", file=self.file)

    def obj(self, data: Any, path: str) -> JsonDict:
        if not isinstance(data, dict):
            raise self.fail(path, "应为对象（{…}）")
        return data

    def str_(self, data: JsonDict, key: str, path: str, default: str = "") -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(f"{path}.{key}", "应为文本")
        return printable(value)

    def dec(self, data: JsonDict, key: str, path: str) -> Decimal | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise self.fail(f"{path}.{key}", '应为数字文本，如 "2800.00"')
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(f"{path}.{key}", f"“{printable(str(value))[:40]}”不是数字") from None
        # copy_abs and adjusted, not abs(): no arithmetic context, so 9e999999999 cannot overflow it
        if not number.is_finite() or number.copy_abs() >= MAX_AMOUNT or (number and number.adjusted() < -8):
            raise self.fail(f"{path}.{key}", f"数字“{printable(str(value))[:40]}”不是合理的金额")
        return number

    def int_(self, data: JsonDict, key: str, path: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{path}.{key}", "应为整数")
        if abs(value) > 10**9:
            raise self.fail(f"{path}.{key}", "数字不合理（过大）")
        return value

    def list_(self, data: JsonDict, key: str, path: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{path}.{key}", "应为列表（[…]）")
        return value

    def texts(self, data: JsonDict, key: str, path: str) -> list[str]:
        value = self.list_(data, key, path)
        if not all(isinstance(g, str) for g in value):
            raise self.fail(f"{path}.{key}", "应为文本列表")
        return [printable(g) for g in value]

    def location(self, data: Any, path: str) -> Location | None:
        if data is None:
            return None
        try:
            return Location.model_validate(self.obj(data, path))
        except ValidationError:
            raise self.fail(path, "位置格式不正确") from None

    def locations(self, data: JsonDict, path: str, keys: type[_K]) -> dict[_K, Location]:
        raw = self.obj(data.get("locations", {}), f"{path}.locations")
        out: dict[_K, Location] = {}
        for key, value in raw.items():
            if key not in keys._value2member_map_:
                raise self.fail(f"{path}.locations.{key}", "没有这个字段")
            loc = self.location(value, f"{path}.locations.{key}")
            if loc is not None:
                out[keys(key)] = loc
        return out

    def text_fields(self, d: JsonDict, path: str, fields: list[tuple[str, bool]]) -> dict[str, Any]:
        return {key: self.texts(d, key, path) if lines else self.str_(d, key, path) for key, lines in fields}

    def indicator(self, data: Any, path: str) -> Indicator:
        d = self.obj(data, path)
        value = d.get("value", {})
        raw = value if isinstance(value, str) else self.str_(self.obj(value, f"{path}.value"), "raw", path)
        return Indicator(
            **self.text_fields(d, path, _INDICATOR_TEXT),
            value_raw=raw,
            locations=self.locations(d, path, IndicatorField),
        )

    def table(self, data: Any, path: str, index: int) -> GoalTable:
        d = self.obj(data, path)
        b = self.obj(d.get("budget", {}), f"{path}.budget")
        sp = self.obj(d.get("spend_plan", {}), f"{path}.spend_plan")
        points = [
            self.obj(p, f"{path}.spend_plan.points[{k}]")
            for k, p in enumerate(self.list_(sp, "points", path))
        ]
        if len(points) > 4:
            raise self.fail(f"{path}.spend_plan.points", "最多4个节点（3/6/10/12月底）")
        mode = self.str_(sp, "mode", path, "unknown")
        if mode not in {m.value for m in PlanMode}:
            raise self.fail(f"{path}.spend_plan.mode", "应为 percent、amount 或 unknown")
        plan_points = [
            PlanPoint(raw=self.str_(p, "raw", path), value=self.dec(p, "value", path)) for p in points
        ]
        plan_points += [PlanPoint() for _ in range(4 - len(plan_points))]
        budget = Budget(
            total=self.dec(b, "total", f"{path}.budget"),
            fiscal=self.dec(b, "fiscal", f"{path}.budget"),
            other=self.dec(b, "other", f"{path}.budget"),
        )
        budget.total_raw = self.str_(b, "total_raw", path, "" if budget.total is None else str(budget.total))
        budget.fiscal_raw = self.str_(
            b, "fiscal_raw", path, "" if budget.fiscal is None else str(budget.fiscal)
        )
        budget.other_raw = self.str_(b, "other_raw", path, "" if budget.other is None else str(budget.other))
        complete = d.get("complete", True)
        if not isinstance(complete, bool):
            raise self.fail(f"{path}.complete", "应为 true 或 false")
        return GoalTable(
            index=self.int_(d, "index", path) or index,
            **self.text_fields(d, path, _TABLE_TEXT),
            budget=budget,
            spend_plan=SpendPlan(
                header=self.str_(sp, "header", path), mode=PlanMode(mode), points=plan_points
            ),
            indicators=[
                self.indicator(x, f"{path}.indicators[{k}]")
                for k, x in enumerate(self.list_(d, "indicators", path))
            ],
            complete=complete,
            incomplete_reason=self.str_(d, "incomplete_reason", path),
            long_term_indicators=[
                self.indicator(x, f"{path}.long_term_indicators[{k}]")
                for k, x in enumerate(self.list_(d, "long_term_indicators", path))
            ],
            locations=self.locations(d, path, TableField),
        )

    def document(self, data: Any) -> Document:
        d = self.obj(data, "$")
        if d.get("schema") != SCHEMA:
            raise self.fail("$.schema", f"应为 “{SCHEMA}”（这不是 xlgoals 文档 JSON）")
        version = d.get("version")
        if isinstance(version, bool) or version not in READS:
            readable = "、".join(map(str, READS))
            raise self.fail("$.version", f"不支持的版本 {version!r}，本程序读取版本 {readable}")
        layout, source_format = self.layout(d, version)
        m = self.obj(d.get("meta", {}), "$.meta")
        meta = DocumentMeta(
            title=self.str_(m, "title", "$.meta"),
            budget_year=self.int_(m, "budget_year", "$.meta"),
            region_code=self.str_(m, "region_code", "$.meta"),
            issuer=self.str_(m, "issuer", "$.meta"),
            issue_date=self.str_(m, "issue_date", "$.meta"),
            doc_number=self.str_(m, "doc_number", "$.meta"),
            intro=self.str_(m, "intro", "$.meta"),
            stated_count=self.int_(m, "stated_count", "$.meta"),
            stated_total=self.dec(m, "stated_total", "$.meta"),
            department_goals=self.str_(m, "department_goals", "$.meta"),
            locations=self.locations(m, "$.meta", MetaField),
        )
        for k, item in enumerate(self.list_(m, "listed_items", "$.meta")):
            p = f"$.meta.listed_items[{k}]"
            it = self.obj(item, p)
            meta.listed_items.append(
                ListedItem(
                    number=self.int_(it, "number", p) or k + 1,
                    name=self.str_(it, "name", p),
                    amount=self.dec(it, "amount", p),
                    raw=self.str_(it, "raw", p),
                    location=self.location(it.get("location"), f"{p}.location"),
                )
            )
        for k, entry in enumerate(self.list_(m, "toc", "$.meta")):
            p = f"$.meta.toc[{k}]"
            e = self.obj(entry, p)
            meta.toc.append(
                TocEntry(
                    number=self.int_(e, "number", p),
                    title=self.str_(e, "title", p),
                    page=self.str_(e, "page", p),
                    location=self.location(e.get("location"), f"{p}.location"),
                )
            )
        tables = [self.table(t, f"$.tables[{k}]", k + 1) for k, t in enumerate(self.list_(d, "tables", "$"))]
        for t in tables:
            t.noun = "部门" if layout == Layout.DEPARTMENT else t.noun
        return Document(
            source=self.str_(d, "source", "$"), layout=layout, format=source_format, meta=meta, tables=tables
        )

    def layout(self, d: JsonDict, version: int) -> tuple[Layout, SourceFormat | None]:
        name = self.str_(d, "layout", "$")
        if version == 1:
            if name not in _V1_LAYOUTS:
                raise self.fail("$.layout", f"未知的格式“{name}”")
            return _V1_LAYOUTS[name]
        if name not in Layout._value2member_map_:
            raise self.fail("$.layout", f"应为 {'、'.join(Layout)}")
        fmt = d.get("format")
        if fmt is not None and (not isinstance(fmt, str) or fmt not in SourceFormat._value2member_map_):
            raise self.fail("$.format", f"应为 {'、'.join(SourceFormat)} 或 null")
        return Layout(name), SourceFormat(fmt) if fmt is not None else None


def _no_constant(name: str) -> Any:
    raise ValueError(f"JSON 中的数字“{name}”不是有限的数")


def loads(text: str, file: str = "") -> Document:
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise XlgoalsInputError(
            f"JSON 格式错误：{exc.msg}（第{exc.colno}列）", file=file, line=exc.lineno
        ) from None
    except RecursionError:
        raise XlgoalsInputError("JSON 嵌套过深，不是 xlgoals 文档 JSON。", file=file) from None
    except ValueError as exc:  # NaN/Infinity, or an integer longer than Python reads (4300 digits)
        detail = str(exc) if "JSON" in str(exc) else "JSON 中的数字过长"
        raise XlgoalsInputError(f"{detail}，无法读取。", file=file) from None
    return _Reader(file).document(data)


def read(path: Path) -> Document:
    text, _ = read_text(path, limits.MAX_JSON_BYTES, "文档 JSON")
    doc = loads(text, str(path))
    doc.format = doc.format or SourceFormat.JSON
    return doc
