"""``POST /api/convert?to=docx|json|csv|xlsx``: one uploaded file in another format."""

from __future__ import annotations

import shutil

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from xlgoals.service.endpoint import UPLOAD_BODY, EngineDep, Refused, attachment, in_folder, received

router = APIRouter()


@router.post("/api/convert", summary="格式转换（一个文件）", openapi_extra=UPLOAD_BODY)
async def api_convert(
    request: Request, engine: EngineDep, to: str = Query(..., pattern="^(docx|json|csv|xlsx)$")
) -> Response:
    uploads = await received(request)
    if len(uploads.inputs) != 1 or uploads.skipped:
        shutil.rmtree(uploads.folder, ignore_errors=True)
        raise Refused(400, "格式转换一次只能上传一个文件（不能是压缩包）。")
    return attachment(*await in_folder(uploads, lambda: engine.convert(uploads, to)))
