"""Run the rule catalogue over a Document; read files into Documents for checking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgoals.config import Config, config_for, sheet_overrides
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import FileResult, Finding
from xlgoals.formats import READABLE_SUFFIXES, read_document
from xlgoals.model import Document
from xlgoals.rules import all_rules
from xlgoals.rules.registry import Scope, run_rule


def check_document(doc: Document, config: Config | None = None) -> list[Finding]:
    config = config or Config()
    findings: list[Finding] = []
    for r in all_rules():
        if not config.enabled(r.code):
            continue
        if r.scope == Scope.TABLE:
            for table in doc.tables:
                findings.extend(run_rule(r, doc, table, config))
        else:
            findings.extend(run_rule(r, doc, None, config))
    findings.sort(key=Finding.sort_key)
    return findings


def config_of(
    path: Path, doc: Document, explicit_config: Path | None = None, cli: dict[str, Any] | None = None
) -> Config:
    """The configuration that applies to ``doc`` read from ``path`` (including the file's own settings)."""
    return config_for(path, explicit_config, sheet_overrides(doc.settings), cli)


def check_file(
    path: Path, *, explicit_config: Path | None = None, cli: dict[str, Any] | None = None, fast: bool = True
) -> tuple[FileResult, Document | None]:
    try:
        doc = read_document(path, fast=fast)
        config = config_of(path, doc, explicit_config, cli)
    except XlgoalsInputError as exc:
        return FileResult(path=str(path), error=str(exc)), None
    result = FileResult(
        path=str(path),
        tables=[(t.index, t.label) for t in doc.tables],
        units={t.index: f"{t.unit_code} {t.unit_name}".strip() for t in doc.tables},
    )
    result.findings = check_document(doc, config)
    return result, doc


def collect_inputs(paths: list[Path], pattern: str | None = None) -> list[tuple[Path, Path]]:
    """(file, root) pairs: files as given, folders searched recursively for readable files."""
    out: list[tuple[Path, Path]] = []
    for p in paths:
        if p.is_dir():
            found = (
                sorted(p.rglob(pattern))
                if pattern
                else sorted(x for x in p.rglob("*") if x.suffix.lower() in READABLE_SUFFIXES)
            )
            out.extend((f, p) for f in found if f.is_file())
        else:
            out.append((p, p.parent))
    return out
