"""Starting the page: the address and port, the password rule, uvicorn, the browser."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..i18n import t
from .jobs import remove_stale
from .security import StartRefused, check_start, is_loopback, read_password

DEFAULT_HOST = "127.0.0.1"


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nobody listens on now (the OS picks it)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.bind((host.strip("[]"), 0))
        return int(probe.getsockname()[1])


def _port_free(host: str, port: int) -> bool:
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


def url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def prepare(host: str, port: int | None, password_file: Path | None) -> tuple[int, str | None]:
    """(port, password) once every start rule is met; raises StartRefused with the reason."""
    password = read_password(password_file)
    check_start(host, password)
    if port:
        if not _port_free(host, port):
            raise StartRefused(
                t(
                    f"端口 {port} 已被其他程序占用；换一个端口，或去掉 --port 自动选择",
                    f"Port {port} is in use; choose another or leave out --port",
                )
            )
        return port, password
    try:
        return free_port(host), password
    except OSError as exc:
        raise StartRefused(
            t(f"无法在 {host} 上提供服务：{exc}", f"Cannot serve on {host}: {exc}")
        ) from None


def serve(
    host: str = DEFAULT_HOST,
    port: int | None = None,
    *,
    password_file: Path | None = None,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until Ctrl+C. Raises StartRefused when a start rule is not met."""
    import uvicorn

    from .app import create_app

    port, password = prepare(host, port, password_file)
    remove_stale()
    app = create_app(password=password, loopback=is_loopback(host))
    config = uvicorn.Config(
        app, host=host.strip("[]"), port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    address = url_for(host, port)
    announce(
        t(
            f"社工表单工具已启动：{address}\n请在浏览器中打开这个地址；关闭本窗口或按 Ctrl+C 停止。",
            f"lvye-forms is running at {address}\nOpen it in a browser; close this window or "
            "press Ctrl+C to stop.",
        )
    )
    if open_browser:

        def open_when_ready() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(address)
                    return
                time.sleep(0.1)

        threading.Thread(target=open_when_ready, daemon=True).start()
    server.run()
