"""The ``xlgoals`` command line. Every message is Chinese; every command has the same exit codes
(``findings.EXIT_CODES``); no command writes a traceback to the terminal."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlgoals import __version__, limits
from xlgoals.atomic import open_atomic, write_atomic
from xlgoals.batch import check_paths
from xlgoals.convert import convert
from xlgoals.demo import run_demo
from xlgoals.distributed import dask_runner
from xlgoals.errorlog import log_dir
from xlgoals.errorlog import write as write_log
from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import (
    EXIT_CODES,
    EXIT_ERRORS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_UNREADABLE,
    FileResult,
    Severity,
)
from xlgoals.oserrors import describe
from xlgoals.pool import Budget
from xlgoals.report import JsonStream, render_file_text, render_xlsx
from xlgoals.rulesdoc import kind_of_name, render_catalogue, render_markdown, render_rule
from xlgoals.safetext import path_text
from xlgoals.summary import write_summary
from xlgoals.template.builder import build_bytes
from xlgoals.wps.package import build_package


def _examples_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "examples" / "published"


def _budget(args: argparse.Namespace) -> Budget:
    if args.timeout <= 0 or args.max_memory < 0:
        raise XlgoalsInputError("--timeout 应大于0，--max-memory 应不小于0（0 = 不限）。")
    return Budget(float(args.timeout), int(args.max_memory))


def cmd_demo(args: argparse.Namespace) -> int:
    return run_demo(Path(args.examples) if args.examples else _examples_dir(), Path(args.out))


def cmd_convert(args: argparse.Namespace) -> int:
    convert(
        Path(args.input),
        Path(args.output),
        fast=args.reader == "fast",
        layout=args.layout,
        budget=_budget(args),
        config=Path(args.config) if args.config else None,
    )
    print(f"已写入 {path_text(args.output)}")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
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


def _check_options(args: argparse.Namespace) -> dict[str, Any]:
    explicit = Path(args.config) if args.config else None
    if explicit is not None and not explicit.is_file():
        raise XlgoalsInputError("配置文件不存在。", file=path_text(explicit))
    if args.jobs is not None and args.jobs < 1:
        raise XlgoalsInputError("-j 应为不小于1的整数。")
    return {
        "workers": args.jobs,
        "pattern": args.glob,
        "explicit_config": explicit,
        "fast": args.reader == "fast",
        "budget": _budget(args),
        "progress": not args.quiet,
    }


def cmd_check(args: argparse.Namespace) -> int:
    options = _check_options(args)
    options["cli"] = {k: getattr(args, k) for k in ("select", "ignore") if getattr(args, k)}
    options["annotate_dir"] = Path(args.annotate) if args.annotate else None
    paths = [Path(p) for p in args.paths]
    output = Path(args.output) if args.output else None
    options["forbidden"] = (output,) if output is not None else ()
    if args.scheduler:
        if options["annotate_dir"] is not None:
            raise XlgoalsInputError("--annotate 不能与 --scheduler 同用：标注副本请在本机生成。")
        options["runner"] = dask_runner(args.scheduler)
    if args.format == "xlsx":
        if output is None:
            raise XlgoalsInputError("--format xlsx 需要用 -o 指定报告文件（.xlsx）。")
        batch = check_paths(paths, **options)  # the workbook needs every finding
        write_atomic(output, render_xlsx(batch.report, output.parent))
        print(f"报告已写入 {path_text(output)}。" + batch.report.summary_line())
    else:
        # Text and JSON are streamed file by file: memory stays flat however large the folder.
        errors_seen = False
        with ExitStack() as stack:
            sink = stack.enter_context(open_atomic(output)) if output is not None else sys.stdout
            json_stream = JsonStream(sink) if args.format == "json" else None

            def emit(fr: FileResult) -> None:
                nonlocal errors_seen
                errors_seen = errors_seen or fr.counts()[Severity.ERROR] > 0
                if json_stream is not None:
                    json_stream.add(fr)
                else:
                    sink.write(render_file_text(fr, hints=not args.no_hints))
                    if output is None:
                        sink.flush()

            try:
                batch = check_paths(paths, on_result=emit, keep=False, **options)
            except BrokenPipeError:  # ``| head``: the reader has what it wanted; stop quietly
                _quiet_stdout()
                return EXIT_ERRORS if errors_seen else EXIT_OK
            if json_stream is not None:
                json_stream.close(batch.report)
            else:
                sink.write("汇总：" + batch.report.summary_line() + "\n")
        if output is not None:
            print(f"报告已写入 {path_text(output)}。" + batch.report.summary_line())
    to = sys.stderr if args.format == "json" and output is None else sys.stdout
    for path in batch.annotated:
        print(f"标注副本：{path_text(path)}", file=to)
    return batch.report.exit_code()


def cmd_summary(args: argparse.Namespace) -> int:
    options = _check_options(args)
    out = Path(args.output)
    batch = write_summary([Path(p) for p in args.paths], out, **options)
    rows = batch.rows
    total = sum((r.total or Decimal(0) for r in rows), Decimal(0))
    units = len({r.unit for r in rows})
    print(
        f"汇总已写入 {path_text(out)}：{units} 个预算单位，{len(rows)} 个项目，预算数合计 {total:.2f} 万元。"
    )
    if batch.repeated:
        print(
            f"  注意：{len(batch.repeated)} 个项目编码在多个文件中出现，已在汇总表中标出，合计中各计一次：{'、'.join(sorted(batch.repeated))}"
        )
    for f in batch.report.files:
        if f.error:
            print(f"  无法读取：{f.error}")
    return batch.report.exit_code()  # the same codes as check


def cmd_serve(args: argparse.Namespace) -> int:
    try:  # the optional extra (xlgoals[web]), loaded only here
        run_service = importlib.import_module("xlgoals.service.serve").run_service
    except ImportError:
        raise XlgoalsInputError(
            'xlgoals serve 需要网页服务组件：请先安装 pip install "xlgoals[web]"。'
        ) from None
    if args.workers is not None and args.workers < 1:
        raise XlgoalsInputError("--workers 应为不小于1的整数。")
    if args.max_upload_mb < 1:
        raise XlgoalsInputError("--max-upload-mb 应为不小于1的整数。")
    config = Path(args.config) if args.config else None
    if config is not None and not config.is_file():
        raise XlgoalsInputError("配置文件不存在。", file=path_text(config))
    token = args.token if args.token is not None else os.environ.get("XLGOALS_TOKEN") or None
    code: int = run_service(
        host=args.host,
        port=args.port,
        workers=args.workers,
        budget=_budget(args),
        request_seconds=float(args.request_timeout),
        max_upload_mb=args.max_upload_mb,
        token=token,
        config=config,
    )
    return code


def cmd_wps_addin(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() != ".zip":
        raise XlgoalsInputError("加载项文件名应以 .zip 结尾。", file=path_text(out))
    write_atomic(out, build_package(args.url, args.token))
    print(f"已写入 WPS 加载项 {path_text(out)}（服务地址 {args.url}）。部署方法见 docs/服务.md。")
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(render_markdown())
    elif args.code:
        sys.stdout.write(render_rule(args.code))
    else:
        sys.stdout.write(render_catalogue(kind_of_name(args.kind) if args.kind else None))
    return EXIT_OK


def _limits_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout", type=float, default=limits.FILE_SECONDS, metavar="秒",
        help=f"每个文件的处理时间上限，超过则报告“超时”并继续（默认 {limits.FILE_SECONDS}）",
    )  # fmt: skip
    p.add_argument(
        "--max-memory", type=int, default=limits.FILE_MEMORY_MB, metavar="MB",
        help=f"每个工作进程的内存上限，超过则报告“过大”并继续；0 = 不限（默认 {limits.FILE_MEMORY_MB}）",
    )  # fmt: skip
    p.add_argument(
        "--reader",
        choices=("fast", "openpyxl"),
        default="fast",
        help="读取工作簿的方式（默认 fast：python-calamine）",
    )


def build_parser() -> argparse.ArgumentParser:
    epilog = f"{EXIT_CODES}\n\n内部错误的详细信息写入 {log_dir()}（可用环境变量 XLGOALS_LOG_DIR 改变）。"
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="xlgoals",
        description="绩效目标表工具：导入、转换、校验、汇总。",
        epilog=epilog,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"xlgoals {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, epilog=EXIT_CODES, formatter_class=formatter)

    demo = command("demo", "处理自带示例并打印报告")
    demo.add_argument("--examples", help="示例文件夹（默认：examples/published）")
    demo.add_argument("--out", default="out", help="输出文件夹（默认：out）")
    demo.set_defaults(func=cmd_demo)

    conv = command(
        "convert", "格式转换：.txt/.json/.xlsx/.docx → .json/.xlsx/.docx/.csv（按输出文件的扩展名）"
    )
    conv.add_argument("input", metavar="输入文件")
    conv.add_argument("-o", "--output", required=True, metavar="输出文件", help="输出文件，扩展名决定格式")
    conv.add_argument(
        "--layout", choices=("template", "flat"), default="template",
        help="输出 .xlsx 的格式：template＝绩效目标表模板（默认），flat＝项目支出绩效目标表平铺格式",
    )  # fmt: skip
    conv.add_argument("--config", help="配置文件（TOML）：其中的 labels 补充本地表式的标签写法")
    _limits_arguments(conv)
    conv.set_defaults(func=cmd_convert)

    check = command("check", "校验工作簿、公开文本、Word 公开文件或文档 JSON（可给文件夹）")
    check.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹（文件夹中的文件逐个检查）")
    check.add_argument(
        "--format", choices=("text", "json", "xlsx"), default="text", help="报告格式（默认 text）"
    )
    check.add_argument("-o", "--output", metavar="报告文件", help="报告写入文件（xlsx 格式必须指定）")
    check.add_argument("--annotate", metavar="DIR", help="在 DIR 中写入标注副本（原文件不变）")
    check.add_argument("--config", help="配置文件（TOML，优先于其他配置）")
    check.add_argument("--select", help="只报告这些规则（代码或前缀，逗号分隔）")
    check.add_argument("--ignore", help="不报告这些规则（代码或前缀，逗号分隔）")
    check.add_argument("--glob", help="在文件夹中只检查符合此模式的文件，如 '*.xlsx'")
    check.add_argument("--no-hints", action="store_true", help="文本报告中不显示修改建议")
    check.add_argument("-j", "--jobs", type=int, help="并行进程数（默认：CPU 核数）")
    check.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help='在 Dask 集群上检查（代替本机进程；需 pip install "xlgoals[dask]"）：文件内容由本机发送，工作节点只需安装 xlgoals',
    )
    check.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    _limits_arguments(check)
    check.set_defaults(func=cmd_check)

    summary = command("summary", "汇总：每个项目一行，按预算单位小计，并有合计")
    summary.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹")
    summary.add_argument("-o", "--output", required=True, metavar="汇总.xlsx", help="汇总工作簿（.xlsx）")
    summary.add_argument("--glob", help="在文件夹中只汇总符合此模式的文件")
    summary.add_argument("--config", help="校验配置文件（TOML）")
    summary.add_argument("-j", "--jobs", type=int, help="并行进程数（默认：CPU 核数）")
    summary.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    _limits_arguments(summary)
    summary.set_defaults(func=cmd_summary)

    rules = command("rules", "列出校验规则，或显示一条规则的说明")
    rules.add_argument("code", nargs="?", metavar="代码", help="规则代码，如 SAT-001")
    rules.add_argument("--markdown", action="store_true", help="输出 docs/rules.md 的内容")
    rules.add_argument(
        "--kind", metavar="类型",
        help="只列适用于这类表的规则：hebei（河北表）、flat（平铺表）、national（申报表）、department（部门整体表）",
    )  # fmt: skip
    rules.set_defaults(func=cmd_rules)

    serve = command(
        "serve", "启动网页校验服务：浏览器上传文件即可校验、标注、汇总、转换（无需在各台电脑安装 Python）"
    )
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；局域网访问用 0.0.0.0）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve.add_argument("--token", help="访问口令（可选；也可用环境变量 XLGOALS_TOKEN）：设置后上传须提供口令")
    serve.add_argument(
        "--max-upload-mb", type=int, default=100, metavar="MB", help="单次上传上限（默认 100）"
    )
    serve.add_argument("--workers", type=int, help="同时校验的进程数（默认：CPU 核数）")
    serve.add_argument(
        "--request-timeout", type=float, default=600, metavar="秒",
        help="每次请求的处理时间上限，未开始的文件报告“未检查”（默认 600）",
    )  # fmt: skip
    serve.add_argument("--config", help="校验配置文件（TOML），用于所有上传的文件")
    _limits_arguments(serve)
    serve.set_defaults(func=cmd_serve)

    wps = command(
        "wps-addin", "生成 WPS 表格加载项（“绩效目标”选项卡：校验、汇总、导出、下载模板），调用校验服务"
    )
    wps.add_argument("--url", required=True, help="校验服务的地址，如 http://10.1.2.3:8000")
    wps.add_argument(
        "-o", "--output", default="xlgoals-wps加载项.zip", help="加载项压缩包（默认 xlgoals-wps加载项.zip）"
    )
    wps.add_argument("--token", help="访问口令（写入加载项；仅用于离线部署）")
    wps.set_defaults(func=cmd_wps_addin)

    template = command("template", "生成空白绩效目标表模板（.xlsx，并在旁边生成启用宏的 .xlsm）")
    template.add_argument(
        "-o", "--output", required=True, metavar="模板.xlsx", help="写到哪里，如 绩效目标表.xlsx"
    )
    template.set_defaults(func=cmd_template)
    return parser


def _quiet_stdout() -> None:
    """After the reader of our output went away (``| head``): send what is left nowhere, silently."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a lone surrogate in a file name must not stop a report
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except XlgoalsInputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:
        where = f"{path_text(exc.filename)}：" if exc.filename else ""
        print(f"错误：{where}{describe(exc)}。", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except Exception:
        log = write_log(traceback.format_exc())
        where = f"详细信息已写入 {log}，请把该文件发给维护者" if log else "且无法写入错误日志"
        print(f"内部错误：xlgoals 未能完成操作。{where}。", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
