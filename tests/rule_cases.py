"""Rule test cases: clean baseline tables every rule passes, and one mutation per rule that fires it.

Shared by the rule tests and the per-rule snapshots."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from xlgoals.fields import TableField
from xlgoals.livecheck import derived_view
from xlgoals.model import (
    Budget,
    Document,
    DocumentMeta,
    GoalTable,
    Indicator,
    Layout,
    Location,
    PlanMode,
    PlanPoint,
    SheetRow,
    SpendPlan,
)


def _blank_row(t: GoalTable) -> None:
    """The table as a workbook holds it, with an empty row between its 2nd and 3rd indicators."""
    view = derived_view(t)
    for k, row in enumerate(view.rows):
        row.row = 10 + k + (k >= 2)
    view.rows.insert(2, SheetRow(row=12))
    t.sheet = view
    t.locations[TableField.PROJECT_CODE] = Location(file="t.xlsx", sheet="1 职业技能培训补助", cell="B3")


def _formula_without_value(t: GoalTable) -> None:
    """The table as a workbook holds it, its 预算数 cell a formula saved without its value."""
    view = derived_view(t)
    view.header[TableField.BUDGET_TOTAL] = None
    view.unknown = ["C4"]
    t.sheet = view
    t.locations[TableField.PROJECT_CODE] = Location(file="t.xlsx", sheet="1 职业技能培训补助", cell="B3")
    t.locations[TableField.BUDGET_TOTAL] = Location(file="t.xlsx", sheet="1 职业技能培训补助", cell="C4")


def _renamed_sheet(d: Document) -> None:
    """A workbook whose project sheet was renamed by hand: its 项目清单 still names the old sheet; and a
    listed sheet whose header rows were deleted (there, but no longer read as a project)."""
    _t(d).locations[TableField.TITLE] = Location(file="t.xlsx", sheet="1 职业技能培训补助", cell="A1")
    d.source = "t.xlsx"
    d.listed_sheets = [(4, "项目1"), (5, "2 表头被删")]
    d.other_sheets = ["填表说明", "项目清单", "2 表头被删"]


# --- clean baselines --------------------------------------------------------------------------


def _ind(
    l1: str, l2: str, name: str, desc: str, value: str, basis: str = "年初工作计划", **kw: str
) -> Indicator:
    ind = Indicator(level1=l1, level2=l2, name=name, description=desc, value_raw=value, basis=basis, **kw)
    ind.locations["value"] = Location(file="t.txt", line=100)
    return ind


def table_a(index: int = 1, code: str = "13073024P00047410001H", name: str = "职业技能培训补助") -> GoalTable:
    """A Framework-A table that a reviewer would pass: every rule must stay silent on it."""
    return GoalTable(
        index=index,
        title=f"{index}.{name}绩效目标表",
        unit_code="316007",
        unit_name="怀来县人力资源和社会保障局",
        project_code=code,
        project_name=name,
        budget=Budget(
            total=Decimal("100.00"), fiscal=Decimal("100.00"), total_raw="100.00", fiscal_raw="100.00"
        ),
        fund_use=f"用于{name}：对参加职业技能培训并取得证书的城乡劳动者按每人1000元标准给予补贴",
        spend_plan=SpendPlan(
            header="资金支出计划（%）",
            mode=PlanMode.PERCENT,
            points=[PlanPoint(raw=f"{v}%", value=Decimal(v)) for v in (25, 50, 75, 100)],
        ),
        goals=[f"1.全年完成{name}1000人次，培训合格率不低于95%，带动300人实现就业。"],
        indicators=[
            _ind("产出指标", "数量指标", "培训人次", "全年参加技能培训的人次", f"≥{1000 * index}人次"),
            _ind("产出指标", "质量指标", "培训合格率", "考核合格人数/参训人数", "≥95%"),
            _ind("产出指标", "时效指标", "培训完成时间", "全部培训结束的日期", "12月31日前"),
            _ind("产出指标", "成本指标", "人均培训补贴", "补贴总额/参训人数", "≤1000元/人"),
            _ind("效益指标", "社会效益指标", "培训后就业人数", "培训后半年内实现就业的人数", "≥300人"),
            _ind(
                "满意度指标",
                "服务对象满意度指标",
                "参训人员满意度",
                "问卷调查满意人数/调查人数",
                "≥90%",
                "调查结果",
            ),
        ],
        locations={"project_code": Location(file="t.txt", line=3), "title": Location(file="t.txt", line=1)},
    )


def _flat(
    l1: str, l2: str, name: str, value: str, unit: str, kind: str, score: str, desc: str = ""
) -> Indicator:
    return _ind(
        l1, l2, name, desc or f"{name}的目标", value, basis="", unit_column=unit, value_type=kind, score=score
    )


def table_b(index: int = 1) -> GoalTable:
    """A clean Framework-B table in the flat layout (scores sum to 90)."""
    return GoalTable(
        index=index,
        unit_code="301001",
        project_name="退役军人岗位补贴资金",
        budget=Budget(total=Decimal("100.00"), total_raw="100.00"),
        goals=["保障136名退役军人按月足额领取岗位补贴，发放准确率达到95%以上。"],
        indicators=[
            _flat("成本指标", "经济成本指标", "项目总成本", "90", "万元", "≤", "20分"),
            _flat("成本指标", "社会成本指标", "无", "无", "无", "无", ""),
            _flat("产出指标", "数量指标", "享受补贴人数", "136", "人", "≥", "10分"),
            _flat("产出指标", "质量指标", "补贴发放准确率", "95", "%", "≥", "15分"),
            _flat("产出指标", "时效指标", "补贴发放时间", "2024年1-12月", "-", "定性", "15分"),
            _flat("效益指标", "社会效益指标", "稳定就业人数", "130", "人", "≥", "20分"),
            _flat("满意度指标", "服务对象满意度指标", "补贴对象满意度", "90", "%", "≥", "10分"),
        ],
    )


def doc_of(*tables: GoalTable, **meta: object) -> Document:
    m = DocumentMeta(budget_year=2024, region_code="130730", **meta)  # type: ignore[arg-type]
    flat = any(i.score or i.unit_column for t in tables for i in t.indicators)
    return Document(source="t.txt", layout=Layout.FLAT if flat else Layout.HEBEI, meta=m, tables=list(tables))


def _in_two_files(a: GoalTable, b: GoalTable) -> None:
    """The same code in tables of two files (as xlgoals.crossfile assembles a run's tables)."""
    b.project_code = a.project_code
    a.locations[TableField.PROJECT_CODE] = Location(file="单位A.xlsx", sheet="1 职业技能培训补助", cell="B4")
    b.locations[TableField.PROJECT_CODE] = Location(file="单位B.xlsx", sheet="1 家政服务培训补助", cell="B4")


# --- one mutation per rule ------------------------------------------------------------------------

Mut = Callable[[Document], None]


def _national(d: Document, blank: TableField | None = None, **fields: str) -> None:
    """The table read from a 项目支出绩效目标申报表: 实施单位 and 实施期 stated, a 中长期目标 row left
    blank (``blank``: a row the form prints whose value is empty)."""
    d.layout = Layout.NATIONAL
    t = _t(d)
    t.implementer, t.period = "某县人力资源和社会保障局", "2024年"
    for k, v in fields.items():
        setattr(t, k, v)
    if blank is not None:
        t.locations[blank] = Location(file="申报表.txt", line=9)


def _t(d: Document) -> GoalTable:
    return d.tables[0]


def _set_ind(k: int, **kw: str) -> Mut:
    def f(d: Document) -> None:
        for key, v in kw.items():
            setattr(_t(d).indicators[k], key, v)

    return f


def _plan(*vals: str, mode: PlanMode = PlanMode.PERCENT, header: str = "资金支出计划（%）") -> Mut:
    def f(d: Document) -> None:
        from xlgoals.values import parse_plan_point

        _t(d).spend_plan = SpendPlan(
            header=header, mode=mode, points=[PlanPoint(raw=v, value=parse_plan_point(v)[0]) for v in vals]
        )

    return f


def _two_tables(change: Callable[[GoalTable, GoalTable], None]) -> Mut:
    def f(d: Document) -> None:
        second = table_a(2, "13073024P00047410002H", "家政服务培训补助")
        d.tables.append(second)
        change(d.tables[0], second)

    return f


def _drop(level2: str) -> Mut:
    return lambda d: setattr(_t(d), "indicators", [i for i in _t(d).indicators if i.level2 != level2])


def _b(mut: Mut) -> tuple[str, Mut]:
    return ("B", mut)


CASES: dict[str, tuple[str, Mut] | Mut] = {
    "STRUCT-001": lambda d: setattr(_t(d), "project_code", ""),
    "STRUCT-002": _set_ind(4, level1="工作指标"),
    "STRUCT-003": _set_ind(0, level2="经济效益指标"),
    "STRUCT-004": lambda d: _t(d).indicators.append(
        _ind("成本指标", "经济成本指标", "项目总成本", "总成本", "≤90万元")
    ),
    "STRUCT-005": _drop("时效指标"),
    "STRUCT-006": _drop("社会效益指标"),
    "STRUCT-007": _drop("服务对象满意度指标"),
    "STRUCT-008": _b(
        lambda d: _t(d).indicators.__setitem__(
            0, _flat("成本指标", "经济成本指标", "无", "无", "无", "无", "20分")
        )
    ),
    "STRUCT-009": _set_ind(1, value_raw=""),
    "STRUCT-010": _b(_set_ind(1, value_raw="≥90%")),
    "STRUCT-011": _set_ind(1, name="培训人次"),
    "STRUCT-012": _set_ind(2, basis=""),
    "STRUCT-013": lambda d: d.tables.__setitem__(0, GoalTable(index=1)),
    "STRUCT-014": lambda d: _blank_row(_t(d)),
    "STRUCT-015": lambda d: _formula_without_value(_t(d)),
    "STRUCT-016": lambda d: _renamed_sheet(d),
    "STRUCT-017": lambda d: _national(d, implementer="", blank=TableField.IMPLEMENTER),
    "CODE-001": lambda d: setattr(_t(d), "project_code", "1307302400047410001H"),
    "CODE-002": lambda d: (
        setattr(d.meta, "budget_year", 2024)
        or setattr(_t(d), "project_code", "13032224P00047410001H")
        or d.tables.append(table_a(2, "13073024P00047410009H", "家政服务培训补助"))
        or d.tables.append(table_a(3, "13073024P00047410008H", "养老护理培训补助"))
    ),
    "CODE-003": lambda d: setattr(_t(d), "project_code", "13073023P00047410001H"),
    "CODE-004": _two_tables(lambda a, b: setattr(b, "project_code", a.project_code)),
    "CODE-005": _two_tables(_in_two_files),
    "FUND-001": lambda d: setattr(_t(d).budget, "fiscal", Decimal("90.00")),
    "FUND-002": lambda d: setattr(_t(d), "fund_use", "职业技能培训补助"),
    "FUND-003": _two_tables(lambda a, b: setattr(b, "fund_use", a.project_name)),
    "PLAN-001": _plan("", "50%", "75%", "100%"),
    "PLAN-002": _plan("25%", "50%", "40%", "100%"),
    "PLAN-003": _plan("25%", "50%", "75%", "95%"),
    "PLAN-004": _plan("25.00", "50.00", "75.00", "100.00", mode=PlanMode.AMOUNT),
    "PLAN-005": _plan("0%", "0%", "0%", "100%"),
    "PLAN-006": _plan("25%", "五成", "75%", "100%"),
    "GOAL-001": lambda d: setattr(_t(d), "goals", ["1.目标内容1"]),
    "GOAL-002": lambda d: setattr(_t(d), "goals", [_t(d).fund_use]),
    "GOAL-003": lambda d: setattr(_t(d), "goals", ["1.加强资金管理，专款专用，任何单位和个人不得挤占挪用。"]),
    "GOAL-004": lambda d: setattr(_t(d), "goals", ["1.提高劳动者技能水平，促进就业。"]),
    "GOAL-005": lambda d: _national(d, period="2024年1月至2026年12月"),
    "GOAL-006": lambda d: setattr(
        _t(d), "goals", ["1.县财政安排资金120万元，用于职业技能培训，按培训进度拨付。"]
    ),
    "IND-001": _set_ind(1, description="培训合格率"),
    "IND-002": _set_ind(
        4, name="逐步促进了解河势变化及对防洪、", description="逐步促进了解河势变化及对防洪、排涝的认识"
    ),
    "IND-003": _set_ind(1, name="完成率"),
    "IND-004": _set_ind(0, name="年度服务部门数量", value_raw="≥3个"),
    "IND-005": _set_ind(4, name="群众满意度提高", value_raw="≥5%"),
    "IND-006": _set_ind(4, level2="经济效益指标", name="预算执行率", value_raw="≥95%"),
    "IND-007": _two_tables(lambda a, b: setattr(a.indicators[0], "description", f"全年{b.fund_use}的人次")),
    "IND-008": _set_ind(0, name="2023年培训人次"),
    "IND-009": _set_ind(0, name="88"),
    "IND-010": _set_ind(0, name="培训人次（≥**人次）"),
    "VAL-001": _set_ind(1, value_raw="≥95百分比"),
    "VAL-002": lambda d: [setattr(i, "value_raw", "≥95%") for i in _t(d).indicators],
    "VAL-003": _set_ind(0, value_raw="1000人次"),
    "VAL-004": _set_ind(1, value_raw="≥100%"),
    "VAL-005": _set_ind(1, value_raw="≥95％"),
    "VAL-006": _set_ind(1, value_raw="≤12个月"),
    "VAL-007": _set_ind(4, value_raw="≥95%"),
    "VAL-008": _set_ind(0, value_raw="全部完成"),
    "VAL-009": _set_ind(0, value_raw="≤1000人次"),
    "VAL-010": _set_ind(4, value_raw="进一步提高"),
    "VAL-011": _set_ind(1, value_raw="≥**%"),
    "VAL-012": _set_ind(3, description="补贴标准不少于800元"),
    "VAL-013": _b(_set_ind(4, unit_column="每月按时发放")),
    "VAL-014": _set_ind(0, value_raw="≥500"),
    "SAT-001": _set_ind(5, value_raw="≥1.9"),
    "SAT-002": _set_ind(5, value_raw="≥60%"),
    "SAT-003": _set_ind(5, value_raw="100%"),
    "COST-001": _set_ind(3, value_raw="≥1000元/人"),
    "COST-002": _set_ind(3, name="项目总成本", value_raw="≤120万元"),
    "COST-003": _set_ind(3, value_raw="≤95%"),
    "COST-004": _set_ind(3, name="人均补助标准", value_raw="≤100万元"),
    "COST-005": _set_ind(3, name="项目总成本", value_raw="≤100万元"),
    "COST-006": _set_ind(3, value_raw="≤28.40/人"),
    "TIME-001": _set_ind(2, value_raw="≥95%"),
    "WEIGHT-001": _b(_set_ind(0, score="25分")),
    "WEIGHT-002": _b(_set_ind(2, score="")),
    "WEIGHT-003": _b(_set_ind(1, score="5分")),
    "WEIGHT-004": _b(lambda d: (_set_ind(2, score="5分")(d), _set_ind(5, score="25分")(d))),
    "SELF-001": lambda d: (_national(d), _set_ind(0, score="10", scored="12")(d)),
    "SELF-002": lambda d: (_national(d), _set_ind(1, value_raw="≥95%", actual="90%")(d)),
    "SELF-003": lambda d: (_national(d), _set_ind(0, actual="140人")(d)),
    "DOC-001": lambda d: setattr(d.meta, "stated_count", 2),
    "DOC-002": lambda d: setattr(d.meta, "stated_total", Decimal(200)),
    "DOC-003": lambda d: (
        setattr(d.meta, "issue_date", "2023年2月7日"),
        setattr(d.meta, "doc_number", "怀财字【2024】7号"),
    ),
    "DOC-004": lambda d: setattr(_t(d), "title", "1.职业技能培训补贴资金绩效目标表"),
    "DOC-005": _two_tables(lambda a, b: setattr(b, "indicators", [i.model_copy() for i in a.indicators])),
    "DOC-006": lambda d: (setattr(_t(d), "complete", False), setattr(_t(d), "incomplete_reason", "文本中断")),
    "DOC-008": lambda d: setattr(d, "layout_version", 1),
    "DOC-007": lambda d: (
        d.tables.extend(
            table_a(k, f"13073024P0004741000{k}H", n)
            for k, n in ((2, "家政服务培训补助"), (3, "养老护理培训补助"))
        ),
        setattr(d.meta, "department_goals", "二、分项绩效目标\n1.大力开展森林防火宣传教育。"),
    ),
}
