"""Our MS-OVBA compressor against oletools' independent decompressor."""

from __future__ import annotations

from pathlib import Path

import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xlgoals.template.ovba import compress

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


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=5000))
def test_arbitrary_bytes_round_trip(data):
    assert roundtrip(data) == data


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet='Sub End If Then RunPython "import xlgoals"\r\n()=.,\'', max_size=6000))
def test_vba_like_text_round_trips(text):
    data = text.encode("ascii")
    assert roundtrip(data) == data
