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
from xlgoals.service.guards import CLIENT_SECONDS, DEFAULT_ORIGINS, header_guard, listening_socket


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
    allow_origins: tuple[str, ...] = DEFAULT_ORIGINS,
    client_seconds: float = CLIENT_SECONDS,
) -> int:
    settings = Settings(
        Limits(workers or cpu_count(), budget, request_seconds),
        max_upload_mb=max_upload_mb,
        token=token,
        config=ConfigPolicy.load(config, nearby=False),  # a mistake in it stops the start, in one sentence
        allow_origins=allow_origins,
        client_seconds=client_seconds,
    )
    sock = listening_socket(host, port)  # a port in use: one sentence, before anything starts
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    shown = "0.0.0.0（本机所有地址）" if host == "0.0.0.0" else host
    print(f"xlgoals 校验服务正在启动（监听 {shown}:{port}）…", file=sys.stderr, flush=True)

    def announce() -> None:  # after the engine and the templates are ready: the address answers at once
        print(
            f"xlgoals 校验服务已就绪：http://{host if host != '0.0.0.0' else '127.0.0.1'}:{port}/ "
            f"（监听 {shown}，{settings.limits.workers} 个校验进程，上传上限 {max_upload_mb} MB"
            f"{'，已设访问口令' if token else ''}；Excel、WPS、LibreOffice 的按钮可用）。按 Ctrl+C 停止。",
            file=sys.stderr,
            flush=True,
        )
        if not token and not _local(host):
            print(
                f"注意：服务监听 {shown}，局域网内任何人都能上传文件，且没有设置访问口令（--token 或环境变量 XLGOALS_TOKEN）。"
                "只在可信的内网中这样运行。",
                file=sys.stderr,
                flush=True,
            )

    # One server process; the checking runs in the engine's own worker processes.
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, announce),
            log_level="info",
            access_log=True,
            http=header_guard(client_seconds),
            timeout_keep_alive=5,
        )
    )
    server.run(sockets=[sock])
    return EXIT_OK


def _local(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")
