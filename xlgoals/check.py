"""Run the rule catalogue over a Document; read files into Documents for checking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgoals.config import Config, Sources, config_for, sheet_overrides, sources_for
from xlgoals.errors import NotATableError, XlgoalsInputError
from xlgoals.fields import TableField
from xlgoals.findings import FileResult, Finding, ProjectRef
from xlgoals.formats import read_document
from xlgoals.model import Document
from xlgoals.rules import all_rules
from xlgoals.rules.registry import Scope, run_rule
from xlgoals.safetext import path_text


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
    path: Path,
    doc: Document,
    explicit_config: Path | None = None,
    cli: dict[str, Any] | None = None,
    sources: Sources | None = None,
) -> Config:
    """The configuration that applies to ``doc`` read from ``path`` (including the file's own settings)."""
    return config_for(path, explicit_config, sheet_overrides(doc.settings), cli, sources)


def check_file(
    path: Path,
    *,
    explicit_config: Path | None = None,
    cli: dict[str, Any] | None = None,
    fast: bool = True,
    skip_non_tables: bool = False,
    sources: Sources | None = None,
) -> tuple[FileResult, Document | None]:
    """Read and check one file. A file that holds no 绩效目标表 is refused — or, with
    ``skip_non_tables`` (a file met in a folder), passed over with the reason."""
    try:
        sources = sources if sources is not None else sources_for(path, explicit_config)
        synonyms = config_for(path, explicit_config, None, cli, sources).synonyms()  # before the file's own
        doc = read_document(path, fast=fast, synonyms=synonyms)
        config = config_of(path, doc, explicit_config, cli, sources)
    except NotATableError as exc:
        if skip_non_tables:
            return FileResult(path=path_text(path), skipped=exc.message), None
        return FileResult(path=path_text(path), error=str(exc)), None
    except XlgoalsInputError as exc:
        return FileResult(path=path_text(path), error=str(exc)), None
    result = FileResult(
        path=path_text(path),
        tables=[(t.index, t.label) for t in doc.tables],
        units={t.index: f"{t.unit_code} {t.unit_name}".strip() for t in doc.tables},
    )
    result.findings = check_document(doc, config)
    result.projects = [
        ProjectRef(
            table=t.index,
            code=t.project_code,
            name=t.project_name,
            unit_code=t.unit_code,
            unit_name=t.unit_name,
            location=t.locations.get(TableField.PROJECT_CODE),
        )
        for t in doc.tables
        if t.project_code
    ]
    return result, doc
