"""What the tests share: the bundled examples, each imported once, and running the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from tests.forkrun import ROOT, Completed, xlgoals
from xlgoals.check import check_document
from xlgoals.findings import Finding
from xlgoals.formats import read_document
from xlgoals.model import Document
from xlgoals.template.builder import build_bytes

EXAMPLES = ROOT / "examples" / "published"
SEEDS = {p.name[:3]: p for p in sorted(EXAMPLES.glob("*.txt"))}


@cache
def _load(prefix: str) -> Document:
    return read_document(SEEDS[prefix])


def seed(prefix: str) -> Document:
    """The bundled copy of a seed, imported once per test session (callers must not mutate it)."""
    return _load(prefix)


@cache
def seed_workbook(prefix: str, *, macros: bool = False) -> bytes:
    """The template workbook filled with a seed's tables, built once per test process (the build is
    reproducible: test_template proves it), for the many tests that start from one."""
    return build_bytes(seed(prefix), macros=macros)


@cache
def covering(prefix: str) -> Document:
    """The fewest of a seed's tables (picked greedily) whose findings, together, are of every rule
    the whole seed's are: a test that needs a real table's variety of findings without the cost of
    all 44 projects of 001."""
    doc = seed(prefix)
    tables: dict[str, set[int | None]] = {}
    for f in check_document(doc):
        tables.setdefault(f.code, set()).add(f.table)
    needed, chosen = set(tables), []
    while needed:
        best = max(doc.tables, key=lambda t: sum(t.index in tables[c] for c in needed))
        covered = {c for c in needed if best.index in tables[c]}
        if not covered:  # only document-level findings left: any table has them
            break
        chosen.append(best)
        needed -= covered
    return doc.model_copy(update={"tables": sorted(chosen, key=lambda t: t.index)})


def many_rows(n: int) -> Document:
    """Seed 000's first project with its indicators repeated to ``n`` rows."""
    doc = seed("000").model_copy(deep=True)
    doc.tables = doc.tables[:1]
    inds = doc.tables[0].indicators
    doc.tables[0].indicators = [i.model_copy() for _ in range(n // len(inds) + 1) for i in inds][:n]
    return doc


def many_sheets(n: int) -> Document:
    """Seed 000's first project ``n`` times, one project sheet each."""
    doc = seed("000").model_copy(deep=True)
    doc.tables = [doc.tables[0].model_copy(update={"index": k + 1}) for k in range(n)]
    return doc


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Completed:
    """``xlgoals ARGS`` in a process of its own, as a user runs it (``env``: extra variables). The
    process is forked from one that imported the command line already (tests/forkrun.py);
    ``fresh_run`` starts a new interpreter where the imports themselves are under test."""
    return xlgoals(*args, cwd=cwd, env=env)


def fresh_run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m xlgoals ARGS`` in a new interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "xlgoals", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=600,
        env={**os.environ, **env} if env else None,
    )


def same_findings(doc: Document, findings: list[Finding] | None = None) -> list[tuple[str, str]]:
    """(code, message) of ``doc``'s findings with each project named by its position: a workbook's
    messages name a project by its sheet ("工作表“1 …”"), a text's by "项目1 …" — the same finding."""
    found = check_document(doc) if findings is None else findings
    labels = sorted(((t.label, f"#{t.index}") for t in doc.tables), key=lambda lt: -len(lt[0]))

    def named(message: str) -> str:
        for label, key in labels:
            message = message.replace(label, key)
        return message

    return sorted((f.code, named(f.message)) for f in found)
