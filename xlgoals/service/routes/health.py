"""``GET /healthz``: the service is up (for monitoring and the deployment's smoke test)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from xlgoals import __version__
from xlgoals.service.endpoint import SettingsDep

router = APIRouter()


@router.get("/healthz", summary="运行状态")
async def healthz(settings: SettingsDep) -> dict[str, Any]:
    return {"status": "ok", "version": __version__, "workers": settings.limits.workers}
