"""Operating-system errors as one Chinese sentence (what went wrong with which path, what to do)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

_MESSAGES = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限（请检查文件或文件夹的权限，或关闭正在使用它的程序）",
    errno.EPERM: "操作不被允许（请检查权限）",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "位置是只读的，无法写入",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.ELOOP: "符号链接形成了循环",
    errno.EMFILE: "同时打开的文件过多",
    errno.EBUSY: "文件正被其他程序占用",
    errno.EEXIST: "已有同名的文件或文件夹（无法在这里创建文件夹）",
    errno.EINVAL: "路径无效",
    errno.EIO: "读写出错（磁盘或网络盘可能有问题）",
    errno.ECONNREFUSED: "连接被拒绝（该地址上没有程序在接收连接，请检查地址和端口）",
    errno.EHOSTUNREACH: "无法到达该主机（请检查地址和网络）",
    errno.ENETUNREACH: "网络不可达（请检查网络连接）",
    errno.ETIMEDOUT: "连接超时（请检查地址、端口和网络）",
}


def describe(exc: OSError) -> str:
    """ "没有权限（…）" for an OSError; never the English text of the operating system."""
    if exc.errno in _MESSAGES:
        return _MESSAGES[exc.errno]
    return f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误"


def read_failure(shown: str, exc: OSError) -> str:
    """The sentence for a file whose reading failed in the operating system."""
    return f"{shown}：无法读取：{describe(exc)}。"


def resolved(path: Path) -> Path:
    """``path`` made absolute with its links followed — or, where the operating system cannot follow
    them (a link loop, a link to itself, an unreadable folder), made absolute as written: comparing
    paths must never stop a run; opening such a path then fails with its own sentence."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python < 3.13 on a symlink loop
        return Path(os.path.abspath(path))
