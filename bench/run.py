"""Benchmark ``xlgoals check`` in one run, on 10 / 100 / 1000 workbooks, against two references
measured in the same run: a naive baseline and the reading floor.

    .venv/bin/python bench/run.py            # generates bench/work/ once, then measures
    .venv/bin/python bench/run.py --sizes 10 100
    .venv/bin/python bench/run.py --smoke    # 3 workbooks in a temporary folder (the test suite runs it)

Each configuration runs in a fresh process that reports its wall time and peak RSS (its own, and
the largest worker's), importing from compiled bytecode as an installed xlgoals does (``prepare``). The baseline is what a straightforward script would do: openpyxl's full load
of every cell of every sheet, then the same reader and rules, one file after the other. The floor is
python-calamine reading every sheet of every file and nothing else — no check can be faster; it is
measured again right after every run of every configuration, and each run is reported as its ratio to
that floor (the machine's speed drifts over minutes; a run and the floor beside it drift together).
The configurations the targets are about run three times, taking turns, and each is given by its
median run; ``--annotate`` against ``check`` by the median quotient of the two in the same round.
The same run measures the other targets of the benchmark: how long ``xlgoals --version`` takes
(against a bare ``python -c pass``), how soon ``xlgoals serve`` answers its page and a first check,
and how many MB of published text ``xlgoals check`` reads per second.
Results go to bench/results.json, and the tables in bench/README.md are regenerated from them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"


def as_installed(work: Path) -> dict[str, str]:
    """The environment of every measured process: imports from compiled bytecode, as an installed
    xlgoals does (pip compiles a package when it installs it). Where PYTHONDONTWRITEBYTECODE is set
    (this machine sets it), each process would otherwise compile the package's source again — half a
    second per process that is not xlgoals' work, and more than the floor's whole run at 100 files."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", str(work / "pycache"))
    return env


ENV = dict(os.environ)  # what every measured process runs with (``prepare``)


def prepare(work: Path) -> None:
    """Measure as installed (``as_installed``): the package compiled first, as pip compiles it."""
    ENV.clear()
    ENV.update(as_installed(work))
    compile_all = [sys.executable, "-m", "compileall", "-q", str(ROOT / "xlgoals")]
    subprocess.run(compile_all, env=ENV, check=True, capture_output=True)


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
    sys.path.insert(0, "bench")
    from floor import read_every_sheet
    for f in files:
        read_every_sheet(f)
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
try:  # Linux keeps ru_maxrss across exec (the bench's own size would count): the process's own peak
    own = int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM:")).split()[1]) / 1024
except (OSError, StopIteration):
    pass
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
        env=ENV,
    )
    data: dict[str, float] = json.loads(res.stdout.strip().splitlines()[-1])
    data["files_per_second"] = len(files) / data["seconds"]
    return data


def best_wall(argv: list[str], runs: int = 5) -> float:
    """The shortest wall time of ``runs`` runs of a command (the fastest is the least disturbed)."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, env=ENV)
        best = min(best, time.perf_counter() - t0)
    return best


def serve_ready(workbook: Path, runs: int = 3) -> tuple[float, float]:
    """Seconds from starting ``xlgoals serve`` to its page answering, and to a first check answered
    (the best of ``runs`` starts)."""
    page = check = float("inf")
    body = workbook.read_bytes()
    boundary = "xlgoalsbench"
    upload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{workbook.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    for _ in range(runs):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = f"http://127.0.0.1:{port}/"
        t0 = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "xlgoals", "serve", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=ENV,
        )
        try:
            while True:
                if server.poll() is not None:
                    raise RuntimeError("xlgoals serve exited")
                try:
                    with urllib.request.urlopen(url, timeout=2) as answer:
                        answer.read()
                    break
                except OSError:
                    time.sleep(0.02)
            t1 = time.perf_counter()
            request = urllib.request.Request(
                url + "api/check",
                data=upload,
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
            with urllib.request.urlopen(request, timeout=120) as answer:
                assert b'"summary"' in answer.read()
            t2 = time.perf_counter()
        finally:
            server.terminate()
            server.wait(30)
        page, check = min(page, t1 - t0), min(check, t2 - t0)
    return page, check


def published_text(work: Path, megabytes: float) -> Path:
    """The largest bundled published example (44 tables) repeated into one text of at least
    ``megabytes`` MB: a county's whole publication, as one file."""
    one = (ROOT / "examples" / "published" / "001_fb8fa97e1a3e9d8b.txt").read_text(encoding="utf-8")
    copies = max(1, -(-int(megabytes * 1_000_000) // len(one.encode("utf-8"))))
    path = work / f"published-{megabytes:g}MB.txt"
    path.write_text("\n\n".join([one] * copies), encoding="utf-8")
    return path


def others(work: Path, workbook: Path, megabytes: float, runs: int = 5) -> dict[str, float]:
    """The benchmark's other targets, measured in this run (times: the best of ``runs``)."""
    python = best_wall([sys.executable, "-c", "pass"], runs)
    version = best_wall([sys.executable, "-m", "xlgoals", "--version"], runs)
    page, check = serve_ready(workbook, max(1, runs // 2))
    text = published_text(work, megabytes)
    size = text.stat().st_size / 1_000_000
    reading = subprocess.run(  # the reading alone, in a fresh process, after the imports
        [sys.executable, "-c", READ_TEXT, str(text)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    out = work / "published.json"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "xlgoals", "check", str(text), "--format", "json", "-o", str(out), "-q"],
        cwd=ROOT,
        capture_output=True,
        env=ENV,
    )
    check_seconds = time.perf_counter() - start - python  # the command's time less a bare Python's start
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["unreadable"] == 0 and report["summary"]["error"] > 0, report["summary"]
    read_seconds = float(reading.stdout.split()[-1])
    return {
        "python_seconds": python,
        "version_seconds": version,
        "serve_page_seconds": page,
        "serve_first_check_seconds": check,
        "text_megabytes": size,
        "text_read_seconds": read_seconds,
        "text_read_mb_per_second": size / read_seconds,
        "text_check_seconds": check_seconds,
        "text_check_mb_per_second": size / check_seconds,
    }


READ_TEXT = r"""
import sys, time
from pathlib import Path
from xlgoals.formats import read_document
start = time.perf_counter()
doc = read_document(Path(sys.argv[1]))
assert doc.tables
print(time.perf_counter() - start)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument(
        "--smoke", action="store_true", help="3 workbooks in a temporary folder; nothing saved"
    )
    args = parser.parse_args()
    if args.smoke:
        with tempfile.TemporaryDirectory() as tmp:
            prepare(Path(tmp))
            run([3], Path(tmp), repeat=False)
            print(json.dumps(others(Path(tmp), generate(1, Path(tmp))[0], 0.05, runs=1)))
        return
    prepare(WORK)
    results = run(args.sizes, WORK)
    extra = others(WORK, generate(1, WORK)[0], 1.0)
    print(json.dumps(extra))
    meta = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count()}
    (HERE / "results.json").write_text(
        json.dumps({"meta": meta, "results": results, "others": extra}, indent=2) + "\n"
    )
    readme = HERE / "README.md"
    text = with_table(readme.read_text(encoding="utf-8"), results, meta)
    readme.write_text(with_others(text, extra), encoding="utf-8")


# The configurations the targets are about, run this many times each (the best kept): one run of
# 15–40 s can fall into one of the stretches in which this machine runs at half its speed.
# Run in this order in each round: check -j 1 and --annotate beside each other, their quotient a target.
REPEATED = {"fast-j2": 3, "fast-j1": 3, "annotate-j1": 3}


def run(sizes: list[int], work: Path, repeat: bool = True) -> dict[str, dict[str, dict[str, float]]]:
    """Every configuration at every size. Each run is paired with a run of the floor right after it
    and measured as the ratio of the two: the machine's speed drifts over minutes, and a run and the
    floor beside it drift together (a floor measured once, or minutes away, would set every ratio).
    The repeated configurations (those the targets are about) take turns, round after round, and each
    is given by its median run. ``--annotate`` against ``check`` is the median of each round's
    quotient of the two, measured a minute apart at most — no floor between them."""
    t0 = time.perf_counter()
    files = generate(max(sizes), work)
    print(f"workbooks ready ({len(files)}) in {time.perf_counter() - t0:.1f} s", flush=True)
    results: dict[str, dict[str, dict[str, float]]] = {}
    rounds = max(REPEATED.values()) if repeat else 1
    for n in sizes:
        floors: list[float] = []
        runs: dict[str, list[dict[str, float]]] = {config: [] for config in CONFIGS}
        order = [c for c in CONFIGS if c not in REPEATED] + [c for _ in range(rounds) for c in REPEATED]
        for config in order:
            r = measure(config, files[:n], work)
            floor = r["seconds"] if config == "floor" else measure("floor", files[:n], work)["seconds"]
            floors.append(floor)
            r["times_floor"] = r["seconds"] / floor
            runs[config].append(r)
            print(f"{n:>5} {config:<12} {r['files_per_second']:8.1f} files/s  {r['seconds']:7.2f} s  "
                  f"{r['times_floor']:6.2f}× the floor  main {r['rss_main_mb']:6.1f} MB  "
                  f"worker {r['rss_worker_mb']:6.1f} MB  findings {r['findings']:.0f}", flush=True)  # fmt: skip
        results[str(n)] = {}
        for config in CONFIGS:
            ranked = sorted(runs[config], key=lambda x: x["times_floor"])
            r = ranked[(len(ranked) - 1) // 2]  # the median run (of an even number, the lower)
            r["runs"] = len(ranked)
            results[str(n)][config] = r
        fastest = min(floors)
        results[str(n)]["floor"].update(
            seconds=fastest, files_per_second=n / fastest, times_floor=1.0, runs=len(floors),
            spread=max(floors) / fastest,
        )  # fmt: skip
        base = results[str(n)]["baseline"]["times_floor"]
        for r in results[str(n)].values():
            r["speedup_vs_baseline"] = base / r["times_floor"]
        quotients = sorted(
            a["seconds"] / c["seconds"] for a, c in zip(runs["annotate-j1"], runs["fast-j1"], strict=True)
        )
        results[str(n)]["annotate-j1"].update(
            times_check=quotients[(len(quotients) - 1) // 2], times_check_min=quotients[0],
            times_check_max=quotients[-1],
        )  # fmt: skip
    print(
        json.dumps({n: {c: round(r["times_floor"], 2) for c, r in rs.items()} for n, rs in results.items()})
    )
    return results


START, END = "<!-- results: generated by bench/run.py -->", "<!-- /results -->"
OTHERS_START, OTHERS_END = "<!-- others: generated by bench/run.py -->", "<!-- /others -->"


def with_others(readme: str, r: dict[str, float]) -> str:
    """``readme`` with the table of the other targets made from ``r``."""
    lines = [
        OTHERS_START,
        "| measure | value | target |",
        "|---|---:|---:|",
        f"| `xlgoals --version` (a bare `python -c pass`: {r['python_seconds']:.2f} s) "
        f"| {r['version_seconds']:.2f} s | ≤ 0.3 s |",
        f"| `xlgoals serve`: start → its page answers | {r['serve_page_seconds']:.2f} s | ≤ 3 s |",
        f"| `xlgoals serve`: start → a first check answered | {r['serve_first_check_seconds']:.2f} s | — |",
        f"| reading {r['text_megabytes']:.1f} MB of published text (the example of 44 tables, repeated) "
        f"| {r['text_read_seconds']:.2f} s = {r['text_read_mb_per_second']:.2f} MB/s | ≥ 1 MB/s |",
        f"| `xlgoals check` of the same text (reading, every rule, the report) "
        f"| {r['text_check_seconds']:.2f} s = {r['text_check_mb_per_second']:.2f} MB/s | — |",
        OTHERS_END,
    ]
    if OTHERS_START in readme and OTHERS_END in readme:
        head, rest = readme.split(OTHERS_START, 1)
        return head + "\n".join(lines) + rest.split(OTHERS_END, 1)[1]
    return readme.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


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
    lines += ["", "`--annotate` against `check` alone (-j 1; the median of three rounds, their range in brackets): " + ", ".join(
        f"{n} files {rs['annotate-j1']['times_check']:.2f}× ({rs['annotate-j1']['times_check_min']:.2f}–"
        f"{rs['annotate-j1']['times_check_max']:.2f})" for n, rs in results.items())]  # fmt: skip
    lines.append(END)
    if START in readme and END in readme:
        head, rest = readme.split(START, 1)
        return head + "\n".join(lines) + rest.split(END, 1)[1]
    return readme.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
