"""The gate every request passes: Host, token, Origin, security headers, and no internals on errors."""
from __future__ import annotations

import hmac
import json
import sys
from html import escape
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

from indlint.app.serve.settings import Settings

COOKIE = "indlint_session"
#: The CSP of indlint's own pages: their script and stylesheet only, from this server.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
INTERNAL = "服务器内部错误，请重试；如果仍然出错，请联系维护人员。"


class Guard:
    """ASGI middleware: refuses what must not reach the application, and marks every response."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings
        self.hosts = settings.host_names()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.refuse(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, _marked(send, []))
            return
        started = []
        marked = _marked(send, started)
        try:
            await self.app(scope, receive, marked)
        except Exception as err:  # noqa: BLE001 — log a line; the person gets a Chinese message
            print(f"indlint serve: 内部错误 {type(err).__name__}", file=sys.stderr)
            if not started:         # the application's own handler may have answered already
                await error(500, INTERNAL, scope)(scope, receive, marked)

    def refuse(self, scope, headers: dict[str, str]):
        """The response refusing this request, or None when it may pass."""
        host = headers.get("host", "")
        if _hostname(host) not in self.hosts:
            return error(400, "请求的主机名不被允许（为防止 DNS 重绑定攻击）。请用服务启动时显示的地址访问；"
                              "需要用其他主机名访问时，启动时用 --allow-host 列出。", scope)
        bearer = False
        if self.settings.token:
            bearer = self._bearer(headers)
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if scope["method"] == "GET" and "token" in query:
                return self._welcome(scope, query)
            if not (bearer or self._cookie(headers)):
                return error(401, "需要访问令牌：请使用服务启动时显示的完整地址（含 ?token=…）打开本页；"
                                  "接口调用请在请求头中加 Authorization: Bearer 令牌。", scope,
                             [("www-authenticate", "Bearer")])
        if scope["method"] in UNSAFE_METHODS and not bearer:
            origin = headers.get("origin", "")
            if not origin or urlsplit(origin).netloc.lower() != host.lower():
                return error(403, "拒绝来自其他网站的提交：请求缺少来源（Origin）或来源与本服务不符。",
                             scope)
        return None

    def _bearer(self, headers) -> bool:
        scheme, _, value = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), self.settings.token.encode())

    def _cookie(self, headers) -> bool:
        jar = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 — a malformed cookie is no cookie
            return False
        morsel = jar.get(COOKIE)
        return morsel is not None and hmac.compare_digest(
            morsel.value.encode(), self.settings.cookie_value().encode())

    def _welcome(self, scope, query):
        """The token arrives once in the URL: exchange it for the cookie and drop it from the URL."""
        if not hmac.compare_digest(query["token"].encode(), self.settings.token.encode()):
            return error(401, "访问令牌不正确。请使用服务启动时显示的完整地址。", scope)
        rest = urlencode([(k, v) for k, v in query.items() if k != "token"])
        location = scope["path"] + (f"?{rest}" if rest else "")
        cookie = f"{COOKIE}={self.settings.cookie_value()}; HttpOnly; SameSite=Strict; Path=/"
        return _raw(303, b"", "text/plain; charset=utf-8",
                    [("location", location), ("set-cookie", cookie)])


def _hostname(host: str) -> str:
    """The name part of a Host header ('[::1]:8765' → '::1'), lowered."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def wants_json(scope) -> bool:
    """Whether the caller is the page's script or the API (JSON), not a browser tab (HTML)."""
    path = scope.get("path", "")
    accept = dict(scope.get("headers", ())).get(b"accept", b"").decode("latin-1")
    return path.startswith(("/api/", "/jobs")) or "application/json" in accept


def error(status: int, message: str, scope, extra=()):
    """A refusal in Chinese: JSON {"error": …} for scripts, a small page for a browser tab."""
    if wants_json(scope):
        body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
        return _raw(status, body, "application/json", extra)
    page = (f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>indlint</title>'
            f'<p>{escape(message)}</p></html>').encode("utf-8")
    return _raw(status, page, "text/html; charset=utf-8", extra)


def _raw(status: int, body: bytes, media: str, extra=()):
    async def respond(scope, receive, send):
        headers = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode()),
                   *((k.encode(), v.encode("latin-1")) for k, v in extra)]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    return respond


def _marked(send, started: list):
    """Wrap send so that every response carries the security headers (a route's own CSP stays)."""
    async def marked(message):
        if message["type"] == "http.response.start":
            started.append(True)
            names = {k.lower() for k, _ in message.get("headers", ())}
            headers = list(message.get("headers", ()))
            for name, value in ((b"content-security-policy", PAGE_CSP),
                                (b"x-content-type-options", "nosniff"),
                                (b"x-frame-options", "DENY"),
                                (b"referrer-policy", "no-referrer"),
                                (b"cache-control", "no-store"),
                                (b"cross-origin-opener-policy", "same-origin"),
                                (b"cross-origin-resource-policy", "same-origin")):
                if name not in names:
                    headers.append((name, value.encode()))
            message = {**message, "headers": headers}
        await send(message)
    return marked
