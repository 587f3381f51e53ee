"""Where an internal error's details go: a log file in the user's own log folder, never the folder
the user happens to stand in (``XLGOALS_LOG_DIR`` overrides it)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path


def log_dir() -> Path:
    """Linux ~/.cache/xlgoals/logs, macOS ~/Library/Logs/xlgoals, Windows %LOCALAPPDATA%\\xlgoals\\Logs."""
    if os.environ.get("XLGOALS_LOG_DIR"):
        return Path(os.environ["XLGOALS_LOG_DIR"])
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", home)) / "xlgoals" / "Logs"
    if sys.platform == "darwin":
        return home / "Library" / "Logs" / "xlgoals"
    return Path(os.environ.get("XDG_CACHE_HOME", home / ".cache")) / "xlgoals" / "logs"


def write(details: str) -> Path | None:
    """Write ``details`` to a new log file; its path, or None when no folder could take it."""
    name = f"xlgoals-error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(details, encoding="utf-8", errors="replace")
            return path
        except OSError:
            continue
    return None


def internal(shown: str, exc: BaseException, what: str = "检查") -> str:
    """The sentence for one file a bug stopped (its traceback goes to a log file): the run goes on."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    write("".join(traceback.format_exception(exc)))
    return (
        f"{shown}：内部错误（{type(exc).__name__}，{Path(where.filename).name}:{where.lineno}），"
        f"该文件未能{what}。"
    )
