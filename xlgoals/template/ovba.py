"""MS-OVBA compression (the VBA project's source and dir streams), written from [MS-OVBA] §2.4.1.3.

The PyPI implementation corrupts inputs above ~600 bytes (docs/tooling.md), so xlgoals has its own;
tests check it against oletools' independent decompressor.
"""

from __future__ import annotations

import struct

CHUNK = 4096


def _copy_token_help(difference: int) -> tuple[int, int]:
    """(bit count of the offset, maximum length) at ``difference`` bytes into the chunk."""
    bit_count = max((difference - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    out = bytearray()
    pos = start
    while pos < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            bit_count, max_len = _copy_token_help(pos - start)
            best_len, best_off = 0, 0
            limit = min(max_len, end - pos)
            candidate = pos - 1
            while candidate >= start:
                length = 0
                while length < limit and data[candidate + length] == data[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_off = length, pos - candidate
                    if length == limit:
                        break
                candidate -= 1
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                pos += best_len
            else:
                out.append(data[pos])
                pos += 1
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK) if data else []:
        end = min(start + CHUNK, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) > CHUNK - 2 and end - start == CHUNK:
            out += struct.pack("<H", (CHUNK - 1) | 0x3000)  # an uncompressed chunk: exactly 4096 raw bytes
            out += data[start:end]
        else:
            out += struct.pack("<H", ((len(body) + 2 - 3) & 0x0FFF) | 0x3000 | 0x8000)
            out += body
    return bytes(out)
