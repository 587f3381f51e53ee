"""``POST /api/press``: a button of the template (Excel's VBA), the WPS add-in or the LibreOffice
extension — the client protocol (``xlgoals.protocol``), JSON or ``text/plain`` lines. And
``POST /xlwings/custom-scripts-call/{script}``, where buttons of an earlier template still call:
one message box telling the clerk to get the new template."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from xlgoals.service.buttons import PressCall, old_template_actions
from xlgoals.service.endpoint import EngineDep, SettingsDep

router = APIRouter()


@router.post(
    "/api/press",
    summary="Excel/WPS/LibreOffice 的按钮：发送工作簿的内容，返回要执行的操作（xlgoals 按钮协议）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        }
    },
)
async def api_press(request: Request, settings: SettingsDep, engine: EngineDep) -> Response:
    text = request.headers.get("content-type", "").startswith("text/plain")
    header = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    call = PressCall(await request.body(), text, engine.context.config, settings.token, header)
    result = await run_in_threadpool(engine.press, call)
    media = "text/plain; charset=utf-8" if text else "application/json"
    return Response(result.body, status_code=result.status, media_type=media)


@router.post(
    "/xlwings/custom-scripts-call/{script}", summary="旧版模板的按钮：提示下载新模板", include_in_schema=False
)
async def old_template() -> JSONResponse:
    """Whichever button it was (the path names it): the same message box."""
    return JSONResponse({"actions": old_template_actions()})
