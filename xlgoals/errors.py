"""The one error type users see: a Chinese message that names the file (and line or cell)."""

from __future__ import annotations


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
        self.file = file
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
