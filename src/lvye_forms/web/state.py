"""What every route needs: the server run's sessions and jobs, the settings, page rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .. import __version__, i18n
from ..registry import use_templates
from . import settings as settings_file
from .jobs import Jobs
from .security import Session, Sessions, is_local_client
from .uploads import MAX_UPLOAD_BYTES, UploadRefused, read_form

NAV = (
    ("forms", "/forms", ("表单", "Forms")),
    ("generate", "/generate", ("生成文档", "Generate documents")),
    ("check", "/check", ("档案检查", "Archive check")),
    ("settings", "/settings", ("设置", "Settings")),
)


class CsrfFailed(Exception):
    """A POST without this session's token: refused with 403."""


@dataclass
class Web:
    settings_dir: Path | None = None  # None: the user's profile folder
    password: str | None = None
    loopback: bool = True  # served on 127.0.0.1/::1 only
    upload_limit: int = MAX_UPLOAD_BYTES
    sessions: Sessions = field(default_factory=Sessions)
    jobs: Jobs = field(default_factory=Jobs)

    def settings(self) -> settings_file.Settings:
        return settings_file.load(self.settings_dir)

    def save_settings(self, value: settings_file.Settings) -> Path:
        return settings_file.save(value, self.settings_dir)

    def apply_templates(self) -> None:
        """Render with the templates folder from 设置 (none: LVYE_FORMS_TEMPLATES, else the
        shipped templates), as `--templates` does on the command line."""
        folder = self.settings().templates
        use_templates(Path(folder).expanduser() if folder else None)

    @cached_property
    def environment(self) -> Environment:
        return Environment(
            loader=PackageLoader("lvye_forms", "web/templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def page(
        self, request: Request, name: str, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        session = session_of(request)
        html = self.environment.get_template(name).render(
            t=i18n.t,
            lang=i18n.current(),
            nav=[(key, href, i18n.t(*label)) for key, href, label in NAV],
            csrf=session.csrf,
            logged_in=session.logged_in,
            needs_login=self.password is not None,
            version=__version__,
            local=is_local_client(client_address(request)),
            back_to=request.url.path,
            **context,
        )
        return HTMLResponse(html, status_code=status)

    async def form(self, request: Request) -> FormData:
        """The POSTed form once its CSRF token is checked (raises CsrfFailed, UploadRefused)."""
        try:
            form = await read_form(request)
        except UploadRefused:
            raise
        token = form.get("csrf") or request.headers.get("x-csrf-token")
        if not session_of(request).token_ok(token if isinstance(token, str) else None):
            raise CsrfFailed
        return form


def session_of(request: Request) -> Session:
    session: Session = request.scope["state"]["session"]
    return session


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None
