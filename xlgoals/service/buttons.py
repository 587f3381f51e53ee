"""The template's buttons, served: a press arrives in the client protocol (``xlgoals.protocol``,
JSON or lines of text), is read and answered in a guarded worker process (reading and checking
untrusted content is the workers' job, as for every upload) and goes back in the encoding it came in.

Workbooks made from the template of an earlier release still call xlwings' remote-engine address;
they get one message box, in the form xlwings' VBA client shows, telling the clerk to download the
new template.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from xlgoals import protocol
from xlgoals.config import ConfigPolicy
from xlgoals.press import press

UNAUTHORIZED = (
    "访问口令不正确：请在模板的 xlwings.conf 工作表（或加载项的提示框）中填写财政局提供的访问口令。"
)
OLD_TEMPLATE = (
    "此工作簿的按钮来自旧版模板，已不能使用校验服务：请在校验服务网页上点“下载启用宏的模板”，"
    "把内容复制到新模板后再点按钮；或直接在网页上传本工作簿校验。"
)


@dataclass(frozen=True)
class PressCall:
    body: bytes  # as posted: read in the worker, never in the service's own process
    text: bool  # the lines encoding (the VBA client); else JSON
    policy: ConfigPolicy  # serve --config, as for every other check
    token: str | None  # the service's access token, if it has one
    header_token: str = ""  # the token the request's Authorization header carried


@dataclass(frozen=True)
class PressResult:
    body: bytes
    status: int = 200


def encode(answer: protocol.Answer, text: bool) -> bytes:
    return protocol.answer_to_text(answer) if text else protocol.answer_to_json(answer)


def run_press(call: PressCall) -> PressResult:
    """In a worker: the answer to one press, encoded as the request was."""
    try:
        req = protocol.request_from_text(call.body) if call.text else protocol.request_from_json(call.body)
    except protocol.ProtocolError as exc:
        return PressResult(encode(protocol.Answer(error=exc.message), call.text), 400)
    if call.token:
        # A header arrives as Latin-1 text (HTTP), the body as UTF-8: compare the bytes the client sent.
        given = call.header_token.encode("latin-1") if call.header_token else req.token.encode("utf-8")
        if not hmac.compare_digest(given, call.token.encode("utf-8")):
            return PressResult(
                encode(protocol.Answer(error=UNAUTHORIZED, version=req.version), call.text), 401
            )
    answer = press(req, call.policy)
    answer.version = req.version
    return PressResult(encode(answer, call.text), 200 if not answer.error else 422)


def failed_press(call: PressCall, why_text: str) -> PressResult:
    """A press whose worker ran out of time or memory, or died."""
    return PressResult(encode(protocol.Answer(error="工作簿" + why_text), call.text), 422)


def old_template_actions() -> list[dict[str, object]]:
    """What a workbook of an earlier template's buttons understands: one xlwings ``alert`` action."""
    return [
        {
            "func": "alert",
            "args": [OLD_TEMPLATE, "xlgoals", "ok", "", ""],
            "values": None,
            "sheet_position": None,
            "start_row": None,
            "start_column": None,
            "row_count": None,
            "column_count": None,
        }
    ]
