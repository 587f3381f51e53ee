"""The ``xlgoals`` command line. Every user-facing message is Chinese; a bad input exits with code 2."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

from xlgoals import __version__
from xlgoals.atomic import open_atomic, write_atomic
from xlgoals.batch import check_paths
from xlgoals.convert import convert
from xlgoals.demo import run_demo
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import FileResult
from xlgoals.report import JsonStream, render_file_text, render_xlsx
from xlgoals.rulesdoc import render_catalogue, render_markdown, render_rule
from xlgoals.summary import write_summary
from xlgoals.template.builder import build_bytes

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def _examples_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "examples" / "published"


def cmd_demo(args: argparse.Namespace) -> int:
    return run_demo(Path(args.examples) if args.examples else _examples_dir(), Path(args.out))


def cmd_convert(args: argparse.Namespace) -> int:
    convert(Path(args.input), Path(args.output), fast=args.reader == "fast", layout=args.layout)
    print(f"已写入 {args.output}")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise XlgoalsInputError("模板文件名应以 .xlsx 或 .xlsm 结尾。", file=str(out))
    if suffix == ".xlsx":
        write_atomic(out, build_bytes(None))
        print(f"已写入模板 {out}")
    macro = out.with_suffix(".xlsm")
    write_atomic(macro, build_bytes(None, macros=True))
    print(f"已写入启用宏的模板 {macro}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    explicit = Path(args.config) if args.config else None
    if explicit is not None and not explicit.is_file():
        raise XlgoalsInputError("配置文件不存在。", file=str(explicit))
    if args.jobs is not None and args.jobs < 1:
        raise XlgoalsInputError("-j 应为不小于1的整数。")
    cli = {k: getattr(args, k) for k in ("select", "ignore") if getattr(args, k)}
    common = {
        "workers": args.jobs,
        "pattern": args.glob,
        "explicit_config": explicit,
        "cli": cli,
        "fast": args.reader == "fast",
        "annotate_dir": Path(args.annotate) if args.annotate else None,
        "progress": not args.quiet,
    }
    fmt = args.format
    if fmt == "xlsx":
        if not args.output:
            raise XlgoalsInputError("--format xlsx 需要用 -o 指定报告文件（.xlsx）。")
        out = Path(args.output)
        report, annotated = check_paths(
            [Path(p) for p in args.paths], **common
        )  # the workbook needs every finding
        write_atomic(out, render_xlsx(report, out.parent))
        print(f"报告已写入 {out}。" + report.summary_line())
    else:
        # Text and JSON are streamed file by file: memory stays flat however large the folder.
        with ExitStack() as stack:
            sink = stack.enter_context(open_atomic(Path(args.output))) if args.output else sys.stdout
            json_stream = JsonStream(sink) if fmt == "json" else None
            hints = not args.no_hints

            def emit(fr: FileResult) -> None:
                if json_stream is not None:
                    json_stream.add(fr)
                else:
                    sink.write(render_file_text(fr, hints=hints))

            report, annotated = check_paths(
                [Path(p) for p in args.paths], on_result=emit, keep=False, **common
            )
            if json_stream is not None:
                json_stream.close(report)
            else:
                sink.write("汇总：" + report.summary_line() + "\n")
        if args.output:
            print(f"报告已写入 {args.output}。" + report.summary_line())
    for path in annotated:
        print(f"标注副本：{path}", file=sys.stderr if fmt == "json" and not args.output else sys.stdout)
    return report.exit_code()


def cmd_summary(args: argparse.Namespace) -> int:
    rows, unreadable = write_summary(
        [Path(p) for p in args.paths],
        Path(args.output),
        pattern=args.glob,
        explicit_config=Path(args.config) if args.config else None,
    )
    total = sum((r.total or Decimal(0) for r in rows), Decimal(0))
    units = len({r.unit for r in rows})
    print(f"汇总已写入 {args.output}：{units} 个预算单位，{len(rows)} 个项目，预算数合计 {total:.2f} 万元。")
    for _path, reason in unreadable:
        print(f"  无法读取：{reason}")
    return EXIT_BAD_INPUT if unreadable and not rows else EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(render_markdown())
        return EXIT_OK
    if args.code:
        sys.stdout.write(render_rule(args.code))
        return EXIT_OK
    sys.stdout.write(render_catalogue())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlgoals", description="绩效目标表工具：导入、转换、校验。")
    parser.add_argument("--version", action="version", version=f"xlgoals {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="处理自带示例并打印报告")
    demo.add_argument("--examples", help="示例文件夹（默认：examples/published）")
    demo.add_argument("--out", default="out", help="输出文件夹（默认：out）")
    demo.set_defaults(func=cmd_demo)

    convert = sub.add_parser("convert", help="格式转换：.txt/.json/.xlsx/.docx → .json/.xlsx/.docx/.csv")
    convert.add_argument("input")
    convert.add_argument("-o", "--output", required=True)
    convert.add_argument(
        "--reader",
        choices=("fast", "openpyxl"),
        default="fast",
        help="读取工作簿的方式（默认 fast：python-calamine）",
    )
    convert.add_argument(
        "--layout", choices=("template", "flat"), default="template",
        help="输出 .xlsx 的格式：template＝绩效目标表模板（默认），flat＝项目支出绩效目标表平铺格式",
    )  # fmt: skip
    convert.set_defaults(func=cmd_convert)

    check = sub.add_parser("check", help="校验工作簿、公开文本或文档 JSON（可给文件夹）")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument(
        "--format", choices=("text", "json", "xlsx"), default="text", help="报告格式（默认 text）"
    )
    check.add_argument("-o", "--output", help="报告写入文件（xlsx 格式必须指定）")
    check.add_argument("--annotate", metavar="DIR", help="在 DIR 中写入标注副本（原文件不变）")
    check.add_argument("--config", help="配置文件（TOML，优先于其他配置）")
    check.add_argument("--select", help="只报告这些规则（代码或前缀，逗号分隔）")
    check.add_argument("--ignore", help="不报告这些规则（代码或前缀，逗号分隔）")
    check.add_argument("--glob", help="在文件夹中按此模式查找文件，如 '*.xlsx'")
    check.add_argument("--reader", choices=("fast", "openpyxl"), default="fast")
    check.add_argument("--no-hints", action="store_true", help="文本报告中不显示修改建议")
    check.add_argument("-j", "--jobs", type=int, help="并行进程数（默认：CPU 核数）")
    check.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    check.set_defaults(func=cmd_check)

    summary = sub.add_parser("summary", help="汇总：每个项目一行，按预算单位小计，并有合计")
    summary.add_argument("paths", nargs="+", metavar="PATH")
    summary.add_argument("-o", "--output", required=True, help="汇总工作簿（.xlsx）")
    summary.add_argument("--glob", help="在文件夹中按此模式查找文件")
    summary.add_argument("--config", help="校验配置文件（TOML）")
    summary.set_defaults(func=cmd_summary)

    rules = sub.add_parser("rules", help="列出校验规则，或显示一条规则的说明")
    rules.add_argument("code", nargs="?")
    rules.add_argument("--markdown", action="store_true", help="输出 docs/rules.md 的内容")
    rules.set_defaults(func=cmd_rules)

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
