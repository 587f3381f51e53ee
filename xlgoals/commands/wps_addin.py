"""``xlgoals wps-addin``: the WPS add-in for one service address."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlgoals.atomic import write_atomic
from xlgoals.errors import XlgoalsInputError
from xlgoals.exitcodes import EXIT_OK
from xlgoals.safetext import path_text
from xlgoals.wps.package import build_package


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() != ".zip":
        raise XlgoalsInputError("加载项文件名应以 .zip 结尾。", file=path_text(out))
    write_atomic(out, build_package(args.url, args.token))
    print(f"已写入 WPS 加载项 {path_text(out)}（服务地址 {args.url}）。部署方法见 docs/服务.md。")
    return EXIT_OK
