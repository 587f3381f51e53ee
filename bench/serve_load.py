"""Load on ``xlgoals serve`` against ``xlgoals check -j 2`` on the same files, in one run.

    .venv/bin/python bench/serve_load.py                 # 200 uploads, 8 clients, 2 workers

The workbook is the largest example (001: 44 projects) as a filled template. The service runs as
``xlgoals serve --workers 2`` on 127.0.0.1; N client threads each post it to ``/api/check`` and
check every answer against the first (same summary, same findings). Memory is the resident size of
the server and its worker processes together, sampled every 0.1 s from /proc (Linux). The baseline
is ``xlgoals check -j 2`` on N copies of the same workbook. Results: bench/serve_results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "serve"


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (the forkserver and the checking workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(Path(entry, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.perf_counter(), sum(map(_rss_kb, _tree(self.pid))) / 1024))
            time.sleep(0.1)


def _body(path: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return (
        head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def _post(url: str, body: bytes, ctype: str) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": ctype}, method="POST")
    with urllib.request.urlopen(req, timeout=300) as r:
        data = json.loads(r.read())
    return time.perf_counter() - start, data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    xlgoals = [sys.executable, "-m", "xlgoals"]
    WORK.mkdir(parents=True, exist_ok=True)
    book = WORK / "001.xlsx"
    seed = next((ROOT / "examples" / "published").glob("001_*.txt"))
    subprocess.run(
        [*xlgoals, "convert", str(seed), "-o", str(book)], check=True, capture_output=True, cwd=ROOT
    )

    # Baseline: the command line on the same number of copies.
    copies = WORK / "copies"
    shutil.rmtree(copies, ignore_errors=True)
    copies.mkdir()
    for k in range(args.uploads):
        shutil.copy(book, copies / f"{k:04d}.xlsx")
    start = time.perf_counter()
    subprocess.run([*xlgoals, "check", str(copies), "-j", str(args.workers), "--format", "json",
                    "-o", str(WORK / "cli.json"), "-q"], cwd=ROOT, capture_output=True)  # fmt: skip
    cli_seconds = time.perf_counter() - start
    cli = json.loads((WORK / "cli.json").read_text())["summary"]

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*xlgoals, "serve", "--port", str(port), "--workers", str(args.workers)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        body, ctype = _body(book)
        _post(url + "/api/check", body, ctype)  # warm: workers started, template cached
        idle_mb = sum(map(_rss_kb, _tree(server.pid))) / 1024
        sampler = Sampler(server.pid)
        sampler.start()
        latencies: list[float] = []
        answers: list[dict[str, object]] = []
        done_at: list[float] = []
        lock = threading.Lock()
        per_client = [
            args.uploads // args.clients + (k < args.uploads % args.clients) for k in range(args.clients)
        ]

        def client(n: int) -> None:
            for _ in range(n):
                seconds, data = _post(url + "/api/check", body, ctype)
                with lock:
                    latencies.append(seconds)
                    answers.append(data)
                    done_at.append(time.perf_counter())

        start = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in per_client]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        service_seconds = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    first = answers[0]
    correct = sum(a["summary"] == first["summary"] and a["files"][0]["findings"] == first["files"][0]["findings"]  # type: ignore[index]
                  for a in answers)  # fmt: skip
    per_file = cli["error"] + cli["warning"] + cli["info"]
    ours = first["summary"]
    assert isinstance(ours, dict)
    same_as_cli = per_file == (ours["error"] + ours["warning"] + ours["info"]) * args.uploads
    quarter = len(sampler.samples) // 4 or 1
    early = max(m for _, m in sampler.samples[:quarter])
    late = max(m for _, m in sampler.samples[-quarter:])
    lat = sorted(latencies)
    result = {
        "uploads": args.uploads,
        "clients": args.clients,
        "workers": args.workers,
        "answered": len(answers),
        "correct": correct,
        "findings_equal_cli": same_as_cli,
        "service_seconds": service_seconds,
        "service_files_per_second": args.uploads / service_seconds,
        "cli_seconds": cli_seconds,
        "cli_files_per_second": args.uploads / cli_seconds,
        "throughput_ratio_cli_over_service": (args.uploads / cli_seconds) / (args.uploads / service_seconds),
        "latency_p50_s": statistics.median(lat),
        "latency_p95_s": lat[max(0, int(len(lat) * 0.95) - 1)],
        "rss_idle_mb": idle_mb,
        "rss_peak_first_quarter_mb": early,
        "rss_peak_last_quarter_mb": late,
        "rss_peak_mb": max(m for _, m in sampler.samples),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    (HERE / "serve_results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
