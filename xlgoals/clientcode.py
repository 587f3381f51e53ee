"""Where the client-side code lives: the top-level ``macros/`` folder of a checkout, installed as the
package ``xlgoals.macros`` (setup.py): the Excel VBA, the WPS add-in, the LibreOffice extension."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def macros(*parts: str) -> Path:
    """A folder or file of the client-side code, e.g. ``macros("excel", "Module1.bas")``."""
    root = files("xlgoals.macros")
    if not isinstance(root, Path):  # pragma: no cover — a zipped install, which pip never makes
        raise RuntimeError("xlgoals must be installed as files, not inside a zip archive")
    return root.joinpath(*parts)
