"""Listen and serve: bind the socket first (a busy port is a clear message), then run uvicorn on it."""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, replace

from indlint.app.serve.settings import Settings, validate


class BindError(OSError):
    """The address cannot be listened on; the message is Chinese."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(64)
    except OSError as err:
        sock.close()
        reason = "端口已被占用" if err.errno == 98 else (err.strerror or str(err))
        raise BindError(f"无法在 {host}:{port} 上监听：{reason}。可用 --port 换一个端口。") from None
    sock.set_inheritable(True)
    return sock


@dataclass
class Running:
    """A server started in a thread (tests, benchmark): its address and how to stop it."""

    url: str
    port: int
    server: object
    thread: threading.Thread
    app: object

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def make_server(app, sock: socket.socket):
    """A uvicorn server for app on an already bound socket, quiet and without identification."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", server_header=False, date_header=False,
                            access_log=False, limit_concurrency=64, timeout_keep_alive=5,
                            lifespan="on", proxy_headers=False)
    return uvicorn.Server(config)


def start_in_thread(settings: Settings, checker=None) -> Running:
    """Start a server in a daemon thread; with port 0 it takes a free port (tests bind 127.0.0.1)."""
    from indlint.app.serve.web import create_app

    validate(settings)
    sock = bind(settings.host, settings.port)
    port = sock.getsockname()[1]
    settings = replace(settings, port=port)
    app = create_app(settings, checker)
    server = make_server(app, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="indlint-serve")
    thread.start()
    for _ in range(500):
        if server.started:
            break
        thread.join(timeout=0.01)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return Running(f"http://{host}:{port}", port, server, thread, app)
