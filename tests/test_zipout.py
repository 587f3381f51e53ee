"""The zip writer of annotated copies (xlgoals/io/zipout.py): what it compresses comes out as zipfile
writes it, byte for byte; what it copies reads back whole (CRC checked by zipfile); what it cannot copy
as it is, it says so; and it refuses to write a package that would need ZIP64."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from tests.helpers import seed_workbook
from xlgoals.io import zipout
from xlgoals.io.zipout import Copied, TooLarge, ZipOut, copied


def _members(data: bytes) -> list[tuple[str, tuple[int, ...], int, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, i.date_time, i.external_attr, z.read(i)) for i in z.infolist()]


@pytest.fixture(scope="module")
def workbook() -> bytes:
    return seed_workbook("000", macros=True)


def test_what_it_compresses_is_what_zipfile_writes(workbook):
    members = [
        *_members(workbook),
        ("xl/名称.xml", (2026, 12, 7, 22, 30, 15), 0o644 << 16, "<a>表</a>".encode() * 50),  # a UTF-8 name
        ("docProps/custom.xml", (1980, 1, 1, 0, 0, 0), 0, b""),  # no attributes: zipfile gives it ?rw-------
    ]
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED) as z:
        for name, when, attr, data in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, attr
            z.writestr(info, data, compresslevel=1)
    out = ZipOut(level=1)
    for name, when, attr, data in members:
        out.add(name, when, attr, data)
    assert out.getvalue() == expected.getvalue()


def test_what_it_copies_reads_back_whole(workbook):
    stored = io.BytesIO()  # a package with a stored member beside deflated ones, extra fields in headers
    with zipfile.ZipFile(stored, "w") as z:
        for name, when, attr, data in _members(workbook):
            info = zipfile.ZipInfo(name, date_time=when)
            info.external_attr = attr
            info.extra = struct.pack("<HHBL", 0x5455, 5, 1, 1733600000)  # a timestamp, as Info-ZIP adds
            method = zipfile.ZIP_STORED if name.endswith(".bin") else zipfile.ZIP_DEFLATED
            z.writestr(info, data, compress_type=method)
    source = stored.getvalue()
    out = ZipOut()
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        infos = z.infolist()
        for info in infos:
            content = copied(source, info)
            assert content is not None, info.filename
            out.add(info.filename, info.date_time, info.external_attr, content)
    written = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(written)) as z:
        assert z.testzip() is None  # every member's CRC checked
        assert [(i.filename, i.compress_type, i.date_time) for i in z.infolist()] == [
            (i.filename, i.compress_type, i.date_time) for i in infos
        ]
    assert _members(written) == _members(source)
    # the compressed bytes themselves, not compressed again (the extra fields are not copied)
    assert len(written) == len(source) - 2 * 9 * len(infos)


def test_what_it_cannot_copy_as_it_is(workbook):
    bz = io.BytesIO()
    with zipfile.ZipFile(bz, "w", zipfile.ZIP_BZIP2) as z:
        z.writestr("a.xml", b"<a/>" * 100)
    with zipfile.ZipFile(io.BytesIO(bz.getvalue())) as z:
        assert copied(bz.getvalue(), z.infolist()[0]) is None  # another compression method
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        info = z.infolist()[1]
    assert copied(workbook, info) is not None
    moved = zipfile.ZipInfo(info.filename, info.date_time)
    moved.compress_type, moved.header_offset, moved.compress_size = info.compress_type, 7, info.compress_size
    assert copied(workbook, moved) is None  # the local header is not where the directory says
    encrypted = zipfile.ZipInfo(info.filename, info.date_time)
    encrypted.compress_type, encrypted.header_offset, encrypted.flag_bits = (
        info.compress_type,
        info.header_offset,
        1,
    )
    assert copied(workbook, encrypted) is None
    truncated = workbook[: info.header_offset + 40]
    assert copied(truncated, info) is None  # its bytes run past the end


def test_a_package_past_a_plain_zip_is_refused(monkeypatch):
    out = ZipOut()
    monkeypatch.setattr(zipout, "_MAX", 1000)  # the 4 GiB limit, made small enough to reach here
    out.add("a.xml", (2026, 1, 1, 0, 0, 0), 0, b"x" * 10)
    with pytest.raises(TooLarge):
        out.add("big.bin", (2026, 1, 1, 0, 0, 0), 0, Copied(b"", 0, 0, 5000))
    monkeypatch.undo()
    many = ZipOut()
    empty = Copied(b"", zipfile.ZIP_STORED, 0, 0)
    for k in range(0xFFFF):
        many.add(f"{k}", (2026, 1, 1, 0, 0, 0), 0, empty)
    with pytest.raises(TooLarge):
        many.add("one more", (2026, 1, 1, 0, 0, 0), 0, empty)
    end = many.getvalue()[-22:]
    assert struct.unpack("<4s4H2LH", end)[3] == 0xFFFF
