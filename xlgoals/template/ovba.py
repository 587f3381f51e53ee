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
    """One chunk's tokens: at each position the longest earlier match (the nearest among equals), found
    through the positions of each 3-byte prefix — the result of trying every earlier position, without
    the quadratic search on data that does not repeat."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix → its positions in this chunk, in order
    indexed = start  # positions before this one are in ``seen``

    def remember(upto: int) -> None:
        nonlocal indexed
        while indexed < upto:
            if indexed + 3 <= end:
                seen.setdefault(data[indexed : indexed + 3], []).append(indexed)
            indexed += 1

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
            remember(pos)
            for candidate in reversed(seen.get(data[pos : pos + 3], ())) if limit >= 3 else ():
                length = 3
                while length < limit and data[candidate + length] == data[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_off = length, pos - candidate
                    if length == limit:
                        break
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
    """The MS-OVBA CompressedContainer of ``data``. A chunk whose compressed form would not fit (more
    than 4096 bytes: incompressible data) is stored raw, as §2.4.1.3.13 prescribes — a final partial
    chunk then padded with 0x00 to 4096 bytes, which a decompressor returns too (callers that need the
    exact length, such as the VBA source, check the round trip)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK) if data else []:
        end = min(start + CHUNK, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) > CHUNK:  # does not fit the 12-bit size field: a raw chunk (exactly 4096 bytes)
            out += struct.pack("<H", (CHUNK - 1) | 0x3000)
            out += data[start:end].ljust(CHUNK, b"\x00")
        else:
            out += struct.pack("<H", ((len(body) + 2 - 3) & 0x0FFF) | 0x3000 | 0x8000)
            out += body
    return bytes(out)
