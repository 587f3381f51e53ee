"""``POST /api/annotate``: the marked copy (several files: a .zip of copies)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xlgoals.service.endpoint import UPLOAD_BODY, EngineDep, attachment, in_folder, received
from xlgoals.service.engine import annotated_copies

router = APIRouter()


@router.post("/api/annotate", summary="标注副本（多个文件时为 zip）", openapi_extra=UPLOAD_BODY)
async def api_annotate(request: Request, engine: EngineDep) -> Response:
    uploads = await received(request)

    def work() -> tuple[str, bytes]:
        return annotated_copies(engine.check(uploads, annotate=True), uploads)

    return attachment(*await in_folder(uploads, work))
