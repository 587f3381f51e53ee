"""``xlgoals serve`` as people use it: the real command on a real port, a real Chromium (Debian's,
driven by Playwright through ``executable_path``; no browser is downloaded).

Skipped where /usr/bin/chromium is missing; CI sets XLGOALS_REQUIRE_CHROMIUM=1 so a missing browser
fails instead. Screenshots go to the test's folder; XLGOALS_UPDATE_SCREENSHOTS=1 writes the ones
committed under docs/images/ (look at them before committing).
"""

from __future__ import annotations

import io
import os
import random
import shutil
import socket
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers import ROOT, SEEDS
from tests.live import chromium, request_folders, running_service
from xlgoals.template.builder import build_bytes

MAX_MB = 5


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``xlgoals serve`` in its own process; its request folders go to a temp folder of ours."""
    temp = tmp_path_factory.mktemp("serve-tmp")
    with running_service(temp, "--workers", "2", "--max-upload-mb", str(MAX_MB)) as url:
        yield url, temp


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "workbook": tmp_path / "怀来县000.xlsx",
        "broken": tmp_path / "坏文件.xlsx",
        "text": tmp_path / "001.txt",
    }
    from xlgoals.formats import read_document

    files["workbook"].write_bytes(build_bytes(read_document(SEEDS["000"])))
    files["broken"].write_bytes(random.Random(12).randbytes(4000))
    files["text"].write_bytes(SEEDS["001"].read_bytes())
    return files


def _shot(page: object, name: str, tmp_path: Path) -> None:
    target = tmp_path / name
    page.screenshot(path=str(target), full_page=False)  # type: ignore[attr-defined]
    if os.environ.get("XLGOALS_UPDATE_SCREENSHOTS") == "1":
        shutil.copy(target, ROOT / "docs" / "images" / name)


def test_check_in_the_browser(
    browser: object, service: tuple[str, Path], inputs: dict[str, Path], tmp_path: Path
) -> None:
    url, temp = service
    page = browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page.goto(url + "/")
    _shot(page, "service-page.png", tmp_path)
    page.set_input_files("#files", [str(inputs["workbook"]), str(inputs["broken"])])
    assert "怀来县000.xlsx" in page.inner_text("#chosen")
    page.click("button.primary")
    page.wait_for_selector(".total", timeout=120_000)
    text = page.inner_text("#results")
    row = page.locator("tr.finding", has_text="SAT-001")
    assert "F15" in row.inner_text() and "1 城乡居民养老保险县级配套" in row.inner_text()
    assert "满意度指标值" in text and "写成“≥x%”" in text  # the message and its fix
    assert "坏文件.xlsx：不是 Excel 工作簿" in text
    assert "Traceback" not in page.content()
    page.click("label[for=sev-error]")  # CSS filter: only errors remain visible
    assert page.locator("tr.finding.info").first.is_visible() is False
    assert page.locator("tr.finding.error").first.is_visible()
    page.evaluate("document.querySelector('.file').scrollIntoView()")
    _shot(page, "service-findings.png", tmp_path)

    with page.expect_download() as download:  # the annotated copy, as the CLI's --annotate writes it
        page.set_input_files("#files", [str(inputs["workbook"])])
        page.click("button:has-text('下载标注副本')")
    saved = tmp_path / "annotated.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "怀来县000（已标注）.xlsx"
    wb = openpyxl.load_workbook(saved)
    f15 = wb["1 城乡居民养老保险县级配套"]["F15"]
    assert f15.fill.fgColor.rgb.endswith("FFC7CE") and "SAT-001" in f15.comment.text
    assert "校验结果" in wb.sheetnames
    assert request_folders(temp) == []


@pytest.mark.parametrize(
    ("width", "height", "shot"), [(1280, 900, "service-overview.png"), (390, 844, "service-phone.png")]
)
def test_errors_come_first_and_the_page_reads_on_a_phone(
    browser: object,
    service: tuple[str, Path],
    inputs: dict[str, Path],
    tmp_path: Path,
    width: int,
    height: int,
    shot: str,
) -> None:
    """Three files: an overview above them with each file's status and counts, linked; errors and
    warnings shown and 提示 folded (one click away); the summary line in view while scrolling, naming
    the unreadable file first; nothing wider than the window, at 1280 and at 390 px (a phone)."""
    url, _temp = service
    page = browser.new_page(locale="zh-CN", viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page.goto(url + "/")
    page.set_input_files("#files", [str(inputs["workbook"]), str(inputs["broken"]), str(inputs["text"])])
    page.click("button.primary")
    page.wait_for_selector(".total", timeout=120_000)
    overview = page.locator(".overview")
    assert overview.locator("tbody tr").count() == 3
    assert overview.bounding_box()["y"] < page.locator("section.file").first.bounding_box()["y"]
    assert "无法读取" in overview.inner_text() and "有错误" in overview.inner_text()
    assert page.locator("tr.finding.error").first.is_visible()
    assert not page.locator("tr.finding.info").first.is_visible()  # folded
    assert page.inner_text(".total").startswith("汇总：1 个文件无法读取")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    box = page.locator(".total").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1  # the summary stays in view
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".report").scroll_into_view_if_needed()
    _shot(page, shot, tmp_path)
    overview.locator("a", has_text="坏文件.xlsx").click()
    assert page.evaluate("location.hash") == "#file-2"
    page.click("label[for=sev-all]")
    assert page.locator("tr.finding.info").first.is_visible()  # one click away
    page.emulate_media(media="print")  # on paper: no form, the summary in its place after the files
    assert not page.locator("#upload").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.total')).position") == "static"
    page.close()


def test_refusals_on_the_page(browser: object, service: tuple[str, Path], tmp_path: Path) -> None:
    url, temp = service
    page = browser.new_page(locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(url + "/")
    page.click("button.primary")
    assert "请先选择" in page.inner_text("#status")
    big = tmp_path / "大文件.xlsx"
    big.write_bytes(b"x" * ((MAX_MB + 1) << 20))
    page.set_input_files("#files", [str(big)])
    page.click("button.primary")
    assert f"超过 {MAX_MB} MB 的上限" in page.inner_text("#status")
    old = tmp_path / "旧表.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    page.set_input_files("#files", [str(old)])
    page.click("button:has-text('下载标注副本')")  # a download that cannot be made: one sentence, no file
    page.locator("#status .problem", has_text="旧表.xls").wait_for(timeout=60_000)
    assert "97-2003" in page.inner_text("#status")
    assert request_folders(temp) == []


def test_folder_zip_shows_progress(browser: object, service: tuple[str, Path], tmp_path: Path) -> None:
    url, _temp = service
    archive = tmp_path / "全县.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for k in range(16):
            prefix = sorted(SEEDS)[k % len(SEEDS)]
            zf.writestr(f"单位{k:02d}/{prefix}.txt", SEEDS[prefix].read_bytes())
        zf.writestr("单位00/~$锁定.xlsx", b"\x00" * 165)
    page = browser.new_page(locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(url + "/")
    page.evaluate(
        """() => { window.seen = []; new MutationObserver(() => window.seen.push(
             document.getElementById('status').innerText)).observe(document.getElementById('status'),
             {childList: true, subtree: true, characterData: true}); }"""
    )
    page.set_input_files("#files", [str(archive)])
    page.click("button.primary")
    page.wait_for_selector(".total", timeout=300_000)
    assert page.locator("section.file").count() == 18  # 16 files, the lock file, the checks across files
    assert "（多个文件之间）" in page.inner_text("#results")  # the same examples under several units
    assert "已跳过" in page.inner_text("#results")
    seen = page.evaluate("window.seen")
    assert any("正在校验：已完成" in s for s in seen), seen


def test_plain_form_without_script(
    browser: object, service: tuple[str, Path], inputs: dict[str, Path]
) -> None:
    url, _temp = service
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(url + "/")
    page.set_input_files("#files", [str(inputs["text"])])
    page.click("button.primary")
    page.wait_for_selector(".total", timeout=120_000)
    assert "001.txt" in page.inner_text("#results") and "汇总：" in page.inner_text("#results")
    context.close()


def test_body_past_the_limit_is_not_read(service: tuple[str, Path]) -> None:
    """A chunked upload (no Content-Length) gets 413 once it passes the limit; the server stops
    reading it and keeps serving."""
    url, temp = service
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(
            b"POST /api/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\n\r\n"
        )
        part = b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
        s.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        chunk = b"x" * (256 << 10)
        sent, answer = 0, b""
        s.settimeout(0.05)
        while sent < 10 * MAX_MB << 20:
            try:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                answer += s.recv(65536)
            except TimeoutError:
                continue
            except OSError:  # the server closed the connection
                break
            if answer:
                break
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 3 * MAX_MB << 20
    with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
        assert r.status == 200
    assert request_folders(temp) == []


def test_template_download(service: tuple[str, Path]) -> None:
    url, _temp = service
    with urllib.request.urlopen(url + "/template", timeout=30) as r:
        data = r.read()
    assert data == (ROOT / "workbook_templates" / "绩效目标表.xlsx").read_bytes()
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames
