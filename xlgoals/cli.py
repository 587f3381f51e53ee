"""The ``xlgoals`` command line. Every user-facing message is Chinese; a bad input exits with code 2."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from xlgoals import __version__
from xlgoals.errors import XlgoalsInputError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def _examples_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "examples" / "published"


def cmd_demo(args: argparse.Namespace) -> int:
    from xlgoals.demo import run_demo

    return run_demo(Path(args.examples) if args.examples else _examples_dir(), Path(args.out))


def cmd_convert(args: argparse.Namespace) -> int:
    from xlgoals.convert import convert

    convert(Path(args.input), Path(args.output), fast=args.reader == "fast")
    print(f"已写入 {args.output}")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from xlgoals.template.builder import write_workbook

    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise XlgoalsInputError("模板文件名应以 .xlsx 结尾。", file=str(out))
    write_workbook(None, out)
    print(f"已写入模板 {out}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlgoals", description="绩效目标表工具：导入、转换、校验。")
    parser.add_argument("--version", action="version", version=f"xlgoals {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="处理自带示例并打印报告")
    demo.add_argument("--examples", help="示例文件夹（默认：examples/published）")
    demo.add_argument("--out", default="out", help="输出文件夹（默认：out）")
    demo.set_defaults(func=cmd_demo)

    convert = sub.add_parser("convert", help="格式转换：.txt/.json/.xlsx → .json/.xlsx")
    convert.add_argument("input")
    convert.add_argument("-o", "--output", required=True)
    convert.add_argument(
        "--reader",
        choices=("fast", "openpyxl"),
        default="fast",
        help="读取工作簿的方式（默认 fast：python-calamine）",
    )
    convert.set_defaults(func=cmd_convert)

    template = sub.add_parser("template", help="生成空白绩效目标表模板")
    template.add_argument("-o", "--output", default="workbook_templates/绩效目标表.xlsx")
    template.set_defaults(func=cmd_template)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except XlgoalsInputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except Exception:
        log = Path("xlgoals-error.log")
        try:
            log.write_text(traceback.format_exc(), encoding="utf-8")
            where = f"详细信息已写入 {log.resolve()}"
        except OSError:
            where = "无法写入错误日志"
        print(f"内部错误：xlgoals 未能完成操作。{where}，请把该文件发给维护者。", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
