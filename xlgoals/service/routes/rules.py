"""``GET /api/rules``, ``/rules``, ``/api``: the rule catalogue (JSON and page) and the API's page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from xlgoals.rulesdoc import rules_data
from xlgoals.service import page

router = APIRouter()


@router.get("/api/rules", summary="校验规则目录")
async def api_rules() -> JSONResponse:
    return JSONResponse({"rules": rules_data()})


@router.get("/rules", response_class=HTMLResponse, summary="校验规则（页面）")
async def rules() -> HTMLResponse:
    return HTMLResponse(page.rules_page())


@router.get("/api", response_class=HTMLResponse, summary="接口说明（页面）")
async def api_page(request: Request) -> HTMLResponse:
    return HTMLResponse(page.api_page(request.app.openapi()))
