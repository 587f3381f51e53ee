"""``GET /template``: the blank template (``?macros=1``: the .xlsm with the buttons)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xlgoals.service.endpoint import attachment

router = APIRouter()


@router.get("/template", summary="空白模板")
async def template(request: Request, macros: bool = False) -> Response:
    if macros:
        return attachment("绩效目标表.xlsm", request.app.state.macro_template)
    return attachment("绩效目标表.xlsx", request.app.state.template)
