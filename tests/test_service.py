"""``xlgoals serve`` through its API (Starlette's test client; the real app, real worker processes):
the same answers as the command line, every hostile input answered with one sentence and the right
status, nothing left on disk, the service still serving."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests import hostile
from tests.helpers import ROOT, SEEDS, run
from xlgoals import layout as L
from xlgoals import limits
from xlgoals.config import ConfigPolicy
from xlgoals.crossfile import ACROSS_FILES
from xlgoals.pool import Budget, ResidentPool
from xlgoals.rules.registry import REGISTRY
from xlgoals.service.app import create_app
from xlgoals.service.endpoint import Settings
from xlgoals.service.engine import Limits
from xlgoals.template.builder import build_bytes

MAX_MB = 50


class GbkName(zipfile.ZipInfo):
    """A member named as Chinese Windows names it: GBK bytes, no UTF-8 flag."""

    __slots__ = ()

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


class InfoZipName(zipfile.ZipInfo):
    """A member named as Info-ZIP (the Linux command-line zip) names it: UTF-8 bytes, no UTF-8 flag."""

    __slots__ = ()

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


def _settings(temp: Path, **extra: object) -> Settings:
    return Settings(Limits(2, Budget(60, 2048), 300), max_upload_mb=MAX_MB, temp_root=temp, **extra)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def temp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-temp")


@pytest.fixture(scope="module")
def client(temp_root: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(temp_root))) as c:
        yield c


def _files(*paths: Path) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in paths]


def _cli_json(path: Path, tmp: Path) -> dict[str, object]:
    out = tmp / f"{path.name}.json"
    done = run("check", str(path), "--format", "json", "-o", str(out), "-q")
    assert done.returncode in (0, 1, 2), done.stderr
    text = out.read_text(encoding="utf-8").replace(json.dumps(str(path))[1:-1], path.name)
    return json.loads(text)  # type: ignore[no-any-return]


def _left(temp_root: Path) -> list[Path]:
    return sorted(temp_root.rglob("*"))


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_api_check_equals_cli_json(client: TestClient, prefix: str, tmp_path: Path) -> None:
    """The API's JSON is the command line's ``--format json`` for the same file, but for its path."""
    src = tmp_path / f"{prefix}.txt"
    src.write_bytes(SEEDS[prefix].read_bytes())
    answer = client.post("/api/check", files=_files(src))
    assert answer.status_code == 200
    assert answer.json() == _cli_json(src, tmp_path)


def test_api_check_workbook_equals_cli_json(client: TestClient, tmp_path: Path) -> None:
    src = tmp_path / "000.xlsx"
    assert run("convert", str(SEEDS["000"]), "-o", str(src)).returncode == 0
    answer = client.post("/api/check", files=_files(src))
    assert answer.status_code == 200
    expected = _cli_json(src, tmp_path)
    assert answer.json() == expected
    assert expected["summary"]["error"] > 0  # type: ignore[index]  # not a vacuous comparison


@pytest.mark.parametrize(
    "name", ["national_hunan_ningxiang.xlsx", "department_sichuan_form.txt", "export_national_listing.xlsx"]
)
def test_api_checks_the_other_forms_as_the_cli_does(client: TestClient, name: str, tmp_path: Path) -> None:
    """A 申报表, a 部门整体 table, a system export uploaded to the service: read by their labels."""
    src = tmp_path / name
    src.write_bytes((Path(__file__).parent / "data" / "foreign" / name).read_bytes())
    answer = client.post("/api/check", files=_files(src))
    assert answer.status_code == 200
    expected = _cli_json(src, tmp_path)
    assert answer.json() == expected
    assert expected["files"][0]["tables"]  # type: ignore[index]  # read, not refused


def test_the_bureaus_labels_from_serve_config_reach_check_and_convert(tmp_path: Path) -> None:
    """``xlgoals serve --config``: a county's own label words are read in uploads, for check and convert."""
    src = tmp_path / "表.txt"
    text = (Path(__file__).parent / "data" / "foreign" / "department_sichuan_form.txt").read_text(
        encoding="utf-8"
    )
    src.write_text(text.replace("\t年度资金总额", "\t年度预算申请数"), encoding="utf-8")
    config = tmp_path / "xlgoals.toml"
    config.write_text('[labels]\n"budget.total" = ["年度预算申请数"]\n', encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    plain = TestClient(create_app(_settings(tmp_path / "a")))
    with (
        TestClient(
            create_app(_settings(tmp_path / "b", config=ConfigPolicy.load(config, nearby=False)))
        ) as bureau,
        plain,
    ):

        def codes(c: TestClient) -> set[str]:
            answer = c.post("/api/check", files=_files(src)).json()
            return {f["code"] for f in answer["files"][0]["findings"]}

        assert "FUND-001" in codes(plain) and "FUND-001" not in codes(bureau)
        converted = bureau.post("/api/convert?to=json", files=_files(src))
        assert converted.status_code == 200
        assert json.loads(converted.content)["tables"][0]["budget"]["total"] == "1260.00"


def test_annotated_copies_follow_serve_config_as_check_does(tmp_path: Path) -> None:
    """``serve --config`` applies to the marked copy exactly as to /api/check. A published text is
    turned into the template and checked again for its copy: that second check once ran without the
    service's configuration, so a rule the bureau turned off was listed on the copy after all."""
    src = SEEDS["000"]
    config = tmp_path / "xlgoals.toml"
    config.write_text('ignore = ["SAT-001"]\n', encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()

    def listed(settings: Settings) -> tuple[set[str], set[str]]:
        with TestClient(create_app(settings)) as c:
            checked = c.post("/api/check", files=_files(src)).json()["files"][0]["findings"]
            copy = c.post("/api/annotate", files=_files(src))
        assert copy.status_code == 200
        wb = openpyxl.load_workbook(io.BytesIO(copy.content))
        return {f["code"] for f in checked}, {
            r[1] for r in wb[L.RESULTS_SHEET].iter_rows(min_row=2, values_only=True)
        }

    plain = listed(_settings(tmp_path / "a"))
    bureau = listed(_settings(tmp_path / "b", config=ConfigPolicy.load(config, nearby=False)))
    assert "SAT-001" in plain[0] and "SAT-001" in plain[1]
    assert "SAT-001" not in bureau[0] and "SAT-001" not in bureau[1]


def test_several_files_and_a_folder_zip(client: TestClient, tmp_path: Path) -> None:
    """A zipped folder is a reviewer's batch: members checked, clutter skipped with its reason,
    names as in the zip (GBK names from Chinese Windows and Info-ZIP's unflagged UTF-8 included)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("单位A/000.txt", SEEDS["000"].read_bytes())
        zf.writestr("单位B/~$000.xlsx", b"\x00" * 165)
        zf.writestr("__MACOSX/单位A/._000.txt", b"junk")
        zf.writestr("说明.doc", b"not ours")
        zf.writestr(GbkName("单位B/001.txt"), SEEDS["001"].read_bytes())
        zf.writestr(InfoZipName("单位C/绩效目标003.txt"), SEEDS["003"].read_bytes())
    answer = client.post(
        "/api/check",
        files=[("files", ("批次.zip", buf.getvalue())), ("files", ("002.txt", SEEDS["002"].read_bytes()))],
    )
    assert answer.status_code == 200
    files = {f["path"]: f for f in answer.json()["files"]}
    assert files["批次.zip/单位A/000.txt"]["status"] == "有错误"
    assert files["批次.zip/单位B/001.txt"]["tables"]
    assert files["批次.zip/单位C/绩效目标003.txt"]["tables"]  # not mojibake
    assert "锁定文件" in files["批次.zip/单位B/~$000.xlsx"]["skipped"]
    assert files["批次.zip/__MACOSX/单位A/._000.txt"]["skipped"]
    assert "文件类型" in files["批次.zip/说明.doc"]["skipped"]
    assert files["002.txt"]["findings"]
    summary = answer.json()["summary"]
    assert (summary["files"], summary["skipped"], summary["unreadable"]) == (7, 3, 0)


def test_annotated_copy_has_the_marks(client: TestClient, tmp_path: Path) -> None:
    """The annotated copy is the CLI's --annotate copy: the same cells filled and noted."""
    src = tmp_path / "000.xlsx"
    assert run("convert", str(SEEDS["000"]), "-o", str(src)).returncode == 0
    answer = client.post("/api/annotate", files=_files(src))
    assert answer.status_code == 200
    # never the original's name: in a Downloads folder it would sit as "000 (1).xlsx" beside it
    assert "filename*=UTF-8''" + quote("000（已标注）.xlsx") in answer.headers["content-disposition"]
    local = tmp_path / "annotated"
    run("check", str(src), "--annotate", str(local), "-q")
    ours = openpyxl.load_workbook(io.BytesIO(answer.content))
    theirs = openpyxl.load_workbook(local / "000.xlsx")

    def marks(wb: openpyxl.Workbook) -> dict[tuple[str, str], str]:
        return {
            (ws.title, c.coordinate): c.comment.text
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if c.comment is not None
        }

    assert marks(ours) == marks(theirs)
    assert len(marks(ours)) > 5
    assert [list(r) for r in ours["校验结果"].values] == [list(r) for r in theirs["校验结果"].values]


def test_annotate_several_gives_a_zip(client: TestClient) -> None:
    answer = client.post(
        "/api/annotate",
        files=[
            ("files", ("000.txt", SEEDS["000"].read_bytes())),
            ("files", ("001.txt", SEEDS["001"].read_bytes())),
        ],
    )
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.content)) as zf:
        assert sorted(zf.namelist()) == ["000（已标注）.xlsx", "001（已标注）.xlsx", "文件清单.txt"]
        listed = zf.read("文件清单.txt").decode("utf-8")
    assert "000.txt：有错误（" in listed and "001.txt：有错误（" in listed and "标注副本 2 个" in listed
    with zipfile.ZipFile(io.BytesIO(answer.content)) as zf:
        assert "校验结果" in openpyxl.load_workbook(io.BytesIO(zf.read("000（已标注）.xlsx"))).sheetnames


def test_a_zipped_folder_comes_back_marked_with_a_list_of_every_file(client: TestClient) -> None:
    """Members keep their folders (not one named after the zip), and every file is listed with its
    status — one that could not be read with its reason, instead of silently missing."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("单位A/000.txt", SEEDS["000"].read_bytes())
        zf.writestr("单位B/坏.xlsx", b"not a workbook")
    answer = client.post("/api/annotate", files=[("files", ("全县.zip", buf.getvalue()))])
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.content)) as zf:
        assert sorted(zf.namelist()) == ["全县/单位A/000（已标注）.xlsx", "文件清单.txt"]
        listed = zf.read("文件清单.txt").decode("utf-8")
    assert "全县.zip/单位B/坏.xlsx：无法读取，没有标注副本。" in listed and "不是 Excel 工作簿" in listed
    assert "全县.zip/单位A/000.txt：有错误（" in listed


def test_summary_and_report_workbooks(client: TestClient, tmp_path: Path) -> None:
    files = [("files", (f"{k}.txt", SEEDS[k].read_bytes())) for k in ("000", "001")]
    summary = client.post("/api/summary", files=files)
    assert summary.status_code == 200
    local = tmp_path / "汇总.xlsx"
    paths = []
    for k in ("000", "001"):
        (tmp_path / f"{k}.txt").write_bytes(SEEDS[k].read_bytes())
        paths.append(str(tmp_path / f"{k}.txt"))
    assert run("summary", *paths, "-o", str(local), "-q").returncode in (0, 1)
    ours = openpyxl.load_workbook(io.BytesIO(summary.content)).worksheets[0]
    theirs = openpyxl.load_workbook(local).worksheets[0]
    strip = str(tmp_path) + "/"
    assert [[v.replace(strip, "") if isinstance(v, str) else v for v in r] for r in theirs.values] == [
        list(r) for r in ours.values
    ]
    report = client.post("/api/check?format=xlsx", files=files)
    assert report.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(report.content)).sheetnames[0] == "文件"


@pytest.mark.parametrize("to", ["docx", "json", "csv", "xlsx"])
def test_convert_equals_cli(client: TestClient, to: str, tmp_path: Path) -> None:
    answer = client.post(f"/api/convert?to={to}", files=[("files", ("000.txt", SEEDS["000"].read_bytes()))])
    assert answer.status_code == 200
    (tmp_path / "000.txt").write_bytes(SEEDS["000"].read_bytes())
    out = tmp_path / f"000.{to}"
    assert run("convert", "000.txt", "-o", out.name, cwd=tmp_path).returncode == 0
    if to == "docx":  # a Word package records when its parts were written: compare the parts
        with zipfile.ZipFile(io.BytesIO(answer.content)) as a, zipfile.ZipFile(out) as b:
            assert a.namelist() == b.namelist()
            assert all(a.read(n) == b.read(n) for n in a.namelist())
    else:
        assert answer.content == out.read_bytes()
    assert f"filename*=UTF-8''000.{to}" in answer.headers["content-disposition"]


def test_convert_refuses_several_files_and_unknown_formats(client: TestClient) -> None:
    two = [("files", (f"{k}.txt", SEEDS[k].read_bytes())) for k in ("000", "001")]
    answer = client.post("/api/convert?to=docx", files=two)
    assert answer.status_code == 400
    assert "一个文件" in answer.json()["error"]
    wrong = client.post("/api/convert?to=exe", files=two[:1])
    assert wrong.status_code == 400 and "参数" in wrong.json()["error"]


def test_rules_template_and_health(client: TestClient) -> None:
    rules = client.get("/api/rules").json()["rules"]
    assert [r["code"] for r in rules] == sorted(REGISTRY, key=[r["code"] for r in rules].index)
    assert len(rules) == len(REGISTRY)
    assert all(r["title"] and r["fix"] for r in rules)
    template = client.get("/template")
    assert template.content == build_bytes(None)
    assert template.content == (ROOT / "workbook_templates" / "绩效目标表.xlsx").read_bytes()
    assert client.get("/template?macros=1").content == build_bytes(None, macros=True)
    assert client.get("/healthz").json()["status"] == "ok"
    assert "/api/check" in client.get("/openapi.json").json()["paths"]
    assert "SAT-001" in client.get("/rules").text
    assert "/api/annotate" in client.get("/api").text


def test_every_link_on_the_page_answers(client: TestClient) -> None:
    links = re.findall(r'href="(/[^"]*)"', client.get("/").text)
    assert "/libreoffice/xlgoals.oxt" in links and "/template?macros=1" in links
    for link in links:
        answer = client.get(link)
        assert answer.status_code == 200, link
    oxt = client.get("/libreoffice/xlgoals.oxt")
    assert oxt.headers["content-type"] == "application/vnd.openofficeorg.extension"
    assert zipfile.ZipFile(io.BytesIO(oxt.content)).read("settings.json").startswith(b"{")


def test_page_without_script(client: TestClient) -> None:
    """The plain form: 校验 answers with the whole page and the findings, escaped."""
    page = client.get("/")
    assert page.status_code == 200 and 'action="/check"' in page.text
    answer = client.post(
        "/check",
        files=[("files", ("<i>000.txt", SEEDS["000"].read_bytes()))],
        headers={"Accept": "text/html"},
    )
    assert answer.status_code == 200
    assert "<!DOCTYPE html>" in answer.text and "SAT-001" in answer.text and "data-done" in answer.text
    assert "&lt;i&gt;000.txt" in answer.text and "<i>000" not in answer.text
    refused = client.post("/check", files=[], headers={"Accept": "text/html"}, data={"x": "1"})
    assert refused.status_code == 400
    assert "没有收到文件" in refused.text and "<!DOCTYPE html>" in refused.text


def test_hostile_uploads(
    client: TestClient, temp_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every case of the hostile corpus (tests/hostile.py) uploaded on its own: a readable one gets
    its report, a refused one 422 with its sentence; the service keeps serving; nothing remains."""
    cases = [c for c in hostile.shared(tmp_path_factory) if c.path.is_file() and not c.path.is_fifo()]
    assert len(cases) > 40
    for case in cases:
        if case.path.stat().st_size > MAX_MB * (1 << 20):
            continue
        name = case.name.encode("utf-8", "surrogateescape").decode(
            "utf-8", "replace"
        )  # as a browser sends it
        answer = client.post("/api/check", files=[("files", (name, case.path.read_bytes()))])
        body = answer.json()
        if case.outcome == "refused":
            assert answer.status_code == 422, case.name
            assert case.message in body["error"] and name[:20] in body["error"], (case.name, body)
            assert "Traceback" not in body["error"]
        else:
            assert answer.status_code == 200, (case.name, body)
            assert body["summary"]["unreadable"] == 0, case.name
    assert client.get("/healthz").status_code == 200
    assert _left(temp_root) == []


def test_too_large_is_refused_before_the_body_is_read(client: TestClient, temp_root: Path) -> None:
    big = b"x" * (MAX_MB * (1 << 20) + 1)
    answer = client.post("/api/check", files=[("files", ("big.txt", big))])
    assert answer.status_code == 413
    assert "上限" in answer.json()["error"]

    def stream() -> Iterator[bytes]:  # no Content-Length: counted as it arrives (tests/test_browser.py
        # shows, against the real server, that reading stops at the limit)
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
        for _ in range(MAX_MB + 1):
            yield b"x" * (1 << 20)

    answer = client.post(
        "/api/check", content=stream(), headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert answer.status_code == 413
    assert client.get("/healthz").status_code == 200
    assert _left(temp_root) == []


def test_zip_bomb_upload(client: TestClient, temp_root: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "bomb.txt", b"\x00" * (limits.MAX_MEMBER_INFLATED + (1 << 20))
        )  # one MB past a member's limit
    assert len(buf.getvalue()) < 2 << 20
    answer = client.post("/api/check", files=[("files", ("bomb.zip", buf.getvalue()))])
    assert answer.status_code == 413
    assert "压缩炸弹" in answer.json()["error"] and "bomb.zip" in answer.json()["error"]
    junk = client.post("/api/check", files=[("files", ("junk.zip", b"PK\x03\x04junk"))])
    assert junk.status_code == 422 and "压缩包" in junk.json()["error"]
    assert _left(temp_root) == []


def test_names_are_never_paths(client: TestClient, temp_root: Path) -> None:
    hostile_names = ["../../etc/passwd.txt", "..\\..\\x.txt", "/abs/000.txt", "a\x00b.txt", "con.txt"]
    files = [("files", (n, SEEDS["000"].read_bytes())) for n in hostile_names]
    answer = client.post("/api/check", files=files)
    assert answer.status_code == 200
    shown = [f["path"] for f in answer.json()["files"]]
    assert shown == ["passwd.txt", "x.txt", "000.txt", "a%00b.txt", "con.txt", ACROSS_FILES]  # five copies
    assert not (temp_root.parent / "etc").exists()
    assert _left(temp_root) == []


def test_token(temp_root: Path) -> None:
    with TestClient(create_app(_settings(temp_root, token="s3cret-口令"))) as c:
        files = [("files", ("000.txt", SEEDS["000"].read_bytes()))]
        assert c.post("/api/check", files=files).status_code == 401
        wrong = c.post("/api/check", files=files, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and "口令" in wrong.json()["error"]
        secret = "s3cret-口令".encode()  # HTTP headers carry bytes: the token's UTF-8
        assert (
            c.post("/api/check", files=files, headers={b"Authorization": b"Bearer " + secret}).status_code
            == 200
        )
        assert c.post("/api/check", files=files, data={"token": "s3cret-口令"}).status_code == 200
        assert c.get("/").status_code == 200 and 'name="token"' in c.get("/").text
    assert _left(temp_root) == []


def test_logs_carry_no_file_content(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    marker = "保密内容XYZ123"
    text = SEEDS["000"].read_text(encoding="utf-8").replace("怀来县", marker)
    with caplog.at_level(logging.DEBUG):
        client.post("/api/check", files=[("files", ("000.txt", text.encode()))])
        client.post("/api/check", files=[("files", ("bad.xlsx", marker.encode() * 10))])
    assert marker not in caplog.text


def _job(what: str) -> str:
    """A job for the resident pool: one that works, dies, spins, hangs, exhausts memory, waits, or
    takes a while."""
    if what == "die":
        os._exit(3)
    if what == "spin":  # uses CPU without end
        while True:
            pass
    if what == "hang":  # blocked: uses no CPU and never ends
        time.sleep(600)
    if what == "wait":  # slow on the clock but cheap, as on a machine busy with other work
        time.sleep(1.2)
        return "waited"
    if what == "memory":
        bytearray(3 << 30)
    if what == "slow":
        time.sleep(0.5)
        return str(os.getpid())
    return what * 2


def test_resident_pool_replaces_what_dies_and_bounds_the_work() -> None:
    pool: ResidentPool[str, str] = ResidentPool(_job, lambda job, why: f"{job}:{why}", 2, Budget(0.5, 1024))
    try:
        assert pool.call("a") == "aa"
        assert pool.call("die") == "die:died"
        assert pool.call("spin") == "spin:timeout"  # past its CPU budget
        assert pool.call("hang") == "hang:timeout"  # past the clock's backstop (4 × the budget: 2 s)
        assert pool.call("wait") == "waited"  # 1.2 s on the clock, no CPU: within its budget
        assert pool.call("memory") == "memory:memory"
        assert pool.call("b") == "bb"  # replaced workers serve on
        assert pool.replaced == 4
        pids: list[str] = []
        start = time.monotonic()
        threads = [threading.Thread(target=lambda: pids.append(pool.call("slow"))) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(pids)) == 2  # six requests, never more than two workers
        assert time.monotonic() - start >= 1.4
    finally:
        pool.close()


def test_request_deadline_reports_files_not_started(temp_root: Path) -> None:
    """A request past its time limit: the files not started are reported, not silently dropped."""
    settings = Settings(Limits(1, Budget(60, 2048), 0), max_upload_mb=MAX_MB, temp_root=temp_root)
    with TestClient(create_app(settings)) as c:
        files = [("files", (f"{k}.txt", SEEDS[k].read_bytes())) for k in ("000", "001")]
        answer = c.post("/api/check", files=files)
    assert answer.status_code == 422
    body = answer.json()
    assert [f["path"] for f in body["files"]] == ["000.txt", "001.txt"]
    assert all("处理时间已用完" in f["error"] for f in body["files"])
    assert _left(temp_root) == []
