"""Run the app: uvicorn's server lifecycle, lakebox's own HTTP/1.1 protocol (httpwire), uvloop when present."""
import contextlib
import errno
import gc
import importlib.util
import socket
import sys

import uvicorn

from lakebox import __version__, logbuffer
from lakebox.app import make_app
from lakebox.httpwire import HttpProtocol
from lakebox.state import AppState
from lakebox.storage import lock


class CannotListen(RuntimeError):
    pass


def build(config):
    state = AppState(config)
    app = make_app(state)
    gc.freeze()     # models and tables loaded at start never become garbage: stop re-scanning them
    return state, app


def serve(config):
    """Run until stopped. Raises DataDirInUse or CannotListen before anything is served."""
    handler = logbuffer.install(sys.stderr, config.log_level)
    with _data_dir_lock(config):
        listener = listen_socket(config.host, config.port)
        state, app = build(config)
        where = "in memory" if config.in_memory else config.data_dir
        server = uvicorn.Server(uvicorn_config(app, config))
        print(f"lakebox {__version__} listening on http://{config.host}:{config.port} "
              f"(data: {where}, limits: {config.limits})", file=sys.stderr, flush=True)
        try:
            server.run(sockets=[listener])
        finally:
            handler.flush()


def _data_dir_lock(config):
    """The data directory's lock, held while the server runs (in memory there is none)."""
    return contextlib.nullcontext() if config.in_memory else lock.hold(config.data_dir)


def listen_socket(host: str, port: int) -> socket.socket:
    """Bind the port now, so that a port in use is reported before the "listening" line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise CannotListen(f"port {port} on {host} is already in use; stop what holds it or use --port") from None
        raise CannotListen(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return sock


def uvicorn_config(app, config):
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return uvicorn.Config(app, host=config.host, port=config.port, loop=loop, http=HttpProtocol,
                          lifespan="on", access_log=False, log_level="warning", proxy_headers=False,
                          timeout_keep_alive=75, server_header=False)
