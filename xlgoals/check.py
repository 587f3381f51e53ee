"""Run the rule catalogue over a Document; read files into Documents for checking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgoals.config import Config, config_for, sheet_overrides
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import FileResult, Finding
from xlgoals.model import Document
from xlgoals.rules import Scope, all_rules, run_rule


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


def load_for_check(path: Path, *, fast: bool = True) -> tuple[Document, dict[str, Any]]:
    """The Document and, for workbooks, the overrides of their hidden _config sheet."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from xlgoals.io import fast as fast_io
        from xlgoals.io import xlsx as xlsx_io
        from xlgoals.layout import CONFIG_SHEET
        from xlgoals.reader import read_grid_document

        grid = (fast_io if fast else xlsx_io).read_grid(path)
        doc = read_grid_document(grid)
        sheet = grid.get(CONFIG_SHEET)
        rows: list[tuple[str, Any]] = []
        if sheet is not None:
            rows = [(str(sheet.value(r, 1) or ""), sheet.value(r, 2)) for r in range(1, sheet.max_row + 1)]
        return doc, sheet_overrides(rows)
    from xlgoals.importers import load_document

    return load_document(path, fast=fast), {}


def check_file(
    path: Path, *, explicit_config: Path | None = None, cli: dict[str, Any] | None = None, fast: bool = True
) -> tuple[FileResult, Document | None]:
    try:
        doc, overrides = load_for_check(path, fast=fast)
        config = config_for(path, explicit_config, overrides, cli)
    except XlgoalsInputError as exc:
        return FileResult(path=str(path), error=str(exc)), None
    result = FileResult(
        path=str(path),
        tables=[(t.index, t.label) for t in doc.tables],
        units={t.index: f"{t.unit_code} {t.unit_name}".strip() for t in doc.tables},
    )
    result.findings = check_document(doc, config)
    return result, doc


CHECK_SUFFIXES = (".xlsx", ".xlsm", ".txt", ".json", ".docx")


def collect_inputs(paths: list[Path], pattern: str | None = None) -> list[tuple[Path, Path]]:
    """(file, root) pairs: files as given, folders searched recursively for checkable files."""
    out: list[tuple[Path, Path]] = []
    for p in paths:
        if p.is_dir():
            found = (
                sorted(p.rglob(pattern))
                if pattern
                else sorted(x for x in p.rglob("*") if x.suffix.lower() in CHECK_SUFFIXES)
            )
            out.extend((f, p) for f in found if f.is_file())
        else:
            out.append((p, p.parent))
    return out


def annotation_target(src: Path, root: Path, out_dir: Path) -> Path:
    """Where the annotated copy of src goes: out_dir mirrors src's place below root."""
    from xlgoals.annotate import annotated_name

    inside = src.resolve().is_relative_to(root.resolve())
    rel = src.resolve().parent.relative_to(root.resolve()) if inside else Path()
    return out_dir / rel / annotated_name(src)


def annotate_result(
    src: Path,
    root: Path,
    doc: Document,
    out_dir: Path,
    *,
    explicit_config: Path | None = None,
    cli: dict[str, Any] | None = None,
) -> Path:
    """Write the annotated copy of one checked file under out_dir (mirroring its place below root)."""
    import tempfile

    from xlgoals.annotate import annotated_name, write_annotated

    target_dir = annotation_target(src, root, out_dir).parent
    if src.suffix.lower() in (".xlsx", ".xlsm"):
        data = src.read_bytes()
        fr, _ = check_file(src, explicit_config=explicit_config, cli=cli)
        findings, labels = fr.findings, dict(fr.tables)
    else:
        from xlgoals.reader import read_workbook
        from xlgoals.template.builder import build_bytes

        data = build_bytes(doc)
        with tempfile.TemporaryDirectory() as tmp:
            wb_path = Path(tmp) / "converted.xlsx"
            wb_path.write_bytes(data)
            converted = read_workbook(wb_path)
        converted.source = str(src)
        findings = check_document(converted, config_for(src, explicit_config, None, cli))
        labels = {t.index: t.label for t in converted.tables}
    return write_annotated(src, data, findings, labels, target_dir, annotated_name(src))
