"""Start the service on uvicorn (``xlgoals serve``)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import uvicorn

from xlgoals.config import ConfigPolicy
from xlgoals.exitcodes import EXIT_OK
from xlgoals.pool import Budget, cpu_count
from xlgoals.service.app import create_app
from xlgoals.service.endpoint import Settings
from xlgoals.service.engine import Limits


def run_service(
    *,
    host: str,
    port: int,
    workers: int | None,
    budget: Budget,
    request_seconds: float,
    max_upload_mb: int,
    token: str | None,
    config: Path | None,
) -> int:
    settings = Settings(
        Limits(workers or cpu_count(), budget, request_seconds),
        max_upload_mb=max_upload_mb,
        token=token,
        config=ConfigPolicy.load(config, nearby=False),  # a mistake in it stops the start, in one sentence
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    shown = "0.0.0.0（本机所有地址）" if host == "0.0.0.0" else host
    print(
        f"xlgoals 校验服务：http://{host if host != '0.0.0.0' else '127.0.0.1'}:{port}/ "
        f"（监听 {shown}，{settings.limits.workers} 个校验进程，上传上限 {max_upload_mb} MB"
        f"{'，已设访问口令' if token else ''}；Excel、WPS、LibreOffice 的按钮可用）。按 Ctrl+C 停止。",
        file=sys.stderr,
    )
    # One server process; the checking runs in the engine's own worker processes.
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=True)
    return EXIT_OK
