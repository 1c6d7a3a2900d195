"""Requests from browsers: S3's CORS preflight and the CORS headers of real answers.

The CORS rules are S3 bucket configuration, so S3 answers; this module only finds the
bucket and key the way routing does and hands them over.
"""
from urllib.parse import unquote

from lakebox.aws import routing
from lakebox.aws.errors import new_request_id
from lakebox.aws.serialize import Response


class _PreflightContext:
    def __init__(self, state):
        self.state = state
        self.request_id = new_request_id()


def is_preflight(req) -> bool:
    return req.method == "OPTIONS" and "x-amz-target" not in req.headers


def preflight(state, req) -> Response:
    from lakebox.services.s3 import public as s3
    ctx = _PreflightContext(state)
    bucket, key = _bucket_and_key(req)
    status, headers, body = s3.cors_preflight(
        ctx, bucket, req.headers.get("origin"), req.headers.get("access-control-request-method"),
        req.headers.get("access-control-request-headers"), key=key)
    headers = [("x-amz-request-id", ctx.request_id), ("x-amz-id-2", ctx.request_id), *headers.items()]
    return Response(status, headers, body)


def add_cors_headers(state, req, response):
    """A request with `Origin` to an S3 bucket gets its matching rule's headers."""
    origin = req.headers.get("origin")
    if not origin or "x-amz-target" in req.headers:
        return
    bucket, _ = _bucket_and_key(req)
    if not bucket:
        return
    from lakebox.services.s3 import public as s3
    extra = s3.cors_headers(_PreflightContext(state), bucket, origin, req.method)
    response.headers.extend(extra.items())


def _bucket_and_key(req):
    path = routing.s3_request_path(req).lstrip("/")
    bucket, _, key = path.partition("/")
    return unquote(bucket), (unquote(key) or None)
