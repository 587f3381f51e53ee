"""``xlgoals serve``: the web service — the page, the API, the limits around them.

Routes (one module each in ``routes/``; docs/服务.md describes them for users, ``/openapi.json``
for programs):
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

import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import Message, Scope, Send

from xlgoals import __version__, limits
from xlgoals.errors import XlgoalsInputError
from xlgoals.service.endpoint import Refused, Settings, error, log, log_internal
from xlgoals.service.engine import Engine
from xlgoals.service.guards import BodyGuard, SecurityHeaders, TokenFirst
from xlgoals.service.routes import ROUTES
from xlgoals.template.builder import build_bytes

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, ready: Callable[[], None] | None = None) -> FastAPI:
    """The service: its routes (``xlgoals/service/routes/``, one module each), the limits around them,
    and its state — the settings, the engine and the two templates — on ``app.state``. ``ready`` is
    called once all of that is built, when the service can answer."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = Engine(settings.limits, settings.config)
        app.state.template = build_bytes(None)
        app.state.macro_template = build_bytes(None, macros=True)
        if ready is not None:
            ready()
        try:
            yield
        finally:
            app.state.engine.close()

    app = FastAPI(
        title="xlgoals 绩效目标表校验服务",
        version=__version__,
        description="与命令行 xlgoals 相同的校验引擎。上传用 multipart/form-data，文件字段名 files。",
        lifespan=lifespan,
        docs_url=None,  # the interactive pages load scripts from a CDN; the intranet has none
        redoc_url=None,
    )
    app.state.settings = settings
    refusals = {
        413: f"上传的内容超过 {settings.max_upload_mb} MB 的上限，已拒绝；请分批上传或压缩后再试。",
        408: "上传过慢或中途停止，已停止接收：请检查网络后重新上传。",
        401: "访问口令不正确：请填写财政局提供的访问口令。",
    }

    async def refuse_body(scope: Scope, send: Send, status: int) -> None:
        log.info("%d %s", status, scope.get("path"))
        await error(Request(scope), status, refusals[status])(scope, _no_receive, send)

    # Inside out: the token check reads through the body guard (size, pace), CORS wraps every answer.
    app.add_middleware(TokenFirst, token=settings.token, answer=refuse_body)
    app.add_middleware(
        BodyGuard,
        limit=settings.max_upload_mb * limits.MB,
        client_seconds=settings.client_seconds,
        answer=refuse_body,
    )
    # Browsers may call the API from the service's own pages and from the origins the bureau allows
    # (default "null": the WPS add-in installed offline runs from local files).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.allow_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
    )
    app.add_middleware(SecurityHeaders)
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

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        sentence = {
            404: "没有这个页面或接口：接口列表见 /api。",
            405: "这个地址不接受这种请求方式：接口列表见 /api。",
        }.get(exc.status_code, "请求不正确：接口列表见 /api。")
        return error(request, exc.status_code, sentence)

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, exc: ClientDisconnect) -> Response:
        log.info("client disconnected during %s", request.url.path)  # nobody is left to answer
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log_internal(request.url.path, exc)
        return error(request, 500, "服务内部错误，未能完成操作；请稍后重试，或把文件交给维护人员。")

    for name in ROUTES:
        app.include_router(importlib.import_module(f"xlgoals.service.routes.{name}").router)
    return app


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
