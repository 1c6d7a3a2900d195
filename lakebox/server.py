"""Run the app under uvicorn (httptools parser with AWS-shaped parse errors, uvloop when present)."""
import gc
import importlib.util
import logging
import sys

import uvicorn

from lakebox import __version__
from lakebox.app import make_app
from lakebox.httpwire import AwsHttpToolsProtocol
from lakebox.state import AppState


def build(config):
    state = AppState(config)
    app = make_app(state)
    gc.freeze()     # models and tables loaded at start never become garbage: stop re-scanning them
    return state, app


def serve(config):
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    state, app = build(config)
    where = "in memory" if config.in_memory else config.data_dir
    server = uvicorn.Server(uvicorn_config(app, config))
    print(f"lakebox {__version__} listening on http://{config.host}:{config.port} "
          f"(data: {where}, limits: {config.limits})", file=sys.stderr, flush=True)
    server.run()


def uvicorn_config(app, config):
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return uvicorn.Config(app, host=config.host, port=config.port, loop=loop, http=AwsHttpToolsProtocol,
                          lifespan="on", access_log=False, log_level="warning", proxy_headers=False,
                          timeout_keep_alive=75, server_header=False)
