"""What a command's PATH arguments mean: the files named, and the files found in the folders named.

Folders are walked without following links to folders (a link loop cannot trap the walk). In a
folder, what is not a document is passed over with its reason — an Excel/WPS or LibreOffice lock
file, system clutter, a file of a kind xlgoals does not read, something that is not a regular file —
so it neither stops the run nor changes its exit code. A file named on the command line is always
read (and refused with a sentence if it cannot be).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.formats import FORMATS
from xlgoals.io.container import is_lock_file
from xlgoals.oserrors import describe

READ_SUFFIXES = tuple(s for f in FORMATS if f.readable for s in f.suffixes)
CLUTTER = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass(frozen=True)
class Input:
    path: Path
    root: Path  # the folder it was found in (its parent when named directly)
    in_folder: bool  # found by walking a folder (not named on the command line)


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


def name_skip_reason(name: str, pattern: str | None = None) -> str | None:
    """Why a file of this name met in a folder (or in an uploaded .zip) is passed over, by its name
    alone; None to read it."""
    if is_lock_file(Path(name)):
        return "Excel/WPS 或 LibreOffice 打开文件时生成的临时锁定文件"
    if name.lower() in CLUTTER or name.startswith("."):
        return "系统生成的文件或隐藏文件"
    if pattern is None and Path(name).suffix.lower() not in READ_SUFFIXES:
        return f"不是 xlgoals 读取的文件类型（{Path(name).suffix or '无扩展名'}）"
    return None


def skip_reason(path: Path, pattern: str | None) -> str | None:
    """Why a file met in a folder (and matching ``--glob``) is passed over, or None to read it."""
    if is_lock_file(path) or path.name.lower() in CLUTTER or path.name.startswith("."):
        return name_skip_reason(path.name)
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            mode = path.stat().st_mode
    except OSError as exc:
        return f"无法访问：{describe(exc)}"
    if not stat.S_ISREG(mode):
        return "不是普通文件（管道、设备等）"
    return name_skip_reason(path.name, pattern)  # with --glob the user chose what to read


def collect(paths: list[Path], pattern: str | None = None) -> tuple[list[Input], list[Skipped]]:
    """The files to read and the files passed over, each folder walked in name order."""
    inputs: list[Input] = []
    skipped: list[Skipped] = []
    for p in paths:
        if not p.is_dir():
            inputs.append(Input(p, p.parent, in_folder=False))
            continue
        errors: list[OSError] = []
        for folder, dirs, files in os.walk(p, onerror=errors.append, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                if pattern is not None and not fnmatch.fnmatch(name, pattern):
                    continue  # not asked for: not even listed
                path = Path(folder) / name
                reason = skip_reason(path, pattern)
                if reason is None:
                    inputs.append(Input(path, p, in_folder=True))
                else:
                    skipped.append(Skipped(path, reason))
        if errors and not inputs:
            raise XlgoalsInputError(f"无法读取文件夹：{describe(errors[0])}。", file=str(p))
    return inputs, skipped
