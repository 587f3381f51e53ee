"""Our MS-OVBA compressor against oletools' independent decompressor."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xlgoals.template.ovba import CHUNK, compress

XLWINGS_BAS = Path(xlwings.__file__).parent / "xlwings.bas"


def roundtrip(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(compress(data))))


def test_the_whole_xlwings_module_round_trips():
    source = XLWINGS_BAS.read_bytes()
    assert len(source) > 40000
    packed = compress(source)
    assert roundtrip(source) == source
    assert len(packed) < len(source) // 2  # it really compresses
    assert roundtrip(source[:657]) == source[:657]  # the prefix that breaks the PyPI compressor


def test_edges():
    for data in (b"", b"a", b"ab" * 3000, bytes(range(256)) * 40, b"\x00" * 4096, b"\x00" * 4097):
        assert roundtrip(data) == data


def _same_or_padded(data: bytes, back: bytes) -> bool:
    """Exactly ``data``, or — when its last chunk had to be stored raw — ``data`` padded with NULs to a
    whole chunk, as MS-OVBA §2.4.1.3.13 prescribes."""
    if back == data:
        return True
    return back[: len(data)] == data and len(back) % CHUNK == 0 and not back[len(data) :].strip(b"\x00")


def test_three_hundred_random_inputs_round_trip_through_oletools():
    rnd = random.Random(15)
    printable = bytes(range(32, 127))
    padded = 0
    for k in range(300):  # sizes around the 4096-byte chunk, in three kinds of content
        size = rnd.choice((rnd.randint(0, 300), rnd.randint(3600, 4096), rnd.randint(4097, 12_000)))
        if k % 3 == 0:  # incompressible
            data = rnd.randbytes(size)
        elif k % 3 == 1:  # printable noise: what broke the compressor (4000 random printable bytes)
            data = bytes(rnd.choice(printable) for _ in range(size))
        else:  # text-like: compresses
            data = b"".join(
                rnd.choice((b"Sub ", b"End ", b"If ", b"x = 1\r\n", rnd.randbytes(3)))
                for _ in range(size // 4)
            )
        back = roundtrip(data)
        assert _same_or_padded(data, back), (k, size)
        padded += back != data
    assert padded  # the raw-chunk path was exercised


def test_incompressible_final_chunks_are_stored_raw():
    rnd = random.Random(1)
    data = bytes(rnd.choice(range(32, 127)) for _ in range(4000))
    packed = compress(data)
    assert struct.unpack_from("<H", packed, 1)[0] == 0x3FFF  # a raw chunk header: size 4098, flag 0
    assert roundtrip(data) == data.ljust(CHUNK, b"\x00")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=9000))
def test_arbitrary_bytes_round_trip(data):
    assert _same_or_padded(data, roundtrip(data))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet='Sub End If Then RunPython "import xlgoals"\r\n()=.,\'', max_size=6000))
def test_vba_like_text_round_trips(text):
    data = text.encode("ascii")
    assert roundtrip(data) == data
