"""``GET /wps/…``: the WPS add-in, served online (WPS fetches /wps/jsplugins.xml)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xlgoals.service.endpoint import Refused, base_url
from xlgoals.wps.package import ARCHIVE, FOLDER, addin_files, archive, plugins_xml

router = APIRouter()


@router.get("/wps/jsplugins.xml", summary="WPS 加载项清单（在线模式，oem.ini 的 JSPluginsServer）")
async def wps_plugins(request: Request) -> Response:
    return Response(plugins_xml(base_url(request), online=True), media_type="application/xml")


@router.get("/wps/" + ARCHIVE, summary="WPS 加载项的离线安装包（7z，离线模式与发布模式）")
async def wps_archive(request: Request) -> Response:
    return Response(archive(base_url(request)), media_type="application/x-7z-compressed")


@router.get("/wps/" + FOLDER + "/{path:path}", summary="WPS 加载项的文件（在线模式）")
async def wps_file(request: Request, path: str) -> Response:
    files = addin_files(base_url(request))
    if path not in files:
        raise Refused(404, "没有这个文件。")
    media = {".js": "text/javascript", ".xml": "application/xml", ".html": "text/html"}
    return Response(
        files[path], media_type=media.get(Path(path).suffix, "application/octet-stream") + "; charset=utf-8"
    )
