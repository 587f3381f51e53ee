"""Readers that turn files into a Document: published text, Document JSON (workbooks: see io/)."""

from __future__ import annotations

from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.model import Document

TEXT_SUFFIXES = {".txt", ".text"}


WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}


def load_document(path: Path, *, fast: bool = True) -> Document:
    """Read any supported input by its extension; raise XlgoalsInputError with a Chinese message.

    ``fast`` chooses the python-calamine reader for workbooks (otherwise openpyxl)."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise XlgoalsInputError("文件不存在。", file=str(path))
    if path.is_dir():
        raise XlgoalsInputError("这是一个文件夹，不是文件。", file=str(path))
    if suffix in TEXT_SUFFIXES:
        from xlgoals.importers.published_text import load_text

        return load_text(path)
    if suffix in WORKBOOK_SUFFIXES:
        from xlgoals.reader import read_workbook

        return read_workbook(path, fast=fast)
    if suffix == ".xls":
        from xlgoals.io.sniff import check_workbook

        check_workbook(path)  # explains the old binary format (or a password) in Chinese
    if suffix == ".docx":
        from xlgoals.importers.docx import load_docx

        return load_docx(path)
    if suffix == ".json":
        from xlgoals.exporters.json import read_json

        return read_json(path)
    raise XlgoalsInputError(
        f"不支持的文件类型“{suffix or '无扩展名'}”：可读取 .xlsx/.xlsm（绩效目标表工作簿或平铺格式）、.txt（公开文本）、.docx（公开文件）和 .json（文档 JSON）。",
        file=str(path),
    )
