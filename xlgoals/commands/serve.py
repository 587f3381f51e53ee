"""``xlgoals serve``: the web service (the optional extra ``xlgoals[web]``)."""

from __future__ import annotations

import argparse
import importlib
import os
from typing import Any

from xlgoals.commands import options
from xlgoals.errors import XlgoalsInputError


def run(args: argparse.Namespace) -> int:
    try:  # the optional extra, loaded only here
        serve: Any = importlib.import_module("xlgoals.service.serve")
    except ImportError:
        raise XlgoalsInputError(
            'xlgoals serve 需要网页服务组件：请先安装 pip install "xlgoals[web]"。'
        ) from None
    if args.workers is not None and args.workers < 1:
        raise XlgoalsInputError("--workers 应为不小于1的整数。")
    if args.max_upload_mb < 1:
        raise XlgoalsInputError("--max-upload-mb 应为不小于1的整数。")
    if not 1 <= args.client_timeout <= 3600:
        raise XlgoalsInputError("--client-timeout 应在 1 到 3600 秒之间。")
    token = args.token if args.token is not None else os.environ.get("XLGOALS_TOKEN") or None
    code: int = serve.run_service(
        host=args.host,
        port=args.port,
        workers=args.workers,
        budget=options.budget(args),
        request_seconds=float(args.request_timeout),
        max_upload_mb=args.max_upload_mb,
        token=token,
        config=options.config_file(args),
        allow_origins=tuple(args.allow_origin) if args.allow_origin else serve.DEFAULT_ORIGINS,
        client_seconds=args.client_timeout,
    )
    return code
