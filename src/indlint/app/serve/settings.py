"""The server's settings (bind address, token, limits, lifetime) and the checks made before it starts."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import socket
from dataclasses import dataclass

DEFAULT_PORT = 8765
DEFAULT_MAX_MB = 20
DEFAULT_MAX_FILES = 50
DEFAULT_KEEP_MINUTES = 30
MIN_TOKEN_LENGTH = 16
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
INSTALL_HINT = ("indlint serve 需要可选组件 serve（Starlette、python-multipart、uvicorn）。请运行：\n"
                "    pip install 'indlint[serve]'\n"
                "（在本项目目录中也可以运行 .venv/bin/pip install '.[serve]'）")


class SettingsError(ValueError):
    """Settings the server refuses to start with; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class Settings:
    """What one server runs with; every limit has the default the README states."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: str | None = None
    max_file_bytes: int = DEFAULT_MAX_MB * 1024 * 1024
    max_files: int = DEFAULT_MAX_FILES
    keep_seconds: float = DEFAULT_KEEP_MINUTES * 60
    config_path: str | None = None
    allow_hosts: tuple[str, ...] = ()

    @property
    def loopback(self) -> bool:
        """Whether the server listens on this machine only."""
        return is_loopback(self.host)

    def host_names(self) -> frozenset[str]:
        """The names a request's Host header may carry (DNS rebinding stops at anything else)."""
        names = {*LOOPBACK_NAMES, *(h.lower() for h in self.allow_hosts)}
        if self.host not in ("0.0.0.0", "::", ""):
            names.add(self.host.lower())
        elif self.token:                # all interfaces: this machine's own name too
            names.add(socket.gethostname().lower())
        return frozenset(names)

    def cookie_value(self) -> str:
        """The cookie that stands for the token (the token itself never sits in a cookie)."""
        return hmac.new((self.token or "").encode(), b"indlint-serve-cookie",
                        hashlib.sha256).hexdigest()


def is_loopback(host: str) -> bool:
    """True for localhost and addresses in 127.0.0.0/8 or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate(settings: Settings) -> Settings:
    """Refuse an unsafe or impossible configuration before anything listens."""
    if settings.token is not None and len(settings.token) < MIN_TOKEN_LENGTH:
        raise SettingsError(f"令牌太短：至少 {MIN_TOKEN_LENGTH} 个字符。可以这样生成一个：\n"
                            "    python3 -c \"import secrets; print(secrets.token_urlsafe())\"")
    if not settings.loopback and not settings.token:
        raise SettingsError(
            f"拒绝在 {settings.host} 上监听：其他机器也能访问这个地址。请用 --token（或环境变量 "
            "INDLINT_TOKEN）设置访问令牌；在一台机器之外使用时，建议放在支持 HTTPS 的反向代理之后。")
    if settings.max_file_bytes < 1 or settings.max_files < 1 or settings.keep_seconds <= 0:
        raise SettingsError("上传限制和结果保留时间必须是正数")
    return settings


def token_from_env(token: str | None) -> str | None:
    """--token, else INDLINT_TOKEN, else none."""
    return token or os.environ.get("INDLINT_TOKEN") or None


def display_url(settings: Settings, port: int) -> str:
    """The address to print: loopback for a wildcard bind, the token once in the query."""
    host = settings.host
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    url = f"http://{host}:{port}/"
    from urllib.parse import quote

    return f"{url}?token={quote(settings.token, safe='')}" if settings.token else url
