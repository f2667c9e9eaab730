"""The Starlette application: a gate every request passes, then the pages' routes.

Starlette (with uvicorn) was chosen because it is small, async, well kept and ships a test
client, and brings no ORM or form framework this page does not need; the pages are jinja2
templates (already a dependency of the documents) served by plain routes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import i18n
from ..i18n import t
from ..privacy import mask_text
from . import routes_check, routes_forms, routes_generate, routes_settings
from .security import COOKIE, host_allowed
from .state import CsrfFailed, Web
from .uploads import MAX_UPLOAD_BYTES, BodyLimit, UploadRefused

STATIC = Path(__file__).parent / "static"
_OPEN_PATHS = ("/login", "/static/")
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
_CSP = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    b"frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)


class Gate:
    """Every request: an acceptable Host, a session (cookie), a login when a password is set,
    the language from 设置, and headers that keep other sites out."""

    def __init__(self, app: ASGIApp, web: Web) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if not host_allowed(request.headers.get("host", ""), self.web.loopback):
            response = PlainTextResponse(
                "This page answers only at 127.0.0.1 / localhost.", status_code=400
            )
            await response(scope, receive, send)
            return
        cookie = request.cookies.get(COOKIE)
        session = self.web.sessions.get(cookie)
        if session is None:
            session = self.web.sessions.new()
        scope.setdefault("state", {})["session"] = session
        with i18n.use_language(self.web.settings().language or None):
            path = scope["path"]
            if (
                self.web.password is not None
                and not session.logged_in
                and not path.startswith(_OPEN_PATHS)
            ):
                await RedirectResponse("/login", status_code=303)(scope, receive, send)
                return

            started = False

            async def send_with_headers(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                    headers = list(message.get("headers", []))
                    names = {name.lower() for name, _ in headers}
                    headers += [h for h in _HEADERS if h[0] not in names]
                    if b"content-security-policy" not in names:
                        headers.append((b"content-security-policy", _CSP))
                    current = scope["state"]["session"]  # a login makes a new one
                    if current.id != cookie:
                        jar: SimpleCookie = SimpleCookie()
                        jar[COOKIE] = current.id
                        jar[COOKIE]["httponly"] = True
                        jar[COOKIE]["samesite"] = "Strict"
                        jar[COOKIE]["path"] = "/"
                        headers.append((b"set-cookie", jar.output(header="").strip().encode()))
                    message["headers"] = headers
                await send(message)

            try:
                await self.app(scope, receive, send_with_headers)
            except Exception as exc:  # the last resort: a message on the page, no traceback
                if os.environ.get("LVYE_FORMS_DEBUG"):
                    raise
                if started:
                    return  # half a response went out; the browser shows the break
                reason = mask_text(f"{type(exc).__name__}: {exc}")
                failure = self.web.page(
                    Request(scope),
                    "message.html",
                    status=500,
                    title=t("内部错误", "Internal error"),
                    message=t(
                        f"内部错误（{reason}）。请把这行和所用的文件报告给管理员；"
                        "设置 LVYE_FORMS_DEBUG=1 可看到详细信息。",
                        f"Internal error ({reason}). Please report this line and the files used; "
                        "set LVYE_FORMS_DEBUG=1 for details.",
                    ),
                    back="/",
                )
                await failure(scope, receive, send_with_headers)


async def _refused(request: Request, exc: Exception) -> Response:
    """An upload we do not take: the message on the page it came from, the server goes on."""
    assert isinstance(exc, UploadRefused)
    web: Web = request.app.state.web
    return web.page(
        request,
        "message.html",
        status=exc.status,
        title=t("无法使用上传的文件", "Cannot use the upload"),
        message=str(exc),
        back=request.url.path,
    )


async def _csrf(request: Request, exc: Exception) -> Response:
    web: Web = request.app.state.web
    return web.page(
        request,
        "message.html",
        status=403,
        title=t("页面已过期", "The page has expired"),
        message=t(
            "这个页面已过期（或来自其他网站），操作没有执行。请重新打开页面后再试。",
            "This page has expired (or came from another site); nothing was done. Open the page "
            "again and retry.",
        ),
        back=request.url.path,
    )


async def _not_found(request: Request, exc: Exception) -> Response:
    web: Web = request.app.state.web
    return web.page(
        request,
        "message.html",
        status=404,
        title=t("找不到页面", "Not found"),
        message=t(
            "找不到这个页面或文件；生成的文件下载后会从服务器上删除，请重新上传生成。",
            "No such page or file; generated files are removed once downloaded, so upload again.",
        ),
        back="/",
    )


async def _home(request: Request) -> Response:
    return RedirectResponse("/forms", status_code=303)


def create_app(
    *,
    settings_dir: Path | None = None,
    password: str | None = None,
    loopback: bool = True,
    upload_limit: int = MAX_UPLOAD_BYTES,
    jobs_root: Path | None = None,
) -> Starlette:
    """The application. `password` None: no login (only allowed on loopback, see `server`)."""
    from .jobs import Jobs

    web = Web(
        settings_dir=settings_dir,
        password=password,
        loopback=loopback,
        upload_limit=upload_limit,
        jobs=Jobs(jobs_root),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        web.jobs.close()  # the server stops: nothing uploaded stays behind

    routes = [
        Route("/", _home),
        *routes_forms.routes(web),
        *routes_generate.routes(web),
        *routes_check.routes(web),
        *routes_settings.routes(web),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Gate, web=web), Middleware(BodyLimit, limit=upload_limit)],
        exception_handlers={
            UploadRefused: _refused,
            CsrfFailed: _csrf,
            404: _not_found,
        },
        lifespan=lifespan,
    )
    app.state.web = web
    return app


__all__ = ["HTMLResponse", "create_app"]
