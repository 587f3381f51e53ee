"""xlgoals for LibreOffice Calc: the template's buttons 校验, 汇总, 导出, 新增项目 (a toolbar and the menu
绩效目标), answered by the xlgoals service through the xlgoals button protocol — the same answers Excel's
VBA and the WPS add-in get (the service guide, section 8).

A Python UNO component (a protocol handler for ``vnd.xlgoals:ACTION``) on LibreOffice's own Python,
standard library only; the protocol's Python client (``xlgoals_client.py``) is packed beside it. The
service address and token are built into the extension (``settings.json``: ``xlgoals
libreoffice-addin --url …``); a workbook's ``xlwings.conf`` sheet (XLGOALS_SERVICE_URL,
XLGOALS_TOKEN), where the clerk filled it, takes precedence.

Every message the clerk sees goes through ``say``: a message box, and — for tests and for support —
a line in the file named by the environment variable XLGOALS_MESSAGE_LOG, so a headless run never
waits on a dialog. Any failure is one sentence; the client protects again every sheet it unprotected.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
from typing import Any

import uno  # type: ignore[import-not-found]
import unohelper  # type: ignore[import-not-found]
from com.sun.star.awt.MessageBoxType import INFOBOX  # type: ignore[import-not-found]
from com.sun.star.frame import XDispatch, XDispatchProvider  # type: ignore[import-not-found]
from com.sun.star.lang import XInitialization, XServiceInfo  # type: ignore[import-not-found]
from com.sun.star.table import CellAddress  # type: ignore[import-not-found]

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import xlgoals_client  # noqa: E402 — packed beside this file

IMPLEMENTATION = "org.xlgoals.libreoffice.Buttons"
SERVICE = "com.sun.star.frame.ProtocolHandler"
PROTOCOL = "vnd.xlgoals:"
ACTIONS = ("validate", "totals", "export", "new_project")
CONF_SHEET = "xlwings.conf"
TITLE = "xlgoals"
BUTTONS_OK = 1
CLEAR_CONTENTS = 1 | 2 | 4 | 16  # CellFlags VALUE | DATETIME | STRING (text, links) | FORMULA
SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*))!")


def settings() -> dict[str, str]:
    try:
        with open(os.path.join(HERE, "settings.json"), encoding="utf-8") as fh:
            data: dict[str, str] = json.load(fh)
            return data
    except (OSError, ValueError):
        return {}


def say(ctx: Any, frame: Any, text: str) -> None:
    """Show one sentence (and log it where XLGOALS_MESSAGE_LOG says)."""
    log = os.environ.get("XLGOALS_MESSAGE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(text.replace("\n", " ") + "\n")
    try:
        toolkit = ctx.ServiceManager.createInstanceWithContext("com.sun.star.awt.Toolkit", ctx)
        window = frame.getContainerWindow() if frame is not None else None
        toolkit.createMessageBox(window, INFOBOX, BUTTONS_OK, TITLE, text).execute()
    except Exception:  # no window (a headless run): the log line is the message
        pass


def lo_formula(formula: str) -> str:
    """An Excel formula (English, ``,`` between arguments, ``'sheet'!A1``) as LibreOffice's API reads
    it (``;`` between arguments, ``$'sheet'.A1``); text in quotes is left as it is."""
    out, k, quoted = [], 0, False
    while k < len(formula):
        ch = formula[k]
        if ch == '"':
            quoted = not quoted
            out.append(ch)
            k += 1
            continue
        if not quoted:
            m = SHEET_REF.match(formula, k)
            if m and (k == 0 or not (formula[k - 1].isalnum() or formula[k - 1] == "_")):
                name = m.group(1) if m.group(1) is not None else m.group(2)
                out.append("$'" + name.replace("'", "''").replace("''''", "''") + "'.")
                k = m.end()
                continue
            if ch == ",":
                out.append(";")
                k += 1
                continue
        out.append(ch)
        k += 1
    return "".join(out)


def lo_target(target: str) -> str:
    """A link target ``'sheet'!C4`` as LibreOffice writes it in a cell's URL field: ``#'sheet'.C4``."""
    sheet, _, cell = target.rpartition("!")
    return f"#{sheet}.{cell}"


class UnoHost:
    """The protocol's host for a Calc document (xlgoals_client.Host)."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc

    def _sheet(self, name: str) -> Any:
        return self.doc.Sheets.getByName(name)

    def _index(self, name: str) -> int:
        return list(self.doc.Sheets.ElementNames).index(name)

    def is_protected(self, sheet: str) -> bool:
        return bool(self._sheet(sheet).isProtected())

    def unprotect(self, sheet: str) -> None:
        self._sheet(sheet).unprotect("")

    def protect(self, sheet: str, allow: str) -> None:
        self._sheet(sheet).protect("")  # LibreOffice keeps the sheet's options (insert rows …) as they were

    def fill(self, sheet: str, cells: str, color: str | None) -> None:
        rng = self._sheet(sheet).getCellRangeByName(cells)
        rng.CellBackColor = -1 if not color else int(color, 16)

    def note(self, sheet: str, cell: str, text: str) -> None:
        target = self._sheet(sheet).getCellRangeByName(cell).getCellAddress()
        notes = self._sheet(sheet).getAnnotations()
        for k in reversed(range(notes.getCount())):
            pos = notes.getByIndex(k).getPosition()
            if (pos.Column, pos.Row) == (target.Column, target.Row):
                notes.removeByIndex(k)
        if text:
            address = CellAddress()
            address.Sheet, address.Column, address.Row = target.Sheet, target.Column, target.Row
            notes.insertNew(address, text)

    def clear(self, sheet: str, cells: str) -> None:
        self._sheet(sheet).getCellRangeByName(cells).clearContents(CLEAR_CONTENTS)

    def values(self, sheet: str, cell: str, rows: list[list[Any]]) -> None:
        width = max((len(r) for r in rows), default=0)
        if not rows or not width:
            return
        first = self._sheet(sheet).getCellRangeByName(cell).getCellAddress()
        rng = self._sheet(sheet).getCellRangeByPosition(
            first.Column, first.Row, first.Column + width - 1, first.Row + len(rows) - 1
        )
        data = []
        for r in rows:
            padded = [*r, *([None] * (width - len(r)))]
            data.append(
                tuple(
                    "" if v is None else float(v) if isinstance(v, (int, float)) else str(v) for v in padded
                )
            )
        rng.setDataArray(tuple(data))  # text stays text: nothing is read as a number or a formula

    def formula(self, sheet: str, cell: str, formula: str) -> None:
        self._sheet(sheet).getCellRangeByName(cell).setFormula(lo_formula(formula))

    def link(self, sheet: str, cell: str, target: str, text: str) -> None:
        rng = self._sheet(sheet).getCellRangeByName(cell)
        field = self.doc.createInstance("com.sun.star.text.TextField.URL")
        field.URL = lo_target(target)
        field.Representation = text
        rng.setString("")
        rng.insertTextContent(rng.createTextCursor(), field, False)

    def add_sheet(self, name: str, after: str) -> None:
        self.doc.Sheets.insertNewByName(name, self._index(after) + 1)

    def copy_sheet(self, sheet: str, name: str, after: str) -> None:
        self.doc.Sheets.copyByName(sheet, name, self._index(after) + 1)

    def insert_rows(self, sheet: str, row: int, count: int) -> None:
        self._sheet(sheet).Rows.insertByIndex(row - 1, count)

    def save_file(self, name: str, data: bytes) -> None:
        url = self.doc.getURL()
        if not url.startswith("file:"):
            raise xlgoals_client.ClientError("请先保存工作簿，再导出（导出文件写在工作簿旁边）。")
        folder = os.path.dirname(uno.fileUrlToSystemPath(url))
        fd, tmp = tempfile.mkstemp(prefix=".xlgoals-", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, os.path.join(folder, name))


def sheets_of(doc: Any) -> list[tuple[str, bool, list[list[Any]]]]:
    """Every sheet's (name, hidden, values from A1): blanks as None, error cells as their text."""
    out = []
    for name in doc.Sheets.ElementNames:
        sheet = doc.Sheets.getByName(name)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        end = cursor.getRangeAddress()
        data = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).getDataArray()
        rows = []
        for r, row in enumerate(data):
            values: list[Any] = []
            for c, v in enumerate(row):
                if v is None:  # an error value: its text (#DIV/0!)
                    values.append(sheet.getCellByPosition(c, r).getString())
                else:
                    values.append(None if v == "" else v)
            rows.append(values)
        out.append((name, not sheet.IsVisible, rows))
    return out


def workbook_settings(doc: Any) -> dict[str, str]:
    """XLGOALS_SERVICE_URL and XLGOALS_TOKEN from the workbook's xlwings.conf sheet, where filled."""
    if not doc.Sheets.hasByName(CONF_SHEET):
        return {}
    data = doc.Sheets.getByName(CONF_SHEET).getCellRangeByPosition(0, 0, 1, 40).getDataArray()
    found = {str(k).strip().upper(): str(v).strip() for k, v in data if str(k).strip() and str(v).strip()}
    out = {}
    if found.get("XLGOALS_SERVICE_URL"):
        out["url"] = found["XLGOALS_SERVICE_URL"]
    if found.get("XLGOALS_TOKEN"):
        out["token"] = found["XLGOALS_TOKEN"]
    return out


def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=600) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read())
        except ValueError:
            return exc.code, None
    except ValueError:
        return 200, None


def press(ctx: Any, frame: Any, action: str) -> None:
    doc = frame.getController().getModel() if frame is not None else None
    if doc is None or not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
        say(ctx, frame, "请在 LibreOffice Calc 中打开绩效目标表后再点按钮。")
        return
    conf = {**settings(), **workbook_settings(doc)}
    url = conf.get("url", "").rstrip("/")
    if not url:
        say(
            ctx,
            frame,
            "未设置校验服务地址：请联系财政局信息科安装带地址的扩展，或在 xlwings.conf 工作表中填写 XLGOALS_SERVICE_URL。",
        )
        return
    name = doc.getTitle() or "工作簿"
    try:
        body = xlgoals_client.request(
            action, name, sheets_of(doc), client="libreoffice", client_version=conf.get("version", ""),
            can=("save_file",), token=conf.get("token", ""),
        )  # fmt: skip
        status, answer = post(url + "/api/press", body)
    except (OSError, urllib.error.URLError):
        say(ctx, frame, f"无法连接校验服务 {url}：请检查网络，或联系财政局信息科。")
        return
    if answer is None:
        say(ctx, frame, f"校验服务出错（状态 {status}），请稍后重试；一直如此时请联系财政局信息科。")
        return
    try:
        doc.lockControllers()
        try:
            message = xlgoals_client.apply(answer, UnoHost(doc))
        finally:
            doc.unlockControllers()
    except xlgoals_client.ClientError as exc:
        message = str(exc)
    except Exception as exc:  # an operation LibreOffice refused: the sheets are protected again
        message = f"xlgoals 未能完成操作（{type(exc).__name__}），各工作表的保护已恢复；请重试，或把工作簿交给财政局信息科。"
    if message:
        say(ctx, frame, message)


class Buttons(unohelper.Base, XInitialization, XDispatchProvider, XDispatch, XServiceInfo):  # type: ignore[misc]
    def __init__(self, ctx: Any, *args: Any) -> None:
        self.ctx = ctx
        self.frame: Any = None

    def initialize(self, args: Any) -> None:
        self.frame = args[0] if args else None

    def queryDispatch(self, url: Any, target: str, flags: int) -> Any:
        return self if url.Protocol == PROTOCOL and url.Path in ACTIONS else None

    def queryDispatches(self, requests: Any) -> tuple[Any, ...]:
        return tuple(self.queryDispatch(r.FeatureURL, r.FrameName, r.SearchFlags) for r in requests)

    def dispatch(self, url: Any, args: Any) -> None:
        press(self.ctx, self.frame, url.Path)

    def addStatusListener(self, listener: Any, url: Any) -> None:
        pass

    def removeStatusListener(self, listener: Any, url: Any) -> None:
        pass

    def getImplementationName(self) -> str:
        return IMPLEMENTATION

    def supportsService(self, name: str) -> bool:
        return name == SERVICE

    def getSupportedServiceNames(self) -> tuple[str, ...]:
        return (SERVICE,)


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Buttons, IMPLEMENTATION, (SERVICE,))
