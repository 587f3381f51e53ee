from __future__ import annotations

import os
from pathlib import Path

import pytest

# xlwings' remote (JSON) engine, used to test the Excel buttons on Linux, needs a key at import time.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from tests.helpers import EXAMPLES


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


# Hypothesis: bounded in CI; HYPOTHESIS_PROFILE=long for the documented long fuzz run (tests/README.md).
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", max_examples=150, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=15_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
