"""设置 (agency name, templates folder, output folder, language), the language switch, login."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..i18n import t, use_language
from .security import password_matches
from .settings import FILE_NAME, Settings, config_dir
from .state import Web, session_of

LOGIN_FAILURE_DELAY = 1.0  # seconds; slows guessing without a lock-out to manage


def _folder_problem(value: str, what: str) -> str:
    if value and not Path(value).expanduser().is_dir():
        return t(f"{what}不存在：{value}", f"{what} does not exist: {value}")
    return ""


def routes(web: Web) -> list[Route]:
    def page(
        request: Request,
        *,
        saved: bool = False,
        errors: list[str] | None = None,
        values: Settings | None = None,
        status: int = 200,
    ) -> Response:
        return web.page(
            request,
            "settings.html",
            status=status,
            active="settings",
            values=values or web.settings(),
            saved=saved,
            errors=errors or [],
            where=str((web.settings_dir or config_dir()) / FILE_NAME),
        )

    async def settings(request: Request) -> Response:
        if request.method == "GET":
            return page(request, saved=request.query_params.get("saved") == "1")
        form = await web.form(request)
        values = Settings(
            agency=str(form.get("agency") or "").strip()[:100],
            templates=str(form.get("templates") or "").strip().strip('"'),
            output=str(form.get("output") or "").strip().strip('"'),
            language="en" if form.get("language") == "en" else "zh",
        )
        with use_language(values.language):
            errors = [
                e
                for e in (
                    _folder_problem(values.templates, t("模板文件夹", "The templates folder")),
                    _folder_problem(values.output, t("输出文件夹", "The output folder")),
                )
                if e
            ]
            if errors:
                return page(request, errors=errors, values=values, status=400)
            try:
                web.save_settings(values)
            except OSError as exc:
                return page(
                    request,
                    errors=[t(f"无法保存设置：{exc}", f"Cannot save the settings: {exc}")],
                    values=values,
                    status=500,
                )
        return RedirectResponse("/settings?saved=1", status_code=303)

    async def language(request: Request) -> Response:
        form = await web.form(request)
        values = web.settings()
        values.language = "en" if form.get("language") == "en" else "zh"
        with contextlib.suppress(OSError):  # a convenience: the page keeps its language
            web.save_settings(values)
        back = str(form.get("back") or "/")
        return RedirectResponse(
            back if back.startswith("/") and not back.startswith("//") else "/", status_code=303
        )

    async def login(request: Request) -> Response:
        if web.password is None:
            return RedirectResponse("/", status_code=303)
        if request.method == "GET":
            return web.page(request, "login.html", error="")
        form = await web.form(request)
        given = str(form.get("password") or "")
        if not password_matches(given, web.password):
            await asyncio.sleep(LOGIN_FAILURE_DELAY)
            return web.page(
                request, "login.html", status=403, error=t("密码不正确", "Wrong password")
            )
        # A new session at login, so a session id planted before it is worth nothing.
        fresh = web.sessions.new()
        fresh.logged_in = True
        request.scope["state"]["session"] = fresh
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request) -> Response:
        await web.form(request)
        session_of(request).logged_in = False
        return RedirectResponse("/login", status_code=303)

    return [
        Route("/settings", settings, methods=["GET", "POST"]),
        Route("/language", language, methods=["POST"]),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]
