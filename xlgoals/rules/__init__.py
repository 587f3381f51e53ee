"""The rule catalogue, one module per family, in the order the catalogue lists them."""

from typing import Any

from xlgoals.rules import (
    codes,
    cost,
    document,
    funds,
    goals,
    indicator_values,
    indicators,
    plan,
    satisfaction,
    self_evaluation,
    structure,
    timeliness,
    weights,
)
from xlgoals.rules.registry import PARAMS, REGISTRY, Family, Param, Rule

FAMILY_MODULES = (
    structure,
    codes,
    funds,
    plan,
    goals,
    indicators,
    indicator_values,
    satisfaction,
    cost,
    timeliness,
    weights,
    self_evaluation,
    document,
)
FAMILIES: tuple[Family, ...] = tuple(m.FAMILY for m in FAMILY_MODULES)


def all_rules() -> list[Rule]:
    order = {f.code: k for k, f in enumerate(FAMILIES)}
    return sorted(REGISTRY.values(), key=lambda r: (order.get(r.family.code, len(order)), r.code))


def rule_params() -> dict[str, Param[Any]]:
    """Every rule's configurable thresholds, by configuration key (all families are loaded here)."""
    return PARAMS
