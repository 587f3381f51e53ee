"""Annotated copies (``xlgoals check --annotate``): the marks of ``xlgoals.marks`` written into a copy —
as XML edits of the package (``xlgoals.io.xml_marks``: every part 校验 does not change is kept as it
is), or through openpyxl for a package that editor does not handle.

Works on a copy; the original is never written. Marks made by an earlier run are recorded in the
hidden _xlgoals sheet and cleared first, so annotating twice does not pile up. A text, Word or JSON
input — or a workbook of an older layout version — is first converted to the current template, so
its marks land on cells of a workbook whose live flags agree with them.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from xlgoals import layout as L
from xlgoals.atomic import write_atomic
from xlgoals.check import check_document
from xlgoals.config import NEARBY, ConfigPolicy, Sources
from xlgoals.errors import UnloadableWorkbook, XlgoalsInputError
from xlgoals.findings import Finding
from xlgoals.firstuse import function
from xlgoals.formats.workbook import read as read_workbook
from xlgoals.io import xml_marks
from xlgoals.model import Document
from xlgoals.oserrors import resolved
from xlgoals.safetext import path_text, xml_safe

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# A custom document property every annotated copy carries (its value: the checked file's name). A file
# without it is never replaced by an annotated copy: it is someone's workbook, whatever its name.
ANNOTATED_MARK = "xlgoals-annotated"
# Loaded when first needed (xlgoals.firstuse): openpyxl (a tenth of a second to load) only for a package
# the XML editor declines, the template writer only to convert an input that is not a current workbook.
MARK_WITH_OPENPYXL = "xlgoals.io.openpyxl_marks:annotate"
BUILD = "xlgoals.template.builder:build_bytes"


def annotate_bytes(
    data: bytes,
    keep_vba: bool,
    findings: Sequence[Finding],
    labels: dict[int, str],
    source_name: str = "",
) -> bytes:
    """``data`` (an .xlsx or .xlsm) with 校验's marks: edited as XML where the package allows
    (everything 校验 does not change is kept byte for byte), else loaded and saved by openpyxl."""
    properties = {ANNOTATED_MARK: xml_safe(source_name)}
    try:
        return xml_marks.annotate(data, findings, labels, properties)
    except xml_marks.Unpatchable:
        return function(MARK_WITH_OPENPYXL)(data, keep_vba, findings, labels, properties)  # type: ignore[no-any-return]


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
    data = function(BUILD)(doc)
    with tempfile.TemporaryDirectory() as tmp:
        wb_path = Path(tmp) / "converted.xlsx"
        wb_path.write_bytes(data)
        converted = read_workbook(wb_path)
    converted.source = path_text(src)
    rebuilt = check_document(converted, policy.checking(src, converted, sources))
    labels = {t.index: t.label for t in converted.tables}
    return write_annotated(src, data, rebuilt, labels, target)
