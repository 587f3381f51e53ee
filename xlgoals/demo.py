"""``xlgoals demo``: the main job on the bundled examples, for a newcomer's first run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.exporters.json import write_json
from xlgoals.importers import load_document


def run_demo(examples: Path, out: Path) -> int:
    files = sorted(examples.glob("*.txt"))
    if not files:
        raise XlgoalsInputError("示例文件夹中没有 .txt 文件。", file=str(examples))
    print(f"示例：{examples}（{len(files)} 个文件）")
    total_tables = 0
    for path in files:
        doc = load_document(path)
        budget = sum((t.budget.total or Decimal(0) for t in doc.tables), Decimal(0))
        indicators = sum(len(t.indicators) for t in doc.tables)
        incomplete = [t.index for t in doc.tables if not t.complete]
        total_tables += len(doc.tables)
        json_path = out / "json" / f"{path.stem}.json"
        write_json(doc, json_path)
        note = f"，不完整的表：{incomplete}" if incomplete else ""
        print(
            f"  {path.name}：{doc.meta.title or '（无标题）'}\n"
            f"    绩效目标表 {len(doc.tables)} 张，预算数合计 {budget} 万元，绩效指标 {indicators} 条{note}"
            f" → {json_path}"
        )
    print(f"共 {len(files)} 个文件，{total_tables} 张绩效目标表。")
    return 0
