"""``xlgoals convert``: read any supported input, write the format the output's extension names."""

from __future__ import annotations

from pathlib import Path

from xlgoals.atomic import write_atomic
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats import output_format, read_document


def convert(src: Path, dst: Path, *, fast: bool = True, layout: str = "template") -> None:
    writer = output_format(dst, layout).write
    assert writer is not None
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise XlgoalsInputError("输出文件不能与输入文件相同（不会覆盖原文件）。", file=str(dst))
    write_atomic(dst, writer(read_document(src, fast=fast)))
