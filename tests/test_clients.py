"""The template's buttons through the service, for desks without Python: Excel's xlwings VBA client
and the WPS add-in, each against the real ``xlgoals serve`` (tests/live.py).

The VBA client is stood in for by the payload it sends (xlwings' remote-engine format, built from the
workbook as tests/xw_fake.py does); the WPS add-in runs in headless Chromium with a recording stand-in
for WPS's Application object (tests/data/wps_mock.js). What cannot be tested here — real Excel's
VBA client and real WPS — is on the release checklist in docs/使用说明.md.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from fastapi.testclient import TestClient

from tests.helpers import ROOT, seed
from tests.live import chromium, running_service
from tests.xw_fake import payload_from_xlsx, remote_book
from xlgoals import layout as L
from xlgoals.annotate import annotate_result
from xlgoals.check import check_file
from xlgoals.excel import buttons
from xlgoals.pool import Budget
from xlgoals.service.app import create_app
from xlgoals.service.endpoint import Settings
from xlgoals.service.engine import Limits
from xlgoals.template.builder import build_bytes
from xlgoals.wps.package import FOLDER, addin_files, build_package

SAT_SHEET = "1 城乡居民养老保险县级配套"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_service(tmp_path_factory.mktemp("clients-tmp"), "--workers", "2") as url:
        yield url


@pytest.fixture
def wb000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # a remote book's fullname is its bare name: config is looked up here
    path = tmp_path / "000.xlsx"
    path.write_bytes(build_bytes(seed("000")))
    return path


def _post(url: str, body: dict[str, Any] | bytes) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _local_actions(book: Any, button: Any, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    button()
    return list(book.json()["actions"])


@pytest.mark.parametrize(
    ("script", "button"), [("xg_validate", buttons.validate_button), ("xg_totals", buttons.totals_button)]
)
def test_vba_client_payload_gets_the_local_buttons_actions(
    service: str, wb000: Path, monkeypatch: pytest.MonkeyPatch, script: str, button: Any
) -> None:
    """Excel's VBA client (RunRemotePython) posting seed 000's workbook gets exactly the actions
    the button computes locally with xlwings."""
    status, answer = _post(f"{service}/xlwings/custom-scripts-call/{script}", payload_from_xlsx(wb000, "VBA"))
    assert status == 200, answer
    local = _local_actions(remote_book(wb000, client="VBA"), button, monkeypatch)
    assert answer["actions"] == local
    assert any(a["func"] == "setValues" for a in local) and any(a["func"] == "alert" for a in local)


def test_export_through_the_service_says_where_to_export(service: str, wb000: Path) -> None:
    status, answer = _post(
        f"{service}/xlwings/custom-scripts-call/xg_export", payload_from_xlsx(wb000, "VBA")
    )
    assert status == 200
    (alert,) = [a["args"][0] for a in answer["actions"] if a["func"] == "alert"]
    assert "生成公开文件" in alert


def test_bad_client_requests(service: str) -> None:
    status, answer = _post(f"{service}/xlwings/custom-scripts-call/xg_nope", {"sheets": []})
    assert status == 404 and "xg_validate" in answer["error"]
    status, answer = _post(f"{service}/xlwings/custom-scripts-call/xg_validate", {"hello": 1})
    assert status == 400 and "xlwings" in answer["error"]
    nested = b'{"sheets": [' * 50_000 + b"]}" * 50_000  # deep enough to exhaust a recursive parser
    status, answer = _post(f"{service}/xlwings/custom-scripts-call/xg_validate", nested)
    assert status in (400, 422) and answer["error"]
    with urllib.request.urlopen(service + "/healthz", timeout=5) as r:
        assert r.status == 200


def test_without_an_xlwings_key_the_buttons_are_off_and_the_page_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    settings = Settings(Limits(1, Budget(60, 2048), 60), temp_root=tmp_path)
    with TestClient(create_app(settings)) as c:
        answer = c.post("/xlwings/custom-scripts-call/xg_validate", json={"sheets": []})
        assert answer.status_code == 503 and "XLWINGS_LICENSE_KEY" in answer.json()["error"]
        assert c.get("/").status_code == 200


def test_the_addin_package_is_reproducible_and_carries_the_url() -> None:
    a = build_package("http://10.1.2.3:8000/")
    assert a == build_package("http://10.1.2.3:8000")
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        names = zf.namelist()
        assert f"jsaddons/{FOLDER}/ribbon.xml" in names and "jsaddons/publish.xml" in names
        assert '"url": "http://10.1.2.3:8000"' in zf.read(f"jsaddons/{FOLDER}/js/config.js").decode()
        assert f'url="http://10.1.2.3:8000/wps/{FOLDER}/"' in zf.read("jsaddons/publish.xml").decode()
        assert f'url="{FOLDER}/"' in zf.read("jsaddons/jsplugins.xml").decode()
        ribbon = zf.read(f"jsaddons/{FOLDER}/ribbon.xml").decode()
    for label in ("绩效目标", "校验", "汇总", "导出", "下载模板"):
        assert f'label="{label}"' in ribbon
    with pytest.raises(Exception, match="http"):
        build_package("javascript:alert(1)")


def test_the_service_serves_the_addin_online(service: str) -> None:
    with urllib.request.urlopen(service + "/wps/jsplugins.xml", timeout=5) as r:
        assert f'url="{service}/wps/{FOLDER}/"' in r.read().decode()
    with urllib.request.urlopen(f"{service}/wps/{FOLDER}/js/config.js", timeout=5) as r:
        assert service in r.read().decode()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _addin_page(browser: Any, service: str, folder: Path, book: dict[str, Any]) -> Any:
    for name, data in addin_files(service).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    page = browser.new_page()
    mock = (ROOT / "tests" / "data" / "wps_mock.js").read_text(encoding="utf-8")
    page.add_init_script(script=mock + f"\nwindow.Application = makeWpsApplication({json.dumps(book)});")
    page.goto((folder / "index.html").as_uri())
    return page


def _bgr_hex(value: int) -> str:
    r, g, b = value & 255, (value >> 8) & 255, (value >> 16) & 255
    return f"{r:02X}{g:02X}{b:02X}"


def test_wps_addin_validate_marks_what_annotate_marks(
    browser: Any, service: str, wb000: Path, tmp_path: Path
) -> None:
    """校验 in the WPS add-in (headless Chromium, recorded WPS calls) against the real service: the
    same cells filled, the same notes, the same 校验结果 rows and the counts in a message box as
    ``xlgoals check --annotate`` writes."""
    payload = payload_from_xlsx(wb000)
    book = {
        "name": wb000.name,
        "sheets": [{"name": s["name"], "values": s["values"]} for s in payload["sheets"]],
    }
    page = _addin_page(browser, service, tmp_path / "addin", book)
    sent = page.evaluate("XlGoals.payload(window.Application)")
    assert [s["name"] for s in sent["sheets"]] == [s["name"] for s in payload["sheets"]]
    assert [s["values"] for s in sent["sheets"]] == [s["values"] for s in payload["sheets"]]

    page.evaluate("new Promise(done => XlGoals.press('btnValidate', window.Application, done))")
    calls = page.evaluate("window.calls")
    alerts = page.evaluate("window.alerts")

    _, doc = check_file(wb000)
    annotated = openpyxl.load_workbook(annotate_result(wb000, tmp_path, doc, tmp_path / "ann"))
    recorded = [
        (r[1], r[2]) for r in annotated[L.META_SHEET].iter_rows(values_only=True) if r[0] == L.MARK_KEY
    ]
    fills = {(c["sheet"], c["address"]): _bgr_hex(c["value"]) for c in calls if c["op"] == "Color"}
    assert fills == {(sh, cell): annotated[sh][cell].fill.fgColor.rgb[-6:] for sh, cell in recorded}
    assert fills[(SAT_SHEET, "F15")] == "FFC7CE"
    notes = {(c["sheet"], c["address"]): c["value"] for c in calls if c["op"] == "AddComment"}
    assert notes == {(sh, cell): annotated[sh][cell].comment.text for sh, cell in recorded}
    assert "SAT-001" in notes[(SAT_SHEET, "F15")]

    assert any(c["op"] == "AddSheet" and c["sheet"] == L.RESULTS_SHEET for c in calls)
    (written,) = [c["value"] for c in calls if c["op"] == "Value2" and c["sheet"] == L.RESULTS_SHEET
                  and c["value"] and c["value"][0][0] == "严重程度"]  # fmt: skip
    rows = [list(r) for r in annotated[L.RESULTS_SHEET].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "严重程度")
    assert [[None if v == "" else v for v in r] for r in written] == [
        r[: len(written[0])] for r in rows[start:]
    ]
    links = {c["value"]["sub"] for c in calls if c["op"] == "Hyperlink"}
    assert f"'{SAT_SHEET}'!F15" in links
    errors = sum(r[0] == "错误" for r in written[1:])
    warnings = sum(r[0] == "警告" for r in written[1:])
    assert alerts == [f"发现 {errors} 个错误、{warnings} 个警告，详见『{L.RESULTS_SHEET}』"]


def test_wps_addin_reports_an_unreachable_service(browser: Any, wb000: Path, tmp_path: Path) -> None:
    book = {"name": "x.xlsx", "sheets": [{"name": "Sheet1", "values": [["a"]]}]}
    page = _addin_page(browser, "http://127.0.0.1:9", tmp_path / "addin", book)
    page.evaluate("new Promise(done => XlGoals.press('btnValidate', window.Application, done))")
    (alert,) = page.evaluate("window.alerts")
    assert "无法连接校验服务" in alert
    page.evaluate("XlGoals.press('btnTemplate', window.Application)")
    assert page.evaluate("window.calls")[-1] == {"op": "open", "url": "http://127.0.0.1:9/template"}
