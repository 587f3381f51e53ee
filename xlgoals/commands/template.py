"""``xlgoals template``: the blank template, and beside it the macro-enabled .xlsm."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlgoals.atomic import write_atomic
from xlgoals.errors import XlgoalsInputError
from xlgoals.exitcodes import EXIT_OK
from xlgoals.safetext import path_text
from xlgoals.template.builder import build_bytes


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise XlgoalsInputError("模板文件名应以 .xlsx 或 .xlsm 结尾。", file=path_text(out))
    if suffix == ".xlsx":
        write_atomic(out, build_bytes(None))
        print(f"已写入模板 {path_text(out)}")
    macro = out.with_suffix(".xlsm")
    write_atomic(macro, build_bytes(None, macros=True))
    print(f"已写入启用宏的模板 {path_text(macro)}")
    return EXIT_OK
