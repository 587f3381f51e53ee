"""``xlgoals convert``: read any supported input, write the format the output's extension names."""

from __future__ import annotations

from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.importers import load_document


def convert(src: Path, dst: Path) -> None:
    suffix = dst.suffix.lower()
    if suffix != ".json":
        raise XlgoalsInputError(
            f"不支持的输出格式“{suffix or '无扩展名'}”：目前可输出 .json。", file=str(dst)
        )
    if dst.resolve() == src.resolve():
        raise XlgoalsInputError("输出文件不能与输入文件相同（不会覆盖原文件）。", file=str(dst))
    doc = load_document(src)
    from xlgoals.exporters.json import write_json

    write_json(doc, dst)
