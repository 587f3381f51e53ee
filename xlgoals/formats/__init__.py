"""The formats xlgoals reads and writes, in one registry, and the one place that decides what a
path is.

Each format is a module with ``read`` and/or a writer: published text (Hebei and flat tables),
Word publications, Document JSON, workbooks (the xlgoals template or the flat layout), CSV. The
county 汇总 workbook (``summary_workbook``) is written from totals, not from one Document.
"""

from __future__ import annotations

import contextlib
import errno
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgoals.errors import XlgoalsInputError
from xlgoals.firstuse import function
from xlgoals.model import Document
from xlgoals.oserrors import describe
from xlgoals.synonyms import DEFAULT, Synonyms


@dataclass(frozen=True)
class Format:
    """A format: its name, how messages call it, what it reads and how, what it writes and how.
    ``reads``/``writes`` name the function ("module:name"); ``labels``: the reader searches labels
    (it takes the synonym table); ``reader``: it chooses between python-calamine and openpyxl."""

    name: str
    title: str
    suffixes: tuple[str, ...] = ()
    reads: str = ""  # (path[, synonyms=][, fast=]) → Document
    writes: str = ""  # (Document) → bytes
    write_suffix: str = ""
    labels: bool = False
    reader: bool = False

    @property
    def readable(self) -> bool:
        return bool(self.reads)

    def read(self, path: Path, fast: bool, synonyms: Synonyms) -> Document:
        options: dict[str, Any] = {}
        if self.labels:
            options["synonyms"] = synonyms
        if self.reader:
            options["fast"] = fast
        doc: Document = function(self.reads)(path, **options)
        return doc

    def write(self, doc: Document) -> bytes:
        data: bytes = function(self.writes)(doc)
        return data


JSON = Format("json", "文档 JSON", (".json",), "xlgoals.formats.document_json:read",
              "xlgoals.formats.document_json:dump_bytes", ".json")  # fmt: skip
WORKBOOK = Format(
    "workbook", "绩效目标表工作簿或平铺格式", (".xlsx", ".xlsm"), "xlgoals.formats.workbook:read",
    "xlgoals.template.builder:build_bytes", ".xlsx", labels=True, reader=True,
)  # fmt: skip
DOCX = Format("docx", "公开文件", (".docx",), "xlgoals.formats.docx:read", "xlgoals.formats.docx:build_docx",
              ".docx", labels=True)  # fmt: skip
TEXT = Format("text", "公开文本", (".txt", ".text"), "xlgoals.formats.published_text:read", labels=True)
WEB_PAGE = Format("html", "保存的网页", (".html", ".htm", ".mhtml", ".mht"), "xlgoals.formats.web_page:read",
                  labels=True)  # fmt: skip
CSV = Format("csv", "CSV", writes="xlgoals.formats.csv:build_csv", write_suffix=".csv")
FLAT_WORKBOOK = Format(
    "flat-workbook", "项目支出绩效目标表（平铺格式）", writes="xlgoals.formats.flat_workbook:build_flat"
)
OTHER_WORKBOOK = Format(
    "other-workbook", "旧版 Excel、WPS 或 LibreOffice 工作簿", (".xls", ".xlsb", ".ods", ".et"),
    "xlgoals.formats.workbook:read", labels=True,
)  # fmt: skip
PDF = Format("pdf", "PDF 公开文件（有文字层）", (".pdf",), "xlgoals.formats.pdf:read", labels=True)
FORMATS = (JSON, WORKBOOK, OTHER_WORKBOOK, DOCX, TEXT, WEB_PAGE, PDF, CSV, FLAT_WORKBOOK)

READABLE = tuple(f for f in FORMATS if f.readable)
READABLE_SUFFIXES = tuple(s for f in READABLE for s in f.suffixes)
WRITABLE_SUFFIXES = tuple(f.write_suffix for f in FORMATS if f.write_suffix)


def by_name(name: str) -> Format:
    return next(f for f in FORMATS if f.name == name)


def input_format(path: Path) -> Format:
    """The format that reads ``path``, by its extension; a Chinese sentence when there is none."""
    suffix = path.suffix.lower()
    for f in FORMATS:
        if f.readable and suffix in f.suffixes:
            return f
    readable = "、".join(f"{'/'.join(f.suffixes)}（{f.title}）" for f in READABLE)
    if suffix in (".doc", ".wps"):
        raise XlgoalsInputError(
            f"旧版 Word/WPS 文档（{suffix}）无法读取：公开文件请在 Word 或 WPS 中“另存为” .docx 后重试。",
            file=str(path),
        )
    raise XlgoalsInputError(f"不支持的文件类型“{suffix or '无扩展名'}”：可读取 {readable}。", file=str(path))


def output_format(path: Path, layout: str = "template") -> Format:
    """The format the output's extension names (``layout="flat"``: the flat workbook for .xlsx)."""
    suffix = path.suffix.lower()
    if suffix == WORKBOOK.write_suffix and layout == "flat":
        return FLAT_WORKBOOK
    for f in FORMATS:
        if f.write_suffix and suffix == f.write_suffix:
            return f
    raise XlgoalsInputError(
        f"不支持的输出格式“{suffix or '无扩展名'}”：可输出 {'、'.join(WRITABLE_SUFFIXES)}。", file=str(path)
    )


def read_document(path: Path, *, fast: bool = True, synonyms: Synonyms = DEFAULT) -> Document:
    """Read any supported input; raise XlgoalsInputError with a Chinese message. ``synonyms``: the
    labels a region's tables use beyond the defaults (``labels`` in xlgoals.toml)."""
    try:
        path.stat()
    except OSError as exc:  # a missing file, a link loop, no permission to the folder …
        reason = "文件不存在" if exc.errno == errno.ENOENT else describe(exc)
        raise XlgoalsInputError(f"{reason}。", file=str(path)) from None
    if path.is_dir():
        raise XlgoalsInputError("这是一个文件夹，不是文件。", file=str(path))
    with _collector_paused():
        return input_format(path).read(path, fast, synonyms)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading builds a document of many small objects and few cycles: Python's cyclic collector,
    run again and again over the growing heap, made reading superlinear (a 4 MB text: 6.4 s instead
    of 3.3 s). The readers' cycles are freed when the collector resumes."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
