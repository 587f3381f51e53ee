"""``xlgoals convert``: any input to the format the output's extension names."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlgoals.commands import options
from xlgoals.convert import convert
from xlgoals.exitcodes import EXIT_OK
from xlgoals.safetext import path_text


def run(args: argparse.Namespace) -> int:
    convert(Path(args.input), Path(args.output), options.context(args), layout=args.layout)
    print(f"已写入 {path_text(args.output)}")
    return EXIT_OK
