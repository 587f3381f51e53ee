"""``POST /xlwings/custom-scripts-call/{script}``: the Excel and WPS buttons (xlwings' remote format)."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from xlgoals.service.endpoint import EngineDep, Refused, authorize
from xlgoals.service.scripts import SCRIPTS, ScriptCall

router = APIRouter()
NO_XLWINGS_KEY = (
    "本服务未启用 Excel/WPS 按钮：需要 xlwings 许可证密钥（环境变量 XLWINGS_LICENSE_KEY），"
    "请财政局信息科按部署说明设置后重启服务。网页校验不受影响。"
)


@router.post(
    "/xlwings/custom-scripts-call/{script}",
    summary="Excel/WPS 按钮：xlwings 客户端发送工作簿，返回要执行的操作",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    },
)
async def xlwings_script(request: Request, script: str, engine: EngineDep) -> Response:
    if script not in SCRIPTS:
        raise Refused(404, f"没有按钮“{script[:40]}”：可用的有 {'、'.join(SCRIPTS)}。")
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        raise Refused(503, NO_XLWINGS_KEY)
    authorize(request, None)
    result = await run_in_threadpool(
        engine.script, ScriptCall(script, await request.body(), engine.context.config)
    )
    if result.error:
        raise Refused(
            400 if "JSON" in result.error or "xlwings 客户端" in result.error else 422, result.error
        )
    return JSONResponse({"actions": result.actions})
