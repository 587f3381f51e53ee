"""Decode published text: UTF-8 (with or without BOM), UTF-16 with a BOM (Windows Notepad's
“Unicode”), or GB18030 (a superset of GBK/GB2312)."""

from __future__ import annotations

from pathlib import Path

from xlgoals import limits
from xlgoals.errors import XlgoalsInputError
from xlgoals.io.container import open_regular

_CONTROL = {b for b in range(32) if b not in (9, 10, 12, 13)}


def decode_text(data: bytes, file: str = "") -> tuple[str, str]:
    """Return (text, encoding name). Raise XlgoalsInputError for empty or binary input."""
    if not data.strip():
        raise XlgoalsInputError("文件为空，没有可读取的内容。", file=file)
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(codec), "utf-16"
            except UnicodeDecodeError:
                raise XlgoalsInputError(
                    "文件以 UTF-16 标记开头，但内容不是有效的 UTF-16 文本，请另存为 UTF-8 后重试。", file=file
                ) from None
    head = data[:8192]
    if b"\x00" in head or sum(b in _CONTROL for b in head) > len(head) // 100 + 2:
        raise XlgoalsInputError("这不是文本文件（含二进制内容），无法按公开文本读取。", file=file)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise XlgoalsInputError(
            "文本编码无法识别（既不是 UTF-8 也不是 GB18030/GBK），请另存为 UTF-8 后重试。",
            file=file,
            line=line,
        ) from None


def read_text(path: Path, limit: int = limits.MAX_TEXT_BYTES, what: str = "公开文本") -> tuple[str, str]:
    """The decoded text of a regular file no bigger than ``limit``."""
    return decode_text(open_regular(path, limit, what), str(path))
