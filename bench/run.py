"""Benchmark ``xlgoals check`` against a naive baseline, in one run, on 10 / 100 / 1000 workbooks.

    .venv/bin/python bench/run.py            # generates bench/work/ once, then measures
    .venv/bin/python bench/run.py --sizes 10 100

Each configuration runs in a fresh process that reports its wall time and peak RSS (its own, and
the largest worker's). The baseline is what a straightforward script would do: openpyxl's full load
of every cell of every sheet, then the same reader and rules, one file after the other.
Results go to bench/results.json; bench/README.md quotes them.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"

CONFIGS = {
    "baseline": "naive openpyxl full load + rules, 1 process (counts all findings)",
    "openpyxl-j1": "xlgoals check --reader openpyxl -j 1",
    "openpyxl-j2": "xlgoals check --reader openpyxl -j 2",
    "fast-j1": "xlgoals check (python-calamine) -j 1",
    "fast-j2": "xlgoals check (python-calamine) -j 2",
}


def generate(count: int, seed: int = 20241122) -> list[Path]:
    """Realistic unit workbooks: 1–5 projects each, drawn from the 84 example tables and varied."""
    sys.path.insert(0, str(ROOT))
    from xlgoals.importers import load_document

    from xlgoals.model import Document
    from xlgoals.template.builder import build_bytes

    out = WORK / "workbooks"
    existing = sorted(out.glob("*.xlsx"))
    if len(existing) >= count:
        return existing[:count]
    out.mkdir(parents=True, exist_ok=True)
    tables = [
        t for p in sorted((ROOT / "examples" / "published").glob("*.txt")) for t in load_document(p).tables
    ]
    rng = random.Random(seed)
    paths = []
    for k in range(count):
        picked = [t.model_copy(deep=True) for t in rng.sample(tables, rng.randint(1, 5))]
        unit = f"{rng.randint(100, 999)}{rng.randint(0, 999):03d}"
        for i, t in enumerate(picked, start=1):
            t.index = i
            t.unit_code = unit
            factor = Decimal(rng.randint(50, 150)) / 100
            for attr in ("total", "fiscal"):
                v = getattr(t.budget, attr)
                if v is not None:
                    setattr(t.budget, attr, (v * factor).quantize(Decimal("0.01")))
            if t.project_code:
                t.project_code = t.project_code[:15] + f"{k:05d}{i}"[-6:]
        path = out / f"unit{k:04d}.xlsx"
        path.write_bytes(build_bytes(Document(tables=picked)))
        paths.append(path)
    return sorted(out.glob("*.xlsx"))[:count]


WORKER = r"""
import json, resource, sys, time
from pathlib import Path
config, listfile = sys.argv[1], sys.argv[2]
files = [Path(x) for x in Path(listfile).read_text().split("\n") if x]
start = time.perf_counter()
findings = 0
if config == "baseline":
    import openpyxl
    from xlgoals.check import check_document
    from xlgoals.io.grid import SheetGrid, WorkbookGrid
    from xlgoals.reader import read_grid_document
    for f in files:
        wb = openpyxl.load_workbook(f)  # full load: styles, merged cells, every cell object
        grid = WorkbookGrid(str(f), [SheetGrid(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets])
        findings += len(check_document(read_grid_document(grid)))
else:
    from xlgoals.cli import main
    reader, jobs = config.split("-j")
    out = Path(listfile).with_suffix(f".{config}.json")
    code = main(["check", *map(str, files), "-j", jobs, "--reader", reader, "--format", "json", "-o", str(out), "-q"])
    assert code in (0, 1), code
    with out.open("rb") as fh:  # read only the summary at the end: loading the whole report would
        fh.seek(max(0, out.stat().st_size - 8192))  # measure this script's memory, not xlgoals'
        tail = fh.read().decode("utf-8", errors="ignore")
    summary = json.loads(tail[tail.rindex('"summary": ') + len('"summary": '):].rstrip()[:-1])
    findings = summary["error"] + summary["warning"] + summary["info"]
elapsed = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "findings": findings, "rss_main_mb": own, "rss_worker_mb": kids}))
"""


def measure(config: str, files: list[Path]) -> dict[str, float]:
    listfile = WORK / f"list-{len(files)}.txt"
    listfile.write_text("\n".join(map(str, files)))
    res = subprocess.run(
        [sys.executable, "-c", WORKER, config, str(listfile)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    data: dict[str, float] = json.loads(res.stdout.strip().splitlines()[-1])
    data["files_per_second"] = len(files) / data["seconds"]
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args()
    t0 = time.perf_counter()
    files = generate(max(args.sizes))
    print(f"workbooks ready ({len(files)}) in {time.perf_counter() - t0:.1f} s", flush=True)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for n in args.sizes:
        results[str(n)] = {}
        for config in CONFIGS:
            r = measure(config, files[:n])
            results[str(n)][config] = r
            print(f"{n:>5} {config:<12} {r['files_per_second']:8.1f} files/s  {r['seconds']:7.2f} s  "
                  f"main {r['rss_main_mb']:6.1f} MB  worker {r['rss_worker_mb']:6.1f} MB  findings {r['findings']:.0f}", flush=True)  # fmt: skip
        base = results[str(n)]["baseline"]["files_per_second"]
        for r in results[str(n)].values():
            r["ratio_to_baseline"] = r["files_per_second"] / base
    import platform

    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
    }
    (HERE / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    print(
        json.dumps(
            {n: {c: round(r["ratio_to_baseline"], 1) for c, r in rs.items()} for n, rs in results.items()}
        )
    )


if __name__ == "__main__":
    main()
