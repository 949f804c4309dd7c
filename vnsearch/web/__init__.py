"""`vnsearch serve`: a search page and a JSON API over a local index (FastAPI, Jinja2, uvicorn).

    from vnsearch.web import create_app, serve
    app = create_app("index")          # an ASGI app: any ASGI server, or FastAPI's TestClient
    serve("index", port=8080)           # what `vnsearch serve` runs

Imported only by `vnsearch serve`: the query path never loads FastAPI.
"""

from __future__ import annotations

import socket

from ..errors import VnsearchError
from .app import create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_address(host: str, port: int) -> None:
    """Raise VnsearchError (a one-line message, exit 2 from the command) when the server
    could not listen on ``host``:``port``: a port in use, an address not of this machine."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, _, _, _, address = infos[0]
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            s.bind(address)
    except OSError as e:
        reason = e.strerror or str(e)
        raise VnsearchError(f"cannot listen on {host}:{port} ({reason}): give another --port or --host")


def serve(index_dir: str, host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning") -> None:
    """Serve ``create_app(index_dir)`` with uvicorn until interrupted."""
    import uvicorn

    # On this machine only, answer only its own names (no DNS rebinding); on another address
    # the names it is reached by are not known here.
    hosts = ["127.0.0.1", "localhost", "[::1]", "::1"] if host in LOOPBACK else None
    uvicorn.run(create_app(index_dir, allowed_hosts=hosts), host=host, port=port, log_level=log_level)


__all__ = ["LOOPBACK", "check_address", "create_app", "serve"]
