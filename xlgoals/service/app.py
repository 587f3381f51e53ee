"""``xlgoals serve``: the web service — the page, the API, the limits around them.

Routes (docs/服务.md describes them for users; ``/openapi.json`` for programs):
  GET  /                     the page (works without script)
  POST /check                the page with the findings (``?fragment=1``: the findings alone, streamed)
  GET  /rules, /api/rules    the rule catalogue (HTML, JSON)
  GET  /template             the blank template (``?macros=1``: the .xlsm)
  POST /api/check            the JSON report of ``xlgoals check --format json`` (``?format=xlsx``: the report workbook)
  POST /api/annotate         the annotated copy (several files: a .zip of copies)
  POST /api/summary          the 汇总 workbook
  POST /api/convert?to=...   the file as docx, json, csv or xlsx

Every POST takes ``multipart/form-data`` with the files in ``files``. Safety: the body is counted
while it streams and refused with 413 the moment it passes ``--max-upload-mb`` (at once when its
Content-Length says so); uploads go to a private temporary folder removed before the answer is
complete; names are never paths; checking runs on the resident guarded workers (``engine``); the
optional token is compared in constant time; logs carry no file content. Errors are one Chinese
sentence: JSON ``{"error": ...}`` for programs, the page for browsers.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import queue
import shutil
import tempfile
import threading
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xlgoals import __version__, limits
from xlgoals.config import ConfigPolicy
from xlgoals.errors import XlgoalsInputError
from xlgoals.rulesdoc import rules_data
from xlgoals.service import page
from xlgoals.service.engine import (
    Engine,
    Limits,
    annotated_copies,
    json_report,
    summary_workbook,
    xlsx_report,
)
from xlgoals.service.scripts import SCRIPTS, ScriptCall
from xlgoals.service.uploads import Uploads, UploadTooLarge, display_name, save
from xlgoals.template.builder import build_bytes
from xlgoals.wps.package import FOLDER, addin_files, plugins_xml

log = logging.getLogger("xlgoals.service")
STATIC = Path(__file__).parent / "static"
MAX_FILES = 1000  # files in one request (a folder is better sent as one .zip)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {
    ".xlsx": XLSX,
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".zip": "application/zip",
}
CONVERT_TO = ("docx", "json", "csv", "xlsx")
NO_XLWINGS_KEY = (
    "本服务未启用 Excel/WPS 按钮：需要 xlwings 许可证密钥（环境变量 XLWINGS_LICENSE_KEY），"
    "请财政局信息科按部署说明设置后重启服务。网页校验不受影响。"
)


SERVICE_DEFAULT = ConfigPolicy(nearby=False)  # no --config: the defaults (nothing is found near an upload)


@dataclass(frozen=True)
class Settings:
    limits: Limits
    max_upload_mb: int = 100
    token: str | None = None
    config: ConfigPolicy = SERVICE_DEFAULT  # serve --config: the bureau's xlgoals.toml for every check
    temp_root: Path | None = None  # where request folders are made (default: the system's)


class Refused(XlgoalsInputError):
    """A request the service will not serve, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a body past ``limit`` bytes with 413: at once when Content-Length says so, otherwise
    the moment the streamed body passes it (nothing past the limit is read)."""

    def __init__(self, app: ASGIApp, limit: int, answer: Callable[[Scope, Send], Awaitable[None]]) -> None:
        self.app, self.limit, self.answer = app, limit, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self.answer(scope, send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except _BodyTooLarge:
            if not started:
                await self.answer(scope, send)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def _attachment(name: str, data: bytes) -> Response:
    suffix = Path(name).suffix.lower()
    ascii_name = "xlgoals" + suffix
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=MEDIA.get(suffix, "application/octet-stream"),
                    headers={"Content-Disposition": disposition})  # fmt: skip


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


def create_app(settings: Settings) -> FastAPI:
    state: dict[str, Any] = {}
    limit = settings.max_upload_mb * limits.MB

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state["engine"] = Engine(settings.limits, settings.config)
        state["template"] = build_bytes(None)
        state["macro_template"] = build_bytes(None, macros=True)
        try:
            yield
        finally:
            state["engine"].close()

    app = FastAPI(
        title="xlgoals 绩效目标表校验服务",
        version=__version__,
        description="与命令行 xlgoals 相同的校验引擎。上传用 multipart/form-data，文件字段名 files。",
        lifespan=lifespan,
        docs_url=None,  # the interactive pages load scripts from a CDN; the intranet has none
        redoc_url=None,
    )

    def error(request: Request, status: int, sentence: str) -> Response:
        if _wants_html(request):
            html = page.message_page(
                sentence, token=bool(settings.token), max_upload_mb=settings.max_upload_mb
            )
            return HTMLResponse(html, status_code=status)
        return JSONResponse({"error": sentence}, status_code=status)

    too_large = f"上传的内容超过 {settings.max_upload_mb} MB 的上限，已拒绝；请分批上传或压缩后再试。"

    async def answer_too_large(scope: Scope, send: Send) -> None:
        log.info("413 %s", scope.get("path"))
        await error(Request(scope), 413, too_large)(scope, _no_receive, send)

    app.add_middleware(BodyLimit, limit=limit, answer=answer_too_large)
    # The WPS add-in's page comes from the add-in's own folder (file://) or another host: it may call us.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return error(request, exc.status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(str(e.get("loc", ("",))[-1]) for e in exc.errors())
        return error(request, 400, f"请求参数不正确（{fields}）：请按接口说明填写。")

    @app.exception_handler(XlgoalsInputError)
    async def unreadable(request: Request, exc: XlgoalsInputError) -> Response:
        return error(request, 422, str(exc))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log_internal(request.url.path, exc)
        return error(request, 500, "服务内部错误，未能完成操作；请稍后重试，或把文件交给维护人员。")

    def authorize(request: Request, form_token: str | None) -> None:
        if not settings.token:
            return
        header = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = header.encode("latin-1") if header else (form_token or "").encode("utf-8")
        if not hmac.compare_digest(given, settings.token.encode("utf-8")):
            raise Refused(401, "访问口令不正确：请填写财政局提供的访问口令。")

    async def received(request: Request) -> Uploads:
        """The request's files, stored in a new private folder (the caller removes it)."""
        if settings.token and request.headers.get("authorization"):
            authorize(request, None)  # before reading the body
        try:
            form = await request.form(max_files=MAX_FILES, max_fields=20)
        except MultiPartException as exc:
            raise Refused(400, f"上传内容格式不正确（{exc.message}）。") from None
        if not request.headers.get("authorization"):
            token = form.get("token")
            authorize(request, token if isinstance(token, str) else None)
        folder = Path(tempfile.mkdtemp(prefix="xlgoals-request-", dir=settings.temp_root))
        uploads = Uploads(folder)
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
        try:
            return await run_in_threadpool(work)
        finally:
            shutil.rmtree(uploads.folder, ignore_errors=True)

    def engine() -> Engine:
        return state["engine"]  # type: ignore[no-any-return]

    @app.get("/", response_class=HTMLResponse, summary="校验页面")
    async def index() -> HTMLResponse:
        return HTMLResponse(
            page.page_start(token=bool(settings.token), max_upload_mb=settings.max_upload_mb)
            + page.page_end()
        )

    @app.post("/check", response_class=HTMLResponse, summary="校验（页面）", openapi_extra=UPLOAD_BODY)
    async def check_page(request: Request, fragment: bool = False) -> StreamingResponse:
        uploads = await received(request)
        chunks: queue.Queue[str | None] = queue.Queue()

        def work() -> None:  # runs on in a thread even if the browser goes away; it removes the folder
            try:
                total = len(uploads.inputs) + len(uploads.skipped)
                chunks.put(page.report_start(total))
                batch = engine().check(uploads, on_result=lambda fr: chunks.put(page.file_section(fr)))
                chunks.put(page.report_end(batch.report))
            except XlgoalsInputError as exc:
                chunks.put(page.problem(str(exc)))
            except Exception as exc:
                log_internal("/check", exc)
                chunks.put(page.problem("服务内部错误，未能完成校验；请稍后重试。"))
            finally:
                shutil.rmtree(uploads.folder, ignore_errors=True)
                chunks.put(None)

        threading.Thread(target=work, name="xlgoals-check", daemon=True).start()

        def body() -> Iterator[str]:
            if not fragment:
                yield page.page_start(token=bool(settings.token), max_upload_mb=settings.max_upload_mb)
            while (chunk := chunks.get()) is not None:
                yield chunk
            if not fragment:
                yield page.page_end()

        return StreamingResponse(body(), media_type="text/html; charset=utf-8")

    @app.post(
        "/api/check", summary="校验：返回 xlgoals check --format json 的报告", openapi_extra=UPLOAD_BODY
    )
    async def api_check(request: Request, format: str = Query("json", pattern="^(json|xlsx)$")) -> Response:
        uploads = await received(request)
        batch = await in_folder(uploads, lambda: engine().check(uploads))
        if format == "xlsx":
            return _attachment("校验报告.xlsx", xlsx_report(batch))
        report = batch.report
        text = json_report(report)
        if report.unreadable_count and report.unreadable_count == report.file_count:
            first = next(f for f in report.files if f.error)
            data = json.loads(text)
            data["error"] = first.error
            return JSONResponse(data, status_code=422)
        return Response(text, media_type="application/json")

    @app.post("/api/annotate", summary="标注副本（多个文件时为 zip）", openapi_extra=UPLOAD_BODY)
    async def api_annotate(request: Request) -> Response:
        uploads = await received(request)

        def work() -> tuple[str, bytes]:
            return annotated_copies(engine().check(uploads, annotate=True), uploads)

        return _attachment(*await in_folder(uploads, work))

    @app.post("/api/summary", summary="汇总表（xlsx）", openapi_extra=UPLOAD_BODY)
    async def api_summary(request: Request) -> Response:
        uploads = await received(request)
        data = await in_folder(uploads, lambda: summary_workbook(engine().check(uploads, rows=True)))
        return _attachment("绩效目标汇总.xlsx", data)

    @app.post("/api/convert", summary="格式转换（一个文件）", openapi_extra=UPLOAD_BODY)
    async def api_convert(
        request: Request, to: str = Query(..., pattern="^(docx|json|csv|xlsx)$")
    ) -> Response:
        uploads = await received(request)
        if len(uploads.inputs) != 1 or uploads.skipped:
            shutil.rmtree(uploads.folder, ignore_errors=True)
            raise Refused(400, "格式转换一次只能上传一个文件（不能是压缩包）。")
        return _attachment(*await in_folder(uploads, lambda: engine().convert(uploads, to)))

    @app.post(
        "/xlwings/custom-scripts-call/{script}",
        summary="Excel/WPS 按钮：xlwings 客户端发送工作簿，返回要执行的操作",
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
        },
    )
    async def xlwings_script(request: Request, script: str) -> Response:
        if script not in SCRIPTS:
            raise Refused(404, f"没有按钮“{script[:40]}”：可用的有 {'、'.join(SCRIPTS)}。")
        if not os.environ.get("XLWINGS_LICENSE_KEY"):
            raise Refused(503, NO_XLWINGS_KEY)
        authorize(request, None)
        result = await run_in_threadpool(
            engine().script, ScriptCall(script, await request.body(), engine().context.config)
        )
        if result.error:
            raise Refused(
                400 if "JSON" in result.error or "xlwings 客户端" in result.error else 422, result.error
            )
        return JSONResponse({"actions": result.actions})

    @app.get("/api/rules", summary="校验规则目录")
    async def api_rules() -> JSONResponse:
        return JSONResponse({"rules": rules_data()})

    @app.get("/rules", response_class=HTMLResponse, summary="校验规则（页面）")
    async def rules() -> HTMLResponse:
        return HTMLResponse(page.rules_page())

    @app.get("/api", response_class=HTMLResponse, summary="接口说明（页面）")
    async def api_page() -> HTMLResponse:
        return HTMLResponse(page.api_page(app.openapi()))

    @app.get("/template", summary="空白模板")
    async def template(macros: bool = False) -> Response:
        if macros:
            return _attachment("绩效目标表.xlsm", state["macro_template"])
        return _attachment("绩效目标表.xlsx", state["template"])

    @app.get("/wps/jsplugins.xml", summary="WPS 加载项清单（在线模式，oem.ini 的 JSPluginsServer）")
    async def wps_plugins(request: Request) -> Response:
        return Response(plugins_xml(_base(request), online=True), media_type="application/xml")

    @app.get("/wps/" + FOLDER + "/{path:path}", summary="WPS 加载项的文件（在线模式）")
    async def wps_file(request: Request, path: str) -> Response:
        files = addin_files(_base(request))
        if path not in files:
            raise Refused(404, "没有这个文件。")
        media = {".js": "text/javascript", ".xml": "application/xml", ".html": "text/html"}
        return Response(
            files[path],
            media_type=media.get(Path(path).suffix, "application/octet-stream") + "; charset=utf-8",
        )

    @app.get("/healthz", summary="运行状态")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "workers": settings.limits.workers}

    return app


def _base(request: Request) -> str:
    """The service's address as the client reached it (behind nginx: its Host and scheme)."""
    return str(request.base_url).rstrip("/")


def log_internal(where: str, exc: BaseException) -> None:
    """An internal error for the service's log: the exception's type and frames, never its message
    (a message may quote a cell of the user's file)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("internal error on %s: %s\n%s", where, type(exc).__name__, frames)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
