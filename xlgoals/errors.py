"""The one error type users see: a Chinese message that names the file (and line or cell)."""

from __future__ import annotations

from xlgoals.safetext import printable


class XlgoalsInputError(Exception):
    """Input that cannot be read. ``str()`` is the Chinese message shown to the user."""

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.message = message
        self.file = printable(file)  # a file name that was not valid UTF-8 must still print
        self.line = line
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.__str__())

    @property
    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”" + (f"单元格{self.cell}" if self.cell else ""))
        return "，".join(parts)

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


class NotATableError(XlgoalsInputError):
    """A readable file that holds no 绩效目标表 (a notice, some other spreadsheet). Named on the
    command line it is refused; met in a folder it is skipped."""


class UnloadableWorkbook(XlgoalsInputError):
    """openpyxl cannot load a workbook the checking readers could read."""
