"""``POST /api/check``: the report of ``xlgoals check --format json`` (``?format=xlsx``: the workbook)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from xlgoals.service.endpoint import UPLOAD_BODY, EngineDep, attachment, in_folder, received
from xlgoals.service.engine import json_report, xlsx_report

router = APIRouter()


@router.post("/api/check", summary="校验：返回 xlgoals check --format json 的报告", openapi_extra=UPLOAD_BODY)
async def api_check(
    request: Request, engine: EngineDep, format: str = Query("json", pattern="^(json|xlsx)$")
) -> Response:
    uploads = await received(request)
    batch = await in_folder(uploads, lambda: engine.check(uploads))
    if format == "xlsx":
        return attachment("校验报告.xlsx", xlsx_report(batch))
    report = batch.report
    text = json_report(report)
    if report.unreadable_count and report.unreadable_count == report.file_count:
        first = next(f for f in report.files if f.error)
        data = json.loads(text)
        data["error"] = first.error
        return JSONResponse(data, status_code=422)
    return Response(text, media_type="application/json")
