"""A minimal writer of [MS-CFB] compound files (version 3, 512-byte sectors) for the VBA project.

Only what vbaProject.bin needs: a root storage holding streams and storages (one level deep is enough
here, any depth works), small streams in the mini stream, no DIFAT sectors (up to 109 FAT sectors:
about 7 MB). Output is deterministic: no timestamps, children in the order the format sorts them.
ms-cfb, used before, corrupts every stream of a file that needs more than one FAT sector.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FAT_SECT, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1


@dataclass
class Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[Entry] = field(default_factory=list)
    start: int = END
    left: int = NONE
    right: int = NONE
    child: int = NONE


def _key(e: Entry) -> tuple[int, str]:
    """[MS-CFB] 2.6.4: siblings compare by name length, then by upper-cased name."""
    return (len(e.name), e.name.upper())


def _chains(fat: list[int], first: int, count: int) -> None:
    for k in range(count):
        fat[first + k] = first + k + 1 if k < count - 1 else END


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (-len(data) % size)


def write(tree: dict[str, bytes | dict[str, bytes]]) -> bytes:
    """The compound file of ``tree``: name → bytes (a stream) or name → dict (a storage)."""

    def build(name: str, content: bytes | dict[str, bytes]) -> Entry:
        if isinstance(content, dict):
            return Entry(name, STORAGE, children=[build(k, v) for k, v in content.items()])
        return Entry(name, STREAM, data=content)

    root = Entry("Root Entry", ROOT, children=[build(k, v) for k, v in tree.items()])
    entries: list[Entry] = []

    def number(e: Entry) -> None:
        entries.append(e)
        for c in e.children:
            number(c)

    number(root)
    index = {id(e): k for k, e in enumerate(entries)}

    def tree_of(children: list[Entry]) -> int:
        """A balanced binary search tree of the siblings (all black); its root's number."""
        ordered = sorted(children, key=_key)
        if not ordered:
            return NONE
        middle = len(ordered) // 2
        node = ordered[middle]
        node.left, node.right = tree_of(ordered[:middle]), tree_of(ordered[middle + 1 :])
        return index[id(node)]

    for e in entries:
        e.child = tree_of(e.children)

    # Small streams go to the mini stream, the others to sectors of their own.
    streams = [e for e in entries if e.kind == STREAM]
    mini = bytearray()
    for e in streams:
        if len(e.data) < CUTOFF:
            e.start = len(mini) // MINI if e.data else END
            mini += _pad(e.data, MINI)
    big = [e for e in streams if len(e.data) >= CUTOFF]
    layout: list[bytes] = []  # sector contents in order
    fat_chains: list[tuple[int, int]] = []

    def place(data: bytes) -> int:
        first = len(layout)
        padded = _pad(data, SECTOR)
        for k in range(0, len(padded), SECTOR):
            layout.append(padded[k : k + SECTOR])
        fat_chains.append((first, len(padded) // SECTOR))
        return first

    for e in big:
        e.start = place(e.data)
    root.start = place(bytes(mini)) if mini else END
    mini_fat = [FREE] * (-(-len(mini) // MINI) or 0)
    for e in streams:
        if len(e.data) < CUTOFF and e.data:
            count = -(-len(e.data) // MINI)
            for k in range(count):
                mini_fat[e.start + k] = e.start + k + 1 if k < count - 1 else END
    mini_fat_bytes = b""
    if mini_fat:  # padded with free entries to whole sectors
        mini_fat += [FREE] * (-len(mini_fat) % (SECTOR // 4))
        mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_start = place(mini_fat_bytes) if mini_fat else END
    mini_fat_count = len(mini_fat_bytes) // SECTOR

    directory = b"".join(_entry(e, len(mini) if e.kind == ROOT else len(e.data)) for e in entries)
    directory += _empty_entry() * ((-len(entries)) % (SECTOR // 128))
    directory_start = place(directory)

    used = len(layout)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < used + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("VBA project too large for a compound file without DIFAT sectors")
    fat = [FREE] * (fat_sectors * (SECTOR // 4))
    for first, count in fat_chains:
        _chains(fat, first, count)
    for k in range(fat_sectors):
        fat[used + k] = FAT_SECT
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)

    difat = [used + k for k in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII", 0, fat_sectors, directory_start, 0, CUTOFF, mini_fat_start, mini_fat_count, END, 0
        )
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR
    return header + b"".join(layout) + fat_bytes


def _entry(e: Entry, size: int) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0"
    if len(name) > 64:
        raise ValueError(f"name too long for a compound file: {e.name}")
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB", len(name), e.kind, BLACK)
        + struct.pack("<III", e.left, e.right, e.child)
        + b"\0" * 16  # CLSID
        + struct.pack("<IQQ", 0, 0, 0)  # state bits, creation and modification times
        + struct.pack("<IQ", 0 if e.kind == STORAGE else e.start, size)
    )


def _empty_entry() -> bytes:
    return b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NONE, NONE, NONE) + b"\0" * 48
