"""CORS as AWS's JSON services answer it: any origin may call them.

A preflight (`OPTIONS` with `Origin`) that no service claimed is answered 200 with an empty
body, echoing the headers and method asked for, cached for two days; an actual request
with `Origin` gets `Access-Control-Allow-Origin: *`. An `OPTIONS` without `Origin` is no
preflight and is refused as unsigned. (Recorded Kinesis and DynamoDB replies.)
"""
from lakebox.aws.errors import new_request_id
from lakebox.aws.serialize import Response

MAX_AGE = "172800"
OPEN_WIRES = ("json", "cbor", "rpcv2cbor")
NOT_A_PREFLIGHT = (b"<MissingAuthenticationTokenException>\n  <Message>Missing Authentication Token</Message>\n"
                   b"</MissingAuthenticationTokenException>\n")


def preflight(req) -> Response:
    request_id = new_request_id()
    if "origin" not in req.headers:
        return Response(403, [("x-amzn-RequestId", request_id)], NOT_A_PREFLIGHT)
    headers = [("x-amzn-RequestId", request_id), ("Access-Control-Allow-Origin", "*"),
               ("Access-Control-Max-Age", MAX_AGE)]
    if "access-control-request-headers" in req.headers:
        headers.append(("Access-Control-Allow-Headers", req.headers["access-control-request-headers"]))
    if "access-control-request-method" in req.headers:
        headers.append(("Access-Control-Allow-Methods", req.headers["access-control-request-method"]))
    return Response(200, headers, b"")


def open_headers(req, wire: str) -> tuple:
    """`Access-Control-Allow-Origin: *` on a JSON service's answer to a browser."""
    if wire in OPEN_WIRES and "origin" in req.headers:
        return (("Access-Control-Allow-Origin", "*"),)
    return ()
