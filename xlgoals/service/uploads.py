"""What a request brought: its files, written into the request's private temporary folder.

Nothing a client sends becomes a path: each upload is stored as ``<n><suffix>`` (the suffix only when
it is a plain one such as ``.xlsx``) and keeps its original name only for display. An uploaded .zip is
a folder (a reviewer's batch): its members are unpacked the same way under bounded sizes — members
counted, each member's and the total inflated size capped while inflating (declared sizes can lie),
encrypted members refused — and what a folder run passes over (lock files, ``__MACOSX``, hidden
files, other kinds) is listed as skipped with its reason. The readers' own guards (container checks,
DTD refusal, per-file limits) then apply to every stored file as they do on the command line.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from xlgoals import limits
from xlgoals.errors import XlgoalsInputError
from xlgoals.inputs import Input, Skipped, name_skip_reason
from xlgoals.io.container import LOCK_PREFIXES
from xlgoals.safetext import name_text, printable

_PLAIN_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_CHUNK = 1 << 20
MAX_NAME = 200  # characters of a displayed name


class UploadTooLarge(XlgoalsInputError):
    """A zip member (or the whole zip) inflates past the limits."""


@dataclass
class Uploads:
    """The stored files of one request: what to check, what was passed over, and the display name of
    each stored path."""

    folder: Path
    inputs: list[Input] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    shown: dict[Path, str] = field(default_factory=dict)  # stored path → the name the user knows
    count: int = 0  # files received (each is stored under its number)
    inflate_limit: int = limits.MAX_TOTAL_INFLATED  # what the request's zips may inflate to, together
    inflated: int = 0

    @property
    def room(self) -> int:
        return self.inflate_limit - self.inflated

    def display(self, path: Path) -> str:
        return self.shown.get(path, path.name)


def display_name(raw: str | None) -> str:
    """A client's file name made safe to show: its last component, printable, bounded."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = name_text(name).strip()
    if len(name) > MAX_NAME:  # shortened in the middle: the suffix says how the file is read
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: MAX_NAME - len(suffix) - 1] + "…" + suffix
    return name or "未命名文件"


def stored_name(index: int, name: str) -> str:
    """``<index><suffix>``; a lock file's name keeps its prefix, so it is still known for one."""
    suffix = PurePosixPath(name).suffix
    prefix = next((p for p in LOCK_PREFIXES if name.startswith(p)), "")
    return f"{prefix}{index}{suffix.lower() if _PLAIN_SUFFIX.fullmatch(suffix) else ''}"


def save(uploads: Uploads, name: str, stream: BinaryIO) -> None:
    """Store one uploaded file (a .zip is unpacked as a folder)."""
    uploads.count += 1
    index = uploads.count
    path = uploads.folder / stored_name(index, name)
    with path.open("wb") as out:
        shutil.copyfileobj(stream, out, _CHUNK)
    if path.suffix == ".zip":
        _unpack(uploads, path, name, index)
        path.unlink()
        return
    uploads.inputs.append(Input(path, uploads.folder, in_folder=False))
    uploads.shown[path] = name


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it. Without the UTF-8 flag Python decodes a name as
    cp437, but zips made on Chinese Windows store GBK, and Info-ZIP (the Linux and 麒麟/统信 command
    line ``zip``) stores UTF-8 without saying so. UTF-8 is tried first: GBK bytes of Chinese text are
    almost never valid UTF-8, while UTF-8 bytes often are valid GBK (and would come out garbled)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unpack(uploads: Uploads, path: Path, name: str, index: int) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise XlgoalsInputError("压缩包已损坏或不是 zip 文件，无法解压。", file=name) from None
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        if len(members) > limits.MAX_MEMBERS:
            raise UploadTooLarge(f"压缩包中文件过多（超过 {limits.MAX_MEMBERS} 个）。", file=name)
        biggest = max(members, key=lambda i: i.file_size, default=None)
        if biggest is not None and biggest.file_size > limits.MAX_MEMBER_INFLATED:
            raise UploadTooLarge(_bomb(printable(_member_name(biggest))), file=name)
        declared = sum(i.file_size for i in members)
        if declared > uploads.room:  # honest sizes: refused before a byte is written
            raise UploadTooLarge(_too_large(uploads), file=name)
        folder = uploads.folder / f"{index}.d"
        folder.mkdir()
        for k, info in enumerate(sorted(members, key=_member_name), start=1):
            inner = name_text(_member_name(info)).replace("\\", "/")
            shown = f"{name}/{inner}"[: MAX_NAME * 2]
            parts = PurePosixPath(inner).parts
            reason = name_skip_reason(parts[-1] if parts else "")
            if reason is None and any(p.startswith((".", "__MACOSX")) for p in parts[:-1]):
                reason = "系统生成的文件或隐藏文件"
            if reason is None and info.flag_bits & 0x1:
                reason = "压缩包中的文件设置了密码，无法解压"
            if reason is not None:
                uploads.skipped.append(Skipped(Path(shown), reason))
                continue
            target = folder / stored_name(k, parts[-1])
            uploads.inflated += _inflate(archive, info, target, uploads, name, shown)
            uploads.inputs.append(Input(target, uploads.folder, in_folder=True))
            uploads.shown[target] = shown


def _bomb(member: str) -> str:
    return (
        f"压缩包中的文件 {name_text(member)} 解压后超过 {limits.MAX_MEMBER_INFLATED // limits.MB} MB，"
        "可能是“压缩炸弹”，已拒绝。"
    )


def _too_large(uploads: Uploads) -> str:
    return (
        f"压缩包解压后的文件合计超过 {uploads.inflate_limit // limits.MB} MB（一次上传的上限），已拒绝："
        "请分成几个压缩包分批上传。"
    )


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, uploads: Uploads, name: str, shown: str
) -> int:
    """Inflate one member, stopping at the first byte past a limit (declared sizes can lie); the bytes
    written."""
    written = 0
    try:
        with archive.open(info) as src, target.open("wb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > limits.MAX_MEMBER_INFLATED:
                    raise UploadTooLarge(_bomb(shown), file=name)
                if written > uploads.room:
                    raise UploadTooLarge(_too_large(uploads), file=name)
                out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise XlgoalsInputError("压缩包已损坏或使用了不支持的压缩方式，无法解压。", file=name) from None
    return written
