"""What a file really is, found out before any parser sees it, so every kind of bad input gets one
Chinese sentence instead of a crash: not a regular file, too big, not a workbook, an old .xls or
WPS .et, a password, a lock file, a damaged package (a member whose CRC does not match, a missing
[Content_Types].xml), a zip bomb, XML carrying a DTD (entity expansion, external entities).

For a workbook it also measures how far each sheet's cells really reach, so the caller can choose a
reader that survives a single far cell (see ``limits.MAX_FAST_AREA``).
"""

from __future__ import annotations

import html
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from xlgoals import limits
from xlgoals.errors import XlgoalsInputError
from xlgoals.oserrors import describe

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
WORD_STREAM = "WordDocument".encode("utf-16-le")  # the main stream of a Word 97-2003 .doc (and WPS 文字 .wps)
POWERPOINT_STREAM = "PowerPoint Document".encode("utf-16-le")
WORD_FILE = ("这是 Word 97-2003 文档（.doc），不是工作簿。公开文件请在 Word 或 WPS 中“另存为” .docx 后上传；"
             "绩效目标表请上传 Excel 工作簿（.xlsx）。")  # fmt: skip
_DTD = re.compile(
    rb"<!(?:DOCTYPE|ENTITY)|<\x00!\x00[DdEe]\x00|\x00<\x00!\x00[DdEe]", re.IGNORECASE
)  # UTF-8 or -16
_MARKUP_DECLARATION = re.compile(rb"<\x00?!")  # where _DTD can match: "<!" in UTF-8 or -16
# A cell's reference wherever the writer put it: after other attributes, in single quotes, with a
# namespace prefix (<x:c s="0" r='XFD1048576'>) — a reader allocates the span it reaches. A row's own
# number counts too (a cell without r sits in its row). Any attribute whose name ends in r and whose
# value looks like a reference is taken (a superset of the c and row elements' r: reading more than
# those only errs on the side of the reader that survives a far cell); led by a literal "r", which
# the regex engine searches for quickly (matching every "<" against the element names cost twice as
# much). Letters and digits give a cell (groups 1 and 2), digits alone a row.
_REACH = re.compile(rb"""r\s*=\s*["']\$?([A-Za-z]{0,3})\$?([0-9]{1,7})["']""")
# A formula cell saved without its value (written by a program, never opened and saved in a
# spreadsheet): <c r="C4"><f>1400+1400</f></c>. Short formulas only — what a clerk types in an input cell.
# Possessive repeats ({m,n}+, *+): none can give back a character the next token could match, so they only
# spare the engine from backing through a long formula character by character to find no "</f>".
_UNCACHED = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]{0,200}+>\s*+<f[^>]{0,200}+>[^<]{0,2000}+</f>\s*+(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(
    rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"'
)
_OVERLAP = 4096  # bytes carried from one chunk to the next, so a cell split between them is seen
_CHUNK = 1 << 20
LOCK_PREFIXES = ("~$", ".~lock.")


def is_lock_file(path: Path) -> bool:
    """An Excel/WPS (~$name) or LibreOffice (.~lock.name#) lock file, not a document."""
    return path.name.startswith(LOCK_PREFIXES)


def _unreadable(path: Path, exc: OSError) -> XlgoalsInputError:
    return XlgoalsInputError(f"无法读取文件：{describe(exc)}。", file=str(path))


def open_regular(path: Path, limit: int, what: str) -> bytes:
    """The whole content of a regular file no bigger than ``limit`` bytes."""
    check_regular(path, limit, what)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def check_regular(path: Path, limit: int, what: str) -> int:
    """Refuse anything but a regular file of at most ``limit`` bytes; return its size."""
    try:
        st = path.stat()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise XlgoalsInputError("这是一个文件夹，不是文件。", file=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise XlgoalsInputError("不是普通文件（可能是管道或设备），无法读取。", file=str(path))
    if st.st_size > limit:
        raise XlgoalsInputError(
            f"文件过大（{st.st_size / limits.MB:.1f} MB），{what}的上限是 {limit // limits.MB} MB。"
            "请确认选对了文件，或把内容拆分成几个文件。",
            file=str(path),
        )
    return st.st_size


@dataclass
class Package:
    """What inspecting a zip package found."""

    names: set[str] = field(default_factory=set)
    # worksheet part name → (last row, last column) its cells reach
    extents: dict[str, tuple[int, int]] = field(default_factory=dict)
    # worksheet part name → (row, column) of formula cells saved without their value
    uncached: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    heads: dict[str, bytes] = field(default_factory=dict)  # workbook.xml and its rels, for sheet names

    def uncached_of(self) -> dict[str, frozenset[tuple[int, int]]]:
        """Sheet name → its formula cells without a value (where the package names its sheets)."""
        book, rels = self.heads.get("xl/workbook.xml", b""), self.heads.get("xl/_rels/workbook.xml.rels", b"")
        targets = {}
        for m in _REL.finditer(rels):
            rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            part = target.decode("utf-8", "replace").lstrip("/")
            targets[rid.decode("utf-8", "replace")] = part if part.startswith("xl/") else "xl/" + part
        out = {}
        for m in _SHEET.finditer(book):
            name = html.unescape(m.group(1).decode("utf-8", "replace"))
            cells = self.uncached.get(targets.get(m.group(2).decode("utf-8", "replace"), ""))
            if cells:
                out[name] = frozenset(cells)
        return out

    @property
    def largest_area(self) -> int:
        return max((r * c for r, c in self.extents.values()), default=0)


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def inspect_package(path: Path, kind: str) -> Package:
    """Open the zip, read every member within the inflate limits (which also checks each CRC), refuse
    DTDs, and measure the worksheets. ``kind`` names the document in messages ("工作簿")."""
    file = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise XlgoalsInputError(
            f"{kind}已损坏或不完整（无法解压），请重新保存或重新获取该文件。", file=file
        ) from None
    package = Package()
    total = 0
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.MAX_MEMBERS:
            raise XlgoalsInputError(f"{kind}中的部件过多（{len(infos)} 个），不像正常的文件。", file=file)
        for info in infos:
            package.names.add(info.filename)
            total += _read_member(zf, info, package, kind, file, limits.MAX_TOTAL_INFLATED - total)
    return package


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, package: Package, kind: str, file: str, budget: int
) -> int:
    """Stream one member through its checks; return its inflated size."""
    size = 0
    head = b""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    rows = cols = 0
    tail = b""
    dtd = False
    uncached: set[tuple[int, int]] = set()
    limit = min(limits.MAX_MEMBER_INFLATED, budget)

    def too_big() -> XlgoalsInputError:
        return XlgoalsInputError(
            f"{kind}解压后过大（部件 {info.filename} 超过 {limits.MAX_MEMBER_INFLATED // limits.MB} MB），"
            "可能是恶意构造的压缩炸弹，已拒绝读取。",
            file=file,
        )

    if info.file_size > limit:
        raise too_big()  # as declared: no need to inflate 200 MB to find out (a lying size is streamed)
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_big()
                # A match across two chunks is seen in the tail carried over; a member of one chunk
                # (nearly all) is searched without copying it.
                seen = tail + chunk if tail else chunk
                if is_xml and len(head) < 65536:
                    head += chunk[: 65536 - len(head)]
                # anywhere in the part: after a long comment too; "!" alone is found at memchr speed
                if is_xml and not dtd and b"!" in seen and _MARKUP_DECLARATION.search(seen):
                    dtd = _DTD.search(seen) is not None
                if is_sheet:
                    # a match inside the tail is seen twice: harmless for a maximum and a set
                    found = _REACH.findall(seen)
                    if found:  # distinct letters and numbers only: a sheet repeats them in every cell
                        letters = {c for c, _ in found if c}
                        if letters:
                            cols = max(cols, max(_column(c.upper()) for c in letters))
                        rows = max(rows, max(map(int, {r for _, r in found})))
                    for m in _UNCACHED.finditer(seen):
                        uncached.add((int(m.group(2)), _column(m.group(1))))
                tail = chunk[-_OVERLAP:]
    except XlgoalsInputError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise XlgoalsInputError(
            f"{kind}已损坏（部件 {info.filename} 无法解压或校验不符），请重新保存或重新获取该文件。",
            file=file,
        ) from None
    if dtd:
        raise XlgoalsInputError(
            f"{kind}含有不安全的 XML 声明（部件 {info.filename} 中有 DTD/实体定义），已拒绝读取。"
            "正常的 Office 文件没有这种内容；请用 Excel/WPS/Word 重新保存后再试。",
            file=file,
        )
    if is_sheet:
        package.extents[info.filename] = (rows, cols)
        if uncached:
            package.uncached[info.filename] = uncached
    if info.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        package.heads[info.filename] = head
    return size


def inspect_workbook(path: Path) -> Package:
    """Raise XlgoalsInputError unless ``path`` is a readable, safe .xlsx/.xlsm package."""
    file = str(path)
    if is_lock_file(path):
        raise XlgoalsInputError(
            "这是 Excel/WPS 打开文件时生成的临时锁定文件（~$开头），不是工作簿。", file=file
        )
    check_regular(path, limits.MAX_WORKBOOK_BYTES, "工作簿")
    head = _head(path)
    if not head:
        raise XlgoalsInputError("文件为空（0 字节），不是有效的工作簿。", file=file)
    if head.startswith(OLE_MAGIC):
        _explain_ole(path)
    if not head.startswith(ZIP_MAGIC):
        raise XlgoalsInputError(
            "不是 Excel 工作簿（.xlsx/.xlsm）：文件内容不是 Office Open XML 格式。", file=file
        )
    package = inspect_package(path, "工作簿")
    if "xl/workbook.xml" not in package.names and "word/document.xml" in package.names:
        raise XlgoalsInputError(
            "这是 Word 文档（.docx），不是工作簿：如果它是公开文件，请把扩展名改回 .docx 后上传。", file=file
        )
    if "xl/workbook.xml" not in package.names:
        raise XlgoalsInputError(
            "不是 Excel 工作簿：压缩包中没有 xl/workbook.xml（可能是 Word 或其他文件改了扩展名）。", file=file
        )
    if "[Content_Types].xml" not in package.names:
        raise XlgoalsInputError(
            "工作簿已损坏：缺少 [Content_Types].xml，Excel 也无法打开它。请重新保存或重新获取该文件。",
            file=file,
        )
    return package


def is_ole(path: Path) -> bool:
    """An OLE compound file (an old .xls or .doc, an encrypted .xlsx …); False when unreadable (the
    reader then says why)."""
    try:
        return _head(path).startswith(OLE_MAGIC)
    except XlgoalsInputError:
        return False


def _head(path: Path) -> bytes:
    """The first bytes of a file (its magic number)."""
    try:
        with path.open("rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise _unreadable(path, exc) from None


def damaged_workbook(path: Path, exc: Exception, *, opening: bool) -> XlgoalsInputError:
    """What a workbook reader says when the library fails on a package that passed inspection."""
    what = "无法打开" if opening else "内容无法读取"
    return XlgoalsInputError(
        f"工作簿{what}（{type(exc).__name__}），文件可能已损坏：请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
        file=str(path),
    )


def inspect_other_workbook(path: Path) -> None:
    """Raise XlgoalsInputError unless ``path`` is a spreadsheet python-calamine may read: an old Excel
    workbook (.xls, an OLE file without a password), or a zip package (.xlsb, .ods) that passes the
    same inflate and DTD checks as an .xlsx."""
    file = str(path)
    if is_lock_file(path):
        raise XlgoalsInputError("这是 Excel/WPS 打开文件时生成的临时锁定文件，不是工作簿。", file=file)
    check_regular(path, limits.MAX_WORKBOOK_BYTES, "工作簿")
    head = _head(path)
    if not head:
        raise XlgoalsInputError("文件为空（0 字节），不是有效的工作簿。", file=file)
    if head.startswith(OLE_MAGIC):
        _explain_ole(path, old_excel_readable=True)
    elif head.startswith(ZIP_MAGIC):
        inspect_package(path, "工作簿")
    else:
        raise XlgoalsInputError(
            "不是工作簿：文件内容既不是 Excel（.xls/.xlsx/.xlsb）也不是 OpenDocument 表格（.ods）。",
            file=file,
        )


def _explain_ole(path: Path, old_excel_readable: bool = False) -> None:
    """An OLE compound file: a password-protected workbook, an old .xls, or a WPS .et (returns for an
    old Excel workbook when ``old_excel_readable``: the caller reads it)."""
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if ENCRYPTION_INFO in data:
        raise XlgoalsInputError(
            "工作簿设置了打开密码，无法读取。请在 Excel 或 WPS 中取消密码（文件→信息→保护工作簿）后重试。",
            file=file,
        )
    if WORD_STREAM in data:  # any OLE file was once called an old .xls: a .doc renamed .xlsx included
        raise XlgoalsInputError(WORD_FILE, file=file)
    if POWERPOINT_STREAM in data:
        raise XlgoalsInputError(
            "这是 PowerPoint 演示文稿，不是工作簿：请上传绩效目标表工作簿（.xlsx）。", file=file
        )
    if old_excel_readable:
        return
    if path.suffix.lower() == ".et":
        raise XlgoalsInputError("这是 WPS 表格格式（.et）。请在 WPS 中“另存为” .xlsx 后重试。", file=file)
    raise XlgoalsInputError(
        "这是旧版 Excel 97-2003 工作簿（.xls）。请在 Excel 或 WPS 中另存为 .xlsx 后重试。", file=file
    )


def inspect_docx(path: Path) -> None:
    """Raise XlgoalsInputError unless ``path`` is a readable, safe .docx package."""
    file = str(path)
    check_regular(path, limits.MAX_DOCX_BYTES, "Word 文件")
    if not _head(path).startswith(ZIP_MAGIC):
        raise XlgoalsInputError("不是 Word 文档（.docx）：文件内容不是 Office Open XML 格式。", file=file)
    package = inspect_package(path, "Word 文档")
    if "word/document.xml" not in package.names:
        raise XlgoalsInputError("不是 Word 文档：压缩包中没有 word/document.xml。", file=file)
