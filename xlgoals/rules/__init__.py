"""The rule catalogue of RULES.md §5, one module per family."""

from xlgoals.rules import (  # noqa: F401  (importing registers the rules)
    codes,
    document,
    funds,
    goals,
    indicators,
    structure,
    targets,
    values_rules,
    weights,
)
from xlgoals.rules.registry import REGISTRY, Context, Rule, Scope, rule, run_rule

FAMILY_ORDER = (
    "STRUCT",
    "CODE",
    "FUND",
    "PLAN",
    "GOAL",
    "IND",
    "VAL",
    "SAT",
    "COST",
    "TIME",
    "WEIGHT",
    "DOC",
)


def all_rules() -> list[Rule]:
    def key(r: Rule) -> tuple[int, str]:
        order = FAMILY_ORDER.index(r.family) if r.family in FAMILY_ORDER else len(FAMILY_ORDER)
        return (order, r.code)

    return sorted(REGISTRY.values(), key=key)


__all__ = ["REGISTRY", "Context", "Rule", "Scope", "all_rules", "rule", "run_rule"]
