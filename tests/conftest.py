from __future__ import annotations

import os
from pathlib import Path

import pytest

# xlwings' remote (JSON) engine, used to test the Excel buttons on Linux, needs a key at import time.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from tests.helpers import EXAMPLES
from tests.openpyxl_reading import remember_translations

remember_translations()  # every openpyxl load in the tests: the template's shared formulas translated once


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


# The files that take longest (CPU-seconds of one run on two cores, measured system-wide per test
# file), started first: with one file per worker (``--dist loadfile``), the run ends when the last
# file does, and a 35-second file handed out last leaves the other core idle meanwhile. The rest
# follow in collection order (``--no-loadscope-reorder``: xdist would otherwise start the files
# with the most tests first, which are the quick ones, and the long ones last).
LONGEST_FIRST = (
    "test_hostile.py",  # 63 s (its runs use both cores)
    "test_service.py",  # 38
    "test_parity.py",  # 32
    "test_libreoffice_addin.py",  # 22
    "test_clients.py",  # 21
    "test_workbook.py",  # 19
    "test_browser.py",  # 18
    "test_service_guards.py",  # 15 (waits on the clock)
    "test_vba_client.py",  # 14
    "test_xml_marks.py",  # 12
    "test_excel.py",  # 12
    "test_fuzz.py",  # 12
)


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: one worker more than there are cores. Several files spend much of their time
    waiting on LibreOffice, Chromium or a service they started; the extra worker uses the core meanwhile.
    (PYTEST_XDIST_AUTO_NUM_WORKERS still decides when it is set.)"""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


# Hypothesis: bounded in CI; HYPOTHESIS_PROFILE=long for the documented long fuzz run (tests/README.md).
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", max_examples=150, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=15_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
