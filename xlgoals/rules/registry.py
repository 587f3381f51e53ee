"""The rule registry: one function per rule, declared with its code, slug, severity, scope, docs and
the thresholds it reads.

A rule is ``def rule(ctx) -> None`` that calls ``ctx.emit(...)`` for every problem it finds. Table
rules run once per table, document rules once per document. A rule lives in the module of its
family (``FAMILY = Family("VAL", "指标值")`` at the top of the module; the code's prefix must match).
A threshold is a ``Param`` declared next to its rule: its name is the configuration key, its default
and description go into the docs, and the rule reads it with ``ctx.param(P)``. A rule that crashes
becomes one INTERNAL finding for that table; the run goes on.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from pydantic import TypeAdapter

from xlgoals.fields import Field, IndicatorField, MetaField, TableField
from xlgoals.findings import Finding, Severity
from xlgoals.layout import PROJECT, cell_name, field_name
from xlgoals.livecheck import HEADER_CHECKS, ROW_CHECKS, Fired, evaluate_table
from xlgoals.livecheck import applies as live_applies
from xlgoals.model import LAYOUT_FIELDS, Document, GoalTable, Indicator, Layout, Location, has_field

T = TypeVar("T")


class Scope(StrEnum):
    TABLE = "table"
    DOCUMENT = "document"


@dataclass(frozen=True)
class Family:
    code: str  # the prefix of its rules' codes: "VAL"
    name: str  # Chinese: "指标值"


@dataclass(frozen=True)
class Param(Generic[T]):
    """A configurable threshold of a rule: key ``name``, ``default``, and what it means (Chinese)."""

    name: str
    default: T
    doc: str
    annotation: Any  # the type a configured value must have (validated with pydantic)

    def validate(self, value: object) -> T:
        result: T = TypeAdapter(self.annotation).validate_python(value)
        return result

    def shown(self) -> str:
        """The default as docs show it."""
        d: Any = self.default
        if isinstance(d, list | tuple):
            return "、".join(str(x) for x in d)
        if isinstance(d, dict):
            return "；".join(f"{k} {'–'.join(str(x) for x in v)}" for k, v in d.items())
        return str(d)


@dataclass(frozen=True)
class RuleDoc:
    title: str  # the Chinese message template
    what: str  # what it checks
    why: str  # why (sources: docs/sources.md)
    bad: str  # an example that fires
    good: str  # an example that passes
    fix: str  # how to fix (the hint users see)


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    scope: Scope
    doc: RuleDoc
    family: Family
    func: Callable[[Context], None] = field(compare=False)
    params: tuple[Param[Any], ...] = ()
    needs: tuple[TableField | IndicatorField, ...] = ()  # fields it reads; it runs where a layout has all
    kinds: tuple[Layout, ...] = ()  # only these layouts (document kinds); empty: any that has its fields

    def applies(self, layout: Layout) -> bool:
        """Whether this rule runs on tables of this layout (document kind): a rule with live checks
        where any of them does, any other (or one the sheet checks only in part) where the layout has every field it ``needs``."""
        key = (self.code, layout)
        if key not in _APPLIES:  # asked for every table of every file: worked out once
            _APPLIES[key] = self._applies(layout)
        return _APPLIES[key]

    def _applies(self, layout: Layout) -> bool:
        if self.kinds and layout not in self.kinds:
            return False
        live = [c for c in (*HEADER_CHECKS, *ROW_CHECKS) if c.code == self.code and not c.partial]
        if live:
            return any(live_applies(c, layout) for c in live)
        return all(f in LAYOUT_FIELDS[layout] for f in self.needs)


_APPLIES: dict[tuple[str, Layout], bool] = {}


class Settings(Protocol):
    """What a rule may ask of the configuration (``xlgoals.config.Config``)."""

    budget_year: int | None
    region_code: str | None

    def severity_for(self, code: str, default: str) -> str: ...

    def param(self, p: Param[T]) -> T: ...


REGISTRY: dict[str, Rule] = {}
PARAMS: dict[str, Param[Any]] = {}


def rule(
    code: str,
    slug: str,
    severity: str,
    *,
    scope: Scope = Scope.TABLE,
    title: str,
    what: str,
    why: str,
    bad: str,
    good: str,
    fix: str,
    params: tuple[Param[Any], ...] = (),
    needs: tuple[TableField | IndicatorField, ...] = (),
    kinds: tuple[Layout, ...] = (),
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    def register(func: Callable[[Context], None]) -> Callable[[Context], None]:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        family = getattr(sys.modules[func.__module__], "FAMILY", None)
        if not isinstance(family, Family) or code.split("-")[0] != family.code:
            raise ValueError(f"rule {code} is not in the module of its family ({func.__module__})")
        for p in params:
            if PARAMS.setdefault(p.name, p) is not p:
                raise ValueError(f"parameter {p.name} declared twice")
        REGISTRY[code] = Rule(
            code,
            slug,
            Severity(severity),
            scope,
            RuleDoc(title, what, why, bad, good, fix),
            family,
            func,
            params,
            needs,
            kinds,
        )
        return func

    return register


class Context:
    """What a rule sees: the document, the table (for table rules), the settings; and how it reports."""

    def __init__(
        self,
        doc: Document,
        table: GoalTable | None,
        config: Settings,
        rule: Rule,
        shared: dict[str, Any] | None = None,
    ) -> None:
        self.doc = doc
        self.table = table
        self.config = config
        self.rule = rule
        self.findings: list[Finding] = []
        self._shared = shared if shared is not None else {}

    def shared(self, key: str, make: Callable[[], T]) -> T:
        """What ``make()`` gives, computed once per check of the document (an index over all its
        tables, say): a table rule that looked at every other table for each table was quadratic."""
        if key not in self._shared:
            self._shared[key] = make()
        value: T = self._shared[key]
        return value

    @property
    def t(self) -> GoalTable:
        assert self.table is not None
        return self.table

    def has(self, f: TableField | IndicatorField) -> bool:
        """Whether the document's layout has this field (the flat layout has no 财政资金, …)."""
        return has_field(self.doc, f)

    def param(self, p: Param[T]) -> T:
        return self.config.param(p)

    def live(self) -> list[Fired]:
        """The live checks of this rule that fire on the table's cells (``xlgoals.livecheck``): every
        check runs once per table, and each rule takes its own (a pass per rule read every row again)."""
        t, layout = self.t, self.doc.layout
        fired = self.shared(f"live:{id(t)}", lambda: evaluate_table(t, layout))
        return [f for f in fired if f.check.code == self.rule.code]

    def emit_live(self, fired: Fired, message: str, hint: str | None = None) -> None:
        """Report a fired live check at the cell it marks (``hint``: instead of the rule's fix)."""
        row = fired.row
        if row is None:
            self.emit(message, field=fired.check.target, hint=hint)
        elif row.indicator is not None:
            self.emit(
                message,
                indicator=(row.indicator, self.t.indicators[row.indicator]),
                field=fired.check.target,
                hint=hint,
            )
        else:  # a row of the workbook that holds no indicator (a blank row inside the block)
            sheet = next((loc for loc in self.t.locations.values() if loc.sheet is not None), None)
            assert isinstance(fired.check.target, IndicatorField) and sheet is not None
            cell = cell_name(PROJECT.column(fired.check.target).col, row.row)
            self.emit(
                message,
                location=Location(file=sheet.file, sheet=sheet.sheet, cell=cell),
                path=f"{self.t.label} › 第{row.row}行",
            )

    def budget_year(self) -> int | None:
        return self.config.budget_year or self.doc.meta.budget_year

    def region_code(self) -> str:
        return self.config.region_code or self.doc.meta.region_code

    def emit(
        self,
        message: str,
        *,
        field: Field | None = None,
        indicator: tuple[int, Indicator] | None = None,
        hint: str | None = None,
        severity: Severity | None = None,
        location: Location | None = None,
        path: str | None = None,
    ) -> None:
        """Report one problem at a table field, at an indicator's field (default: its value), or at a
        document field."""
        loc, logical, f = self._where(field, indicator)
        if self._unknown(location or loc) and self.rule.code != UNKNOWN_RULE:
            return  # the cell holds a formula without its value: STRUCT-015 says so, nothing else
        default = severity or self.rule.severity
        self.findings.append(
            Finding(
                code=self.rule.code,
                severity=Severity(self.config.severity_for(self.rule.code, default.value)),
                message=message,
                hint=self.rule.doc.fix if hint is None else hint,
                location=location or loc,
                path=path or logical,
                table=self.table.index if self.table is not None else None,
                field=f.value if f is not None else "",
            )
        )

    def _unknown(self, loc: Location | None) -> bool:
        view = self.table.sheet if self.table is not None else None
        return bool(view and view.unknown and loc is not None and loc.cell in view.unknown)

    def _where(
        self, f: Field | None, indicator: tuple[int, Indicator] | None
    ) -> tuple[Location | None, str, Field | None]:
        table = self.table
        if indicator is not None and table is not None:
            k, ind = indicator
            f = f or IndicatorField.VALUE
            assert isinstance(f, IndicatorField), f
            loc = ind.locations.get(f) or next(iter(ind.locations.values()), None)
            return loc, f"{table.label} › 指标[{k + 1}] {ind.name} › {field_name(f)}", f
        if table is not None:
            assert f is None or isinstance(f, TableField), f
            loc = table.locations.get(f) if f is not None else None
            loc = loc or table.locations.get(TableField.TITLE)
            return loc, f"{table.label} › {field_name(f)}" if f is not None else table.label, f
        assert f is None or isinstance(f, MetaField), f
        loc = self.doc.meta.locations.get(f) if f is not None else None
        return loc, "文档" + (f" › {field_name(f)}" if f is not None else ""), f


UNKNOWN_RULE = "STRUCT-015"  # reports cells whose value is unknown (a formula saved without it)


def run_rule(
    rule_: Rule,
    doc: Document,
    table: GoalTable | None,
    config: Settings,
    shared: dict[str, Any] | None = None,
) -> list[Finding]:
    """``rule_``'s findings on ``table`` (or the document); ``shared``: the check's memo (``Context.shared``)."""
    if not rule_.applies(doc.layout):
        return []
    ctx = Context(doc, table, config, rule_, shared)
    try:
        rule_.func(ctx)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = table.label if table is not None else "文档"
        return [
            Finding(
                code="INTERNAL-001",
                severity=Severity.WARNING,
                message=f"规则 {rule_.code} 检查“{where}”时出错（{type(exc).__name__}，{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}），该规则对此表的结果缺失。",
                hint="这是 xlgoals 的缺陷，请把该文件发给维护者；其他规则的结果不受影响。",
                location=table.locations.get(TableField.TITLE) if table is not None else None,
                path=where,
                table=table.index if table is not None else None,
            )
        ]
    return ctx.findings
