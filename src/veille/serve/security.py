"""Request guards: body size limit, security headers, write-token rule, cross-origin writes.

- Bodies over `max_body` bytes are refused with 413 before any route reads them (the
  Content-Length header is checked first, then the streamed bytes are counted).
- Every response carries a Content-Security-Policy that allows scripts, styles and images
  from the app itself only (no inline script, nothing from the network).
- Write endpoints (ingest, upload) need `VEILLE_TOKEN` when the server is bound to anything
  but loopback (header `Authorization: Bearer …` or form field `token`); with no token
  configured they are then refused. On loopback a configured token is required too.
- A query parameter or path holding a NUL or another control character is refused before
  any route sees it (422, as for any invalid parameter; SQLite's FTS5 cannot take a NUL); an error the app did not handle becomes a
  500 JSON answer that carries the security headers too.
- A POST whose Origin header names another site is refused (a page elsewhere cannot make
  the browser post articles into a local store), and so is a write to a loopback server whose
  Host header is not a loopback name (DNS rebinding).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from fastapi import HTTPException, Request

log = logging.getLogger("veille.serve")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
       " font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer makes Chromium post "Origin: null"
    (b"x-frame-options", b"DENY"),
]


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class GuardMiddleware:
    """ASGI middleware: body size limit and security headers on every HTTP response."""

    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in SECURITY_HEADERS if k not in names)]
            await send(message)

        bad = _bad_query(scope)
        if bad is not None:
            await _error(send_with_headers, 422, bad)  # the status FastAPI gives any invalid parameter
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self._guarded(scope, receive, tracked, send_with_headers)
        except Exception:  # noqa: BLE001 - the last line: a coded answer with the headers, never a bare 500
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _error(send_with_headers, 500, "[E000] internal error; the server log has the details")

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, send_with_headers: Send) -> None:
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(send)
                return
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        # read the body up to the limit, then replay it to the app
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_body:
                await self._refuse(send)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        await _error(send, 413, f"request body over {self.max_body} bytes", close=True)


def _bad_query(scope: Scope) -> str | None:
    """Why the request's path or query cannot be served (a control character), or None."""
    path = scope.get("path") or ""
    if any(ord(c) < 32 or ord(c) == 127 for c in unquote(path)):
        return "the path contains a control character"
    raw = (scope.get("query_string") or b"").decode("latin-1")
    for key, value in parse_qsl(raw, keep_blank_values=True):
        if any(ord(c) < 32 and c not in "\t\n\r" or ord(c) == 127 for c in key + value):
            return f"query parameter {key!r} contains a NUL or control character"
    return None


async def _error(send: Send, status: int, message: str, *, close: bool = False) -> None:
    """A JSON error answer sent by the middleware itself; `close`: the request body was not read."""
    body = json.dumps({"error": {"status": status, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def check_origin(request: Request) -> None:
    """Refuse a write whose Origin is another site than the one served."""
    origin = request.headers.get("origin")
    if not origin:
        return
    host = request.headers.get("host", "")
    if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
        raise HTTPException(403, "cross-origin write refused")


def check_write_token(request: Request, form_token: str | None = None) -> None:
    """The token rule for write endpoints (see module docstring)."""
    check_origin(request)
    expected: str | None = request.app.state.token
    loopback: bool = request.app.state.loopback
    if loopback and not is_loopback(request.url.hostname or ""):
        # a page elsewhere whose name was re-pointed at 127.0.0.1 (DNS rebinding) is same-origin
        # with itself: the Host it sends is its own name, never a loopback one
        raise HTTPException(403, "writes to a loopback server need a loopback Host (localhost, 127.0.0.1, [::1])")
    if not expected:
        if loopback:
            return
        raise HTTPException(403, "writes are disabled on a non-loopback address unless VEILLE_TOKEN is set")
    given = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    elif form_token:
        given = form_token
    if not given:
        raise HTTPException(401, "a token is required (Authorization: Bearer … or form field token)",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(403, "wrong token")
