from __future__ import annotations

import os

# xlwings' remote (JSON) engine, used to test the Excel buttons on Linux, needs a key at import time.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from functools import cache
from pathlib import Path

import pytest

from xlgoals.importers import load_document
from xlgoals.model import Document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "published"
SEEDS = {p.name[:3]: p for p in sorted(EXAMPLES.glob("*.txt"))}


@cache
def _load(prefix: str) -> Document:
    return load_document(SEEDS[prefix])


def seed(prefix: str) -> Document:
    """The bundled copy of a seed, imported once per test session (callers must not mutate it)."""
    return _load(prefix)


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES
