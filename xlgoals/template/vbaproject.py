"""The VBA project of the macro-enabled template, built on Linux (docs/tooling.md, "option B").

A development tool: ``./dev vba`` runs it and writes ``macros/excel/vbaProject.bin``, which
the template builder embeds and a test compares with a fresh build (it needs the dev extra olefile;
users of ``xlgoals template`` need nothing).


Start from the vbaProject.bin inside the pinned xlwings wheel (quickstart_standalone.xlsm: the whole
xlwings VBA module, produced by xlwings' own build) and replace only Module1's source with ours
(``macros/excel/Module1.bas``): compress it (``ovba.compress``), set Module1's MODULEOFFSET to 0 in the dir
stream so no stale p-code is kept (Excel recompiles from source), and rewrite the OLE container
(``cfb``, our own writer). Added beside it: our client of an xlgoals service (``macros/excel/``
XgClient, XgHost, XgStrings), so the buttons can call a service instead of a local Python; each module
is a copy of the dir records of xlwings' own standard module,
renamed, source at offset 0, and _VBA_PROJECT carries no performance cache (version 0xFFFF,
[MS-OVBA] 2.3.4.1), so every module is compiled from its source.

Why option B and not A (a whole project from source with ms-ovba): the xlwings module, the Dictionary
class it needs on the Mac and the project's structure then come from xlwings' own build of the same
pinned version, and only one small module of ours is new. ms-ovba (option A) randomises its output,
drops class modules, and its own maintainer reports projects Excel does not enable. Limits of B: our
code lives in Module1, and only Sheet1/Sheet2 have document modules (the others get theirs from
Excel) — the manual checklist in docs/使用说明.md covers opening it in real Excel.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import olefile
import xlwings

from xlgoals.clientcode import macros
from xlgoals.template import cfb
from xlgoals.template.ovba import compress
from xlgoals.template.udf_vba import generate_udf_wrappers
from xlgoals.template.vba_text import generate_text_module

VBA_DIR = macros("excel")
# Our client of an xlgoals service (the button protocol), beside Module1: the buttons call it when
# the workbook names a service (xlwings.conf: XLGOALS_SERVICE_URL). XgStrings is generated.
CLIENT_MODULES = ("XgClient.bas", "XgHost.bas", "XgStrings.bas")
# [MS-OVBA] 2.3.4.1: a _VBA_PROJECT stream without a performance cache (version 0xFFFF): the VBA
# host compiles every module from its source, so no stale or missing p-code is ever used.
VBA_PROJECT_NO_CACHE = b"\xcc\x61\xff\xff\x00\x00\x00"

MODULE_OFFSET = 0x0031
MODULE_NAME = 0x0019
MODULE_NAME_UNICODE = 0x0047
MODULE_STREAM_NAME = 0x001A
MODULE_STREAM_NAME_UNICODE = 0x0032
MODULE_TERMINATOR = 0x002B
PROJECT_MODULES = 0x000F
DIR_TERMINATOR = 0x0010


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


def _records(dir_stream: bytes) -> list[tuple[int, int, int]]:
    """(id, start, end) of each record of a decompressed dir stream."""
    out = []
    pos = 0
    while pos + 6 <= len(dir_stream):
        rid, size = struct.unpack_from("<HI", dir_stream, pos)
        end = pos + 12 if rid == 0x0009 else pos + 6 + size  # PROJECTVERSION: size says 4, record is 12
        out.append((rid, pos, end))
        pos = end
    return out


def _record(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def add_modules(dir_stream: bytes, modules: list[tuple[str, bool]]) -> bytes:
    """The dir stream with ``modules`` ((name, is_class)) added: each a copy of the records of
    xlwings' own module of its kind (xlwings: standard; Dictionary: class), renamed, source at offset 0."""
    records = _records(dir_stream)
    blocks: dict[str, tuple[int, int]] = {}
    start = None
    name = ""
    for rid, a, b in records:
        if rid == MODULE_NAME:
            start, name = a, dir_stream[a + 6 : b].decode("latin-1")
        elif rid == MODULE_TERMINATOR and start is not None:
            blocks[name] = (start, b)
            start = None
    added = b""
    for module, is_class in modules:
        a, b = blocks["Dictionary" if is_class else "xlwings"]
        for rid, ra, rb in _records(dir_stream[a:b]):
            raw = dir_stream[a:b][ra:rb]
            if rid in (MODULE_NAME, MODULE_STREAM_NAME):
                raw = _record(rid, module.encode("latin-1"))
            elif rid in (MODULE_NAME_UNICODE, MODULE_STREAM_NAME_UNICODE):
                raw = _record(rid, module.encode("utf-16-le"))
            elif rid == MODULE_OFFSET:
                raw = _record(rid, struct.pack("<I", 0))
            added += raw
    out = bytearray(dir_stream)
    (rid, a, _b) = next(r for r in records if r[0] == DIR_TERMINATOR)
    out[a:a] = added
    (_rid, ma, _mb) = next(r for r in records if r[0] == PROJECT_MODULES)
    count = struct.unpack_from("<H", out, ma + 6)[0]
    struct.pack_into("<H", out, ma + 6, count + len(modules))
    return bytes(out)


def add_to_project_streams(
    project: bytes, names_map: bytes, modules: list[tuple[str, bool]]
) -> tuple[bytes, bytes]:
    """PROJECT (``Module=``/``Class=`` lines) and PROJECTwm (MBCS → UTF-16 names) with ``modules`` added."""
    lines = project.split(b"\r\n")
    last = max(i for i, line in enumerate(lines) if line.startswith((b"Module=", b"Class=", b"Document=")))
    new = [(b"Class=" if is_class else b"Module=") + m.encode("latin-1") for m, is_class in modules]
    lines[last + 1 : last + 1] = new
    assert names_map.endswith(b"\x00\x00")
    entries = b"".join(
        m.encode("latin-1") + b"\x00" + m.encode("utf-16-le") + b"\x00\x00" for m, _ in modules
    )
    return b"\r\n".join(lines), names_map[:-2] + entries + b"\x00\x00"


def client_module_source(file: str) -> str:
    """One of our client modules as it goes into the project (CRLF line ends)."""
    text = (VBA_DIR / file).read_text(encoding="ascii").replace("\r\n", "\n")
    return text.replace("\n", "\r\n")


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
    extra = [(Path(f).stem, f.endswith(".cls")) for f in CLIENT_MODULES]
    dir_stream = zero_module_offset(decompress(streams["VBA/dir"]), "Module1")
    streams["VBA/dir"] = compress(add_modules(dir_stream, extra))
    streams["PROJECT"], streams["PROJECTwm"] = add_to_project_streams(
        streams["PROJECT"], streams["PROJECTwm"], extra
    )
    streams["VBA/_VBA_PROJECT"] = VBA_PROJECT_NO_CACHE
    sources = {"Module1": src} | {
        Path(f).stem: client_module_source(f).encode("ascii") for f in CLIENT_MODULES
    }
    for module, text in sources.items():
        streams[f"VBA/{module}"] = compress(text)
        if decompress(streams[f"VBA/{module}"]) != text:  # a raw final chunk would append NULs
            raise ValueError(f"{module} does not survive MS-OVBA compression exactly; change its text")
    tree: dict[str, bytes | dict[str, bytes]] = {k: v for k, v in streams.items() if "/" not in k}
    tree["VBA"] = {k[4:]: v for k, v in sorted(streams.items()) if k.startswith("VBA/")}
    return cfb.write(tree)


def main() -> None:
    """``./dev vba``: regenerate the worksheet functions' VBA wrappers and the client's sentences,
    then macros/excel/vbaProject.bin."""
    wrappers = VBA_DIR / "udf_wrappers.bas"
    wrappers.write_text(generate_udf_wrappers(), encoding="ascii")
    (VBA_DIR / "XgStrings.bas").write_text(generate_text_module(), encoding="ascii")
    target = VBA_DIR / "vbaProject.bin"
    target.write_bytes(build_vba_project())
    print(f"wrote {wrappers} and {target}")


if __name__ == "__main__":
    main()
