"""Findings and the report: what a check found, where, and how to fix it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, Field

from xlgoals.exitcodes import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE
from xlgoals.model import Location


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Finding(BaseModel):
    code: str
    severity: Severity
    message: str  # Chinese, with the offending value
    hint: str = ""  # how to fix it
    location: Location | None = None
    path: str = ""  # logical: "项目3 城乡低保资金县级配套 › 指标[4] › 指标值"
    table: int | None = None  # 1-based table index, None for document-level findings
    field: str = ""  # the field the location points at ("value", "budget.total", …)

    @property
    def where(self) -> str:
        return str(self.location) if self.location is not None else ""

    def sort_key(self) -> tuple[int, int, str, str]:
        loc = self.location
        pos = loc.line if loc is not None and loc.line is not None else 0
        return (self.table or 0, pos, self.where, self.code)


SKIPPED = "已跳过"


def status_of(findings: Iterable[Finding]) -> str:
    """有错误 / 有警告 / 通过 — of a file, a table, whatever these findings belong to."""
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return "有错误"
    if Severity.WARNING in severities:
        return "有警告"
    return "通过"


class ProjectRef(BaseModel):
    """A table of a checked file, as the checks across files see it (``crossfile``)."""

    table: int
    code: str
    name: str = ""
    unit_code: str = ""
    unit_name: str = ""
    location: Location | None = None  # of its 项目编码


class FileResult(BaseModel):
    """One checked file: its findings, or why it could not be read."""

    path: str
    error: str = ""  # non-empty when the file could not be read
    skipped: str = ""  # non-empty when a folder scan passed the file over (a lock file, not a 绩效目标表 …)
    tables: list[tuple[int, str]] = Field(default_factory=list)  # (index, label)
    units: dict[int, str] = Field(default_factory=dict)  # table index → 预算单位 ("316007 怀来县…")
    findings: list[Finding] = Field(default_factory=list)
    projects: list[ProjectRef] = Field(
        default_factory=list
    )  # its tables' 项目编码, for the checks across files

    @property
    def status(self) -> str:
        if self.skipped:
            return SKIPPED
        if self.error:
            return "无法读取"
        return status_of(self.findings)

    def counts(self) -> Counter[Severity]:
        c: Counter[Severity] = Counter({s: 0 for s in Severity})
        c.update(f.severity for f in self.findings)
        return c

    def counts_text(self) -> str:
        """ "2 个错误，17 个警告，37 条提示" """
        c = self.counts()
        return f"{c[Severity.ERROR]} 个错误，{c[Severity.WARNING]} 个警告，{c[Severity.INFO]} 条提示"

    def renamed(self, temporary: str, original: str) -> FileResult:
        """This result with every mention of a temporary copy (path, locations, messages) made the
        original name — a file checked on a Dask worker or uploaded to the service."""
        text = self.model_dump_json()
        old, new = json.dumps(temporary)[1:-1], json.dumps(original)[1:-1]
        return FileResult.model_validate_json(text.replace(old, new))


class Report(BaseModel):
    """The findings of a run. Counts are kept as files arrive, so a streamed run (``keep=False``)
    holds no finding in memory however many files it checks; ``files`` then lists only the
    files that could not be read."""

    files: list[FileResult] = Field(default_factory=list)
    file_count: int = 0
    severity_counts: dict[str, int] = Field(default_factory=lambda: {s.value: 0 for s in Severity})
    rule_counts: dict[str, int] = Field(default_factory=dict)
    unreadable_count: int = 0
    skipped_count: int = 0

    def add(self, result: FileResult, *, keep: bool = True, counted: bool = True) -> None:
        """``counted=False``: findings that are not a file's (the checks across files)."""
        self.file_count += counted
        for f in result.findings:
            self.severity_counts[f.severity.value] += 1
            self.rule_counts[f.code] = self.rule_counts.get(f.code, 0) + 1
        if result.skipped:
            self.skipped_count += 1
        elif result.error:
            self.unreadable_count += 1
        if keep:
            self.files.append(result)
        elif result.error or result.skipped:
            self.files.append(FileResult(path=result.path, error=result.error, skipped=result.skipped))

    def counts(self) -> Counter[Severity]:
        return Counter({Severity(k): v for k, v in self.severity_counts.items()})

    def by_rule(self) -> Counter[str]:
        return Counter(self.rule_counts)

    @property
    def unreadable(self) -> list[FileResult]:
        return [f for f in self.files if f.error]

    def exit_code(self) -> int:
        """The exit code of every command (EXIT_CODES): 2 when an input could not be read (the report
        covers the others), else 1 when errors were found, else 0. Skipped files change nothing."""
        if self.unreadable_count:
            return EXIT_UNREADABLE
        if self.counts()[Severity.ERROR]:
            return EXIT_ERRORS
        return EXIT_OK

    def summary_line(self) -> str:
        c = self.counts()
        parts = [
            f"{self.file_count} 个文件",
            f"{c[Severity.ERROR]} 个错误",
            f"{c[Severity.WARNING]} 个警告",
            f"{c[Severity.INFO]} 条提示",
        ]
        if self.unreadable_count:
            parts.append(f"{self.unreadable_count} 个文件无法读取")
        if self.skipped_count:
            parts.append(f"{self.skipped_count} 个文件已跳过")
        return "，".join(parts)
