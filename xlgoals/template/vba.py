"""The VBA project of the macro-enabled template, built on Linux (XLWINGS.md §2, option B).

Start from the vbaProject.bin inside the pinned xlwings wheel (quickstart_standalone.xlsm: the whole
xlwings VBA module, produced by xlwings' own build) and replace only Module1's source with ours
(macros/Module1.bas): compress it (``ovba.compress``), set Module1's MODULEOFFSET to 0 in the dir
stream so no stale p-code is kept (Excel recompiles from source), and rewrite the OLE container.

Why option B and not A (a whole project from source with ms-ovba): the xlwings module, the Dictionary
class it needs on the Mac and the project's structure then come from xlwings' own build of the same
pinned version, and only one small module of ours is new. ms-ovba (option A) randomises its output,
drops class modules, and its own maintainer reports projects Excel does not enable. Limits of B: our
code lives in Module1, and only Sheet1/Sheet2 have document modules (the others get theirs from
Excel) — the manual checklist in docs/使用说明.md covers opening it in real Excel.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zipfile
from pathlib import Path

from xlgoals.errors import XlgoalsInputError
from xlgoals.template.ovba import compress

MACROS = Path(__file__).resolve().parent.parent.parent / "macros"

BUTTONS = (  # (caption, VBA Sub in macros/Module1.bas); the first is also on every project sheet
    ("校验", "XlGoalsValidate"),
    ("汇总", "XlGoalsTotals"),
    ("导出", "XlGoalsExport"),
    ("新增项目", "XlGoalsNewProject"),
)
XLWINGS_CONF = (  # xlwings reads A1 down to the first blank row of a sheet named "xlwings.conf"
    (
        "Interpreter_Win",
        r"C:\xlgoals\venv\Scripts\pythonw.exe",
        "Windows 上 Python 的位置（见 docs/使用说明.md）",
    ),
    ("Interpreter_Mac", "", "Mac 上 Python 的位置，如 /Users/用户名/xlgoals/venv/bin/python"),
    ("UDF Modules", "xlgoals.excel.udfs", "工作表函数所在的模块"),
    ("Use UDF Server", "True", "工作表函数使用常驻的 Python 进程（更快）"),
    ("Show Console", "False", "排查问题时改为 True"),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "False", "不要把工作簿所在文件夹加入 Python 路径（文件名可以是中文）"),
)
MODULE_OFFSET = 0x0031
MODULE_NAME = 0x0019


def standalone_bin() -> bytes:
    import xlwings

    xlsm = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(xlsm) as zf:
        return zf.read("xl/vbaProject.bin")


def decompress(data: bytes) -> bytes:
    """[MS-OVBA] §2.4.1.3.1 — the inverse of ``ovba.compress``."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        end = min(pos + size, len(data))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += data[pos : pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", data, pos)[0]
                    pos += 2
                    difference = len(out) - chunk_start
                    bit_count = max((difference - 1).bit_length(), 4)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[pos])
                    pos += 1
    return bytes(out)


def zero_module_offset(dir_stream: bytes, module: str) -> bytes:
    """The decompressed dir stream with ``module``'s MODULEOFFSET set to 0."""
    data = bytearray(dir_stream)
    pos = 0
    current = None
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == 0x0009:  # PROJECTVERSION: its size field is a constant 4 but the record is 12 bytes
            pos += 12
            continue
        payload = pos + 6
        if rid == MODULE_NAME:
            current = bytes(data[payload : payload + size]).decode("latin-1")
        elif rid == MODULE_OFFSET and current == module:
            struct.pack_into("<I", data, payload, 0)
            return bytes(data)
        pos = payload + size
    raise ValueError(f"module {module} not found in the dir stream")


def module_source() -> str:
    """Module1 as it goes into the project: our button Subs, then the pre-generated UDF wrappers."""
    text = (MACROS / "Module1.bas").read_text(encoding="ascii")
    wrappers = MACROS / "udf_wrappers.bas"
    if wrappers.exists():
        text = text.rstrip("\n") + "\n\n" + wrappers.read_text(encoding="ascii")
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def build_vba_project(source: str | None = None) -> bytes:
    try:
        import olefile
        from ms_cfb.Models.Directories.root_directory import RootDirectory
        from ms_cfb.Models.Directories.storage_directory import StorageDirectory
        from ms_cfb.Models.Directories.stream_directory import StreamDirectory
        from ms_cfb.ole_file import OleFile
        from ms_dtyp.filetime import Filetime
    except ImportError:
        raise XlgoalsInputError(
            "生成启用宏的模板需要 ms-cfb 与 olefile（pip install -e '.[dev]'）。"
        ) from None
    src = (source if source is not None else module_source()).encode("ascii")
    ole = olefile.OleFileIO(io.BytesIO(standalone_bin()))
    streams = {
        "/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir(streams=True, storages=False)
    }
    streams["VBA/dir"] = compress(zero_module_offset(decompress(streams["VBA/dir"]), "Module1"))
    streams["VBA/Module1"] = compress(src)
    fixed = Filetime(2024, 1, 1)
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # ms_cfb writes scratch files into the working directory
        try:
            root = RootDirectory()
            vba = StorageDirectory("VBA")
            for name in sorted(streams):
                path = Path(tmp) / name.replace("/", "__")
                path.write_bytes(streams[name])
                if name.startswith("VBA/"):
                    vba.add_directory(StreamDirectory(name[4:], str(path)))
                else:
                    root.add_directory(StreamDirectory(name, str(path)))
            vba.set_modified(fixed)
            root.add_directory(vba)
            root.set_modified(fixed)
            out = OleFile()
            out.root_directory = root
            target = Path(tmp) / "vbaProject.bin"
            out.create_file(str(target))
            return target.read_bytes()
        finally:
            os.chdir(cwd)
