"""The rule registry: one function per rule, declared with its code, slug, severity, scope and docs.

A rule is ``def rule(ctx) -> None`` that calls ``ctx.emit(...)`` for every problem it finds. Table
rules run once per table, document rules once per document. A rule that crashes becomes one
INTERNAL finding for that table; the run goes on.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from xlgoals.config import Config
from xlgoals.findings import Finding, Severity
from xlgoals.model import Document, GoalTable, Indicator, Location


class Scope(StrEnum):
    TABLE = "table"
    DOCUMENT = "document"


@dataclass(frozen=True)
class RuleDoc:
    title: str  # the Chinese message template, as in RULES.md §5
    what: str  # what it checks
    why: str  # why (sources)
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
    func: Callable[[Context], None] = field(compare=False)

    @property
    def family(self) -> str:
        return self.code.split("-")[0]


REGISTRY: dict[str, Rule] = {}


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
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    def register(func: Callable[[Context], None]) -> Callable[[Context], None]:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        REGISTRY[code] = Rule(
            code, slug, Severity(severity), scope, RuleDoc(title, what, why, bad, good, fix), func
        )
        return func

    return register


class Context:
    """What a rule sees: the document, the table (for table rules), the config; and how it reports."""

    def __init__(self, doc: Document, table: GoalTable | None, config: Config, rule: Rule) -> None:
        self.doc = doc
        self.table = table
        self.config = config
        self.rule = rule
        self.findings: list[Finding] = []

    @property
    def t(self) -> GoalTable:
        assert self.table is not None
        return self.table

    def budget_year(self) -> int | None:
        return self.config.budget_year or self.doc.meta.budget_year

    def region_code(self) -> str:
        return self.config.region_code or self.doc.meta.region_code

    def emit(
        self,
        message: str,
        *,
        field: str = "",
        indicator: tuple[int, Indicator] | None = None,
        hint: str | None = None,
        severity: Severity | None = None,
        location: Location | None = None,
        path: str | None = None,
    ) -> None:
        """Report one problem at a table field ("budget.total") or an indicator's field ("value")."""
        table = self.table
        loc = location
        logical = path
        if indicator is not None and table is not None:
            k, ind = indicator
            loc = loc or ind.locations.get(field or "value") or next(iter(ind.locations.values()), None)
            names = {"value": "指标值", "name": "三级指标", "level1": "一级指标", "level2": "二级指标",
                     "description": "绩效指标描述", "basis": "指标值确定依据", "unit_column": "度量单位",
                     "value_type": "指标值类型", "score": "分值"}  # fmt: skip
            logical = (
                logical or f"{table.label} › 指标[{k + 1}] {ind.name} › {names.get(field or 'value', field)}"
            )
        elif table is not None:
            loc = loc or table.locations.get(field) or table.locations.get("title")
            logical = logical or (
                f"{table.label} › {FIELD_NAMES.get(field, field)}" if field else table.label
            )
        else:
            loc = loc or self.doc.meta.locations.get(field)
            logical = logical or ("文档" + (f" › {FIELD_NAMES.get(field, field)}" if field else ""))
        default = severity or self.rule.severity
        self.findings.append(
            Finding(
                code=self.rule.code,
                severity=Severity(self.config.severity_for(self.rule.code, default.value)),
                message=message,
                hint=self.rule.doc.fix if hint is None else hint,
                location=loc,
                path=logical,
                table=table.index if table is not None else None,
                field=field or ("value" if indicator else ""),
            )
        )


FIELD_NAMES = {
    "project_code": "项目编码",
    "project_name": "项目名称",
    "unit_code": "单位编码",
    "unit_name": "单位名称",
    "budget.total": "预算数",
    "budget.fiscal": "财政资金",
    "budget.other": "其他资金",
    "fund_use": "资金用途",
    "spend_plan": "资金支出计划",
    "spend_plan.0": "资金支出计划 3月底",
    "spend_plan.1": "资金支出计划 6月底",
    "spend_plan.2": "资金支出计划 10月底",
    "spend_plan.3": "资金支出计划 12月底",
    "goals": "绩效目标",
    "indicators": "绩效指标",
    "title": "表格标题",
    "stated_count": "说明中的项目个数",
    "stated_total": "说明中的资金合计",
    "issue_date": "落款日期",
    "toc": "目录",
    "department_goals": "部门整体绩效目标",
    "intro": "说明",
}


def run_rule(rule_: Rule, doc: Document, table: GoalTable | None, config: Config) -> list[Finding]:
    ctx = Context(doc, table, config, rule_)
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
                location=table.locations.get("title") if table is not None else None,
                path=where,
                table=table.index if table is not None else None,
            )
        ]
    return ctx.findings
