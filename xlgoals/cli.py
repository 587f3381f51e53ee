"""The ``xlgoals`` command line. Every message is Chinese; every command has the same exit codes
(``findings.EXIT_CODES``); no command writes a traceback to the terminal."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from xlgoals import __version__, limits, stdio
from xlgoals.errorlog import log_dir
from xlgoals.errorlog import write as write_log
from xlgoals.errors import XlgoalsInputError
from xlgoals.exitcodes import EXIT_CODES, EXIT_INTERNAL, EXIT_OK, EXIT_UNREADABLE
from xlgoals.oserrors import describe
from xlgoals.safetext import path_text

# Each subcommand's module (xlgoals/commands/), imported only when it runs.
COMMANDS = {
    "demo": "demo",
    "convert": "convert",
    "check": "check",
    "summary": "summary",
    "rules": "rules",
    "serve": "serve",
    "wps-addin": "wps_addin",
    "libreoffice-addin": "libreoffice_addin",
    "template": "template",
}


def run_command(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"xlgoals.commands.{COMMANDS[args.command]}")
    code: int = module.run(args)
    return code


def _limits_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout", type=float, default=limits.FILE_SECONDS, metavar="秒",
        help=f"每个文件可用的 CPU 时间（秒），超过则报告“超时”并继续；电脑忙时不会因此误报（默认 {limits.FILE_SECONDS}）",
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

    summary = command("summary", "汇总：每个项目一行，按预算单位小计，并有合计")
    summary.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹")
    summary.add_argument("-o", "--output", required=True, metavar="汇总.xlsx", help="汇总工作簿（.xlsx）")
    summary.add_argument("--glob", help="在文件夹中只汇总符合此模式的文件")
    summary.add_argument("--config", help="校验配置文件（TOML）")
    summary.add_argument("-j", "--jobs", type=int, help="并行进程数（默认：CPU 核数）")
    summary.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    _limits_arguments(summary)

    rules = command("rules", "列出校验规则，或显示一条规则的说明")
    rules.add_argument("code", nargs="?", metavar="代码", help="规则代码，如 SAT-001")
    rules.add_argument("--markdown", action="store_true", help="输出 docs/rules.md 的内容")
    rules.add_argument(
        "--kind", metavar="类型",
        help="只列适用于这类表的规则：hebei（河北表）、flat（平铺表）、national（申报表）、department（部门整体表）",
    )  # fmt: skip

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
    serve.add_argument(
        "--allow-origin", action="append", metavar="来源",
        help="允许从哪个网页来源（如 http://oa.czj.gov.cn）用浏览器调用接口，可重复；默认只允许本服务的网页和离线 WPS 加载项（null）",
    )  # fmt: skip
    serve.add_argument(
        "--client-timeout", type=float, default=30, metavar="秒",
        help="连接须在此时间内发完请求头，上传中途停顿也不得超过它（默认 30）",
    )  # fmt: skip
    _limits_arguments(serve)

    wps = command(
        "wps-addin", "生成 WPS 表格加载项（“绩效目标”选项卡：校验、汇总、导出、下载模板），调用校验服务"
    )
    wps.add_argument("--url", required=True, help="校验服务的地址，如 http://10.1.2.3:8000")
    wps.add_argument(
        "-o", "--output", default="xlgoals-wps加载项.zip", help="加载项压缩包（默认 xlgoals-wps加载项.zip）"
    )
    wps.add_argument("--token", help="访问口令（写入加载项；仅用于离线部署）")

    lo = command(
        "libreoffice-addin",
        "生成 LibreOffice 扩展（Calc 的“绩效目标”菜单和工具栏：校验、汇总、导出、新增项目），调用校验服务",
    )
    lo.add_argument("--url", required=True, help="校验服务的地址，如 http://10.1.2.3:8000")
    lo.add_argument("-o", "--output", default="xlgoals.oxt", help="扩展文件（默认 xlgoals.oxt）")
    lo.add_argument("--token", help="访问口令（写入扩展；也可在工作簿的 xlwings.conf 工作表中填写）")

    template = command("template", "生成空白绩效目标表模板（.xlsx，并在旁边生成启用宏的 .xlsm）")
    template.add_argument(
        "-o", "--output", required=True, metavar="模板.xlsx", help="写到哪里，如 绩效目标表.xlsx"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    stdio.prepare()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = run_command(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        stdio.quiet_stdout()
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
