"""Requests from browsers: S3's CORS preflight and the CORS headers of real answers.

The CORS rules are bucket configuration (`cors.py`); this module finds the bucket and key
of a request the way routing does and hands them over. A preflight is S3's when it names
a bucket and does not ask to send `X-Amz-Target` (which only JSON services take).
"""
from urllib.parse import unquote

from lakebox.aws import routing
from lakebox.aws.errors import new_s3_request_id, s3_host_id
from lakebox.aws.serialize import Response
from lakebox.kit.calls import system_context

from lakebox.services.s3.cors import cors_headers, preflight as cors_preflight


def is_preflight(req) -> bool:
    if req.method != "OPTIONS" or "x-amz-target" in req.headers:
        return False
    if "x-amz-target" in req.headers.get("access-control-request-headers", "").lower():
        return False
    bucket, _ = _bucket_and_key(req)
    return bool(bucket)


async def preflight(state, req, receive) -> Response:
    ctx = _browser_context(state)
    bucket, key = _bucket_and_key(req)
    status, headers, body = cors_preflight(
        ctx, bucket, req.headers.get("origin"), req.headers.get("access-control-request-method"),
        req.headers.get("access-control-request-headers"), key=key)
    headers = [("x-amz-request-id", ctx.request_id), ("x-amz-id-2", s3_host_id(ctx.request_id)), *headers.items()]
    return Response(status, headers, body)


def response_headers(state, req, route):
    """A request with `Origin` to an S3 bucket gets its matching rule's headers."""
    origin = req.headers.get("origin")
    if not origin or "x-amz-target" in req.headers or (route is not None and route.spec.name != "s3"):
        return ()
    bucket, _ = _bucket_and_key(req)
    if not bucket:
        return ()
    return cors_headers(_browser_context(state), bucket, origin, req.method).items()


def _browser_context(state):
    """A browser's CORS questions are answered by S3 itself from the bucket's rules: no
    caller's account or signature is involved."""
    ctx = system_context(state, "s3", "CORS", account="", region="")
    ctx.request_id = new_s3_request_id()
    return ctx


def _bucket_and_key(req):
    path = routing.s3_request_path(req).lstrip("/")
    bucket, _, key = path.partition("/")
    return unquote(bucket), (unquote(key) or None)
