"""``GET /libreoffice/xlgoals.oxt``: the LibreOffice extension, its buttons answered by this service."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xlgoals.libreoffice.package import NAME, build_extension
from xlgoals.service.endpoint import attachment, base_url

router = APIRouter()


@router.get(
    "/libreoffice/" + NAME, summary="LibreOffice 扩展（.oxt，按钮连接本服务；双击或用扩展管理器安装）"
)
async def libreoffice_extension(request: Request) -> Response:
    return attachment(NAME, build_extension(base_url(request)))
