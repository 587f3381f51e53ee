"""Run the rule catalogue over a Document; read files into Documents for checking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgoals.config import Config, Sources
from xlgoals.errors import NotATableError, XlgoalsInputError
from xlgoals.fields import TableField
from xlgoals.findings import FileResult, Finding, ProjectRef
from xlgoals.formats import read_document
from xlgoals.model import Document
from xlgoals.rules import all_rules
from xlgoals.rules.registry import Scope, run_rule
from xlgoals.runcontext import DEFAULT, RunContext
from xlgoals.safetext import path_text


def check_document(doc: Document, config: Config | None = None) -> list[Finding]:
    config = config or Config()
    findings: list[Finding] = []
    shared: dict[str, Any] = {}  # what rules compute once per document (Context.shared)
    for r in all_rules():
        if not config.enabled(r.code):
            continue
        if r.scope == Scope.TABLE:
            for table in doc.tables:
                findings.extend(run_rule(r, doc, table, config, shared))
        else:
            findings.extend(run_rule(r, doc, None, config, shared))
    findings.sort(key=Finding.sort_key)
    return findings


def check_file(
    path: Path,
    context: RunContext = DEFAULT,
    *,
    skip_non_tables: bool = False,
    sources: Sources | None = None,
) -> tuple[FileResult, Document | None]:
    """Read and check one file. A file that holds no 绩效目标表 is refused — or, with
    ``skip_non_tables`` (a file met in a folder), passed over with the reason. ``sources``: its
    configuration files when they were read elsewhere (a Dask worker has no folders)."""
    policy = context.config
    try:
        sources = sources if sources is not None else policy.sources(path)
        synonyms = policy.reading(path, sources).synonyms()  # before the file's own settings
        doc = read_document(path, fast=context.fast, synonyms=synonyms)
        config = policy.checking(path, doc, sources)
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
