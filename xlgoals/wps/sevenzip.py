"""A 7z archive of a few small files, stored without compression — the form WPS installs an offline
add-in from (``wpsjs build`` packs ``NAME_VERSION/`` into ``NAME.7z``; docs/服务.md §9).

The 7z format (7-Zip's 7zFormat.txt): a signature header pointing at the header, the files' bytes
one after another as one stream of the "Copy" coder, then the header — pack info, the folder and its
coder, the sizes and CRC32 of each file, and the names (folders as empty streams). Reproducible: no
times are written.
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"7z\xbc\xaf\x27\x1c\x00\x04"
K_END, K_HEADER, K_MAIN_STREAMS_INFO, K_FILES_INFO = 0x00, 0x01, 0x04, 0x05
K_PACK_INFO, K_UNPACK_INFO, K_SUBSTREAMS_INFO, K_SIZE, K_CRC = 0x06, 0x07, 0x08, 0x09, 0x0A
K_FOLDER, K_CODERS_UNPACK_SIZE, K_NUM_UNPACK_STREAM = 0x0B, 0x0C, 0x0D
K_EMPTY_STREAM, K_EMPTY_FILE, K_NAME, K_ATTRIBUTES = 0x0E, 0x0F, 0x11, 0x15
DIRECTORY, ARCHIVE = 0x10, 0x20  # Windows file attributes
COPY_CODER = b"\x00"


def _number(value: int) -> bytes:
    """7z's variable-length number: the leading one-bits of the first byte count the bytes after it."""
    for extra in range(9):
        if extra == 8 or value < 1 << (7 * (extra + 1)):
            high = value >> (8 * extra) if extra < 8 else 0
            first = ((0xFF << (8 - extra)) & 0xFF) | high
            return bytes([first]) + (value & ((1 << (8 * extra)) - 1)).to_bytes(extra, "little")
    raise ValueError(value)  # pragma: no cover


def _bits(flags: list[bool]) -> bytes:
    out = bytearray((len(flags) + 7) // 8)
    for k, flag in enumerate(flags):
        if flag:
            out[k // 8] |= 0x80 >> (k % 8)
    return bytes(out)


def build(files: dict[str, bytes]) -> bytes:
    """The archive of ``files`` (archive path → bytes; "/" separates folders), in name order, with an
    entry for every folder."""
    folders = sorted({"/".join(p.split("/")[:k]) for p in files for k in range(1, p.count("/") + 1)})
    entries = sorted(
        [(f, None) for f in folders] + [(p, data) for p, data in files.items()], key=lambda e: e[0]
    )
    streams = [data for _, data in entries if data]  # an empty file is an empty stream, as a folder is
    packed = b"".join(streams)
    header = bytearray([K_HEADER, K_MAIN_STREAMS_INFO])
    header += (
        bytes([K_PACK_INFO])
        + _number(0)
        + _number(1)
        + bytes([K_SIZE])
        + _number(len(packed))
        + bytes([K_END])
    )
    header += bytes([K_UNPACK_INFO, K_FOLDER]) + _number(1) + b"\x00"  # one folder, not external
    header += _number(1) + bytes([len(COPY_CODER)]) + COPY_CODER  # one coder: Copy (a simple one)
    header += bytes([K_CODERS_UNPACK_SIZE]) + _number(len(packed)) + bytes([K_END])
    header += bytes([K_SUBSTREAMS_INFO, K_NUM_UNPACK_STREAM]) + _number(len(streams))
    if len(streams) > 1:
        header += bytes([K_SIZE]) + b"".join(_number(len(s)) for s in streams[:-1])
    header += bytes([K_CRC, 1]) + b"".join(struct.pack("<I", zlib.crc32(s)) for s in streams)
    header += bytes([K_END, K_END])  # substreams, main streams
    header += bytes([K_FILES_INFO]) + _number(len(entries))
    empty = [not data for _, data in entries]
    if any(empty):
        bits = _bits(empty)
        header += bytes([K_EMPTY_STREAM]) + _number(len(bits)) + bits
        empty_files = [data is not None and not data for _, data in entries if not data]
        if any(empty_files):
            more = _bits(empty_files)
            header += bytes([K_EMPTY_FILE]) + _number(len(more)) + more
    names = b"\x00" + b"".join(name.encode("utf-16-le") + b"\x00\x00" for name, _ in entries)
    header += bytes([K_NAME]) + _number(len(names)) + names
    attributes = b"\x01\x00" + b"".join(
        struct.pack("<I", ARCHIVE if data is not None else DIRECTORY) for _, data in entries
    )
    header += bytes([K_ATTRIBUTES]) + _number(len(attributes)) + attributes  # all defined, not external
    header += bytes([K_END, K_END])  # files info, header
    start = struct.pack("<QQI", len(packed), len(header), zlib.crc32(bytes(header)))
    return SIGNATURE + struct.pack("<I", zlib.crc32(start)) + start + packed + bytes(header)
