"""A corpus of hostile and careless inputs, generated (not committed): ``build(folder)`` writes every
case and returns what each command must do with it.

Each case is a file (or a folder) and its expected outcome: ``"ok"`` (read; exit 0 or 1 by its
findings), ``"findings"`` (read; errors found: exit 1), ``"refused"`` (unreadable: exit 2, one
Chinese sentence naming the file, nothing written) or ``"skipped"`` (in a folder: listed as skipped,
the exit code unchanged). ``message`` is a fragment the Chinese sentence must contain.
"""

from __future__ import annotations

import fcntl
import io
import os
import pickle
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import msoffcrypto.format.ooxml as ooxml
import pytest
import xlsxwriter

from tests.helpers import SEEDS, many_rows, many_sheets, seed, seed_workbook
from xlgoals.formats.document_json import dumps
from xlgoals.formats.docx import build_docx
from xlgoals.limits import MAX_MEMBER_INFLATED
from xlgoals.template.builder import build_bytes


@dataclass
class Case:
    name: str  # the file's name in the corpus folder
    outcome: str  # ok | findings | refused
    message: str = ""  # for refused: a fragment of the sentence
    note: str = ""  # what the case is
    commands: tuple[str, ...] = ()  # limit to these commands (default: all that read it)
    in_folder: str = ""  # outcome when met in a folder scan, if different (e.g. "skipped")
    path: Path = field(default_factory=Path)


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _edit(data: bytes, fn: Callable[[str, bytes], bytes | None]) -> bytes:
    out = {}
    for name, content in _members(data).items():
        new = fn(name, content)
        if new is not None:
            out[name] = new
    return _zip(out)


def _project_sheet_part(members: dict[str, bytes]) -> tuple[str, str, str, int]:
    """(part name, sheetId, relationship id, 0-based position) of the first project sheet ("1 …")."""
    workbook = members["xl/workbook.xml"].decode()
    sheets = re.findall(r'<sheet name="([^"]*)" sheetId="(\d+)" r:id="(rId\d+)"/>', workbook)
    position, (_name, sheet_id, rid) = next((k, s) for k, s in enumerate(sheets) if s[0].startswith("1 "))
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(rf'<Relationship Id="{rid}" [^>]*Target="([^"]+)"', rels)
    assert target is not None
    return "xl/" + target.group(1), sheet_id, rid, position


def _first_project_sheet(members: dict[str, bytes]) -> str:
    """The part name of the first project sheet."""
    return _project_sheet_part(members)[0]


def _set_cell(sheet_xml: bytes, ref: str, cell: bytes) -> bytes:
    """Replace (or add) the cell ``ref`` in a worksheet's XML with ``cell`` (a whole <c> element)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)', re.S)
    if pattern.search(sheet_xml):
        return pattern.sub(lambda m: cell, sheet_xml, count=1)
    row = int(re.sub(r"[A-Z]", "", ref))
    return re.sub(
        rb'(<row r="' + str(row).encode() + rb'"[^>]*>)', lambda m: m.group(1) + cell, sheet_xml, count=1
    )


def _plain_workbook() -> bytes:
    """A workbook that has nothing to do with 绩效目标表 (a list of office supplies)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("办公用品")
    for r, row in enumerate([("名称", "数量"), ("打印纸", 20), ("墨盒", 4)]):
        ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


def shared(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    """The corpus built once for the whole test run: the xdist workers share the run's temp root, and
    the first to ask builds it (a lock file makes the others wait). Read it, never change it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N: this run's, common to its workers
    index = base / "hostile-corpus.pickle"
    with open(base / "hostile-corpus.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if index.exists():
            cases: list[Case] = pickle.loads(index.read_bytes())
            return cases
        cases = build(base / "hostile-corpus")
        index.write_bytes(pickle.dumps(cases))
        return cases


def build(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(14)
    seed000 = seed_workbook("000")
    template = build_bytes(None)
    text000 = SEEDS["000"].read_bytes()
    sheet = _first_project_sheet(_members(seed000))
    cases: list[Case] = []

    def add(case: Case, data: bytes) -> None:
        case.path = folder / case.name
        case.path.write_bytes(data)
        cases.append(case)

    # --- workbooks --------------------------------------------------------------------------------
    add(Case("empty.xlsx", "refused", "文件为空"), b"")
    add(Case("random.xlsx", "refused", "不是 Excel 工作簿"), rnd.randbytes(5000))
    add(Case("truncated.xlsx", "refused", "损坏"), seed000[: len(seed000) // 2])
    add(Case("memberless.xlsx", "refused", "不是 Excel 工作簿"), _zip({}))
    add(Case("zip_of_text.xlsx", "refused", "不是 Excel 工作簿"), _zip({"readme.txt": b"hello"}))
    add(Case("csv_named.xlsx", "refused", "不是 Excel 工作簿"), "项目编码,项目名称\n1,2\n".encode())
    add(Case("old.xls", "refused", "97-2003"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rnd.randbytes(4000))
    add(Case("wps.et", "refused", "WPS"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rnd.randbytes(4000))
    add(Case("~$lockfile.xlsx", "refused", "锁定文件", in_folder="skipped"), b"\x00" * 165)
    add(Case("blank_template.xlsx", "findings", note="the empty template: STRUCT-013"), template)
    add(Case("seed000.xlsx", "findings", note="a good workbook with findings"), seed000)

    one_project = seed("000").model_copy(deep=True)
    one_project.tables = one_project.tables[:1]

    one = build_bytes(one_project)
    part, sheet_id, rid, position = _project_sheet_part(_members(one))

    def no_project(name: str, content: bytes) -> bytes | None:
        """The workbook of one project with that project's sheet deleted (as a careless clerk would)."""
        if name == part:
            return None
        if name == "xl/workbook.xml":
            content = re.sub(
                rf'<sheet name="1 [^"]*" sheetId="{sheet_id}" r:id="{rid}"/>'.encode(), b"", content
            )
            return re.sub(
                rf'<definedName name="_xlnm.Print_Area" localSheetId="{position}">[^<]*</definedName>'.encode(),
                b"",
                content,
            )
        if name == "xl/_rels/workbook.xml.rels":
            return re.sub(rf'<Relationship Id="{rid}" [^>]*/>'.encode(), b"", content)
        if name == "[Content_Types].xml":
            return content.replace(
                f'<Override PartName="/{part}"'.encode(), b'<Override PartName="/xl/unused.xml"'
            )
        return content

    add(Case("no_project_sheet.xlsx", "refused", "项目表"), _edit(one, no_project))
    add(
        Case(
            "other_workbook.xlsx",
            "refused",
            "没有认出绩效目标表",
            in_folder="skipped",
            note="a workbook of something else",
        ),
        _plain_workbook(),
    )
    add(
        Case("no_meta_sheet.xlsx", "refused", "_xlgoals"),
        _edit(
            seed000,
            lambda n, c: c.replace(b'name="_xlgoals"', b'name="other"') if n == "xl/workbook.xml" else c,
        ),
    )
    add(
        Case("broken_merges.xlsx", "refused", "损坏", note="a merge range no reader can parse"),
        _edit(
            seed000,
            lambda n, c: (
                c.replace(b"<mergeCells", b'<mergeCells><mergeCell ref="ZZZ0:A"/><mergeCell ref="A1:A1"/>', 1)
                if n == sheet
                else c
            ),
        ),
    )
    add(
        Case("formula_no_cache.xlsx", "findings", note="amount cells are formulas without cached values"),
        _edit(
            seed000, lambda n, c: _set_cell(c, "C4", b'<c r="C4"><f>2000+800</f></c>') if n == sheet else c
        ),
    )
    add(
        Case("huge_numbers.xlsx", "findings", note="1e308 as the 预算数 and in a % plan cell"),
        _edit(
            seed000,
            lambda n, c: (
                _set_cell(
                    _set_cell(c, "C4", b'<c r="C4"><v>1e308</v></c>'), "D7", b'<c r="D7"><v>1e308</v></c>'
                )
                if n == sheet
                else c
            ),
        ),
    )
    add(
        Case("nan_inf.xlsx", "findings"),
        _edit(
            seed000,
            lambda n, c: (
                _set_cell(_set_cell(c, "C4", b'<c r="C4"><v>NaN</v></c>'), "E4", b'<c r="E4"><v>INF</v></c>')
                if n == sheet
                else c
            ),
        ),
    )
    add(
        Case("huge_amounts.xlsx", "findings"),
        _edit(
            seed000,
            lambda n, c: (
                _set_cell(
                    _set_cell(
                        _set_cell(c, "C4", b'<c r="C4"><v>1E+308</v></c>'), "E4", b'<c r="E4"><v>-5</v></c>'
                    ),
                    "G4",
                    b'<c r="G4"><v>123456789012345</v></c>',
                )
                if n == sheet
                else c
            ),
        ),
    )
    add(
        Case("date_in_amount.xlsx", "findings"),
        _edit(
            seed000, lambda n, c: _set_cell(c, "C4", b'<c r="C4" s="0"><v>45292</v></c>') if n == sheet else c
        ),
    )
    big = "长" * 1_000_000
    add(
        Case("one_mb_cell.xlsx", "findings"),
        _edit(
            seed000,
            lambda n, c: (
                _set_cell(c, "C5", f'<c r="C5" t="inlineStr"><is><t>{big}</t></is></c>'.encode())
                if n == sheet
                else c
            ),
        ),
    )
    add(
        Case("control_chars.xlsx", "findings"),
        _edit(
            seed000,
            lambda n, c: (
                _set_cell(c, "F15", b'<c r="F15" t="inlineStr"><is><t>&#8;\xe2\x89\xa5_x0001_9</t></is></c>')
                if n == sheet
                else c
            ),
        ),
    )
    add(
        Case("far_cell.xlsx", "findings", note="a real cell at XFD1048576: calamine would abort"),
        _edit(
            seed000,
            lambda n, c: (
                c.replace(
                    b"</sheetData>",
                    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
                )
                if n == sheet
                else c
            ),
        ),
    )
    for name, far in (
        (
            "far_cell_styled.xlsx",
            b'<row r="1048576"><c s="0" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        ),
        (
            "far_cell_quoted.xlsx",
            b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>",
        ),
        ("far_row.xlsx", b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>'),
    ):
        add(
            Case(name, "findings", note="a far cell written as other programs may write it"),
            _edit(
                seed000,
                lambda n, c, far=far: c.replace(b"</sheetData>", far + b"</sheetData>") if n == sheet else c,
            ),
        )
    add(
        Case("far_dimension.xlsx", "findings"),
        _edit(
            seed000,
            lambda n, c: (
                re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', c)
                if n == sheet
                else c
            ),
        ),
    )
    add(
        Case("no_content_types.xlsx", "refused", "损坏"),
        _edit(seed000, lambda n, c: None if n == "[Content_Types].xml" else c),
    )
    crc = bytearray(_zip(_members(seed000), zipfile.ZIP_STORED))
    at = crc.find(b"<sheetData>")
    crc[at + 3] ^= 0xFF  # one byte of a stored member flipped: its CRC no longer matches
    add(Case("bad_crc.xlsx", "refused", "损坏"), bytes(crc))
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    add(
        Case("xxe.xlsx", "refused", "不安全"),
        _edit(seed000, lambda n, c: xxe if n == "xl/sharedStrings.xml" else c),
    )
    late = b'<?xml version="1.0"?><!--' + b"x" * 72_000 + b'--><!DOCTYPE x [<!ENTITY e "e">]><sst/>'
    add(
        Case("xxe_after_comment.xlsx", "refused", "不安全", note="a DTD after a 72 KB comment"),
        _edit(seed000, lambda n, c: late if n == "xl/sharedStrings.xml" else c),
    )
    add(
        Case("xxe_utf16.xlsx", "refused", "不安全", note="a DTD in UTF-16"),
        _edit(
            seed000,
            lambda n, c: (
                xxe.replace(b"1.0", b'1.0" encoding="UTF-16').decode().encode("utf-16")
                if n == "xl/sharedStrings.xml"
                else c
            ),
        ),
    )
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">'.encode() for k in range(9))
        + b"]><sst><si><t>&j;</t></si></sst>"
    )
    add(
        Case("billion_laughs.xlsx", "refused", "不安全"),
        _edit(seed000, lambda n, c: laughs if n == "xl/sharedStrings.xml" else c),
    )
    # A zip bomb: a worksheet of a few hundred KB compressed that inflates to 256 MiB, past the
    # 200 MB a member may inflate to (limits.MAX_MEMBER_INFLATED): a broken limit would let it be
    # read, and the case expects a refusal. (1 GiB took 4 s to compress for no more proof.)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, content in _members(seed000).items():
            if name == sheet:
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w", force_zip64=True) as fh:
                    chunk = b" " * (1 << 24)
                    for _ in range(16):  # 16 × 16 MiB = 256 MiB of spaces
                        fh.write(chunk)
            else:
                zf.writestr(name, content)
    assert MAX_MEMBER_INFLATED < 16 << 24
    add(Case("bomb.xlsx", "refused", "过大"), bomb.getvalue())
    add(Case("encrypted.xlsx", "refused", "密码"), _encrypted(seed000))

    # Big, not huge — beyond any real table (the bundled publications have at most 44 projects, and
    # at most 21 indicators in one): every command on them proves nothing stops or breaks on size; that the work
    # grows linearly with it is tests/test_scaling.py's (a 10 000-row case cost a minute of CPU here
    # and missed a quadratic loop that test finds; 2 000 rows and 100 sheets were a third of the
    # corpus's CPU and found nothing 1 000 and 50 do not).
    add(Case("thousand_rows.xlsx", "findings"), build_bytes(many_rows(1_000)))
    add(Case("fifty_sheets.xlsx", "findings"), build_bytes(many_sheets(50)))

    # --- published text ---------------------------------------------------------------------------
    add(Case("empty.txt", "refused", "文件为空"), b"")
    add(Case("binary.txt", "refused", "不是文本文件"), rnd.randbytes(4000))
    add(Case("nul.txt", "refused", "不是文本文件"), b"\x00" * 2_000_000)
    add(Case("invalid_utf8.txt", "refused", "编码"), b"\xc3\x28\xff" * 1000)
    add(
        Case("utf16.txt", "findings", note="UTF-16 with BOM"),
        b"\xff\xfe" + text000.decode("utf-8").encode("utf-16-le"),
    )
    add(Case("gbk.txt", "findings"), text000.decode("utf-8").encode("gb18030"))
    add(
        Case("notice.txt", "refused", "无法识别", in_folder="skipped"),
        "关于做好预算编制工作的通知\n各单位：\n请于月底前报送。\n".encode(),
    )
    digits = "1" * 60_000
    long_line = text000.replace(
        "1.城乡居民养老保险县级配套2800万元；".encode(), f"1.城乡居民养老保险{digits}".encode()
    )
    add(Case("long_digits.txt", "findings", note="a 60 000-digit run in a listed-item line"), long_line)
    add(Case("tabs.txt", "refused", "无法识别", in_folder="skipped"), ("\t" * 200_000 + "x\n").encode())
    add(Case("huge.txt", "refused", "过大"), (text000 * (40_000_000 // len(text000) + 1))[:40_000_000])

    # --- Document JSON ----------------------------------------------------------------------------
    add(Case("deep.json", "refused", "JSON"), b"[" * 10_000 + b"]" * 10_000)
    header = '{"schema": "xlgoals.document", "version": 2, "layout": "hebei", '
    add(
        Case("long_number.json", "refused", "数字"),
        (header + '"tables": [{"index": ' + "9" * 5000 + "}]}").encode(),
    )
    add(
        Case("nan.json", "refused", "数字"),
        (header + '"tables": [{"budget": {"total": NaN, "fiscal": 1e400}}]}').encode(),
    )
    add(
        Case("huge_exponent.json", "refused", "金额"),
        (header + '"tables": [{"budget": {"total": 9e999999999}}]}').encode(),
    )
    add(
        Case("tiny_exponent.json", "refused", "金额"),
        (header + '"tables": [{"budget": {"total": "-1e-999999999"}}]}').encode(),
    )
    add(
        Case("infinity.json", "refused", "数字"),
        (header + '"tables": [{"budget": {"total": Infinity}}]}').encode(),
    )
    add(
        Case("surrogates.json", "findings"),
        (header + '"tables": [{"project_name": "\\ud800坏", "goals": ["1."]}]}').encode(),
    )
    add(Case("bool_version.json", "refused", "版本"), b'{"schema": "xlgoals.document", "version": true}')
    add(Case("wrong_schema.json", "refused", "xlgoals.document"), b'{"hello": 1}')
    add(Case("seed000.json", "findings"), dumps(seed("000")).encode())

    # --- Word ------------------------------------------------------------------------------------
    add(Case("random.docx", "refused", "Word"), rnd.randbytes(3000))
    docx000 = build_docx(seed("000"))
    add(Case("seed000.docx", "findings"), docx000)
    add(
        Case("xxe.docx", "refused", "不安全"),
        _edit(
            docx000,
            lambda n, c: (
                c.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)
                if n == "word/document.xml"
                else c
            ),
        ),
    )
    add(
        Case("no_tables.docx", "refused", "无法识别", in_folder="skipped"),
        build_docx(seed("000").model_copy(update={"tables": []})),
    )

    # --- names and the filesystem ------------------------------------------------------------------
    add(Case("name with spaces.txt", "findings"), text000)
    add(Case("-leading-dash.txt", "findings"), text000)
    add(Case("x" * 200 + ".txt", "findings"), text000)
    try:
        odd = folder / os.fsdecode(b"\xff\xfe-odd.txt")
        odd.write_bytes(text000)
        cases.append(Case(odd.name, "findings", path=odd, note="a file name that is not valid UTF-8"))
    except (OSError, UnicodeEncodeError):
        pass
    ro = Case("read_only.txt", "findings")
    add(ro, text000)
    ro.path.chmod(0o444)
    fifo = folder / "fifo.txt"
    os.mkfifo(fifo)
    cases.append(Case("fifo.txt", "refused", "不是普通文件", path=fifo))
    fake_dir = folder / "folder.xlsx"
    fake_dir.mkdir()
    cases.append(
        Case(
            "folder.xlsx",
            "refused",
            "没有找到",
            path=fake_dir,
            note="a folder named like a workbook",
            commands=("check",),
        )
    )
    (folder / "link_a.txt").symlink_to(folder / "link_b.txt")
    (folder / "link_b.txt").symlink_to(folder / "link_a.txt")
    cases.append(
        Case("link_a.txt", "refused", "符号链接形成了循环", path=folder / "link_a.txt", note="a→b→a")
    )
    (folder / "link_self.xlsx").symlink_to(folder / "link_self.xlsx")
    cases.append(Case("link_self.xlsx", "refused", "符号链接形成了循环", path=folder / "link_self.xlsx"))
    loop = folder / "loop"
    loop.mkdir()
    (loop / "self").symlink_to(loop, target_is_directory=True)
    cases.append(
        Case(
            "loop", "refused", "没有找到", path=loop, note="a folder with a symlink loop", commands=("check",)
        )
    )
    return cases


def _encrypted(data: bytes) -> bytes:
    out = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(data)).encrypt("secret", out)
    return out.getvalue()
