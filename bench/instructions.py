"""Instructions per workbook, by phase: a measure of `xlgoals check` that does not drift with the
machine's speed (wall and CPU times here drift by up to a half over minutes; instruction counts do
not). Needs valgrind (cachegrind); compare two versions of the code, or a phase with the floor.

    .venv/bin/python bench/instructions.py            # 20 of the bench's workbooks (bench/run.py makes them)
    .venv/bin/python bench/instructions.py --files 5
    .venv/bin/python bench/instructions.py --smoke    # every phase once, without valgrind (the tests run it)

Each phase runs in a process of its own under ``valgrind --tool=cachegrind --cache-sim=no``, once on
no file and once on N files; the difference divided by N is the phase's cost per workbook. The grid,
template and check phases are cumulative (the grid is read to build the template, which is built to
check it), so the template reader and the rules are given as differences. ``floor`` is python-calamine
reading every sheet, as in bench/run.py; ``job`` is a whole file as a worker checks it, ``annotate``
as it checks it and writes its annotated copy (marking: the difference).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PHASES = ("floor", "inspect", "grid", "template", "check", "job", "annotate")


def run_phase(phase: str, paths: list[Path]) -> None:
    """What one measured process does: the imports and a warm-up on a file not measured, then
    ``phase`` on ``paths``."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    from floor import read_every_sheet  # bench/floor.py, beside this file

    from xlgoals.batch import Job, run_job
    from xlgoals.check import check_document
    from xlgoals.config import Config
    from xlgoals.formats.workbook import read_grid_document
    from xlgoals.io import fast
    from xlgoals.io.container import inspect_workbook

    config = Config()
    copies = Path(tempfile.mkdtemp())  # where the annotate phase writes its copies

    def one(p: Path) -> None:
        if phase == "floor":
            read_every_sheet(p)
        elif phase == "inspect":
            inspect_workbook(p)
        elif phase in ("job", "annotate"):
            to = copies / p.name if phase == "annotate" else None
            done = run_job(Job(p, p.parent, False, annotate_to=to))
            assert not done.result.error and (to is None or done.annotated == to), done.result.error
        else:
            grid = fast.read_grid(p)
            if phase != "grid":
                doc = read_grid_document(grid)
                if phase == "check":
                    check_document(doc, config)

    warm = sorted((HERE / "work" / "workbooks").glob("*.xlsx"))[-1:] or paths[:1]
    one(warm[0])  # imports done, generated checks compiled: what a long run has paid once
    for p in paths:
        one(p)


def instructions(phase: str, paths: list[Path], listing: Path) -> int:
    listing.write_text("\n".join(map(str, paths)), encoding="utf-8")
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--inner", phase, str(listing)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    assert found, done.stderr[-2000:]
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--inner", nargs=2, metavar=("PHASE", "LISTING"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        phase, listing = args.inner
        run_phase(phase, [Path(x) for x in Path(listing).read_text(encoding="utf-8").split("\n") if x])
        return
    workbooks = sorted((HERE / "work" / "workbooks").glob("*.xlsx"))
    if args.smoke:
        sys.path.insert(0, str(ROOT))
        from xlgoals.formats import read_document
        from xlgoals.template.builder import build_bytes

        with tempfile.TemporaryDirectory() as tmp:  # a real workbook, without bench/work
            path = Path(tmp) / "000.xlsx"
            path.write_bytes(
                build_bytes(read_document(next((ROOT / "examples" / "published").glob("000_*.txt"))))
            )
            for phase in PHASES:
                run_phase(phase, [path])
                print(phase, "ok")
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind).")
    if len(workbooks) < args.files + 1:
        sys.exit("bench/work/workbooks has too few workbooks: run bench/run.py once first.")
    paths = workbooks[: args.files]
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.txt"
        per = {
            phase: (instructions(phase, paths, listing) - instructions(phase, [], listing)) / args.files / 1e6
            for phase in PHASES
        }
    floor = per["floor"]
    rows = {
        "the floor (calamine reads every sheet)": floor,
        "package inspection": per["inspect"],
        "calamine's read and the grid": per["grid"],
        "template reader": per["template"] - per["grid"],
        "rules": per["check"] - per["template"],
        "a whole file (run_job)": per["job"],
        "marking its annotated copy": per["annotate"] - per["job"],
        "a whole file with --annotate": per["annotate"],
    }
    print(f"M instructions per workbook ({args.files} of bench/work/workbooks)")
    for name, value in rows.items():
        print(f"  {name:<40} {value:7.1f}  {value / floor:5.2f}× the floor")
    print(f"  --annotate against check alone: {per['annotate'] / per['job']:.2f}×")


if __name__ == "__main__":
    main()
