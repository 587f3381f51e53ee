"""``xlgoals demo``: the main job on the bundled examples, for a newcomer's first run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from xlgoals.atomic import write_atomic
from xlgoals.batch import check_paths
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats import read_document
from xlgoals.formats.document_json import dumps
from xlgoals.formats.workbook import read as read_workbook
from xlgoals.report import render_text
from xlgoals.runcontext import RunContext
from xlgoals.template.builder import build_bytes


def run_demo(examples: Path, out: Path) -> int:
    files = sorted(examples.glob("*.txt"))
    if not files:
        raise XlgoalsInputError("示例文件夹中没有 .txt 文件。", file=str(examples))
    template = out / "绩效目标表.xlsx"
    write_atomic(template, build_bytes(None))
    print(f"空白模板：{template}")
    print(f"示例：{examples}（{len(files)} 个文件）")
    total_tables = 0
    for path in files:
        doc = read_document(path)
        budget = sum((t.budget.total or Decimal(0) for t in doc.tables), Decimal(0))
        indicators = sum(len(t.indicators) for t in doc.tables)
        incomplete = [t.index for t in doc.tables if not t.complete]
        total_tables += len(doc.tables)
        json_path = out / "json" / f"{path.stem}.json"
        xlsx_path = out / "xlsx" / f"{path.stem}.xlsx"
        write_atomic(json_path, dumps(doc).encode("utf-8"))
        write_atomic(xlsx_path, build_bytes(doc))
        same = read_workbook(xlsx_path).comparable() == doc.comparable()
        note = f"，不完整的表：{incomplete}" if incomplete else ""
        print(
            f"  {path.name}：{doc.meta.title or '（无标题）'}\n"
            f"    绩效目标表 {len(doc.tables)} 张，预算数合计 {budget} 万元，绩效指标 {indicators} 条{note}\n"
            f"    → {json_path}；→ {xlsx_path}（{'回读一致' if same else '回读不一致！'}）"
        )
        if not same:
            return 1
    print(f"共 {len(files)} 个文件，{total_tables} 张绩效目标表。")
    print()
    print("校验转换后的工作簿（xlgoals check out/xlsx --annotate out/annotated）：")
    report = check_paths([out / "xlsx"], RunContext(annotate_dir=out / "annotated"), progress=False).report
    text = render_text(report)  # with the fix for each finding: that is what an officer acts on
    lines = text.splitlines()
    shown = (
        lines
        if len(lines) <= 60
        else [*lines[:40], f"…（共 {len(lines)} 行，完整报告见 {out / 'report.txt'}）", lines[-1]]
    )
    print("\n".join(shown))
    (out / "report.txt").write_text(text, encoding="utf-8")
    print(f"标注副本（问题单元格标色、加批注，另有“校验结果”工作表）：{out / 'annotated'}")
    print(
        "说明：示例是各地照原样公开的真实文件，本身就有错漏；上面的错误和警告是校验在这些文件里发现的问题，"
        "说明安装和校验都正常，不是程序出错。"
    )
    return 0
