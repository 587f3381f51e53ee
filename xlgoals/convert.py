"""``xlgoals convert``: read any supported input, write the format the output's extension names."""

from __future__ import annotations

from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.importers import load_document

OUTPUTS = (".json", ".xlsx", ".docx", ".csv")
LAYOUTS = ("template", "flat")


def convert(src: Path, dst: Path, *, fast: bool = True, layout: str = "template") -> None:
    suffix = dst.suffix.lower()
    if suffix not in OUTPUTS:
        raise XlgoalsInputError(
            f"不支持的输出格式“{suffix or '无扩展名'}”：可输出 {'、'.join(OUTPUTS)}。", file=str(dst)
        )
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise XlgoalsInputError("输出文件不能与输入文件相同（不会覆盖原文件）。", file=str(dst))
    doc = load_document(src, fast=fast)
    from xlgoals.atomic import write_atomic

    if suffix == ".json":
        from xlgoals.exporters.json import dumps

        write_atomic(dst, dumps(doc).encode("utf-8"))
    elif suffix == ".docx":
        from xlgoals.exporters.docx import build_docx

        write_atomic(dst, build_docx(doc))
    elif suffix == ".csv":
        from xlgoals.exporters.csv import build_csv

        write_atomic(dst, build_csv(doc))
    elif layout == "flat":
        from xlgoals.exporters.flat_xlsx import build_flat

        write_atomic(dst, build_flat(doc))
    else:
        from xlgoals.template.builder import build_bytes

        write_atomic(dst, build_bytes(doc))
