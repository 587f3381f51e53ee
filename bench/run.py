"""Benchmark ``xlgoals check`` in one run, on 10 / 100 / 1000 workbooks, against two references
measured in the same run: a naive baseline and the reading floor.

    .venv/bin/python bench/run.py            # generates bench/work/ once, then measures
    .venv/bin/python bench/run.py --sizes 10 100
    .venv/bin/python bench/run.py --smoke    # 3 workbooks in a temporary folder (the test suite runs it)

Each configuration runs in a fresh process that reports its wall time and peak RSS (its own, and
the largest worker's). The baseline is what a straightforward script would do: openpyxl's full load
of every cell of every sheet, then the same reader and rules, one file after the other. The floor is
python-calamine reading every sheet of every file and nothing else — no check can be faster.
Results go to bench/results.json, and the table in bench/README.md is regenerated from them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"

CONFIGS = {
    "baseline": "naive openpyxl full load + rules, 1 process (counts all findings)",
    "floor": "python-calamine reads every sheet of every file, nothing else",
    "openpyxl-j1": "xlgoals check --reader openpyxl -j 1",
    "openpyxl-j2": "xlgoals check --reader openpyxl -j 2",
    "fast-j1": "xlgoals check (python-calamine) -j 1",
    "fast-j2": "xlgoals check (python-calamine) -j 2",
    "annotate-j1": "xlgoals check -j 1 --annotate DIR (a marked copy of every file)",
}


def generate(count: int, work: Path, seed: int = 20241122) -> list[Path]:
    """Realistic unit workbooks: 1–5 projects each, drawn from the 84 example tables and varied."""
    sys.path.insert(0, str(ROOT))
    from xlgoals.formats import read_document as load_document
    from xlgoals.model import Document
    from xlgoals.template.builder import build_bytes

    out = work / "workbooks"
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
    from xlgoals.formats.workbook import read_grid_document
    for f in files:
        wb = openpyxl.load_workbook(f)  # full load: styles, merged cells, every cell object
        grid = WorkbookGrid(str(f), [SheetGrid(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets])
        findings += len(check_document(read_grid_document(grid)))
elif config == "floor":
    import python_calamine
    for f in files:
        with f.open("rb") as fh:
            wb = python_calamine.CalamineWorkbook.from_filelike(fh)
            for name in wb.sheet_names:
                findings += len(wb.get_sheet_by_name(name).to_python())  # rows read, not findings
    findings = -1
else:
    import tempfile
    from xlgoals.cli import main
    reader, jobs = config.split("-j")
    out = Path(listfile).with_suffix(f".{config}.json")
    extra = ["--reader", reader] if reader in ("fast", "openpyxl") else ["--annotate", tempfile.mkdtemp()]
    code = main(["check", *map(str, files), "-j", jobs, *extra, "--format", "json", "-o", str(out), "-q"])
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


def measure(config: str, files: list[Path], work: Path) -> dict[str, float]:
    listfile = work / f"list-{len(files)}.txt"
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
    parser.add_argument(
        "--smoke", action="store_true", help="3 workbooks in a temporary folder; nothing saved"
    )
    args = parser.parse_args()
    if args.smoke:
        with tempfile.TemporaryDirectory() as tmp:
            run([3], Path(tmp))
        return
    results = run(args.sizes, WORK)
    meta = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count()}
    (HERE / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    readme = HERE / "README.md"
    readme.write_text(with_table(readme.read_text(encoding="utf-8"), results, meta), encoding="utf-8")


def run(sizes: list[int], work: Path) -> dict[str, dict[str, dict[str, float]]]:
    t0 = time.perf_counter()
    files = generate(max(sizes), work)
    print(f"workbooks ready ({len(files)}) in {time.perf_counter() - t0:.1f} s", flush=True)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for n in sizes:
        results[str(n)] = {}
        for config in CONFIGS:
            r = measure(config, files[:n], work)
            results[str(n)][config] = r
            print(f"{n:>5} {config:<12} {r['files_per_second']:8.1f} files/s  {r['seconds']:7.2f} s  "
                  f"main {r['rss_main_mb']:6.1f} MB  worker {r['rss_worker_mb']:6.1f} MB  findings {r['findings']:.0f}", flush=True)  # fmt: skip
        base = results[str(n)]["baseline"]["seconds"]
        floor = results[str(n)]["floor"]["seconds"]
        check = results[str(n)]["fast-j1"]["seconds"]
        for r in results[str(n)].values():
            r["speedup_vs_baseline"] = base / r["seconds"]
            r["times_floor"] = r["seconds"] / floor
        results[str(n)]["annotate-j1"]["times_check"] = results[str(n)]["annotate-j1"]["seconds"] / check
    print(
        json.dumps({n: {c: round(r["times_floor"], 2) for c, r in rs.items()} for n, rs in results.items()})
    )
    return results


START, END = "<!-- results: generated by bench/run.py -->", "<!-- /results -->"


def with_table(readme: str, results: dict[str, dict[str, dict[str, float]]], meta: dict[str, object]) -> str:
    """``readme`` with the table between START and END made from ``results``."""
    lines = [
        START,
        f"Measured on {meta['cpus']} CPUs, Python {meta['python']} ({meta['machine']}).",
        "",
        "| files | configuration | files/s | seconds | × the floor | speed-up vs baseline "
        "| peak RSS main (MB) | peak RSS worker (MB) | findings |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, rs in results.items():
        for config, r in rs.items():
            found = "—" if r["findings"] < 0 else f"{r['findings']:.0f}"
            lines.append(
                f"| {n} | {config} | {r['files_per_second']:.1f} | {r['seconds']:.2f} | {r['times_floor']:.2f}× "
                f"| {r['speedup_vs_baseline']:.1f}× | {r['rss_main_mb']:.1f} | {r['rss_worker_mb']:.1f} | {found} |"
            )
    lines += ["", "`--annotate` against `check` alone (-j 1): " + ", ".join(
        f"{n} files {rs['annotate-j1']['times_check']:.2f}×" for n, rs in results.items())]  # fmt: skip
    lines.append(END)
    if START in readme and END in readme:
        head, rest = readme.split(START, 1)
        return head + "\n".join(lines) + rest.split(END, 1)[1]
    return readme.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
