"""The protocol between the template's buttons and the xlgoals service — xlgoals' own, versioned
(docs/服务.md §8 says why it is not xlwings' remote engine).

A client (the template's VBA, the WPS add-in, the LibreOffice extension) sends what the workbook's
sheets hold and the button pressed; the service answers with one sentence to show and a list of
operations to apply, in order. The client unprotects a sheet only when told (``unprotect``, with the
options to protect it again), and protects again every sheet it unprotected once the list is done —
or when applying it failed halfway. The operations are few and mean one thing in every host:

=========== ===========================================================================
fill        set a cell's fill colour (``color`` RRGGBB), or remove it (``color`` null)
note        set a cell's note (replacing one it has), or remove it (``text`` "")
clear       empty a range: its values and its links (formats stay)
values      write literal values from a cell on (text is text: never a formula, never a number)
formula     write one formula (Excel's English syntax, ``,`` between arguments, A1 references)
link        make a cell a link to a place in the workbook (``'sheet'!C4``) showing ``text``
add_sheet   add a sheet right after another one (never where the active sheet happens to be)
copy_sheet  copy a sheet, the copy named ``name`` and placed right after ``after``
insert_rows insert ``count`` whole rows above ``row``
unprotect   unprotect a sheet now; protect it again at the end with the options ``allow``
save_file   write a file beside the workbook (clients that say they can: ``can`` has "save_file")
=========== ===========================================================================

Two encodings of the same messages: JSON (``application/json``, the WPS add-in and LibreOffice) and
lines of tab-separated fields (``text/plain``, the VBA client, which has no JSON parser): the first
line is ``xlgoals<TAB>VERSION…``; in fields, ``\\`` ``\\t`` ``\\n`` ``\\r`` stand for a backslash, a tab, a
line feed and a carriage return. The service answers in the encoding it was asked in.

Versions: the request names the protocol version its client speaks; the service answers every
version from ``OLDEST`` to ``VERSION`` in that version's terms, and any other with ``error`` only —
which every version of every client shows (``{"error": …}``, or the line ``error<TAB>…``).
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from typing import Any

from xlgoals.errors import XlgoalsInputError

VERSION = 1
OLDEST = 1
ACTIONS = ("validate", "totals", "export", "new_project")
CAPABILITIES = ("save_file",)  # what a client may be able to do beyond the operations above
MAX_SHEETS = 1000
MAX_CELLS = 2_000_000  # values in one request (the service's upload limit also bounds its size)

Cell = str | float | bool | None


class ProtocolError(XlgoalsInputError):
    """A request the service cannot understand: one sentence for the clerk."""


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]  # from A1; shorter rows and fewer rows are blank cells
    hidden: bool = False


@dataclass
class Request:
    version: int
    client: str  # "excel-vba", "wps", "libreoffice", "xlwings" (local Python)
    client_version: str
    action: str  # one of ACTIONS
    book: str  # the workbook's file name, as the clerk sees it
    sheets: list[Sheet]
    can: tuple[str, ...] = ()
    token: str = ""


@dataclass
class Op:
    op: str
    sheet: str = ""
    cell: str = ""  # "C4", or a range "A1:F20" for clear
    color: str | None = None  # fill: RRGGBB, None = no fill
    text: str = ""  # note text; link text; formula; file name (save_file)
    target: str = ""  # link: "'sheet'!C4"
    rows: list[list[Cell]] = field(default_factory=list)  # values
    name: str = ""  # add_sheet / copy_sheet: the new sheet's name
    after: str = ""  # add_sheet / copy_sheet: placed right after this sheet
    row: int = 0  # insert_rows
    count: int = 0  # insert_rows
    allow: str = ""  # unprotect: the protection options to restore ("delete_rows,format_rows,…")
    data: bytes = b""  # save_file


@dataclass
class Answer:
    message: str = ""
    ops: list[Op] = field(default_factory=list)
    error: str = ""  # instead of everything else: the request could not be served
    version: int = VERSION


# --- JSON ----------------------------------------------------------------------------------------


def _cell(value: Any, where: str) -> Cell:
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise ProtocolError(f"客户端发送的工作簿中有无法识别的数值（{where}）。")
        return number
    raise ProtocolError(f"客户端发送的工作簿格式不正确（{where}）：请更新加载项或模板。")


def _version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError("这不是 xlgoals 按钮发送的内容：请使用 xlgoals 模板或加载项中的按钮。")
    return value


def check_version(version: int) -> None:
    """Refuse a version this service does not speak, saying which side to update."""
    if version > VERSION:
        raise ProtocolError("工作簿或加载项比校验服务新：请联系财政局信息科升级校验服务（xlgoals）后再试。")
    if version < OLDEST:
        raise ProtocolError("此工作簿的按钮版本过旧：请从校验服务网页下载新模板，把内容复制过去后再试。")


def _request(d: Any) -> Request:
    if not isinstance(d, dict):
        raise ProtocolError("这不是 xlgoals 按钮发送的内容：请使用 xlgoals 模板或加载项中的按钮。")
    version = _version(d.get("xlgoals"))
    check_version(version)
    action = d.get("action")
    if action not in ACTIONS:
        raise ProtocolError(f"没有这个按钮（{str(action)[:40]}）：请更新加载项或模板。")
    raw_sheets = d.get("sheets")
    if not isinstance(raw_sheets, list) or len(raw_sheets) > MAX_SHEETS:
        raise ProtocolError("客户端发送的工作簿格式不正确（sheets）：请更新加载项或模板。")
    sheets, cells = [], 0
    for k, s in enumerate(raw_sheets):
        if (
            not isinstance(s, dict)
            or not isinstance(s.get("name"), str)
            or not isinstance(s.get("rows"), list)
        ):
            raise ProtocolError(f"客户端发送的工作簿格式不正确（第 {k + 1} 个工作表）：请更新加载项或模板。")
        rows: list[list[Cell]] = []
        for r, row in enumerate(s["rows"]):
            if not isinstance(row, list):
                raise ProtocolError(f"客户端发送的工作簿格式不正确（{s['name'][:31]} 第 {r + 1} 行）。")
            cells += len(row)
            if cells > MAX_CELLS:
                raise ProtocolError("工作簿过大：请删除多余的行和工作表后再试，或在网页上传文件校验。")
            rows.append([_cell(v, f"{s['name'][:31]} 第 {r + 1} 行") for v in row])
        sheets.append(Sheet(s["name"], rows, s.get("hidden") is True))
    can = d.get("can", [])
    token = d.get("token", "")
    return Request(
        version=version,
        client=str(d.get("client", ""))[:40],
        client_version=str(d.get("client_version", ""))[:40],
        action=action,
        book=str(d.get("book", ""))[:255],
        sheets=sheets,
        can=tuple(c for c in can if c in CAPABILITIES) if isinstance(can, list) else (),
        token=token if isinstance(token, str) else "",
    )


def request_from_json(body: bytes) -> Request:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ProtocolError("客户端发送的内容不是有效的数据：请更新加载项或模板后再试。") from None
    return _request(data)


def request_to_json(req: Request) -> bytes:
    """What a JSON client sends (the WPS add-in, LibreOffice; the tests)."""
    return json.dumps(
        {
            "xlgoals": req.version,
            "client": req.client,
            "client_version": req.client_version,
            "action": req.action,
            "book": req.book,
            "can": list(req.can),
            "token": req.token,
            "sheets": [{"name": s.name, "hidden": s.hidden, "rows": s.rows} for s in req.sheets],
        },
        ensure_ascii=False,
    ).encode("utf-8")


def op_to_dict(op: Op) -> dict[str, Any]:
    out: dict[str, Any] = {"op": op.op}
    for key in ("sheet", "cell", "text", "target", "name", "after", "allow"):
        if getattr(op, key):
            out[key] = getattr(op, key)
    if op.op == "fill":
        out["color"] = op.color
    if op.op == "note":
        out["text"] = op.text
    if op.op == "values":
        out["rows"] = op.rows
    if op.op == "insert_rows":
        out["row"], out["count"] = op.row, op.count
    if op.op == "save_file":
        out["data"] = base64.b64encode(op.data).decode("ascii")
    return out


def answer_to_json(answer: Answer) -> bytes:
    if answer.error:
        return json.dumps({"xlgoals": answer.version, "error": answer.error}, ensure_ascii=False).encode()
    body = {"xlgoals": answer.version, "message": answer.message, "ops": [op_to_dict(o) for o in answer.ops]}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# --- lines of tab-separated fields (the VBA client) ---------------------------------------------


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def unescape(text: str) -> str:
    out, k = [], 0
    while k < len(text):
        ch = text[k]
        if ch == "\\" and k + 1 < len(text):
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(text[k + 1], text[k + 1]))
            k += 2
        else:
            out.append(ch)
            k += 1
    return "".join(out)


def _typed(value: Cell) -> str:
    """One value as a field: its type letter, then the value (s text, n number, b boolean, e empty)."""
    if value is None or value == "":
        return "e"
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int | float):
        return "n" + repr(float(value))
    return "s" + escape(str(value))


def _untyped(text: str, where: str) -> Cell:
    kind, rest = text[:1], text[1:]
    if kind == "s":
        return unescape(rest)
    if kind == "e" or kind == "":
        return None
    if kind == "b":
        return rest == "1"
    if kind == "n":
        try:
            number = float(rest.strip())
        except ValueError:
            raise ProtocolError(f"客户端发送的数值“{rest[:20]}”无法识别（{where}）。") from None
        if not math.isfinite(number):
            raise ProtocolError(f"客户端发送的工作簿中有无法识别的数值（{where}）。")
        return number
    if kind == "d":  # a date the client recognised: kept as the text it sent ("2024-01-15")
        return rest
    raise ProtocolError(f"客户端发送的工作簿格式不正确（{where}）：请更新模板。")


def request_from_text(body: bytes) -> Request:
    """The VBA client's request: lines ``xlgoals VERSION CLIENT CLIENT_VERSION ACTION CAN``, ``token``,
    ``book``, then for each sheet ``sheet NAME HIDDEN`` (1 or 0) followed by ``c ROW COL VALUE`` for each cell that is
    not blank (ROW and COL from 1), and ``end``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("客户端发送的内容不是 UTF-8 文本：请更新模板。") from None
    lines = text.replace("\r\n", "\n").split("\n")
    head = lines[0].split("\t") if lines else []
    if len(head) < 5 or head[0] != "xlgoals":
        raise ProtocolError("这不是 xlgoals 按钮发送的内容：请使用 xlgoals 模板或加载项中的按钮。")
    try:
        version = int(head[1])
    except ValueError:
        raise ProtocolError("这不是 xlgoals 按钮发送的内容：请使用 xlgoals 模板中的按钮。") from None
    check_version(version)
    client, client_version, action = head[2][:40], head[3][:40], head[4]
    if action not in ACTIONS:
        raise ProtocolError(f"没有这个按钮（{action[:40]}）：请更新模板。")
    can = tuple(c for c in (head[5].split(",") if len(head) > 5 else []) if c in CAPABILITIES)
    book, token = "", ""
    sheets: list[Sheet] = []
    cells: dict[tuple[int, int], Cell] = {}
    cell_count = 0

    def flush() -> None:
        if not sheets:
            return
        height = max((r for r, _ in cells), default=0)
        width = max((c for _, c in cells), default=0)
        sheets[-1].rows = [[cells.get((r, c)) for c in range(1, width + 1)] for r in range(1, height + 1)]
        cells.clear()

    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        fields = line.split("\t")
        kind = fields[0]
        where = f"第 {number} 行"
        if kind == "end":
            break
        if kind == "token" and len(fields) > 1:
            token = unescape(fields[1])
        elif kind == "book" and len(fields) > 1:
            book = unescape(fields[1])[:255]
        elif kind == "sheet" and len(fields) > 1:
            flush()
            if len(sheets) >= MAX_SHEETS:
                raise ProtocolError("工作簿的工作表过多：请删除多余的工作表后再试。")
            sheets.append(Sheet(unescape(fields[1]), [], len(fields) > 2 and fields[2] == "1"))
        elif kind == "c" and len(fields) == 4 and sheets:
            try:
                r, c = int(fields[1]), int(fields[2])
            except ValueError:
                raise ProtocolError(f"客户端发送的工作簿格式不正确（{where}）：请更新模板。") from None
            if not (1 <= r <= 1_048_576 and 1 <= c <= 16_384):
                raise ProtocolError(f"客户端发送的单元格位置不正确（{where}）。")
            cell_count += 1
            if cell_count > MAX_CELLS:
                raise ProtocolError("工作簿过大：请删除多余的行和工作表后再试，或在网页上传文件校验。")
            cells[(r, c)] = _untyped(fields[3], where)
        else:
            raise ProtocolError(f"客户端发送的工作簿格式不正确（{where}）：请更新模板。")
    flush()
    return Request(version, client, client_version, action, book, sheets, can, token)


def request_to_text(req: Request) -> bytes:
    """What the VBA client sends (the tests build it to compare with the VBA's own)."""
    lines = [
        "\t".join(
            ["xlgoals", str(req.version), req.client, req.client_version, req.action, ",".join(req.can)]
        )
    ]
    if req.token:
        lines.append(f"token\t{escape(req.token)}")
    lines.append(f"book\t{escape(req.book)}")
    for s in req.sheets:
        lines.append(f"sheet\t{escape(s.name)}\t{int(s.hidden)}")
        for r, row in enumerate(s.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    lines.append(f"c\t{r}\t{c}\t{_typed(value)}")
    lines.append("end")
    return ("\n".join(lines) + "\n").encode("utf-8")


def answer_to_text(answer: Answer) -> bytes:
    """The answer as lines for the VBA client: ``xlgoals VERSION``, ``message``, one line per operation
    (``values`` is followed by one ``row`` line per row), then ``end``."""
    lines = [f"xlgoals\t{answer.version}"]
    if answer.error:
        lines += [f"error\t{escape(answer.error)}", "end"]
        return ("\n".join(lines) + "\n").encode("utf-8")
    lines.append(f"message\t{escape(answer.message)}")
    for o in answer.ops:
        s = escape(o.sheet)
        if o.op == "fill":
            lines.append(f"fill\t{s}\t{o.cell}\t{o.color or ''}")
        elif o.op == "note":
            lines.append(f"note\t{s}\t{o.cell}\t{escape(o.text)}")
        elif o.op == "clear":
            lines.append(f"clear\t{s}\t{o.cell}")
        elif o.op == "values":
            width = max((len(r) for r in o.rows), default=0)
            lines.append(f"values\t{s}\t{o.cell}\t{len(o.rows)}\t{width}")
            for row in o.rows:
                padded = [*row, *([None] * (width - len(row)))]
                lines.append("\t".join(["row", *(_typed(v) for v in padded)]))
        elif o.op == "formula":
            lines.append(f"formula\t{s}\t{o.cell}\t{escape(o.text)}")
        elif o.op == "link":
            lines.append(f"link\t{s}\t{o.cell}\t{escape(o.target)}\t{escape(o.text)}")
        elif o.op == "add_sheet":
            lines.append(f"add_sheet\t{escape(o.name)}\t{escape(o.after)}")
        elif o.op == "copy_sheet":
            lines.append(f"copy_sheet\t{s}\t{escape(o.name)}\t{escape(o.after)}")
        elif o.op == "insert_rows":
            lines.append(f"insert_rows\t{s}\t{o.row}\t{o.count}")
        elif o.op == "unprotect":
            lines.append(f"unprotect\t{s}\t{o.allow}")
        else:  # save_file: text clients do not say they can
            raise ValueError(f"operation {o.op} has no text form")
    lines.append("end")
    return ("\n".join(lines) + "\n").encode("utf-8")
