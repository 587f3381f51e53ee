"""What every endpoint of the service shares: its settings and engine (FastAPI dependencies), the
token check, receiving the uploaded files into a private folder, and answers — a Chinese sentence as
JSON ``{"error": ...}`` for programs or the page for browsers, and downloads named as users know them."""

from __future__ import annotations

import hmac
import logging
import shutil
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from xlgoals import limits
from xlgoals.config import ConfigPolicy
from xlgoals.errors import XlgoalsInputError
from xlgoals.service import page
from xlgoals.service.engine import Engine, Limits
from xlgoals.service.guards import CLIENT_SECONDS, DEFAULT_ORIGINS
from xlgoals.service.uploads import Uploads, UploadTooLarge, display_name, save

log = logging.getLogger("xlgoals.service")
MAX_FILES = 1000  # files in one request (a folder is better sent as one .zip)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {
    ".xlsx": XLSX,
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".zip": "application/zip",
    ".oxt": "application/vnd.openofficeorg.extension",
}
SERVICE_DEFAULT = ConfigPolicy(nearby=False)  # no --config: the defaults (nothing is found near an upload)
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "token": {
                            "type": "string",
                            "description": "访问口令（也可用 Authorization: Bearer）",
                        },
                    },
                    "required": ["files"],
                }
            }
        },
    }
}


@dataclass(frozen=True)
class Settings:
    limits: Limits
    max_upload_mb: int = 100
    token: str | None = None
    config: ConfigPolicy = SERVICE_DEFAULT  # serve --config: the bureau's xlgoals.toml for every check
    temp_root: Path | None = None  # where request folders are made (default: the system's)
    allow_origins: tuple[str, ...] = DEFAULT_ORIGINS  # serve --allow-origin: web pages that may call the API
    client_seconds: float = CLIENT_SECONDS  # serve --client-timeout: headers within, no body stall past


class Refused(XlgoalsInputError):
    """A request the service will not serve, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def settings_of(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def engine_of(request: Request) -> Engine:
    value: Engine = request.app.state.engine
    return value


SettingsDep = Annotated[Settings, Depends(settings_of)]
EngineDep = Annotated[Engine, Depends(engine_of)]


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def error(request: Request, status: int, sentence: str) -> Response:
    """One Chinese sentence: the page for a browser, ``{"error": ...}`` for a program."""
    settings = settings_of(request)
    if wants_html(request):
        html = page.message_page(sentence, token=bool(settings.token), max_upload_mb=settings.max_upload_mb)
        return HTMLResponse(html, status_code=status)
    return JSONResponse({"error": sentence}, status_code=status)


def attachment(name: str, data: bytes) -> Response:
    suffix = Path(name).suffix.lower()
    ascii_name = "xlgoals" + suffix
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=MEDIA.get(suffix, "application/octet-stream"),
                    headers={"Content-Disposition": disposition})  # fmt: skip


def authorize(request: Request, form_token: str | None) -> None:
    settings = settings_of(request)
    if not settings.token:
        return
    header = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    given = header.encode("latin-1") if header else (form_token or "").encode("utf-8")
    if not hmac.compare_digest(given, settings.token.encode("utf-8")):
        raise Refused(401, "访问口令不正确：请填写财政局提供的访问口令。")


async def received(request: Request) -> Uploads:
    """The request's files, stored in a new private folder (the caller removes it)."""
    settings = settings_of(request)
    if settings.token and request.headers.get("authorization"):
        authorize(request, None)  # before reading the body
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=20)
    except (MultiPartException, HTTPException):  # Starlette turns the parser's error into an HTTPException
        raise Refused(
            400,
            "上传内容格式不正确：请用网页或接口说明中的方式上传（multipart/form-data，文件字段名 files）。",
        ) from None
    if not request.headers.get("authorization"):
        token = form.get("token")
        authorize(request, token if isinstance(token, str) else None)
    folder = Path(tempfile.mkdtemp(prefix="xlgoals-request-", dir=settings.temp_root))
    # a request's zips may inflate to ten times what may be uploaded (workbooks compress about 5:1)
    uploads = Uploads(
        folder, inflate_limit=min(limits.MAX_TOTAL_INFLATED, 10 * settings.max_upload_mb * limits.MB)
    )
    try:
        for item in form.getlist("files") + form.getlist("file"):
            if isinstance(item, UploadFile) and (item.filename or item.size):
                await run_in_threadpool(save, uploads, display_name(item.filename), item.file)
    except UploadTooLarge as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise Refused(413, str(exc)) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        await form.close()
    if not uploads.inputs and not uploads.skipped:
        shutil.rmtree(folder, ignore_errors=True)
        raise Refused(400, "没有收到文件：请选择要校验的工作簿、公开文本、Word 文件或 zip 压缩包。")
    return uploads


async def in_folder(uploads: Uploads, work: Callable[[], Any]) -> Any:
    """Run ``work`` on a thread; the request's folder is removed afterwards, whatever happens."""
    try:
        return await run_in_threadpool(work)
    finally:
        shutil.rmtree(uploads.folder, ignore_errors=True)


def base_url(request: Request) -> str:
    """The service's address as the client reached it (behind nginx: its Host and scheme)."""
    return str(request.base_url).rstrip("/")


def log_internal(where: str, exc: BaseException) -> None:
    """An internal error for the service's log: the exception's type and frames, never its message
    (a message may quote a cell of the user's file)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("internal error on %s: %s\n%s", where, type(exc).__name__, frames)
