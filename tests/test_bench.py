"""bench/ can never rot silently: a tiny run of every configuration on the current code, and the
README's table regenerated from results."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_the_benchmark_runs_every_configuration_on_three_workbooks():
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--smoke"], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    printed = [line.split()[1] for line in done.stdout.splitlines() if line.split()[:1] == ["3"]]
    assert sorted(printed) == sorted(bench.CONFIGS)  # each once (measured in another order)
    # every configuration that checks finds the same findings as the baseline
    found = {
        line.split()[1]: line.split()[-1] for line in done.stdout.splitlines() if line.split()[:1] == ["3"]
    }
    assert len({v for k, v in found.items() if k != "floor"}) == 1 and found["baseline"] != "0"
    others = json.loads(done.stdout.splitlines()[-1])  # the other targets, measured in the same run
    # both measured; not their order — with compiled bytecode the command starts within a bare
    # interpreter's noise of a single smoke measurement
    assert others["python_seconds"] > 0 and others["version_seconds"] > 0
    assert 0 < others["serve_page_seconds"] <= others["serve_first_check_seconds"]
    assert others["text_read_mb_per_second"] > 0 and others["text_check_mb_per_second"] > 0
    table = bench.with_others((BENCH / "README.md").read_text(encoding="utf-8"), others)
    assert f"| {others['version_seconds']:.2f} s | ≤ 0.3 s |" in table


def test_the_readme_table_is_made_from_the_results():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    r = {"seconds": 2.0, "files_per_second": 5.0, "rss_main_mb": 40.0, "rss_worker_mb": 30.0, "findings": 7}
    results = {"10": {c: dict(r, times_floor=1.5, speedup_vs_baseline=2.0) for c in bench.CONFIGS}}
    results["10"]["annotate-j1"] |= {"times_check": 1.25, "times_check_min": 1.2, "times_check_max": 1.5}
    meta = {"cpus": 2, "python": "3.11", "machine": "x86_64"}
    readme = (BENCH / "README.md").read_text(encoding="utf-8")
    assert bench.START in readme and bench.END in readme
    table = bench.with_table(readme, results, meta)
    assert table.count(bench.START) == 1 and "10 files 1.25× (1.20–1.50)" in table
    assert table.split(bench.START)[0] == readme.split(bench.START)[0]
    assert table.split(bench.END)[1] == readme.split(bench.END)[1]
    assert bench.OTHERS_START in readme and bench.OTHERS_END in readme
    others = {k: 1.0 for k in ("python_seconds", "serve_page_seconds", "serve_first_check_seconds")}
    others |= {"version_seconds": 0.25, "text_megabytes": 1.0, "text_read_seconds": 0.5}
    others |= {"text_read_mb_per_second": 2.0, "text_check_seconds": 4.0, "text_check_mb_per_second": 0.25}
    again = bench.with_others(readme, others)
    assert again.count(bench.OTHERS_START) == 1 and "| 0.25 s | ≤ 0.3 s |" in again
    assert again.split(bench.OTHERS_START)[0] == readme.split(bench.OTHERS_START)[0]


def test_the_instruction_count_runs_every_phase():
    """bench/instructions.py counts under valgrind; its phases run here without it, on a real workbook."""
    done = subprocess.run(
        [sys.executable, str(BENCH / "instructions.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [
        w
        for phase in ("floor", "inspect", "grid", "template", "check", "job", "annotate")
        for w in (phase, "ok")
    ]


def test_each_run_is_measured_against_the_floor_run_right_after_it(tmp_path, monkeypatch):
    """A slow stretch slows a run and the floor beside it alike: each run's ratio is to the floor
    measured right after it; of a repeated configuration the median ratio is kept, and --annotate is
    set against check by the median quotient of the runs of the same round."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    # the machine halves its speed for fast-j1's second run and the floor after it
    script = {"fast-j1": [10.0, 16.0, 12.0]}
    slow = iter([False, True, False])
    state = {"slow": False}

    def measure(config, files, work):
        if config == "floor":
            seconds = 2.0 * (2 if state["slow"] else 1)
        else:
            runs = script.get(config)
            if runs:
                state["slow"] = next(slow)
                seconds = runs.pop(0)
            else:
                state["slow"] = False
                seconds = 20.0
        return {"seconds": seconds, "files_per_second": 1 / seconds, "findings": 1,
                "rss_main_mb": 1.0, "rss_worker_mb": 1.0}  # fmt: skip

    monkeypatch.setattr(bench, "measure", measure)
    monkeypatch.setattr(bench, "generate", lambda n, work: [tmp_path / "a.xlsx"] * n)
    results = bench.run([1], tmp_path)["1"]
    # ratios 5 (10 s / 2 s), 4 (16 s / its slowed 4 s floor), 6 (12 s / 2 s): the median, not the
    # lowest, which a floor slowed by more than its run would make
    assert results["fast-j1"]["times_floor"] == 5.0
    assert results["fast-j1"]["runs"] == 3
    assert results["annotate-j1"]["times_check"] == 20.0 / 12.0  # of 20/10, 20/16, 20/12
    assert (results["annotate-j1"]["times_check_min"], results["annotate-j1"]["times_check_max"]) == (
        1.25,
        2.0,
    )
    assert results["floor"]["seconds"] == 2.0 and results["floor"]["times_floor"] == 1.0
    assert results["baseline"]["speedup_vs_baseline"] == 1.0
    assert results["fast-j1"]["speedup_vs_baseline"] == 10.0 / 5.0
