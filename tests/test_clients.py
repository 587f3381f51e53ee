"""The template's buttons through the service, for desks without Python: the button protocol at
``/api/press`` (JSON and the VBA client's lines), and the WPS add-in in headless Chromium against the
real ``xlgoals serve`` (tests/live.py) with a strict double of WPS's object model
(tests/data/et_double.js). What cannot run here — real Excel, real WPS — is on the release checklist
in docs/使用说明.md §7; the VBA client itself runs in LibreOffice (tests/test_vba_client.py).
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
import py7zr
import pytest
import xlwings as xw
from fastapi.testclient import TestClient

from tests.excel_double import Book, comparable, et_spec
from tests.helpers import ROOT, seed_workbook
from tests.live import chromium, running_service
from xlgoals import layout as L
from xlgoals import protocol
from xlgoals.config import ConfigPolicy
from xlgoals.excel import buttons
from xlgoals.io.xw import grid_from_book
from xlgoals.pool import Budget
from xlgoals.press import press
from xlgoals.service.app import create_app
from xlgoals.service.buttons import OLD_TEMPLATE, old_template_actions
from xlgoals.service.endpoint import Settings
from xlgoals.service.engine import Limits
from xlgoals.wps.package import FOLDER, addin_files, build_package

SAT_SHEET = "1 城乡居民养老保险县级配套"
TOKEN = "财政局口令-2025"  # any characters: it travels in the request body


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_service(tmp_path_factory.mktemp("clients-tmp"), "--workers", "2") as url:
        yield url


@pytest.fixture
def wb000(tmp_path: Path) -> Path:
    path = tmp_path / "000.xlsx"
    path.write_bytes(seed_workbook("000"))
    return path


def _request(path: Path, action: str, **more: Any) -> protocol.Request:
    grid = grid_from_book(Book.from_xlsx(path))
    sheets = [protocol.Sheet(s.name, s.rows, s.hidden) for s in grid.sheets]
    return protocol.Request(protocol.VERSION, "test", "", action, path.name, sheets, **more)


def _post(
    url: str, body: bytes, text: bool = False, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    kind = "text/plain; charset=utf-8" if text else "application/json"
    request = urllib.request.Request(url, body, {"Content-Type": kind, **(headers or {})}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _ops(data: bytes) -> list[dict[str, Any]]:
    answer: dict[str, Any] = json.loads(data)
    return list(answer["ops"])


def _text_answer(data: bytes) -> list[list[str]]:
    return [line.split("\t") for line in data.decode("utf-8").splitlines()]


def test_the_press_endpoint_answers_json_and_text_with_the_same_operations(service: str, wb000: Path) -> None:
    req = _request(wb000, "validate")
    status, data = _post(f"{service}/api/press", protocol.request_to_json(req))
    assert status == 200
    expected = json.loads(protocol.answer_to_json(press(req, ConfigPolicy(nearby=False))))
    assert json.loads(data) == expected and expected["message"].startswith("发现 ")
    status, text = _post(f"{service}/api/press", protocol.request_to_text(req), text=True)
    assert status == 200
    assert text == protocol.answer_to_text(press(req, ConfigPolicy(nearby=False)))
    assert _text_answer(text)[0] == ["xlgoals", "1"] and _text_answer(text)[-1] == ["end"]


def test_the_buttons_check_with_serve_config_not_with_files_near_a_path(tmp_path: Path, wb000: Path) -> None:
    """The button path once looked for an xlgoals.toml beside the workbook's path on the server (the
    service's working folder) and ignored serve --config: the answer must follow serve --config only."""
    bureau = tmp_path / "bureau.toml"
    bureau.write_text('ignore = ["SAT-001"]\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "xlgoals.toml").write_text('ignore = ["IND", "GOAL"]\n', encoding="utf-8")
    (tmp_path / "t").mkdir()
    settings = Settings(Limits(1, Budget(60, 2048), 60), temp_root=tmp_path / "t",
                        config=ConfigPolicy.load(bureau, nearby=False))  # fmt: skip
    req = _request(wb000, "validate")
    req.book = str(elsewhere / "000.xlsx")  # a path whose folder holds an xlgoals.toml
    with TestClient(create_app(settings)) as client:
        answer = client.post("/api/press", content=protocol.request_to_json(req))
    assert answer.status_code == 200
    notes = " ".join(o.get("text", "") for o in answer.json()["ops"] if o["op"] == "note")
    assert "SAT-001" not in notes  # serve --config applies
    assert "IND-001" in notes and "GOAL-004" in notes  # the file near the path does not


def test_the_token_works_whatever_its_characters(tmp_path: Path, wb000: Path) -> None:
    (tmp_path / "t").mkdir()
    settings = Settings(Limits(1, Budget(60, 2048), 60), temp_root=tmp_path / "t", token=TOKEN)
    req = _request(wb000, "totals")
    with TestClient(create_app(settings)) as client:
        refused = client.post("/api/press", content=protocol.request_to_json(req))
        assert refused.status_code == 401 and "访问口令" in refused.json()["error"]
        text = client.post(
            "/api/press", content=protocol.request_to_text(req), headers={"Content-Type": "text/plain"}
        )
        assert text.status_code == 401 and text.text.startswith("xlgoals\t1\nerror\t")
        req.token = TOKEN
        assert client.post("/api/press", content=protocol.request_to_json(req)).status_code == 200
        text = client.post(
            "/api/press", content=protocol.request_to_text(req), headers={"Content-Type": "text/plain"}
        )
        assert text.status_code == 200 and "message\t已汇总" in text.text


def test_bad_presses_get_one_sentence_and_the_service_stays_up(service: str, wb000: Path) -> None:
    good = json.loads(protocol.request_to_json(_request(wb000, "validate")))
    cases = {
        b"not json": "不是有效的数据",
        json.dumps({**good, "xlgoals": 2}).encode(): "升级校验服务",
        json.dumps({**good, "xlgoals": 0}).encode(): "下载新模板",
        json.dumps({**good, "action": "sparkle"}).encode(): "没有这个按钮",
        json.dumps({**good, "sheets": "x"}).encode(): "格式不正确",
        json.dumps({"hello": 1}).encode(): "不是 xlgoals 按钮",
        b'{"sheets": [' * 50_000 + b"]}" * 50_000: "",
    }
    for body, sentence in cases.items():
        status, data = _post(f"{service}/api/press", body)
        assert status in (400, 422), body[:40]
        error = json.loads(data)["error"]
        assert sentence in error and "Traceback" not in error
    status, data = _post(f"{service}/api/press", b"xlgoals\t9\texcel-vba\t1\tvalidate\t\nend\n", text=True)
    assert status == 400 and _text_answer(data)[1][0] == "error" and "升级" in _text_answer(data)[1][1]
    status, data = _post(
        f"{service}/api/press", "xlgoals\t1\tx\t1\tvalidate\t\nc\t1\n".encode("gbk"), text=True
    )
    assert status == 400
    with urllib.request.urlopen(service + "/healthz", timeout=5) as r:
        assert r.status == 200


def test_an_earlier_templates_buttons_are_told_to_get_the_new_one(service: str) -> None:
    """Workbooks in circulation call xlwings' remote-engine address: they get one message box, as
    xlwings' own engine words an alert (so the VBA client they carry can show it)."""
    status, data = _post(
        f"{service}/xlwings/custom-scripts-call/xg_validate", b'{"client": "VBA", "version": "0.33.0"}'
    )
    assert status == 200
    actions = json.loads(data)["actions"]
    book = xw.Book(json={"client": "VBA", "version": xw.__version__, "names": [],
                         "book": {"name": "a.xlsm", "active_sheet_index": 0, "selection": "A1"},
                         "sheets": [{"name": "S", "values": [[""]], "pictures": [], "tables": [], "notes": []}]})  # fmt: skip
    book.app.alert(OLD_TEMPLATE, title="xlgoals")
    assert actions == book.json()["actions"] == old_template_actions()


# --- the WPS add-in, in Chromium, on the strict double of WPS -----------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _page(browser: Any, service: str, folder: Path, spec: dict[str, Any]) -> Any:
    for name, data in addin_files(service).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    page = browser.new_page()
    double = (ROOT / "tests" / "data" / "et_double.js").read_text(encoding="utf-8")
    page.add_init_script(script=double + f"\nwindow.Application = makeEtApplication({json.dumps(spec)});")
    page.goto((folder / "index.html").as_uri())
    return page


def _press(page: Any, button: str) -> None:
    page.evaluate(f"new Promise(done => XlGoals.press('{button}', window.Application, done))")


def _state(page: Any) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate("window.state()")
    for sheet in state["sheets"]:
        for cell in sheet["cells"].values():
            if isinstance(cell[0], int | float) and not isinstance(cell[0], bool):
                cell[0] = float(cell[0])
    return state


def _differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Where two workbook states differ (for a readable failure)."""
    out = [f"order {a['order']} != {b['order']}"] if a["order"] != b["order"] else []
    for sa, sb in zip(a["sheets"], b["sheets"], strict=False):
        if (sa["protected"], sa["allowed"]) != (sb["protected"], sb["allowed"]):
            out.append(
                f"{sa['name']} protection {sa['protected'], sa['allowed']} != {sb['protected'], sb['allowed']}"
            )
        for k in sorted(set(sa["cells"]) | set(sb["cells"])):
            if sa["cells"].get(k) != sb["cells"].get(k):
                out.append(f"{sa['name']}!{k}: {sa['cells'].get(k)} != {sb['cells'].get(k)}")
    return out[:20]


def _local(
    path: Path, monkeypatch: pytest.MonkeyPatch, *buttons_pressed: Any, active: str | None = None
) -> Book:
    """The same workbook after the same presses with Excel's local Python (the strict Excel double)."""
    book = Book.from_xlsx(path, active=active)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    for button in buttons_pressed:
        button()
    return book


def test_wps_validate_twice_gives_the_workbook_excel_gives(
    browser, service, wb000, tmp_path, monkeypatch
) -> None:
    """校验 in the WPS add-in, pressed twice, leaves the workbook exactly as Excel's local buttons do
    (fills, notes, 校验结果 and its links, footers, protection) — the second press replaces the first."""
    page = _page(browser, service, tmp_path / "addin", et_spec(Book.from_xlsx(wb000)))
    _press(page, "btnValidate")
    once = _state(page)
    _press(page, "btnValidate")
    excel = _local(wb000, monkeypatch, buttons.validate_button, buttons.validate_button)
    assert _state(page) == once
    assert not _differences(once, comparable(excel))
    alerts = page.evaluate("window.alerts")
    assert len(alerts) == 2 and alerts[0] == alerts[1] == excel.app.alerts[-1]
    sat = next(s for s in once["sheets"] if s["name"] == SAT_SHEET)
    assert sat["cells"]["15,6"][2] == "FFC7CE" and "SAT-001" in sat["cells"]["15,6"][3]
    assert sat["protected"]


def test_wps_a_fixed_cell_loses_its_mark(browser, service, wb000, tmp_path) -> None:
    page = _page(browser, service, tmp_path / "addin", et_spec(Book.from_xlsx(wb000)))
    _press(page, "btnValidate")
    page.evaluate(f"""(() => {{ const s = window.book.Sheets.Item({json.dumps(SAT_SHEET)});
        s.Unprotect(); s.Range('F15').Value2 = [['≥90%']];
        s.Protect('', true, true, true, false, false, true, true, false, true, false, false, true, false, false, false); }})()""")
    _press(page, "btnValidate")
    cell = next(s for s in _state(page)["sheets"] if s["name"] == SAT_SHEET)["cells"]["15,6"]
    assert cell[0] == "≥90%" and cell[2] is None and cell[3] is None


def test_wps_the_answer_lands_on_the_workbook_pressed_and_a_second_press_waits(
    browser, service, wb000, tmp_path
) -> None:
    """The clerk switches to another workbook while the answer is on its way: the marks go to the
    workbook the button was pressed on. A second press during the first is refused with a sentence."""
    page = _page(browser, service, tmp_path / "addin", et_spec(Book.from_xlsx(wb000)))
    page.evaluate("""window.other = new (Object.getPrototypeOf(window.book).constructor)({name: 'other.xlsx',
        sheets: [{name: 'Sheet1', rows: [['untouched']]}]});""")
    held: list[Any] = []  # the first request waits here until the second press has been made

    def hold_first(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/press", hold_first)
    page.evaluate("""window.pressed = new Promise(done => XlGoals.press('btnValidate', window.Application, done));
        window.currentBook = window.other;""")
    page.evaluate("new Promise(done => XlGoals.press('btnValidate', window.Application, done))")
    for _ in range(1000):  # the first request is on its way to the route handler
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the first press sent no request"
    held[0].continue_()
    page.unroute("**/api/press")
    page.evaluate("window.pressed")
    alerts = page.evaluate("window.alerts")
    assert alerts[0] == "上一次操作还在进行，请等它完成后再点。" and alerts[1].startswith("发现 ")
    marked = _state(page)
    assert any(c[2] for s in marked["sheets"] for c in s["cells"].values())
    assert page.evaluate("window.state(window.other)")["sheets"][0]["cells"] == {
        "1,1": ["untouched", "", None, None, None]
    }


def test_wps_results_sheet_after_the_list_from_any_sheet_then_new_project(
    browser, service, wb000, tmp_path, monkeypatch
) -> None:
    wb = openpyxl.load_workbook(wb000)
    del wb[L.RESULTS_SHEET]
    wb.save(wb000)
    spec = et_spec(Book.from_xlsx(wb000, active=SAT_SHEET))  # a project sheet is active
    page = _page(browser, service, tmp_path / "addin", spec)
    _press(page, "btnValidate")
    order = _state(page)["order"]
    assert order[order.index(L.LIST_SHEET) + 1] == L.RESULTS_SHEET
    _press(page, "btnNewProject")
    _press(page, "btnValidate")
    excel = _local(wb000, monkeypatch, buttons.validate_button, buttons.new_project_button,
                   buttons.validate_button, active=SAT_SHEET)  # fmt: skip
    assert not _differences(_state(page), comparable(excel))
    assert "项目7" in _state(page)["order"]


def test_wps_asks_for_the_token_once_and_remembers_it(browser, tmp_path_factory, wb000, tmp_path) -> None:
    with running_service(tmp_path_factory.mktemp("token-tmp"), "--workers", "1", "--token", TOKEN) as url:
        page = _page(browser, url, tmp_path / "addin", et_spec(Book.from_xlsx(wb000)))
        page.evaluate(f"window.nextPrompt = {json.dumps(TOKEN)}")
        _press(page, "btnTotals")
        assert page.evaluate("window.prompts") and page.evaluate("window.alerts")[-1].startswith("已汇总")
        page.evaluate("window.nextPrompt = null")
        _press(page, "btnTotals")  # remembered: no second question
        assert len(page.evaluate("window.prompts")) == 1 and page.evaluate("window.alerts")[-1].startswith(
            "已汇总"
        )


def test_wps_an_unreachable_service_is_one_sentence_and_changes_nothing(browser, wb000, tmp_path) -> None:
    spec = et_spec(Book.from_xlsx(wb000))
    page = _page(browser, "http://127.0.0.1:9", tmp_path / "addin", spec)
    before = _state(page)
    _press(page, "btnValidate")
    (alert,) = page.evaluate("window.alerts")
    assert "无法连接校验服务" in alert and _state(page) == before
    page.evaluate("XlGoals.press('btnTemplate', window.Application)")
    assert page.evaluate("window.opened") == "http://127.0.0.1:9/template"


def test_wps_reads_dates_and_error_values_as_wps_hands_them_over(browser, service, tmp_path) -> None:
    """Value2 gives a date as its serial number and an error cell as Excel's error code: the add-in
    sends the number, and the error as its text (#N/A), never a huge negative amount."""
    spec = {"name": "x.xlsx", "sheets": [{"name": "S", "rows": [["a", 45306, None]], "dates": [[1, 2]],
                                          "errors": [[1, 3, -2146826246]]}]}  # fmt: skip
    page = _page(browser, service, tmp_path / "addin", spec)
    sent = page.evaluate("XlGoals.request(window.Application.ActiveWorkbook, 'validate', '')")
    assert sent["sheets"][0]["rows"] == [["a", 45306, "#N/A"]]


def test_the_addin_package_is_reproducible_and_carries_the_url() -> None:
    a = build_package("http://10.1.2.3:8000/")
    assert a == build_package("http://10.1.2.3:8000")
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        names = zf.namelist()
        assert f"jsaddons/{FOLDER}/ribbon.xml" in names and "jsaddons/jsplugins.xml" in names
        assert '"url": "http://10.1.2.3:8000"' in zf.read(f"jsaddons/{FOLDER}/js/config.js").decode()
        ribbon = zf.read(f"jsaddons/{FOLDER}/ribbon.xml").decode()
        listing = zf.read("jsaddons/jsplugins.xml").decode()
        seven = zf.read("xlgoals.7z")
    # offline: <jsplugin> names the packaged archive (what wpsjs build makes), which holds the folder
    assert '<jsplugin name="xlgoals" type="et" url="http://10.1.2.3:8000/wps/xlgoals.7z" version=' in listing
    with py7zr.SevenZipFile(io.BytesIO(seven)) as archive:
        assert archive.testzip() is None
        assert (
            f"{FOLDER}/ribbon.xml" in archive.getnames() and f"{FOLDER}/js/xlgoals.js" in archive.getnames()
        )
    for label in ("绩效目标", "校验", "汇总", "导出", "新增项目", "下载模板"):
        assert f'label="{label}"' in ribbon
    with pytest.raises(Exception, match="http"):
        build_package("javascript:alert(1)")


def test_the_service_serves_the_addin_online(service: str) -> None:
    with urllib.request.urlopen(service + "/wps/jsplugins.xml", timeout=5) as r:
        listing = r.read().decode()
    assert f'<jspluginonline name="xlgoals" type="et" url="{service}/wps/{FOLDER}/"' in listing
    with urllib.request.urlopen(f"{service}/wps/{FOLDER}/js/config.js", timeout=5) as r:
        config = r.read().decode()
    assert service in config and "token" not in config  # the token is never served to anyone
    with urllib.request.urlopen(f"{service}/wps/xlgoals.7z", timeout=5) as r:
        seven = r.read()
    with py7zr.SevenZipFile(io.BytesIO(seven)) as archive:
        assert f"{FOLDER}/index.html" in archive.getnames()
