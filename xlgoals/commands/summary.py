"""``xlgoals summary``: the county 汇总 workbook of every file and folder named."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from xlgoals.commands import options
from xlgoals.safetext import path_text
from xlgoals.summary import write_summary


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    context = options.context(args)
    batch = write_summary(
        [Path(p) for p in args.paths], out, context, pattern=args.glob, progress=not args.quiet
    )
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
