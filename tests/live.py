"""The real ``xlgoals serve`` on a free port of 127.0.0.1, and Debian's Chromium, for the tests that
use the service the way people do (tests/test_browser.py, tests/test_clients.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT

CHROMIUM = os.environ.get("XLGOALS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [  # this machine has no network: keep Chromium from trying
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # the file picker's own words, as on a clerk's machine
]


def require_chromium() -> None:
    """Skip without Chromium; fail instead where it is required (CI: XLGOALS_REQUIRE_CHROMIUM=1)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("XLGOALS_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"Chromium is required here (XLGOALS_REQUIRE_CHROMIUM=1) but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_service(temp: Path, *options: str) -> Iterator[str]:
    """``xlgoals serve OPTIONS`` in its own process (request folders in ``temp``); yields its URL."""
    port = free_port()
    log_path = temp.parent / f"serve-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "xlgoals", "serve", "--port", str(port), *options],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(temp)},
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail("xlgoals serve did not start: " + log_path.read_text())
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def request_folders(temp: Path) -> list[Path]:
    return [p for p in temp.iterdir() if p.name.startswith("xlgoals-request-")]


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser); skips or fails as above."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
