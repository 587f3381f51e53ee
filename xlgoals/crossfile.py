"""Checks across the files of one run (``xlgoals check DIR``, ``xlgoals summary``, a zip on the web
page): the same 项目编码 in the tables of different files (CODE-005).

Each file's result carries its tables' codes and where they are (``FileResult.projects``: a few
strings per table, so a province-wide run stays small). After the last file, the rules about
several files run once on a Document made of those tables, each located in its own file; their
findings come as one more entry of the report, named ``ACROSS_FILES`` (not counted as a file).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlgoals.config import Config
from xlgoals.fields import TableField
from xlgoals.findings import FileResult, ProjectRef
from xlgoals.model import Document, GoalTable, Location
from xlgoals.rules.registry import REGISTRY, run_rule

ACROSS_FILES = "（多个文件之间）"
RULES = ("CODE-005",)


@dataclass
class CrossFile:
    """Collects every file's project codes as results arrive; ``result`` runs the checks."""

    # (file, 项目编码, the ProjectRef as JSON): a few hundred bytes a table where the model is ~3 KB —
    # a run over thousands of files keeps every one until its end
    refs: list[tuple[str, str, str]] = field(default_factory=list)
    repeated: set[str] = field(default_factory=set)  # the codes found in several files

    def add(self, result: FileResult) -> None:
        self.refs.extend((result.path, p.code, p.model_dump_json()) for p in result.projects)

    def result(self, config: Config) -> FileResult | None:
        """The findings across files, or None when there are none."""
        # Only a code found in more than one file can be reported (CODE-005 is the one rule across
        # files): the tables of the other codes are not built — a county's thousands of projects
        # would make a transient Document of ~6 KB per table, growing the run's memory with its size.
        files: dict[str, set[str]] = {}
        for path, code, _ in self.refs:
            files.setdefault(code, set()).add(path)
        wanted = [
            (k, path, ProjectRef.model_validate_json(ref))
            for k, (path, code, ref) in enumerate(self.refs, start=1)
            if len(files[code]) > 1
        ]
        if not wanted:
            return None
        tables = [
            GoalTable(
                index=ref.table,  # as the file numbers it: messages name the table as the file does
                title=ref.name,
                unit_code=ref.unit_code,
                unit_name=ref.unit_name,
                project_code=ref.code,
                project_name=ref.name,
                locations={
                    TableField.PROJECT_CODE: (ref.location or Location()).model_copy(update={"file": path})
                },
            )
            for _, path, ref in wanted
        ]
        doc = Document(source=ACROSS_FILES, tables=tables)
        findings = [
            f for code in RULES if config.enabled(code) for f in run_rule(REGISTRY[code], doc, None, config)
        ]
        if not findings:
            return None
        # Renumber: table numbers repeat across files; in this result each table gets the number of
        # its place among all the run's tables.
        position = {(path, ref.table): k for k, path, ref in wanted}
        table_at = {k: t for (k, _, _), t in zip(wanted, tables, strict=True)}
        used: set[int] = set()
        for f in findings:
            if f.table is not None and f.location is not None:
                f.table = position[(f.location.file or "", f.table)]
                used.add(f.table)
        self.repeated = {table_at[k].project_code for k in used}
        labels = [(k, f"{self.refs[k - 1][0]}：{table_at[k].label}") for k in sorted(used)]
        return FileResult(path=ACROSS_FILES, tables=labels, findings=findings)
