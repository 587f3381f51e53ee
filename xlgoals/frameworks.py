"""The indicator frameworks as data (docs/sources.md, section 1) and a detector for which one a table uses.

A (2019, Hebei 三级体系): 产出指标 {数量, 质量, 时效, 成本} · 效益指标 {经济, 社会, 生态, 可持续} · 满意度指标.
B (2021, 财预〔2021〕101号): 成本指标 {经济成本, 社会成本, 生态环境成本} as its own 一级 · 产出指标 {数量, 质量,
时效} · 效益指标 · 满意度指标.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from xlgoals.model import Framework, GoalTable

OUTPUT = "产出指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"
COST = "成本指标"

QUANTITY = "数量指标"
QUALITY = "质量指标"
TIMELINESS = "时效指标"
COST_L2 = "成本指标"
ECONOMIC = "经济效益指标"
SOCIAL = "社会效益指标"
ECOLOGICAL = "生态效益指标"
SUSTAINABLE = "可持续影响指标"
BENEFICIARY = "服务对象满意度指标"
ECON_COST = "经济成本指标"
SOCIAL_COST = "社会成本指标"
ECO_COST = "生态环境成本指标"

B_COST_L2 = (ECON_COST, SOCIAL_COST, ECO_COST)

# Other spellings seen in real tables → the canonical name.
LEVEL1_ALIASES = {"产出": OUTPUT, "效益": BENEFIT, "满意度": SATISFACTION, "成本": COST}
LEVEL2_ALIASES = {
    "环境效益指标": ECOLOGICAL,  # S4
    "生态环境效益指标": ECOLOGICAL,
    "社会公众或服务对象满意度指标": BENEFICIARY,  # S21/S23
    "服务对象满意度": BENEFICIARY,
    "满意度指标": BENEFICIARY,
    "可持续影响": SUSTAINABLE,
    "数量": QUANTITY,
    "质量": QUALITY,
    "时效": TIMELINESS,
    "成本": COST_L2,
}


@dataclass(frozen=True)
class FrameworkSpec:
    framework: Framework
    name: str
    allowed: dict[str, tuple[str, ...]]  # 一级 → allowed 二级 (canonical names)
    required_level2: dict[str, tuple[str, ...]]  # 一级 → 二级 that must each be present


BENEFIT_L2 = (ECONOMIC, SOCIAL, ECOLOGICAL, SUSTAINABLE)

FRAMEWORK_A = FrameworkSpec(
    framework=Framework.A2019,
    name="三级指标体系（成本指标属产出指标，河北等地）",
    allowed={
        OUTPUT: (QUANTITY, QUALITY, TIMELINESS, COST_L2),
        BENEFIT: BENEFIT_L2,
        SATISFACTION: (BENEFICIARY,),
    },
    required_level2={OUTPUT: (QUANTITY, QUALITY, TIMELINESS, COST_L2), SATISFACTION: (BENEFICIARY,)},
)

FRAMEWORK_B = FrameworkSpec(
    framework=Framework.B2021,
    name="2021年核心绩效指标体系（成本指标为一级指标）",
    allowed={
        COST: B_COST_L2,
        OUTPUT: (QUANTITY, QUALITY, TIMELINESS),
        BENEFIT: BENEFIT_L2,
        SATISFACTION: (BENEFICIARY,),
    },
    required_level2={
        COST: (ECON_COST,),
        OUTPUT: (QUANTITY, QUALITY, TIMELINESS),
        SATISFACTION: (BENEFICIARY,),
    },
)

SPECS = {Framework.A2019: FRAMEWORK_A, Framework.B2021: FRAMEWORK_B}


def _clean(name: str) -> str:
    """Without white space and a trailing “等” (“服务对象满意度指标等”: a form's label, not a new class)."""
    return re.sub(r"等$", "", re.sub(r"\s+", "", name))


@lru_cache(maxsize=4096)
def canonical_level1(name: str) -> str:
    n = _clean(name)
    return LEVEL1_ALIASES.get(n, n)


@lru_cache(maxsize=4096)
def canonical_level2(name: str) -> str:
    n = _clean(name)
    return LEVEL2_ALIASES.get(n, n)


def detect_framework(table: GoalTable) -> Framework:
    """docs/sources.md, section 1: 一级 成本指标 or a B cost 二级 ⇒ B; 成本指标 under 产出指标 ⇒ A; both ⇒ mixed."""
    b = a = False
    for ind in table.indicators:
        l1 = canonical_level1(ind.level1)
        l2 = canonical_level2(ind.level2)
        if l1 == COST or l2 in B_COST_L2:
            b = True
        if l1 == OUTPUT and l2 == COST_L2:
            a = True
    if a and b:
        return Framework.MIXED
    if b:
        return Framework.B2021
    if a or table.indicators:
        return Framework.A2019  # without any cost row the Hebei framework is the default
    return Framework.UNKNOWN


def level1_lists() -> list[tuple[str, list[str]]]:
    """Every 一级 of both frameworks (A first) with the 二级 allowed under it: the template's dropdowns."""
    out: list[tuple[str, list[str]]] = []
    for level1 in [*FRAMEWORK_A.allowed, *(k for k in FRAMEWORK_B.allowed if k not in FRAMEWORK_A.allowed)]:
        allowed = list(FRAMEWORK_A.allowed.get(level1, ()))
        allowed += [x for x in FRAMEWORK_B.allowed.get(level1, ()) if x not in allowed]
        out.append((level1, allowed))
    return out
