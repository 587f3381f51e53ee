"""``xlgoals convert``: read any supported input, write the format the output's extension names."""

from __future__ import annotations

from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.importers import load_document

OUTPUTS = (".json", ".xlsx")


def convert(src: Path, dst: Path, *, fast: bool = True) -> None:
    suffix = dst.suffix.lower()
    if suffix not in OUTPUTS:
        raise XlgoalsInputError(
            f"不支持的输出格式“{suffix or '无扩展名'}”：可输出 {'、'.join(OUTPUTS)}。", file=str(dst)
        )
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise XlgoalsInputError("输出文件不能与输入文件相同（不会覆盖原文件）。", file=str(dst))
    doc = load_document(src, fast=fast)
    if suffix == ".json":
        from xlgoals.exporters.json import write_json

        write_json(doc, dst)
    else:
        from xlgoals.template.builder import write_workbook

        write_workbook(doc, dst)
