"""`vnsearch serve`: a search page and a JSON API over a local index (FastAPI, Jinja2, uvicorn).

    from vnsearch.web import create_app, serve
    app = create_app("index")          # an ASGI app: any ASGI server, or FastAPI's TestClient
    serve("index", port=8080)           # what `vnsearch serve` runs

Imported only by `vnsearch serve`: the query path never loads FastAPI.
"""

from __future__ import annotations

from .app import create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(index_dir: str, host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning") -> None:
    """Serve ``create_app(index_dir)`` with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(index_dir), host=host, port=port, log_level=log_level)


__all__ = ["LOOPBACK", "create_app", "serve"]
