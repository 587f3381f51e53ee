"""A zip package written in one pass, each member either compressed anew or copied as it was compressed
in another package (``Copied``): an annotated copy changes a few parts of a workbook, and inflating and
deflating the others again was a fifth of writing it.

Written as ``zipfile`` writes a package to memory (the same headers, no data descriptors), so what it
compresses anew comes out byte for byte as ``zipfile.ZipFile.writestr`` would write it. No ZIP64: a
package past its limits (65 535 members, 4 GiB) raises ``TooLarge``; the inputs xlgoals accepts stay far
below them (``xlgoals.limits``).
"""

from __future__ import annotations

import struct
import sys
import zlib
from dataclasses import dataclass
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipInfo

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # structCentralDir
_END = struct.Struct("<4s4H2LH")  # structEndArchive
_VERSION = 20  # zipfile's DEFAULT_VERSION: deflate
_SYSTEM = 0 if sys.platform == "win32" else 3  # what zipfile.ZipInfo records as the creating system
_UTF8_NAME = 0x800
_ENCRYPTED = 0x1
_MAX = 0xFFFFFFFF


class TooLarge(Exception):
    """The package would need ZIP64 (more members or bytes than a plain zip holds)."""


@dataclass(frozen=True)
class Copied:
    """A member's bytes as compressed in its package, with what its central directory says of them."""

    data: bytes
    method: int
    crc: int
    size: int


def copied(package: bytes, info: ZipInfo) -> Copied | None:
    """Member ``info`` of the zip ``package`` as it is stored there, or None where it cannot be copied
    as it is (encrypted, compressed other than by deflate, ZIP64, or a local header that disagrees).
    Its CRC is not checked here: the package was inspected before it was read (``container``)."""
    if info.flag_bits & _ENCRYPTED or info.compress_type not in (ZIP_STORED, ZIP_DEFLATED):
        return None
    if max(info.compress_size, info.file_size, info.header_offset) >= _MAX:
        return None
    at = info.header_offset
    if at + _LOCAL.size > len(package):
        return None
    head = _LOCAL.unpack_from(package, at)
    if head[0] != b"PK\x03\x04" or head[4] != info.compress_type:
        return None
    start = at + _LOCAL.size + head[10] + head[11]
    data = package[start : start + info.compress_size]
    if len(data) != info.compress_size:
        return None
    return Copied(data, info.compress_type, info.CRC, info.file_size)


class ZipOut:
    """Members added in order; ``getvalue`` gives the whole package."""

    def __init__(self, level: int = 1) -> None:
        self.level = level
        self._out: list[bytes] = []
        self._central: list[bytes] = []
        self._offset = 0

    def add(self, name: str, date_time: tuple[int, ...], external_attr: int, content: bytes | Copied) -> None:
        """Member ``name``: ``content`` compressed anew, or copied as it was compressed."""
        if isinstance(content, Copied):
            data, method, crc, size = content.data, content.method, content.crc, content.size
        else:
            compressor = zlib.compressobj(self.level, zlib.DEFLATED, -15)
            data = compressor.compress(content) + compressor.flush()
            method, crc, size = ZIP_DEFLATED, zlib.crc32(content), len(content)
        if max(len(data), size, self._offset) >= _MAX or len(self._central) >= 0xFFFF:
            raise TooLarge(name)
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        y, mo, d, h, mi, s = date_time[:6]
        dosdate = (y - 1980) << 9 | mo << 5 | d
        dostime = h << 11 | mi << 5 | (s // 2)
        attr = external_attr or 0o600 << 16  # as zipfile writes a member without attributes: ?rw-------
        common = (flags, method, dostime, dosdate, crc, len(data), size, len(encoded))
        head = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *common, 0)
        self._central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                _VERSION,
                _SYSTEM,
                _VERSION,
                0,
                *common,
                0,
                0,
                0,
                0,
                attr,
                self._offset,
            )
            + encoded
        )
        self._out += [head, encoded, data]
        self._offset += len(head) + len(encoded) + len(data)

    def getvalue(self) -> bytes:
        central = b"".join(self._central)
        if self._offset + len(central) >= _MAX:
            raise TooLarge("central directory")
        count = len(self._central)
        end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(central), self._offset, 0)
        return b"".join([*self._out, central, end])
