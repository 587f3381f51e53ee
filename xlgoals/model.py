"""The 绩效目标表 as data: Document → GoalTable → Indicator.

Every model keeps, in ``locations``, where each of its fields came from (file + line for published
text, sheet + cell for workbooks), so that a finding can point at the exact place to fix.
Amounts are ``Decimal`` in 万元, kept at the scale they were written with ("2800.00").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from xlgoals.fields import PLAN_POINTS, IndicatorField, MetaField, TableField, attribute, plan_index
from xlgoals.fields import Layout as Layout  # where every reader and rule has always found it
from xlgoals.layout import INDICATOR_FIELDS, TABLE_FIELDS, FieldInfo
from xlgoals.safetext import printable
from xlgoals.values import IndicatorValue, parse_value


class Location(BaseModel):
    """Where a value came from: a line of a text file or a cell of a workbook sheet."""

    model_config = ConfigDict(frozen=True)

    file: str | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    place: str | None = None  # how a person finds it where no line or cell is shown: "表2 第5行 第3列" (Word)

    @field_validator("file", "sheet")
    @classmethod
    def _printable(_cls, v: str | None) -> str | None:
        return printable(v) if v is not None else None  # a file name that was not valid UTF-8

    def __str__(self) -> str:
        if self.place is not None:
            return f"{self.file or ''} {self.place}".strip()
        if self.sheet is not None and self.cell is not None:
            sheet = self.sheet
            if any(ch in sheet for ch in " -()（）'!") or not sheet.isidentifier():
                sheet = "'" + sheet.replace("'", "''") + "'"
            return f"{sheet}!{self.cell}"
        if self.line is not None:
            return f"{self.file or ''}:{self.line}"
        return self.file or ""


# What each layout is called where users see it: (short name, full name).
LAYOUT_NAMES: dict[Layout, tuple[str, str]] = {
    Layout.HEBEI: ("河北表", "项目绩效目标表（河北格式，xlgoals 模板）"),
    Layout.FLAT: ("平铺表", "项目支出绩效目标表（平铺格式，每行一个指标）"),
    Layout.NATIONAL: ("申报表", "项目支出绩效目标申报表（全国通用表式及各地变体）"),
    Layout.DEPARTMENT: ("部门整体表", "部门（单位）整体支出绩效目标表"),
}


class SourceFormat(StrEnum):
    """The kind of file a document was read from."""

    TEXT = "text"
    DOCX = "docx"
    WORKBOOK = "workbook"
    JSON = "json"
    HTML = "html"  # a saved web page
    PDF = "pdf"


class Framework(StrEnum):
    """Which indicator framework a table uses (docs/sources.md, section 1)."""

    A2019 = "A2019"  # 产出/效益/满意度, 成本指标 under 产出 (Hebei, 财预〔2015〕88号 style)
    B2021 = "B2021"  # 成本指标 as its own 一级 (财预〔2021〕101号 style)
    MIXED = "mixed"
    UNKNOWN = "unknown"


class PlanMode(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"
    UNKNOWN = "unknown"


class Indicator(BaseModel):
    """One row of the indicator table. ``level1`` is forward-filled from the rows above."""

    level1: str = ""
    level2: str = ""
    name: str = ""  # 三级指标
    description: str = ""  # 绩效指标描述 (Hebei) / 指标值内容 (flat layout)
    value_raw: str = ""  # 指标值 as written
    basis: str = ""  # 指标值确定依据
    # Columns of the flat 项目支出绩效目标表 layout (seed 003); empty in the Hebei layout.
    unit_column: str = ""  # 度量单位
    value_type: str = ""  # 指标值类型 (≥ ≤ < 定性 …)
    score: str = ""  # 分值 / 备注 ("20分")
    scoring_rule: str = ""  # 评（扣分标准）
    explanation: str = ""  # 指标解释: what the indicator measures and how (the national 申报表)
    actual: str = ""  # 实际完成值 (a 绩效自评表)
    scored: str = ""  # 得分 (a 绩效自评表)
    deviation: str = ""  # 偏差原因分析及改进措施 (a 绩效自评表)
    locations: dict[IndicatorField, Location] = Field(default_factory=dict)

    @property
    def value(self) -> IndicatorValue:
        return parse_value(self.value_raw, self.unit_column, self.value_type)

    @property
    def is_placeholder(self) -> bool:
        """A "无" row of the flat layout: the framework slot is listed but not used."""
        return self.name.strip() in {"无", ""} and self.value_raw.strip() in {"无", ""}


class Budget(BaseModel):
    """预算数 = 财政资金 + 其他资金, in 万元. ``None`` where the cell is blank or unreadable."""

    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    total_raw: str = ""
    fiscal_raw: str = ""
    other_raw: str = ""


class PlanPoint(BaseModel):
    """One cumulative point of 资金支出计划 (3/6/10/12月底)."""

    raw: str = ""
    value: Decimal | None = None  # percent points (25 for "25%") or 万元, per the plan's mode


class SpendPlan(BaseModel):
    header: str = ""  # e.g. "资金支出计划（%）"
    mode: PlanMode = PlanMode.UNKNOWN
    points: list[PlanPoint] = Field(default_factory=lambda: [PlanPoint() for _ in range(4)])


CellValue = float | str | bool | None  # what a spreadsheet cell holds; None is blank


class SheetRow(BaseModel):
    """One row of a project sheet's indicator block as its cells hold it (blank rows included)."""

    row: int  # the sheet row; 0 when the view is derived from the model
    cells: dict[IndicatorField, CellValue] = Field(default_factory=dict)
    indicator: int | None = None  # index into GoalTable.indicators; None for a blank row


class SheetView(BaseModel):
    """What the cells of a project sheet hold, as the workbook reader found them: the input cells
    of the header block and the rows of the indicator block. The live checks read this, so
    ``xlgoals check`` sees exactly what the sheet's formulas see."""

    header: dict[TableField, CellValue] = Field(default_factory=dict)
    rows: list[SheetRow] = Field(default_factory=list)
    # Input cells ("C4") holding a formula saved without its value: what they hold is unknown.
    unknown: list[str] = Field(default_factory=list)


class GoalTable(BaseModel):
    """One project's 绩效目标表."""

    index: int = 0  # 1-based position in the document
    title: str = ""  # the heading above the table, e.g. "1.城乡低保资金县级配套绩效目标表"
    unit_code: str = ""
    unit_name: str = ""
    project_code: str = ""
    project_name: str = ""
    budget: Budget = Field(default_factory=Budget)
    fund_use: str = ""  # 资金用途
    spend_plan: SpendPlan = Field(default_factory=SpendPlan)
    goals: list[str] = Field(default_factory=list)  # 绩效目标 (年度目标), one entry per numbered line
    indicators: list[Indicator] = Field(default_factory=list)
    # The national 申报表 and the 部门整体 table (empty in the Hebei and flat layouts).
    implementer: str = ""  # 实施单位
    project_kind: str = ""  # 项目属性: 新增/延续, as written
    period: str = ""  # 实施期 / 项目起止时间, as written
    long_term_goals: list[str] = Field(default_factory=list)  # 中长期目标 (总体目标, 长期目标)
    long_term_indicators: list[Indicator] = Field(default_factory=list)  # 长期绩效指标, where a form has them
    functions: str = ""  # 部门职能 (部门整体 table)
    complete: bool = True
    incomplete_reason: str = ""
    locations: dict[TableField, Location] = Field(default_factory=dict)
    sheet: SheetView | None = Field(default=None, exclude=True)  # set by the workbook reader
    noun: str = Field(default="项目", exclude=True)  # "部门" for a 部门整体 table (its layout says so)

    @property
    def label(self) -> str:
        """How a user recognises the table in a message: "项目3 城乡低保资金县级配套", "部门1 示例县农业农村局"."""
        sheet = self.sheet_name
        if sheet:  # a workbook's project: the clerk knows it by its sheet, wherever the sheet stands
            return f"工作表“{sheet}”"
        if self.noun != "项目":
            return f"{self.noun}{self.index} {self.unit_name or self.title}".strip()
        return f"项目{self.index} {self.project_name or self.title}".strip()

    @property
    def sheet_name(self) -> str:
        """The worksheet the table was read from ("" for a text, Word or JSON document)."""
        if self.sheet is None:
            return ""
        return next((loc.sheet for loc in self.locations.values() if loc.sheet), "")


class ListedItem(BaseModel):
    """A project listed in a publication's intro: "1.城乡居民养老保险县级配套2800万元；"."""

    number: int
    name: str
    amount: Decimal | None = None
    raw: str = ""
    location: Location | None = None


class TocEntry(BaseModel):
    number: int | None = None
    title: str
    page: str = ""
    location: Location | None = None


class DocumentMeta(BaseModel):
    title: str = ""
    budget_year: int | None = None
    region_code: str = ""
    issuer: str = ""  # 落款, e.g. "怀来县财政局"
    issue_date: str = ""  # 落款日期 as written, e.g. "2023年2月7日"
    doc_number: str = ""  # 文号 as written, e.g. "怀财字【2024】7号"
    intro: str = ""
    stated_count: int | None = None  # "涉及项目5个"
    stated_total: Decimal | None = None  # "财政资金12980万元"
    listed_items: list[ListedItem] = Field(default_factory=list)
    toc: list[TocEntry] = Field(default_factory=list)
    department_goals: str = ""  # 部门整体绩效目标 section text
    locations: dict[MetaField, Location] = Field(default_factory=dict)


class Document(BaseModel):
    """A published document or a workbook: document-level facts and its tables."""

    source: str = ""  # the file it was read from
    layout: Layout = Layout.HEBEI
    format: SourceFormat | None = None  # None for documents built in code
    # Check settings the file itself carries (a workbook's hidden _config sheet): (key, value) rows.
    settings: list[tuple[str, Any]] = Field(default_factory=list, exclude=True)
    layout_version: int | None = Field(default=None, exclude=True)  # of an xlgoals workbook
    # An xlgoals workbook's 项目清单: (row, sheet name) of each project row, in order.
    listed_sheets: list[tuple[int, str]] | None = Field(default=None, exclude=True)
    # … and the project code and name each of those rows shows (its formulas' cached values).
    listed_shown: dict[int, tuple[str, str]] = Field(default_factory=dict, exclude=True)
    # An xlgoals workbook's sheets that were not read as project tables (填表说明, a gutted sheet …).
    other_sheets: list[str] = Field(default_factory=list, exclude=True)
    # An xlgoals workbook's project sheets that stand outside the span the 项目清单's amount totals sum.
    outside_totals: list[str] = Field(default_factory=list, exclude=True)

    @field_validator("source")
    @classmethod
    def _printable(_cls, v: str) -> str:
        return printable(v)  # a file name that was not valid UTF-8

    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    tables: list[GoalTable] = Field(default_factory=list)

    def without_locations(self) -> Document:
        """A copy with every location and the source dropped: the values alone, for comparisons."""
        doc = self.model_copy(deep=True)
        doc.source = ""
        doc.format = None
        doc.settings = []
        doc.layout_version = None
        doc.listed_sheets = None
        doc.listed_shown = {}
        doc.other_sheets = []
        doc.outside_totals = []
        doc.meta.locations = {}
        for item in doc.meta.listed_items:
            item.location = None
        for entry in doc.meta.toc:
            entry.location = None
        for table in doc.tables:
            table.locations = {}
            table.sheet = None
            for ind in [*table.indicators, *table.long_term_indicators]:
                ind.locations = {}
        return doc

    def comparable(self) -> Document:
        """The values alone: no locations, and numbers spelled canonically ("4,500.00" → "4500.00").

        A workbook stores amounts as numbers, so how the source text spelled a number cannot
        survive a round trip through a workbook; its value does, exactly.
        """
        doc = self.without_locations()
        for table in doc.tables:
            b = table.budget
            b.total_raw = _canonical_money(b.total, b.total_raw)
            b.fiscal_raw = _canonical_money(b.fiscal, b.fiscal_raw)
            b.other_raw = _canonical_money(b.other, b.other_raw)
            for p in table.spend_plan.points:
                if p.value is not None:
                    v = p.value.normalize()
                    p.raw = f"{v:f}%" if table.spend_plan.mode == PlanMode.PERCENT else f"{p.value:.2f}"
                    p.value = v
        return doc


def _canonical_money(value: Decimal | None, raw: str) -> str:
    return raw if value is None else f"{value:.2f}"


PROJECT_CODE = re.compile(r"^(\d{6})(\d{2})[A-Z][0-9A-Z]{12}$")


def infer_region_and_year(doc: Document) -> None:
    """Region code and budget year from the project codes when the document does not state them."""
    matches = [m for t in doc.tables if (m := PROJECT_CODE.match(t.project_code.strip()))]
    if not doc.meta.region_code and matches:
        doc.meta.region_code = Counter(m.group(1) for m in matches).most_common(1)[0][0]
    if doc.meta.budget_year is None and matches:
        doc.meta.budget_year = 2000 + int(Counter(m.group(2) for m in matches).most_common(1)[0][0])


# The six indicator columns of the Hebei table, in order.
# Which fields each layout has (each field says which layouts have it, in ``layout.FIELDS``): a rule
# about a field runs only where the layout has it.
_ALL_FIELDS: list[tuple[TableField | IndicatorField, FieldInfo]] = [
    *TABLE_FIELDS.items(),
    *INDICATOR_FIELDS.items(),
]
LAYOUT_FIELDS: dict[Layout, frozenset[TableField | IndicatorField]] = {
    layout: frozenset(f for f, info in _ALL_FIELDS if layout in info.layouts) for layout in Layout
}
# The six columns of the Hebei indicator table, in the order it prints them.
HEBEI_INDICATOR_FIELDS = tuple(f for f in IndicatorField if f in LAYOUT_FIELDS[Layout.HEBEI])


def field_text(owner: GoalTable | Indicator, field: TableField | IndicatorField) -> str:
    """A table's or an indicator's field as text: amounts with two decimals, a plan point as written,
    lines joined by newlines, a mode by its value (the CSV export and the round-trip tests)."""
    if field in PLAN_POINTS:
        assert isinstance(owner, GoalTable)
        return owner.spend_plan.points[plan_index(field)].raw
    value: Any = owner
    for part in attribute(field).split("."):
        value = getattr(value, part)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def has_field(doc: Document, field: TableField | IndicatorField) -> bool:
    return field in LAYOUT_FIELDS[doc.layout]


def _check_fields(model: type[BaseModel], fields: type[StrEnum]) -> None:
    """Every field path names a real attribute of the model (run at import: a typo fails at once)."""
    for field in fields:
        owner: type[BaseModel] = model
        parts = attribute(field).split(".")  # type: ignore[arg-type]
        for k, part in enumerate(parts):
            info = owner.model_fields.get(part)
            if info is None:
                raise AssertionError(f"{fields.__name__}.{field.name}: {owner.__name__} has no {part!r}")
            annotation = info.annotation
            if k < len(parts) - 1:
                if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                    raise AssertionError(f"{fields.__name__}.{field.name}: {part!r} is not a model")
                owner = annotation


_check_fields(GoalTable, TableField)
_check_fields(Indicator, IndicatorField)
_check_fields(DocumentMeta, MetaField)


def relocate(model: BaseModel, fn: Callable[[Location], Location]) -> None:
    """Replace every Location held anywhere in ``model`` (fields, lists, dicts) by ``fn(location)``."""

    def swap(value: Any) -> Any:
        if isinstance(value, Location):
            return fn(value)
        if isinstance(value, BaseModel):
            relocate(value, fn)
        elif isinstance(value, list):
            value[:] = [swap(v) for v in value]
        elif isinstance(value, dict):
            for k, v in value.items():
                value[k] = swap(v)
        return value

    for name in type(model).model_fields:
        value = getattr(model, name)
        new = swap(value)
        if new is not value:
            setattr(model, name, new)
