"""``xlgoals demo``: the main job on the bundled published examples."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlgoals.demo import run_demo


def examples_dir() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "examples" / "published"


def run(args: argparse.Namespace) -> int:
    return run_demo(Path(args.examples) if args.examples else examples_dir(), Path(args.out))
