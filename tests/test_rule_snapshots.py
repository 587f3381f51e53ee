"""One reviewed snapshot per rule: every finding the rule gives on its own firing case and on the five
bundled examples — code, where, logical path, message and fix, one finding per line — so a change to a
rule shows up as a readable diff of tests/data/rules/CODE.tsv. The list of files is the registry's.

After reviewing a change: XLGOALS_UPDATE_SNAPSHOTS=1 ./dev test tests/test_rule_snapshots.py
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from tests.helpers import SEEDS, seed
from tests.rule_cases import CASES, doc_of, table_a, table_b
from xlgoals.check import check_document
from xlgoals.findings import Finding
from xlgoals.rules import all_rules
from xlgoals.rules.registry import REGISTRY

DIR = Path(__file__).parent / "data" / "rules"
UPDATE = os.environ.get("XLGOALS_UPDATE_SNAPSHOTS") == "1"


def _line(source: str, f: Finding) -> str:
    where = f.where.replace(str(Path(seed("000").source).parent) + "/", "")
    return "\t".join((source, where, f.path, f.message, f.hint))


def _case_findings(code: str) -> list[Finding]:
    case = CASES[code]
    framework, mutate = case if isinstance(case, tuple) else ("A", case)
    doc = doc_of(table_b() if framework == "B" else table_a())
    mutate(doc)
    return check_document(doc)


@functools.cache
def _seed_findings(prefix: str) -> tuple[Finding, ...]:
    """Every finding on a bundled example, checked once per test process (each rule's snapshot
    takes its own)."""
    return tuple(check_document(seed(prefix)))


def snapshot(code: str) -> str:
    r = REGISTRY[code]
    lines = [f"# {r.code} {r.slug} · {r.severity.value} · {r.scope.value} · {r.doc.title}"]
    lines += [_line("case", f) for f in _case_findings(code) if f.code == code]
    for prefix in sorted(SEEDS):
        lines += [_line(prefix, f) for f in _seed_findings(prefix) if f.code == code]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("code", [r.code for r in all_rules()])
def test_rule_snapshot(code):
    path = DIR / f"{code}.tsv"
    current = snapshot(code)
    if UPDATE:
        DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(current, encoding="utf-8")
    assert path.exists(), f"no snapshot for {code}: review its findings, then XLGOALS_UPDATE_SNAPSHOTS=1"
    assert current == path.read_text(encoding="utf-8"), f"{code} changed: review the diff, then update"


def test_every_snapshot_belongs_to_a_rule():
    assert {p.stem for p in DIR.glob("*.tsv")} == set(REGISTRY)
