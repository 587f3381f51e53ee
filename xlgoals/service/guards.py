"""What keeps one client from tying up the service, below the routes: the body's size and pace, the
time a connection may take to send its headers, the origins a browser may call from, the headers
every answer carries, and the listening socket.

- A body past ``--max-upload-mb`` is refused with 413 the moment it passes the limit (at once when
  its Content-Length says so); nothing past the limit is read.
- A body that stalls for ``client_seconds``, or trickles slower than ``MIN_BYTES_PER_SECOND`` once
  it has had ``client_seconds`` to get going, is cut off with 408: a clerk's upload on the slowest
  intranet runs far faster, a client holding a request open with a byte a second does not.
- A connection that has not sent a whole request line and headers within ``client_seconds`` is
  closed (uvicorn itself waits for ever): a few hundred half-open connections cannot pile up.
- Browsers may call the API from the service's own pages and from the origins ``--allow-origin``
  names (default ``null``: the WPS add-in installed offline runs from local files); any other web
  page a clerk opens cannot use the service through the clerk's browser.
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import re
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from xlgoals.errors import XlgoalsInputError

MIN_BYTES_PER_SECOND = 2048
CLIENT_SECONDS = 30.0
DEFAULT_ORIGINS = ("null",)
# Every answer: no sniffing, no framing by other sites, no referrer leaking file names; pages may load
# only the service's own scripts and styles.
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    ),
)


class _BodyTooLarge(Exception):
    pass


class _BodyTooSlow(Exception):
    pass


Answer = Callable[[Scope, Send, int], Awaitable[None]]


class BodyGuard:
    """Refuse a body past ``limit`` bytes (413) or one that stalls or trickles (408); ``answer(scope,
    send, status)`` writes the refusal."""

    def __init__(self, app: ASGIApp, limit: int, client_seconds: float, answer: Answer) -> None:
        self.app, self.limit, self.client_seconds, self.answer = app, limit, client_seconds, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self.answer(scope, send, 413)
            return
        seen = 0
        started = False
        begun = time.monotonic()

        async def guarded() -> Message:
            nonlocal seen
            try:
                message = await asyncio.wait_for(receive(), self.client_seconds)
            except TimeoutError:
                raise _BodyTooSlow from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
                elapsed = time.monotonic() - begun
                more = message.get("more_body", False)
                if more and elapsed > self.client_seconds and seen < MIN_BYTES_PER_SECOND * elapsed:
                    raise _BodyTooSlow
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, guarded, watched)
        except _BodyTooLarge:
            if not started:
                await self.answer(scope, send, 413)
        except _BodyTooSlow:
            if not started:
                await self.answer(scope, send, 408)


class TokenFirst:
    """With a token set, a form whose first field is a wrong ``token`` is refused (401) as soon as that
    field has arrived, before the files behind it are received (the page and its script send the token
    first). A form without it in front is left to the route, which checks it after reading the form."""

    PEEK = 64 * 1024

    def __init__(self, app: ASGIApp, token: str | None, answer: Answer) -> None:
        self.app, self.token, self.answer = app, token, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        kind = headers.get(b"content-type", b"")
        boundary = re.search(rb"boundary=\"?([^\";]+)", kind)
        if not self.token or scope.get("method") != "POST" or b"authorization" in headers or boundary is None:
            await self.app(scope, receive, send)
            return
        held: list[Message] = []
        seen = b""
        verdict = None
        while verdict is None and len(seen) < self.PEEK:
            message = await receive()
            held.append(message)
            if message["type"] != "http.request":
                break
            seen += message.get("body", b"")
            verdict = _first_field_token(seen, boundary.group(1))
            if not message.get("more_body", False):
                break
        if (
            verdict is not None
            and verdict[0] == "token"
            and not hmac.compare_digest(verdict[1], self.token.encode("utf-8"))
        ):
            await self.answer(scope, send, 401)
            return

        async def replay() -> Message:
            return held.pop(0) if held else await receive()

        await self.app(scope, replay, send)


def _first_field_token(body: bytes, boundary: bytes) -> tuple[str, bytes] | None:
    """(name, value) of the form's first field once it has arrived whole; None until then."""
    start = body.find(b"--" + boundary + b"\r\n")
    if start < 0:
        return None
    head_end = body.find(b"\r\n\r\n", start)
    if head_end < 0:
        return None
    name = re.search(rb'name="([^"]*)"', body[start:head_end])
    if name is None or name.group(1) != b"token":
        return ("", b"")  # not a token first: the route decides
    end = body.find(b"\r\n--" + boundary, head_end + 4)
    if end < 0:
        return None
    return ("token", body[head_end + 4 : end])


class SecurityHeaders:
    """Add ``SECURITY_HEADERS`` to every answer that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in have)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def header_guard(seconds: float) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol that closes a connection whose request line and headers have not
    all arrived within ``seconds`` (uvicorn waits for ever: a slow-headers client holds a socket)."""

    class HeaderGuard(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _waiting(self) -> bool:  # between requests: no request, or the last one answered
            return self.cycle is None or self.cycle.response_complete

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if self._waiting() and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._waiting():
                self._arm()  # the next request has begun to arrive: it has ``seconds`` to finish its headers
            super().data_received(data)
            if not self._waiting():
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderGuard


def listening_socket(host: str, port: int) -> socket.socket:
    """The bound socket (before uvicorn starts: a port in use is one Chinese sentence, not uvicorn's
    English error)."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror:
        raise XlgoalsInputError(
            f"监听地址“{host}”无效：请填写本机的 IP 地址、127.0.0.1 或 0.0.0.0。"
        ) from None
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise XlgoalsInputError(
                f"端口 {port} 已被占用（可能已有一个校验服务在运行）：请换一个端口（--port），或先停止占用它的程序。"
            ) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise XlgoalsInputError(
                f"没有权限使用端口 {port}：1024 以下的端口需要管理员权限，请换一个端口（如 8000）。"
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise XlgoalsInputError(
                f"本机没有地址 {host}：请填写本机的 IP 地址、127.0.0.1 或 0.0.0.0。"
            ) from None
        raise
    return sock
