"""The formats xlgoals reads and writes, in one registry, and the one place that decides what a
path is.

Each format is a module with ``read`` and/or a writer: published text (Hebei and flat tables),
Word publications, Document JSON, workbooks (the xlgoals template or the flat layout), CSV. The
county 汇总 workbook (``summary_workbook``) is written from totals, not from one Document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.formats import csv, document_json, docx, flat_workbook, published_text, workbook
from xlgoals.model import Document
from xlgoals.synonyms import DEFAULT, Synonyms
from xlgoals.template.builder import build_bytes


@dataclass(frozen=True)
class Format:
    name: str
    title: str  # how messages name it
    suffixes: tuple[str, ...]  # what it reads
    read: Callable[[Path, bool, Synonyms], Document] | None = None  # (path, fast, labels) → Document
    write: Callable[[Document], bytes] | None = None
    write_suffix: str = ""  # what it writes


def _write_json(doc: Document) -> bytes:
    return document_json.dumps(doc).encode("utf-8")


def _read_json(path: Path, fast: bool, synonyms: Synonyms) -> Document:
    return document_json.read(path)  # JSON names its fields; no labels to search


def _read_labelled(
    reader: Callable[[Path, Synonyms], Document],
) -> Callable[[Path, bool, Synonyms], Document]:
    def read(path: Path, fast: bool, synonyms: Synonyms) -> Document:
        return reader(path, synonyms)

    return read


JSON = Format("json", "文档 JSON", (".json",), _read_json, _write_json, ".json")
WORKBOOK = Format(
    "workbook", "绩效目标表工作簿或平铺格式", (".xlsx", ".xlsm"), workbook.read, build_bytes, ".xlsx"
)
DOCX = Format("docx", "公开文件", (".docx",), _read_labelled(docx.read), docx.build_docx, ".docx")
TEXT = Format("text", "公开文本", (".txt", ".text"), _read_labelled(published_text.read))
CSV = Format("csv", "CSV", (), write=csv.build_csv, write_suffix=".csv")
FLAT_WORKBOOK = Format("flat-workbook", "项目支出绩效目标表（平铺格式）", (), write=flat_workbook.build_flat)
OLD_WORKBOOK = Format("xls", "旧版 Excel 或 WPS 工作簿", (".xls", ".et"), workbook.read)  # read to explain it
FORMATS = (JSON, WORKBOOK, DOCX, TEXT, CSV, FLAT_WORKBOOK, OLD_WORKBOOK)

READABLE = tuple(f for f in FORMATS if f.read is not None and f is not OLD_WORKBOOK)
READABLE_SUFFIXES = tuple(s for f in READABLE for s in f.suffixes)
WRITABLE_SUFFIXES = tuple(f.write_suffix for f in FORMATS if f.write_suffix)


def input_format(path: Path) -> Format:
    """The format that reads ``path``, by its extension; a Chinese sentence when there is none."""
    suffix = path.suffix.lower()
    for f in FORMATS:
        if f.read is not None and suffix in f.suffixes:
            return f
    readable = "、".join(f"{'/'.join(f.suffixes)}（{f.title}）" for f in READABLE)
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
    if not path.exists():
        raise XlgoalsInputError("文件不存在。", file=str(path))
    if path.is_dir():
        raise XlgoalsInputError("这是一个文件夹，不是文件。", file=str(path))
    reader = input_format(path).read
    assert reader is not None
    return reader(path, fast, synonyms)
