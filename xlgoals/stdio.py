"""The command line's standard streams: robust to odd file names, quiet when the reader goes away."""

from __future__ import annotations

import os
import sys


def prepare() -> None:
    """A lone surrogate in a file name must not stop a report: replace what cannot be encoded."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def quiet_stdout() -> None:
    """After the reader of our output went away (``| head``): send what is left nowhere, silently."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
