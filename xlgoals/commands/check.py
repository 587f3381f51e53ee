"""``xlgoals check``: validate files and folders; a text, JSON or workbook report; marked copies."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

from xlgoals import stdio
from xlgoals.atomic import open_atomic, write_atomic
from xlgoals.batch import Runner, check_paths
from xlgoals.commands import options
from xlgoals.distributed import dask_runner
from xlgoals.errors import XlgoalsInputError
from xlgoals.exitcodes import EXIT_ERRORS, EXIT_OK
from xlgoals.findings import FileResult, Severity
from xlgoals.report import JsonStream, render_file_text, render_xlsx
from xlgoals.safetext import path_text


def run(args: argparse.Namespace) -> int:
    annotate_dir = Path(args.annotate) if args.annotate else None
    context = options.context(args, annotate_dir=annotate_dir)
    paths = [Path(p) for p in args.paths]
    output = Path(args.output) if args.output else None
    forbidden = (output,) if output is not None else ()
    runner: Runner | None = None
    if args.scheduler:
        if annotate_dir is not None:
            raise XlgoalsInputError("--annotate 不能与 --scheduler 同用：标注副本请在本机生成。")
        runner = dask_runner(args.scheduler)
    common = {"pattern": args.glob, "progress": not args.quiet, "forbidden": forbidden, "runner": runner}
    if args.format == "xlsx":
        if output is None:
            raise XlgoalsInputError("--format xlsx 需要用 -o 指定报告文件（.xlsx）。")
        batch = check_paths(paths, context, **common)  # the workbook needs every finding
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
                batch = check_paths(paths, context, on_result=emit, keep=False, **common)
            except BrokenPipeError:  # ``| head``: the reader has what it wanted; stop quietly
                stdio.quiet_stdout()
                return EXIT_ERRORS if errors_seen else EXIT_OK
            if json_stream is not None:
                json_stream.close(batch.report)
            else:
                sink.write("汇总：" + batch.report.summary_line() + "\n")
        if output is not None:
            print(f"报告已写入 {path_text(output)}。" + batch.report.summary_line())
    to = sys.stderr if args.format == "json" and output is None else sys.stdout
    for path in batch.annotated:
        why = batch.renamed.get(path)
        print(f"标注副本：{path_text(path)}" + (f"（{why}）" if why else ""), file=to)
    return batch.report.exit_code()
