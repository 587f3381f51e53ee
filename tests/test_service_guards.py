"""What keeps one client from tying up the service (xlgoals/service/guards.py), tried on the real
``xlgoals serve`` over raw sockets where the timing of bytes matters, and in-process where it does not:
slow headers and slow bodies are cut off, a wrong token stops an upload before its files arrive, a
client that goes away is no internal error, browsers may call only from the allowed origins, every
answer carries the security headers, a zip cannot fill the disk past the request's share, names with
control characters are shown harmlessly, and a port in use is one sentence."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.forkrun import xlgoals
from tests.helpers import SEEDS
from tests.live import free_port, running_service
from xlgoals import limits
from xlgoals.pool import Budget
from xlgoals.service.app import create_app
from xlgoals.service.endpoint import Settings
from xlgoals.service.engine import Limits

TIMEOUT = 2  # serve --client-timeout in these tests


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    temp = tmp_path_factory.mktemp("guards")
    with running_service(temp, "--workers", "1", "--client-timeout", str(TIMEOUT), "--token", "口令") as url:
        yield url, temp.parent / f"serve-{url.rsplit(':', 1)[1]}.log"


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)), timeout=TIMEOUT * 10)
    return s


def _answer(s: socket.socket) -> bytes:
    """The server's answer: its head and as many bytes of body as its Content-Length says, or what
    came until it closed the connection (or the read timed out: b'TIMEOUT')."""
    got = b""
    try:
        while chunk := s.recv(65536):
            got += chunk
            head, sep, body = got.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                None,
            )
            if sep and length is not None and len(body) >= length:
                break
    except TimeoutError:
        return got or b"TIMEOUT"
    except ConnectionResetError:
        pass
    return got


def test_a_connection_that_never_finishes_its_headers_is_closed(service: tuple[str, Path]) -> None:
    url, _log = service
    with _connect(url) as s:
        s.sendall(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Ty")
        start = time.monotonic()
        assert _answer(s) == b""  # closed, nothing said: there was no request to answer
        assert time.monotonic() - start < TIMEOUT * 5


def test_a_stalled_or_trickling_body_gets_408(service: tuple[str, Path]) -> None:
    url, log = service
    head = (
        "POST /api/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer 口令\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n"
    ).encode()
    with _connect(url) as s:  # stalls after 10 bytes
        s.sendall(head + b"--b\r\nConte")
        assert _answer(s).startswith(b"HTTP/1.1 408")
    with _connect(url) as s:  # a byte every 0.2 s: far below any real upload
        s.sendall(head + b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n')
        answer = b""
        s.settimeout(0.2)
        for _ in range(TIMEOUT * 20):
            try:
                s.sendall(b"x")
                answer = s.recv(65536)
                if answer:
                    break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert "Traceback" not in log.read_text(encoding="utf-8")


def test_a_broken_form_is_one_chinese_sentence(service: tuple[str, Path]) -> None:
    url, _log = service
    body = b"not a multipart body"
    with _connect(url) as s:
        s.sendall(
            "POST /api/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer 口令\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=b\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        answer = _answer(s)
    assert answer.startswith(b"HTTP/1.1 400") and "上传内容".encode() in answer and b"Invalid" not in answer


def test_a_wrong_token_stops_the_upload_before_the_files(service: tuple[str, Path]) -> None:
    url, _log = service
    first = b'--b\r\nContent-Disposition: form-data; name="token"\r\n\r\n' + "错误".encode() + b"\r\n"
    with _connect(url) as s:
        s.sendall(
            b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 50000000\r\n\r\n"
            + first
            + b'--b\r\nContent-Disposition: form-data; name="files"'
        )  # 50 MB announced, a few bytes of the file sent: the answer comes now
        answer = _answer(s)
    assert answer.startswith(b"HTTP/1.1 401") and "访问口令不正确".encode() in answer


def test_a_client_that_goes_away_is_not_an_internal_error(service: tuple[str, Path]) -> None:
    url, log = service
    with _connect(url) as s:
        s.sendall(
            b"POST /api/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n"
        )
    time.sleep(0.5)
    text = log.read_text(encoding="utf-8")
    assert "internal error" not in text and "Traceback" not in text


def test_a_port_in_use_is_one_sentence(service: tuple[str, Path]) -> None:
    url, _log = service
    done = xlgoals("serve", "--port", url.rsplit(":", 1)[1], cpu=60)
    assert done.returncode == 2 and "已被占用" in done.stderr and "Errno" not in done.stderr, done.stderr


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(Limits(1, Budget(60, 0), 120), max_upload_mb=1, temp_root=tmp_path)
    with TestClient(create_app(settings)) as c:
        yield c


def test_only_the_allowed_origins_may_call_from_a_browser(tmp_path: Path) -> None:
    def preflight(c: TestClient, origin: str) -> str | None:
        answer = c.options(
            "/api/press",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type"},
        )  # fmt: skip
        return answer.headers.get("access-control-allow-origin")

    settings = Settings(Limits(1, Budget(60, 0), 120), temp_root=tmp_path)
    with TestClient(create_app(settings)) as c:
        assert preflight(c, "http://evil.example") is None  # any other page a clerk opens: refused
        assert preflight(c, "null") == "null"  # the offline WPS add-in
        assert (
            c.get("/healthz", headers={"Origin": "http://evil.example"}).headers.get(
                "access-control-allow-origin"
            )
            is None
        )
    settings = Settings(
        Limits(1, Budget(60, 0), 120), temp_root=tmp_path, allow_origins=("http://oa.example",)
    )
    with TestClient(create_app(settings)) as c:
        assert preflight(c, "http://oa.example") == "http://oa.example"
        assert preflight(c, "null") is None


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for answer in (client.get("/"), client.get("/api/rules"), client.post("/api/check", files=[])):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def _zip(members: dict[str, int]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, size in members.items():
            z.writestr(name, b"\0" * size)
    return buf.getvalue()


def test_a_zip_cannot_inflate_past_the_requests_share(client: TestClient, tmp_path: Path) -> None:
    """A 1 MB upload limit allows 10 MB inflated: four members of 4 MB are refused before any is
    written (the declared sizes), and the sentence names the total, not a member's limit."""
    answer = client.post(
        "/api/check", files=[("files", ("批.zip", _zip({f"{k}.xlsx": 4 * limits.MB for k in range(4)})))]
    )
    assert answer.status_code == 413
    assert "合计超过 10 MB" in answer.json()["error"]
    assert list(tmp_path.iterdir()) == []


def _lying(size: int, declared: int) -> bytes:
    """A zip of one member of ``size`` zero bytes whose headers declare ``declared``."""
    data = bytearray(_zip({"表.xlsx": size}))
    central = data.rindex(b"PK\x01\x02")
    assert int.from_bytes(data[central + 24 : central + 28], "little") == size
    data[central + 24 : central + 28] = declared.to_bytes(4, "little")
    data[22:26] = declared.to_bytes(4, "little")  # the local header's copy
    return bytes(data)


def test_a_zip_whose_sizes_lie_is_refused_as_damaged(client: TestClient, tmp_path: Path) -> None:
    """20 MB inflated behind a declared 1 KB (twice the request's 10 MB share): the member is read no
    further than declared, its checksum then fails, and the clerk is told the zip is damaged."""
    answer = client.post("/api/check", files=[("files", ("报表.zip", _lying(20 * limits.MB, 1024)))])
    assert answer.status_code == 422
    assert "压缩包已损坏" in answer.json()["error"] and "报表.zip" in answer.json()["error"]
    assert list(tmp_path.iterdir()) == []
    assert client.get("/healthz").status_code == 200


def test_control_characters_in_names_are_shown_harmlessly(client: TestClient) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a\r\nb\x1b[31m.txt", SEEDS["000"].read_bytes())
    report = client.post("/api/check", files=[("files", ("x\ny.zip", buf.getvalue()))]).json()
    (entry,) = report["files"]
    assert entry["path"].endswith(".zip/a??b?[31m.txt") and not any(ord(ch) < 32 for ch in entry["path"])
    annotated = client.post("/api/annotate", files=[("files", ("x\ny.zip", buf.getvalue()))])
    names = (
        zipfile.ZipFile(io.BytesIO(annotated.content)).namelist()
        if annotated.headers["content-type"].startswith("application/zip")
        else [annotated.headers["content-disposition"]]
    )
    assert not any(ch in n for n in names for ch in "\r\n\x1b"), names


def test_one_upload_never_takes_every_worker(tmp_path: Path) -> None:
    """A zip of large published texts used to hold every checking process until it was done, so a
    clerk's small upload sent meanwhile waited for it: a request now runs on all workers but one."""
    import threading

    from xlgoals.batch import Outcome
    from xlgoals.findings import FileResult
    from xlgoals.inputs import Input
    from xlgoals.runcontext import DEFAULT
    from xlgoals.service.engine import Engine
    from xlgoals.service.uploads import Uploads

    class CountingPool:  # stands in for the workers: counts how many of one request's jobs run at once
        def __init__(self) -> None:
            self.running = self.most = 0
            self.lock = threading.Lock()

        def call(self, job: object) -> Outcome:
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
            time.sleep(0.05)
            with self.lock:
                self.running -= 1
            return Outcome(FileResult(path=str(job.path)))  # type: ignore[attr-defined]

        def close(self) -> None:
            pass

    engine = Engine(Limits(3, Budget(60, 0), 120), DEFAULT.config)
    engine.pool.close()
    engine.pool = CountingPool()  # type: ignore[assignment]
    uploads = Uploads(tmp_path)
    for k in range(12):
        (tmp_path / f"{k}.txt").write_bytes(b"x")
        uploads.inputs.append(Input(tmp_path / f"{k}.txt", tmp_path, in_folder=True))
    engine.check(uploads)
    assert engine.pool.most == 2  # of 3: one stays free for everyone else


def test_the_address_is_printed_when_the_service_answers(tmp_path: Path) -> None:
    """The start once printed the URL 20 s before the service answered: an administrator clicking it
    at once got "connection refused". Now it says it is starting, then prints the URL when ready."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "xlgoals", "serve", "--port", str(port), "--workers", "1"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(tmp_path)},
        )  # fmt: skip
        try:
            for _ in range(600):  # a backstop only: on a busy machine the start takes what it takes
                if "已就绪" in log.read_text(encoding="utf-8") or process.poll() is not None:
                    break
                time.sleep(0.2)
            text = log.read_text(encoding="utf-8")
            assert "已就绪" in text, text
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as answer:
                assert answer.status == 200
            assert text.index("正在启动") < text.index("已就绪") and f"http://127.0.0.1:{port}/" in text
        finally:
            process.terminate()
            process.wait(timeout=30)
