"""RunPython targets of the template's buttons (Excel with local Python): 校验, 汇总, 导出, 新增项目.

Each reads the calling workbook's values, asks ``xlgoals.press`` what the button does — the same
answer the service gives its clients — and applies it with the protocol's Python client through the
xlwings host (``io.xw``). Configuration: the xlgoals.toml (or pyproject.toml) near the workbook. Any
failure shows one Chinese sentence and writes the traceback to ``xlgoals-error.log`` beside the
workbook — never a raw traceback in a box.
"""

from __future__ import annotations

import json
import tempfile
import traceback
from pathlib import Path
from typing import Any

import xlwings as xw

from xlgoals import protocol
from xlgoals.config import NEARBY, ConfigPolicy
from xlgoals.errors import XlgoalsInputError
from xlgoals.io.xw import apply_answer, grid_from_book
from xlgoals.macros.python.xlgoals_client import ClientError
from xlgoals.press import press

TITLE = "xlgoals"
CLIENT = "xlwings"


def _log_path(book: Any) -> Path:
    folder = Path(str(book.fullname)).resolve().parent
    return (folder if folder.is_dir() else Path(tempfile.gettempdir())) / "xlgoals-error.log"


def request_of(book: Any, action: str) -> protocol.Request:
    """The press as the protocol says it: every sheet's values (Excel with Python can save files)."""
    grid = grid_from_book(book)
    sheets = [protocol.Sheet(s.name, s.rows, s.hidden) for s in grid.sheets]
    return protocol.Request(protocol.VERSION, CLIENT, "", action, grid.path, sheets, ("save_file",))


def run_button(book: Any, action: str, policy: ConfigPolicy = NEARBY) -> str:
    """Press a button on ``book``: apply the answer and show its message, or one Chinese sentence."""
    try:
        answer = press(request_of(book, action), policy)
        data = json_data(answer)
        message = apply_answer(book, data)
    except (XlgoalsInputError, ClientError) as exc:
        message = str(exc) if isinstance(exc, ClientError) else f"无法完成：{exc}"
    except Exception:
        log = _log_path(book)
        try:
            log.write_text(traceback.format_exc(), encoding="utf-8")
            message = f"xlgoals 出错了，未能完成操作。详细信息已写入 {log}，请把该文件发给维护者。"
        except OSError:
            message = "xlgoals 出错了，未能完成操作，且无法写入错误日志。"
    book.app.alert(message, title=TITLE)
    return message


def json_data(answer: protocol.Answer) -> dict[str, Any]:
    """The answer as the Python client reads it (what the service would send as JSON)."""
    data: dict[str, Any] = json.loads(protocol.answer_to_json(answer))
    return data


# --- RunPython targets (one parameterless function per button) ----------------------------------


def validate_button() -> None:
    run_button(xw.Book.caller(), "validate")


def totals_button() -> None:
    run_button(xw.Book.caller(), "totals")


def export_button() -> None:
    run_button(xw.Book.caller(), "export")


def new_project_button() -> None:
    run_button(xw.Book.caller(), "new_project")
