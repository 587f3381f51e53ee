"""``xlgoals check --scheduler``: the same report on a Dask cluster as with local workers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import distributed  # a dev dependency: this test runs in CI, never skipped
import pytest

from tests.helpers import EXAMPLES, run, seed_workbook


@pytest.fixture(scope="module")
def scheduler():
    import dask

    # as the docs tell a province to start its workers: non-daemonic, so each file gets its own
    # guarded process with the per-file budget
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
    ):
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The bundled examples, two of them as workbooks, a lock file, junk, and a local xlgoals.toml."""
    root = tmp_path_factory.mktemp("province")
    for p in sorted(EXAMPLES.iterdir()):
        (root / p.name).write_bytes(p.read_bytes())
    (root / "unit").mkdir()
    (root / "unit" / "000.xlsx").write_bytes(seed_workbook("000"))
    (root / "unit" / "~$000.xlsx").write_bytes(b"\x07xlgoals" + bytes(155))
    (root / "unit" / "truncated.xlsx").write_bytes(seed_workbook("002")[:5000])
    (root / "unit" / "xlgoals.toml").write_text('ignore = ["IND-001"]\n', encoding="utf-8")
    return root


def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_dask_cluster_gives_the_report_of_two_local_workers(scheduler, folder, tmp_path):
    local, remote = tmp_path / "local.json", tmp_path / "remote.json"
    a = run("check", str(folder), "-q", "-j", "2", "--format", "json", "-o", str(local))
    b = run("check", str(folder), "-q", "--scheduler", scheduler, "--format", "json", "-o", str(remote))
    assert a.returncode == b.returncode == 2, (a.stderr, b.stderr)  # the truncated workbook
    assert _report(remote) == _report(local)
    files = {Path(f["path"]).name: f for f in _report(remote)["files"]}
    assert files["~$000.xlsx"]["status"] == "已跳过" and "损坏" in files["truncated.xlsx"]["error"]
    assert (
        str(folder / "unit" / "truncated.xlsx") in files["truncated.xlsx"]["error"]
    )  # not the worker's copy
    # the folder's xlgoals.toml reached the worker: IND-001 is off for unit/, on elsewhere
    assert not any(f["code"] == "IND-001" for f in files["000.xlsx"]["findings"])
    assert any(
        f["code"] == "IND-001"
        for name, fr in files.items()
        if name.startswith("000_")
        for f in fr["findings"]
    )
    cells = [
        f["location"] for f in files["000.xlsx"]["findings"] if f["location"] and f["location"].get("cell")
    ]
    assert cells and all(loc.get("file", str(folder)).startswith(str(folder)) for loc in cells)


def test_an_unreachable_scheduler_is_one_sentence(tmp_path):
    """Nothing listens there: said at once, in words (Dask would retry for 10 s and end in a timeout)."""
    res = run("check", str(EXAMPLES), "-q", "--scheduler", "tcp://127.0.0.1:9")
    assert res.returncode == 2 and "Dask" in res.stderr and "Traceback" not in res.stderr
    assert "连接被拒绝" in res.stderr and "错误号" not in res.stderr
    assert res.stderr.count("\n") == 1


def test_annotate_stays_local(scheduler, tmp_path):
    res = run("check", str(EXAMPLES), "--scheduler", scheduler, "--annotate", str(tmp_path / "a"))
    assert res.returncode == 2 and "--annotate" in res.stderr and not (tmp_path / "a").exists()
    assert os.listdir(tmp_path) == []
