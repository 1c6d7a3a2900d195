"""The request pipeline: route, parse, validate, identify, dispatch, serialize."""
import inspect
import logging

from lakebox import browser, forms
from lakebox.aws import asgi, body, errors, presign, routing, serialize, validate
from lakebox.aws.parse import parse
from lakebox.control import control
from lakebox.identity import identify

log = logging.getLogger("lakebox.requests")


def make_app(state):
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            return await _lifespan(state, receive, send)
        req = asgi.request_head(scope)
        if req.raw_path.startswith("/_lakebox/"):
            return await control(state, req, receive, send)
        if browser.is_preflight(req):
            response = browser.preflight(state, req)
        elif forms.is_post_form(req):
            response = await forms.post_form(state, req, receive)
            browser.add_cors_headers(state, req, response)
        else:
            response = await handle(state, req, receive)
            browser.add_cors_headers(state, req, response)
        await state.settle()        # under --fsync always: its writes are on disk before it is answered
        await asgi.send_response(send, response, head_only=req.method == "HEAD")
        log.debug("%s %s -> %s", req.method, req.raw_path, response.status)
    return app


async def handle(state, req, receive) -> serialize.Response:
    route, ctx = None, None
    try:
        read = _body_needed_to_route(req)
        if read:
            req.body = await asgi.read_body(receive)
        route = routing.route(req)
        if presign.is_presigned(req.query_dict()):
            presign.check_query_auth(req.query_dict(), state.clock.now())
        if _streams_input(route):
            chunks = _already_read(req.body) if read else asgi.body_chunks(receive)
            req.body = await body.spool(chunks, req.headers, state.blobs)
        elif not read:
            asgi.check_declared_length(req)
            req.body = await asgi.read_body(receive)
        params = parse(route, req)
        validate.validate(route.operation, params)
        ctx = identify(state, route, req)
        action = state.actions[route.spec.name].get(route.operation.name)
        if action is None:
            raise errors.NotImplementedOperation(route.spec.name, route.operation.name)
        result = action(ctx, params)
        if inspect.isawaitable(result):   # an action with long I/O (a multipart concat) awaits it
            result = await result
        return serialize.serialize(route, result, ctx.request_id)
    except errors.ServiceError as error:
        return _error_response(route, req, error, ctx)
    except Exception:
        log.exception("internal error handling %s %s", req.method, req.raw_path)
        return _error_response(route, req, errors.InternalError(), ctx)
    finally:
        if isinstance(req.body, body.SpooledBody):
            req.body.discard()           # committed bodies were moved away; this drops the rest


def _body_needed_to_route(req) -> bool:
    """Only the query protocol names its operation inside the body."""
    return req.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")


async def _already_read(data: bytes):
    """A body read to find the operation (a form-encoded upload) streams from memory."""
    if data:
        yield data


def _streams_input(route) -> bool:
    """S3 uploads: the model marks the payload streaming, so it goes to disk, not memory."""
    shape = route.operation.input_shape
    payload = shape.serialization.get("payload") if shape else None
    return bool(payload) and shape.members[payload].serialization.get("streaming", False)


def _error_response(route, req, error, ctx):
    request_id = ctx.request_id if ctx else errors.new_request_id()
    wire = route.wire if route else _guess_wire(req)
    return serialize.serialize_error(wire, route.spec if route else None, error, request_id)


def _guess_wire(req) -> str:
    """A request we could not route still gets an error in the protocol it looks like."""
    content_type = req.headers.get("content-type", "")
    if "x-amz-target" in req.headers or content_type.startswith("application/x-amz-json"):
        return "cbor" if "cbor" in content_type else "json"
    if req.raw_path.startswith("/service/"):
        return "rpcv2cbor"
    if _body_needed_to_route(req) or "Action" in req.query_dict():
        return "query"
    return "rest-xml"


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
