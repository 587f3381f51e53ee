"""The VBA project of the macro-enabled template, built on Linux (docs/tooling.md, "option B").

A development tool: ``./dev vba`` runs it and writes ``xlgoals/template/vba/vbaProject.bin``, which
the template builder embeds and a test compares with a fresh build (it needs the dev extras ms-cfb
and olefile; users of ``xlgoals template`` need neither).


Start from the vbaProject.bin inside the pinned xlwings wheel (quickstart_standalone.xlsm: the whole
xlwings VBA module, produced by xlwings' own build) and replace only Module1's source with ours
(``vba/Module1.bas``): compress it (``ovba.compress``), set Module1's MODULEOFFSET to 0 in the dir
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

import olefile
import xlwings
from ms_cfb.Models.Directories.root_directory import RootDirectory
from ms_cfb.Models.Directories.storage_directory import StorageDirectory
from ms_cfb.Models.Directories.stream_directory import StreamDirectory
from ms_cfb.ole_file import OleFile
from ms_dtyp.filetime import Filetime

from xlgoals.template.ovba import compress
from xlgoals.template.udf_vba import generate_udf_wrappers

VBA_DIR = Path(__file__).resolve().parent / "vba"

MODULE_OFFSET = 0x0031
MODULE_NAME = 0x0019


def standalone_bin() -> bytes:
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
    text = (VBA_DIR / "Module1.bas").read_text(encoding="ascii")
    wrappers = VBA_DIR / "udf_wrappers.bas"
    if wrappers.exists():
        text = text.rstrip("\n") + "\n\n" + wrappers.read_text(encoding="ascii")
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def build_vba_project(source: str | None = None) -> bytes:
    src = (source if source is not None else module_source()).encode("ascii")
    ole = olefile.OleFileIO(io.BytesIO(standalone_bin()))
    streams = {
        "/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir(streams=True, storages=False)
    }
    streams["VBA/dir"] = compress(zero_module_offset(decompress(streams["VBA/dir"]), "Module1"))
    streams["VBA/Module1"] = compress(src)
    if decompress(streams["VBA/Module1"]) != src:  # a raw final chunk would append NULs to the source
        raise ValueError("Module1 does not survive MS-OVBA compression exactly; change its text")
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


def main() -> None:
    """``./dev vba``: regenerate the worksheet functions' VBA wrappers, then vba/vbaProject.bin."""
    wrappers = VBA_DIR / "udf_wrappers.bas"
    wrappers.write_text(generate_udf_wrappers(), encoding="ascii")
    target = VBA_DIR / "vbaProject.bin"
    target.write_bytes(build_vba_project())
    print(f"wrote {wrappers} and {target}")


if __name__ == "__main__":
    main()
