"""``GET /`` and ``POST /check``: the page a clerk opens, and its findings streamed file by file."""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from xlgoals.errors import XlgoalsInputError
from xlgoals.findings import FileResult
from xlgoals.service import page
from xlgoals.service.endpoint import UPLOAD_BODY, EngineDep, SettingsDep, log_internal, received

router = APIRouter()


@router.get("/", response_class=HTMLResponse, summary="校验页面")
async def index(settings: SettingsDep) -> HTMLResponse:
    return HTMLResponse(
        page.page_start(token=bool(settings.token), max_upload_mb=settings.max_upload_mb) + page.page_end()
    )


@router.post("/check", response_class=HTMLResponse, summary="校验（页面）", openapi_extra=UPLOAD_BODY)
async def check_page(
    request: Request, settings: SettingsDep, engine: EngineDep, fragment: bool = False
) -> StreamingResponse:
    uploads = await received(request)
    chunks: queue.Queue[str | None] = queue.Queue()

    def work() -> None:  # runs on in a thread even if the browser goes away; it removes the folder
        try:
            total = len(uploads.inputs) + len(uploads.skipped)
            chunks.put(page.report_start(total))
            shown: list[tuple[int, FileResult]] = []

            def one(fr: FileResult) -> None:
                shown.append((len(shown) + 1, fr))
                chunks.put(page.file_section(fr, len(shown)))

            batch = engine.check(uploads, on_result=one)
            chunks.put(page.report_end(batch.report, shown))
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
