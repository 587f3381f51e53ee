"""The template's buttons for clients of the service: Excel's VBA client (xlwings ``RunRemotePython``
/ ``RunServerPython``) and the WPS add-in post the open workbook as xlwings' remote-engine payload to
``/xlwings/custom-scripts-call/{script}``; a worker opens it with the remote engine
(``xw.Book(json=payload)``), runs the same function the local button runs
(``xlgoals.excel.buttons``, unchanged) and answers with the actions the client replays
(``{"actions": [...]}``: setValues, setRangeColor, addNote, addHyperlink, addSheet, runMacro, alert…).

xlwings' remote engine is under the xlwings PRO licence (PolyForm Noncommercial or a paid licence):
the service needs XLWINGS_LICENSE_KEY in its environment (docs/服务.md, "Excel 和 WPS 的按钮").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import xlwings as xw

from xlgoals.config import ConfigPolicy
from xlgoals.excel.buttons import new_project_book, run_guarded, totals_book, validate_book

EXPORT_ELSEWHERE = (
    "通过校验服务无法把导出文件写到您的电脑上：请在校验服务的网页中上传本工作簿，点“生成公开文件”；"
    "或在安装了 xlgoals 的电脑上使用“导出”。"
)


def _export_book(_book: Any, _policy: ConfigPolicy) -> str:
    return EXPORT_ELSEWHERE


SCRIPTS: dict[str, Callable[[Any, ConfigPolicy], str]] = {
    "xg_validate": validate_book,
    "xg_totals": totals_book,
    "xg_new_project": new_project_book,
    "xg_export": _export_book,
}


@dataclass(frozen=True)
class ScriptCall:
    script: str  # a key of SCRIPTS
    body: bytes  # the payload as posted: parsed in the worker, never in the server process
    policy: ConfigPolicy  # the service's configuration (serve --config), as for every other check


@dataclass(frozen=True)
class ScriptResult:
    actions: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""  # the payload could not be opened


def run_script(call: ScriptCall) -> ScriptResult:
    """In a worker: the button's actions for the posted workbook."""
    try:
        payload = json.loads(call.body)
    except (ValueError, RecursionError):
        return ScriptResult(error="客户端发送的内容不是有效的 JSON。")
    if not isinstance(payload, dict) or not isinstance(payload.get("sheets"), list):
        return ScriptResult(error="客户端发送的内容不是 xlwings 客户端的工作簿。")
    try:
        book = xw.Book(json=payload)
    except Exception as exc:  # the engine refuses the payload: say which part, not how
        return ScriptResult(
            error=f"无法读取客户端发送的工作簿（{type(exc).__name__}）：请确认加载项或模板是最新版本。"
        )
    run_guarded(book, lambda b: SCRIPTS[call.script](b, call.policy))
    return ScriptResult(actions=list(book.json()["actions"]))
