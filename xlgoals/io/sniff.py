"""Recognise what a file really is before a spreadsheet library sees it, so every kind of bad
input (not a workbook, corrupt zip, password, old .xls, Excel lock file) gets one Chinese sentence."""

from __future__ import annotations

import zipfile
from pathlib import Path

from xlgoals.errors import XlgoalsInputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def check_workbook(path: Path) -> None:
    """Raise XlgoalsInputError unless ``path`` looks like a readable .xlsx/.xlsm package."""
    file = str(path)
    if path.name.startswith("~$"):
        raise XlgoalsInputError(
            "这是 Excel 打开文件时生成的临时锁定文件（~$开头），不是工作簿，已跳过。", file=file
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            size = path.stat().st_size
    except OSError as exc:
        raise XlgoalsInputError(f"无法读取文件：{exc.strerror or exc}", file=file) from None
    if size == 0:
        raise XlgoalsInputError("文件为空（0 字节），不是有效的工作簿。", file=file)
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()
        if ENCRYPTION_INFO in data:
            raise XlgoalsInputError(
                "工作簿设置了打开密码，无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后重试。",
                file=file,
            )
        raise XlgoalsInputError(
            "这是旧版 Excel 97-2003 工作簿（.xls）。请在 Excel 或 WPS 中另存为 .xlsx 后重试。", file=file
        )
    if not head.startswith(ZIP_MAGIC):
        raise XlgoalsInputError(
            "不是 Excel 工作簿（.xlsx/.xlsm）：文件内容不是 Office Open XML 格式。", file=file
        )
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())  # a truncated file fails here; a corrupt member fails in the reader
    except (zipfile.BadZipFile, OSError, EOFError):
        raise XlgoalsInputError(
            "工作簿已损坏或不完整（无法解压），请重新保存或重新获取该文件。", file=file
        ) from None
    if "xl/workbook.xml" not in names:
        raise XlgoalsInputError(
            "不是 Excel 工作簿：压缩包中没有 xl/workbook.xml（可能是 Word 或其他文件改了扩展名）。", file=file
        )
