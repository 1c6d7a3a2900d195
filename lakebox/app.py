"""The request pipeline: route, authenticate, parse, validate, dispatch, serialize.

Services step in only through their hooks (`aws/hooks.py`): requests they claim before
routing, their own signature checks, payloads that stream to disk, extra headers.
"""
import inspect
import logging
import time

from lakebox import logbuffer
from lakebox.aws import asgi, cors, errors, routing, serialize, signing
from lakebox.aws.parse import parse
from lakebox.control import control
from lakebox.identity import identify

log = logging.getLogger("lakebox.requests")


def make_app(state):
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            return await _lifespan(state, receive, send)
        started = time.perf_counter()
        req = asgi.request_head(scope)
        receive = asgi.BodyReceiver(receive, req.headers)
        route = None
        claimed = state.hooks.claim(req)
        if claimed is not None:
            response = await claimed[1](state, req, receive)
        elif req.raw_path.startswith("/_lakebox/"):
            return await control(state, req, receive, send)
        elif req.method == "OPTIONS":
            response = cors.preflight(req)           # a preflight no service claimed
        else:
            route, response = await handle(state, req, receive)
            response.headers.extend(cors.open_headers(req, route.wire if route else _guess_wire(req)))
            state.hooks.add_response_headers(state, req, route, response)
        settling = state.settle()   # under --fsync always: its writes are on disk before it is answered
        if settling is not None:
            await settling
        await asgi.send_response(send, response, head_only=req.method == "HEAD", close=not receive.body_done,
                                 whole=asgi.ANSWER in scope.get("extensions", ()))
        if log.isEnabledFor(logging.INFO):
            logbuffer.info(log, "%s %s %s %.1fms", *_service_and_operation(req, route, claimed),
                           response.status, (time.perf_counter() - started) * 1000)
    return app


async def handle(state, req, receive):
    """(route or None, response) of a request routed by the models."""
    route, ctx, payload = None, None, None
    try:
        read = _body_names_operation(req)
        if read:
            req.body = await asgi.read_body(receive)
        route = routing.route(req)
        state.hooks.authenticate(state, route, req)
        ctx = identify(state, route, req)
        spool = state.hooks.payload_spooler(route)
        if spool is not None:
            state.hooks.admit_payload(ctx, route)
            chunks = _already_read(req.body) if read else asgi.body_chunks(receive)
            payload = req.body = await spool(state, req, chunks)
        elif not read and (not receive.body_done or "expect" in req.headers):   # no body declared: none to await
            limit, too_large = state.hooks.request_limit(route)
            asgi.check_declared_length(req, limit, too_large)
            req.body = await asgi.read_body(receive, limit, too_large)
        if ctx.unverified_secret is not None:
            signing.verify(route, req, ctx.unverified_secret)
        params = parse(route, req)
        state.hooks.validate(route, params)
        state.hooks.authorize_session(ctx, route, params)
        action = state.actions[route.spec.name].get(route.operation.name)
        if action is None:
            raise errors.NotImplementedOperation(route.spec.name, route.operation.name)
        result = action(ctx, params)
        if result.__class__ is not dict and inspect.isawaitable(result):   # an action with long I/O awaits
            result = await result
        return route, serialize.serialize(route, result, ctx.request_id)
    except errors.ServiceError as error:
        return route, _error_response(state, route, req, error, ctx)
    except Exception:
        log.exception("internal error handling %s %s", req.method, req.raw_path)
        return route, _error_response(state, route, req, errors.InternalError(), ctx)
    finally:
        if payload is not None:
            payload.discard()             # committed payloads were moved away; this drops the rest


def _body_names_operation(req) -> bool:
    """Only the query protocol names its operation inside the body."""
    return req.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")


async def _already_read(data: bytes):
    """A body read to find the operation (a form-encoded upload) streams from memory."""
    if data:
        yield data


def _error_response(state, route, req, error, ctx):
    wire = route.wire if route else _guess_wire(req)
    request_id = ctx.request_id if ctx else errors.new_request_id_for(wire)
    return serialize.serialize_error(wire, route.spec if route else None, error, request_id,
                                     type_of=state.hooks.error_type(route))


def _guess_wire(req) -> str:
    """A request we could not route still gets an error in the protocol it looks like."""
    content_type = req.headers.get("content-type", "")
    if "x-amz-target" in req.headers or content_type.startswith(routing.JSON_CONTENT_TYPES):
        return "cbor" if "cbor" in content_type else "json"
    if req.raw_path.startswith("/service/"):
        return "rpcv2cbor"
    if _body_names_operation(req) or "Action" in req.query_dict():
        return "query"
    return "rest-xml"


def _service_and_operation(req, route, claimed):
    """What the request log line names: the operation routed to, or what answered."""
    if route is not None:
        return route.spec.name, route.operation.name
    if claimed is not None:
        return claimed[0], claimed[1].__name__
    return "-", f"{req.method} {req.raw_path}"


async def _lifespan(state, receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            state.start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await state.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
