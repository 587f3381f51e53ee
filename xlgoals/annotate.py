"""Annotated copies (``xlgoals check --annotate``): the marks of ``xlgoals.marks`` written into a copy —
as XML edits of the package (``xlgoals.io.xml_marks``: every part 校验 does not change is kept as it
is), or through openpyxl for a package that editor does not handle.

Works on a copy; the original is never written. Marks made by an earlier run are recorded in the
hidden _xlgoals sheet and cleared first, so annotating twice does not pile up. A text, Word or JSON
input — or a workbook of an older layout version — is first converted to the current template, so
its marks land on cells of a workbook whose live flags agree with them.
"""

from __future__ import annotations

import io
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from xlgoals import layout as L
from xlgoals import printing
from xlgoals.atomic import write_atomic
from xlgoals.check import check_document
from xlgoals.config import NEARBY, ConfigPolicy, Sources
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import Finding
from xlgoals.formats.workbook import read as read_workbook
from xlgoals.io import xml_marks
from xlgoals.marks import (
    cell_marks,
    fill,
    footer_formulas,
    link_target,
    note_text,
    result_rows,
    worst,
)
from xlgoals.model import Document
from xlgoals.oserrors import resolved
from xlgoals.safetext import path_text, xml_safe
from xlgoals.template.builder import build_bytes

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# A custom document property every annotated copy carries (its value: the checked file's name). A file
# without it is never replaced by an annotated copy: it is someone's workbook, whatever its name.
ANNOTATED_MARK = "xlgoals-annotated"


class UnloadableWorkbook(XlgoalsInputError):
    """openpyxl cannot load a workbook the checking readers could read."""


def _solid(color: str) -> PatternFill:
    return PatternFill("solid", start_color=color, end_color=color)


def annotate_bytes(
    data: bytes,
    keep_vba: bool,
    findings: Sequence[Finding],
    labels: dict[int, str],
    source_name: str = "",
) -> bytes:
    """``data`` (an .xlsx or .xlsm) with 校验's marks: edited as XML where the package allows
    (everything 校验 does not change is kept byte for byte), else loaded and saved by openpyxl."""
    try:
        return xml_marks.annotate(data, findings, labels, {ANNOTATED_MARK: xml_safe(source_name)})
    except xml_marks.Unpatchable:
        return mark_with_openpyxl(data, keep_vba, findings, labels, source_name)


def mark_with_openpyxl(
    data: bytes,
    keep_vba: bool,
    findings: Sequence[Finding],
    labels: dict[int, str],
    source_name: str = "",
) -> bytes:
    """The same marks through openpyxl's load and save (parts openpyxl does not know are lost):
    for packages ``xml_marks`` does not handle."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba)
    except Exception as exc:  # openpyxl refuses what the checking readers tolerated (an INF cell, say)
        raise UnloadableWorkbook(
            f"工作簿可以检查，但无法写出标注副本（{type(exc).__name__}：工作簿中有 Excel 无法识别的内容）。"
            "请在 Excel 或 WPS 中打开并另存后重试。"
        ) from None
    if ANNOTATED_MARK not in wb.custom_doc_props.names:
        wb.custom_doc_props.append(StringProperty(name=ANNOTATED_MARK, value=xml_safe(source_name)))
    meta = wb[L.META_SHEET] if L.META_SHEET in wb.sheetnames else None
    _clear_previous(wb, meta)
    if L.RESULTS_SHEET in wb.sheetnames:
        del wb[L.RESULTS_SHEET]

    recorded: list[tuple[str, str]] = []
    width, base, per, cap = L.NOTE_SIZE
    for (sheet, cell), fs in cell_marks(findings).items():
        if sheet not in wb.sheetnames:
            continue
        target: Any = wb[sheet][cell]
        if type(target).__name__ == "MergedCell":
            continue
        target.fill = _solid(fill(worst(fs)))
        comment = Comment(xml_safe(note_text(fs)), L.NOTE_AUTHOR)
        comment.width, comment.height = width, min(base + per * len(fs), cap)
        target.comment = comment
        recorded.append((sheet, cell))
    _results_sheet(wb, findings, labels)
    _printed_marks(wb, findings)
    if meta is not None:
        start = meta.max_row + 1
        for k, (sheet, cell) in enumerate(recorded):
            for col, value in enumerate((L.MARK_KEY, sheet, cell), start=1):
                meta.cell(start + k, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _results_sheet(wb: Any, findings: Sequence[Finding], labels: dict[int, str]) -> None:
    spec = L.RESULTS
    ws = wb.create_sheet(L.RESULTS_SHEET, index=min(spec.position, len(wb.sheetnames)))
    head_fill = _solid(L.HEADER_FILL.lstrip("#"))
    for k, (label, width) in enumerate(zip(spec.columns, spec.widths, strict=True), start=1):
        c = ws.cell(1, k, label)
        c.font = Font(bold=True, name=L.FONT)
        c.fill = head_fill
        ws.column_dimensions[L.column_letter(k)].width = width
    ws.page_setup.orientation = "landscape" if spec.page.landscape else "portrait"
    ws.page_setup.paperSize = spec.page.paper
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = spec.page.fit_height
    ws.print_title_rows = f"1:{spec.freeze_rows}"
    for r, (f, row) in enumerate(zip(findings, result_rows(findings, labels), strict=True), start=2):
        for k, value in enumerate(row, start=1):
            c = ws.cell(r, k, xml_safe(value))
            c.alignment = Alignment(wrap_text=k >= spec.wrap_from, vertical="top")
        ws.row_dimensions[r].height = printing.row_height(
            [v if k >= spec.wrap_from else "" for k, v in enumerate(row, start=1)], spec.widths
        )
        ws.cell(r, 1).fill = _solid(fill(f.severity))
        target = link_target(f)
        if target is not None:
            link = ws.cell(r, spec.link_column)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target)
            link.font = Font(color=L.LINK_COLOR, underline="single")
    ws.freeze_panes = ws.cell(spec.freeze_rows + 1, 1).coordinate
    if not findings:
        ws.cell(2, 1, spec.empty)


def _printed_marks(wb: Any, findings: Sequence[Finding]) -> None:
    """On paper too: each project sheet's 表内校验 row says what 校验 found there, the 提示 column
    is printed, and the notes print after the sheet (Excel; LibreOffice prints no notes)."""
    column_a = {ws.title: [c.value for c in ws["A"]] for ws in wb.worksheets}
    for name, (row, formula) in footer_formulas(column_a, findings).items():
        ws = wb[name]
        ws.cell(row, 2).value = formula
        ws.print_area = f"A1:{L.column_letter(L.PROJECT.flag_column)}{row}"
        ws.page_setup.cellComments = "atEnd"


def _clear_previous(wb: Any, meta: Any) -> None:
    if meta is None:
        return
    rows = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == L.MARK_KEY]
    for r in rows:
        sheet, cell = meta.cell(r, 2).value, meta.cell(r, 3).value
        if sheet in wb.sheetnames:
            target = wb[sheet][cell]
            if type(target).__name__ != "MergedCell":
                target.fill = PatternFill(fill_type=None)
                if target.comment is not None and target.comment.author == L.NOTE_AUTHOR:
                    target.comment = None
    for r in reversed(rows):
        meta.delete_rows(r)


def annotated_name(src: Path) -> str:
    return src.name if src.suffix.lower() in WORKBOOK_SUFFIXES else f"{src.stem}.xlsx"


def write_annotated(
    src: Path, data: bytes, findings: Sequence[Finding], labels: dict[int, str], dst: Path
) -> Path:
    if dst.exists() and resolved(dst) == resolved(src):
        raise XlgoalsInputError(
            "标注副本不能写到原文件所在位置（不会覆盖原文件），请换一个 --annotate 文件夹。", file=str(src)
        )
    if dst.exists() and not is_annotated_copy(dst):  # appeared since the run was planned
        raise XlgoalsInputError(
            "标注副本的位置已有同名文件，且不是 xlgoals 写的标注副本，未覆盖。", file=str(dst)
        )
    write_atomic(dst, annotate_bytes(data, src.suffix.lower() == ".xlsm", findings, labels, src.name))
    return dst


def annotation_target(src: Path, root: Path, out_dir: Path) -> Path:
    """Where the annotated copy of src goes by default: out_dir mirrors src's place below root."""
    inside = resolved(src).is_relative_to(resolved(root))
    rel = resolved(src).parent.relative_to(resolved(root)) if inside else Path()
    return out_dir / rel / annotated_name(src)


def is_annotated_copy(path: Path) -> bool:
    """Whether ``path`` is an annotated copy xlgoals wrote (it carries ``ANNOTATED_MARK``)."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("docProps/custom.xml")
            return info.file_size < 1 << 20 and f'name="{ANNOTATED_MARK}"'.encode() in z.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError):
        return False


# Why an annotated copy got another name than its file's (shown beside the copy's path).
RENAMED_EXISTING = "同名文件已存在且不是 xlgoals 写的标注副本，未覆盖，另存为此名"
RENAMED_TWIN = "与另一个文件的标注副本同名，另存为此名"


def plan_targets(sources: Sequence[tuple[Path, Path]], out_dir: Path) -> list[tuple[Path, str | None]]:
    """Where each (file, the folder it was found in)'s annotated copy goes, and why not under its
    usual name: a copy never replaces a file that is not an earlier annotated copy (a clerk's
    workbook that happens to share the name), nor another file's copy of this run (pair.txt and
    pair.xlsx side by side); it takes the name "pair（标注）.xlsx", "pair（标注2）.xlsx" …"""
    planned: list[tuple[Path, str | None]] = []
    taken: set[Path] = set()
    for src, root in sources:
        target = annotation_target(src, root, out_dir)
        why = None
        k = 1
        while True:
            key = resolved(target)
            if key in taken:
                why = why or RENAMED_TWIN
            elif target.exists() and not is_annotated_copy(target):
                why = why or RENAMED_EXISTING
            else:
                break
            target = target.with_name(
                f"{Path(annotated_name(src)).stem}（标注{k if k > 1 else ''}）{target.suffix}"
            )
            k += 1
        taken.add(resolved(target))
        planned.append((target, why))
    return planned


def annotate_result(
    src: Path,
    target: Path,
    doc: Document,
    *,
    findings: Sequence[Finding] | None = None,
    policy: ConfigPolicy = NEARBY,
    sources: Sources | None = None,
) -> Path:
    """Write the annotated copy of one checked file to ``target`` (``plan_targets`` chose it).

    A workbook of the current layout is marked as it is (``findings``: what checking it found). Any
    other input — text, Word, JSON, a workbook of an older layout, or one openpyxl cannot load (a
    crafted INF cell, an invalid character reference) — becomes the current template first, checked
    with the configuration ``policy`` gives the original (``sources``: its files, when read elsewhere)."""
    current = doc.layout_version is None or doc.layout_version >= L.LAYOUT_VERSION
    if src.suffix.lower() in WORKBOOK_SUFFIXES and current:
        if findings is None:
            findings = check_document(doc, policy.checking(src, doc, sources))
        labels = {t.index: t.label for t in doc.tables}
        try:
            return write_annotated(src, src.read_bytes(), findings, labels, target)
        except UnloadableWorkbook:
            pass
    data = build_bytes(doc)
    with tempfile.TemporaryDirectory() as tmp:
        wb_path = Path(tmp) / "converted.xlsx"
        wb_path.write_bytes(data)
        converted = read_workbook(wb_path)
    converted.source = path_text(src)
    rebuilt = check_document(converted, policy.checking(src, converted, sources))
    labels = {t.index: t.label for t in converted.tables}
    return write_annotated(src, data, rebuilt, labels, target)
