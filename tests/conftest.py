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
