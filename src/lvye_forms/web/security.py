"""Who may use the page: sessions, CSRF tokens, the administrator's password, local clients.

- Every browser gets a random session id in an HttpOnly, SameSite=Strict cookie; the session
  holds its CSRF token and whether it has logged in. Sessions live in memory only: a restart
  logs everyone out, which is what a desk tool should do.
- Every POST must carry the session's CSRF token (form field `csrf` or header X-CSRF-Token).
- Served on loopback, the Host header must name loopback too, so a web site the user visits
  cannot reach the page through a DNS name pointed at 127.0.0.1 (DNS rebinding).
- Served on another address, a password set by the administrator is required; it is compared
  in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import t

PASSWORD_ENV = "LVYE_FORMS_PASSWORD"
COOKIE = "lvye_forms_session"
SESSION_IDLE_SECONDS = 12 * 3600
MAX_SESSIONS = 10_000  # a client that never keeps its cookie must not fill the memory
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class StartRefused(Exception):
    """The server must not start; `str(exc)` says why and what to do."""


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or "localhost") is this computer only."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_password(password_file: Path | None) -> str | None:
    """The administrator's password: the first line of `password_file`, else the environment.

    Raises StartRefused when the file cannot be read or is empty.
    """
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise StartRefused(
                t(f"无法读取密码文件 {password_file}：{exc}", f"Cannot read {password_file}: {exc}")
            ) from None
        password = lines[0].strip() if lines else ""
        if not password:
            raise StartRefused(
                t(f"密码文件 {password_file} 是空的", f"The password file {password_file} is empty")
            )
        return password
    return os.environ.get(PASSWORD_ENV) or None


MIN_PASSWORD = 8


def check_start(host: str, password: str | None) -> None:
    """Refuse to serve another address than loopback without a password (raises StartRefused)."""
    if is_loopback(host):
        return
    if not password:
        raise StartRefused(
            t(
                f"在 {host} 上提供服务会让同一网络中的其他电脑访问本页面，必须先由管理员设置密码："
                f"用 --password-file 指定密码文件，或设置环境变量 {PASSWORD_ENV}。"
                "只在本机使用时请去掉 --host。",
                f"Serving on {host} lets other computers on the network reach this page, so the "
                f"administrator must set a password: --password-file FILE or the environment "
                f"variable {PASSWORD_ENV}. Leave out --host to use it on this computer only.",
            )
        )
    if len(password) < MIN_PASSWORD:
        raise StartRefused(
            t(
                f"密码太短：至少需要 {MIN_PASSWORD} 个字符",
                f"The password is too short: at least {MIN_PASSWORD} characters",
            )
        )


def password_matches(given: str, expected: str) -> bool:
    # Digests first so the comparison takes the same time whatever the lengths.
    a = hashlib.sha256(given.encode("utf-8", "surrogatepass")).digest()
    b = hashlib.sha256(expected.encode("utf-8", "surrogatepass")).digest()
    return hmac.compare_digest(a, b)


def host_allowed(host_header: str, served_on_loopback: bool) -> bool:
    """Whether a request's Host header is acceptable (see the module note on DNS rebinding)."""
    if not served_on_loopback:
        return True  # the password protects a page served to the network
    host = host_header.strip()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.lower() in LOOPBACK_NAMES or is_loopback(host)


def is_local_client(address: str | None) -> bool:
    """Whether the request comes from this computer (for folder paths on this computer)."""
    return bool(address) and is_loopback(address or "")


@dataclass
class Session:
    id: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    logged_in: bool = False
    seen: float = field(default_factory=time.monotonic)

    def token_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, token or "")


class Sessions:
    """The sessions of this server run, in memory."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def get(self, session_id: str | None) -> Session | None:
        self._expire()
        session = self._sessions.get(session_id or "")
        if session is not None:
            session.seen = time.monotonic()
        return session

    def new(self) -> Session:
        if len(self._sessions) >= MAX_SESSIONS:
            oldest = min(self._sessions.values(), key=lambda s: (s.logged_in, s.seen))
            del self._sessions[oldest.id]
        session = Session(secrets.token_urlsafe(32))
        self._sessions[session.id] = session
        return session

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._sessions.items() if now - s.seen > SESSION_IDLE_SECONDS]:
            del self._sessions[key]
