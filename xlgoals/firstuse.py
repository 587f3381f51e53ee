"""What loads on first use: a function named "module:name", its module imported when it is asked for.

A registry or a module-level constant names it (the formats, what only --annotate or an unusual
workbook needs), so that a command loads only the libraries its run uses; imports themselves stay at
the top of modules (tests/test_architecture.py).
"""

from __future__ import annotations

import importlib
from typing import Any


def function(where: str) -> Any:
    """``"module:name"`` → that attribute of the module, the module imported now."""
    module, name = where.split(":")
    return getattr(importlib.import_module(module), name)
