"""``xlgoals libreoffice-addin``: the LibreOffice extension for one service address."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlgoals.atomic import write_atomic
from xlgoals.errors import XlgoalsInputError
from xlgoals.exitcodes import EXIT_OK
from xlgoals.libreoffice.package import build_extension
from xlgoals.safetext import path_text


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() != ".oxt":
        raise XlgoalsInputError("扩展文件名应以 .oxt 结尾。", file=path_text(out))
    write_atomic(out, build_extension(args.url, args.token))
    print(
        f"已写入 LibreOffice 扩展 {path_text(out)}（服务地址 {args.url}）。安装方法见 docs/使用说明.md 6.5。"
    )
    return EXIT_OK
