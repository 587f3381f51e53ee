"""Readers that turn files into a Document: published text, Document JSON (workbooks: see io/)."""

from __future__ import annotations

from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.model import Document

TEXT_SUFFIXES = {".txt", ".text"}


def load_document(path: Path) -> Document:
    """Read any supported input by its extension; raise XlgoalsInputError with a Chinese message."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise XlgoalsInputError("文件不存在。", file=str(path))
    if path.is_dir():
        raise XlgoalsInputError("这是一个文件夹，不是文件。", file=str(path))
    if suffix in TEXT_SUFFIXES:
        from xlgoals.importers.published_text import load_text

        return load_text(path)
    if suffix == ".json":
        from xlgoals.exporters.json import read_json

        return read_json(path)
    raise XlgoalsInputError(
        f"不支持的文件类型“{suffix or '无扩展名'}”：可读取 .txt（公开文本）和 .json（文档 JSON）。",
        file=str(path),
    )
