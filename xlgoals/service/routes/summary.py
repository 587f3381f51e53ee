"""``POST /api/summary``: the 汇总 workbook of the uploads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xlgoals.service.endpoint import UPLOAD_BODY, EngineDep, attachment, in_folder, received
from xlgoals.service.engine import summary_workbook

router = APIRouter()


@router.post("/api/summary", summary="汇总表（xlsx）", openapi_extra=UPLOAD_BODY)
async def api_summary(request: Request, engine: EngineDep) -> Response:
    uploads = await received(request)
    data = await in_folder(uploads, lambda: summary_workbook(engine.check(uploads, rows=True)))
    return attachment("绩效目标汇总.xlsx", data)
