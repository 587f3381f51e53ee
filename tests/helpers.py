"""What the tests share: the bundled examples, each imported once, and running the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from xlgoals.formats import read_document
from xlgoals.model import Document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "published"
SEEDS = {p.name[:3]: p for p in sorted(EXAMPLES.glob("*.txt"))}


@cache
def _load(prefix: str) -> Document:
    return read_document(SEEDS[prefix])


def seed(prefix: str) -> Document:
    """The bundled copy of a seed, imported once per test session (callers must not mutate it)."""
    return _load(prefix)


def run(
    *args: str, cwd: Path | None = None, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``xlgoals ARGS`` in a fresh interpreter, as a user runs it (``env``: extra variables)."""
    return subprocess.run(
        [sys.executable, "-m", "xlgoals", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=timeout,
        env={**os.environ, **env} if env else None,
    )
