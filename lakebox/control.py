"""`/_lakebox/...`: health, reset and the test clock. No AWS API uses that path."""
import inspect
import json

from lakebox import __version__
from lakebox.aws import asgi


async def control(state, req, receive, send):
    body = await asgi.read_body(receive, limit=1024 * 1024)
    handler = _ROUTES.get((req.method, req.raw_path.rstrip("/")))
    if handler is None:
        return await _send_json(send, 404, {"error": f"no control endpoint {req.method} {req.raw_path}"})
    try:
        document = json.loads(body) if body.strip() else {}
    except ValueError:
        return await _send_json(send, 400, {"error": "body must be JSON"})
    outcome = handler(state, document)
    status, answer = await outcome if inspect.isawaitable(outcome) else outcome
    await _send_json(send, status, answer)


def _health(state, _):
    services = {name: ("running" if actions else "not implemented") for name, actions in state.actions.items()}
    return 200, {"status": "ok", "version": __version__, "services": services}


def _reset(state, _):
    state.reset()
    return 200, {"status": "reset"}


def _clock_get(state, _):
    return 200, state.clock.describe()


async def _clock_post(state, document):
    if not isinstance(document, dict):
        return 400, {"error": 'send {"advance": SECONDS} or {"offset": SECONDS}'}
    try:
        if "offset" in document:
            state.clock.set_offset(float(document["offset"]))
        if "advance" in document:
            state.clock.advance(float(document["advance"]))
    except (TypeError, ValueError):
        return 400, {"error": "advance and offset must be numbers of seconds"}
    state.scheduler.poke()
    await state.scheduler.catch_up()   # what fell due is done before the caller looks
    return 200, state.clock.describe()


_ROUTES = {
    ("GET", "/_lakebox/health"): _health,
    ("POST", "/_lakebox/reset"): _reset,
    ("GET", "/_lakebox/clock"): _clock_get,
    ("POST", "/_lakebox/clock"): _clock_post,
}


async def _send_json(send, status, document):
    payload = json.dumps(document).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
