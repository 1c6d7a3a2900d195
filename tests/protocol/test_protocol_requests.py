"""Request direction: botocore (or the Java SDK's CBOR) serializes, lakebox routes and parses.

For every operation of every service, on every wire the service is reachable by, an
example input filled from the model (every member set, then only the required ones) is
serialized the way the client sends it; lakebox must route it to the same operation and
parse back exactly the same parameters.

botocore's serializer runs alone, without the client's event handlers: nothing adds
Content-MD5 or checksums, nothing moves the bucket into the host name (virtual hosts
are in test_protocol_routing.py), and host prefixes are dropped. Timestamps are whole
seconds because header timestamps (RFC 822) carry no fraction. What the wire cannot
carry or the HTTP layer adds is spelled out in `expected_params` and `kit.carried`.
"""
import pytest

from lakebox.aws.parse import parse
from lakebox.aws.routing import Route, route

import protocol_kit as kit

# Operations that cannot round-trip for a reason outside lakebox, with the reason.
XFAIL = {
    ("glue", "rpcv2cbor", "CreateTable"): "botocore's CBORSerializer cannot write document types "
                                         "(IcebergDocument): KeyError on the document's keys",
    ("glue", "rpcv2cbor", "UpdateTable"): "botocore's CBORSerializer cannot write document types "
                                         "(IcebergDocument): KeyError on the document's keys",
    ("s3control", "rest-xml", "UntagResource"): "the required TagKeys, empty in the minimal example, put no "
                                                "tagKeys on the wire: DELETE /v20180820/tags/{arn} is then "
                                                "no operation's (lakebox answers 405)",
}


# Requests nothing on the wire tells apart from another operation's: the operation
# lakebox takes them for. S3's ListDirectoryBuckets (sent to the `s3express-control`
# host) and ListBuckets are both `GET /`; with `max-directory-buckets` (the full example)
# the request is ListDirectoryBuckets, without any parameter it is ListBuckets.
AMBIGUOUS = {("s3", "ListDirectoryBuckets", True): "ListBuckets"}


def _params():
    found = []
    for service, wire, operation in kit.cases():
        marks = ()
        reason = XFAIL.get((service, wire, operation))
        if reason:
            marks = (pytest.mark.xfail(reason=reason, strict=True),)
        found.append(pytest.param(service, wire, operation, marks=marks,
                                  id=kit.case_id(service, wire, operation)))
    return found


def current_twin(service, operation):
    """The current operation a deprecated one shares its whole HTTP binding with, if any.

    S3's GetBucketLifecycle/PutBucketLifecycle/GetBucketNotification/PutBucketNotification
    have the same method, path and query as their `...Configuration` successors: nothing
    on the wire tells them apart, so lakebox routes such a request to the successor.
    """
    op = kit.spec(service).operation(operation)
    if not op.deprecated or not op.http:
        return None
    for name in kit.spec(service).model.operation_names:
        other = kit.spec(service).operation(name)
        if name != operation and not other.deprecated and other.http == op.http:
            return name
    return None


def expected_params(service, operation, wire, params, req):
    """The parameters lakebox must read back: `params` less what the wire cannot carry
    (see `protocol_kit.carried`), plus what the HTTP layer adds:

    - rest protocols: a blob payload absent from `params` is an empty body, read as
      b""; a member bound to the `Content-Length` header is the body's length, which
      the HTTP layer sends when `params` do not.
    """
    shape = kit.spec(service).operation(operation).input_shape
    if shape is None:
        return params
    expected = kit.carried(shape, params, wire, "request")
    if wire in ("rest-json", "rest-xml"):
        payload = shape.serialization.get("payload")
        if payload and shape.members[payload].type_name == "blob" and payload not in expected:
            expected[payload] = b""
        for name, member in shape.members.items():
            if (member.serialization.get("location") == "header" and name not in expected
                    and member.serialization.get("name", "").lower() == "content-length"
                    and "content-length" in req.headers):
                expected[name] = int(req.headers["content-length"])
    return expected


@pytest.mark.parametrize("service, wire, operation", _params())
def test_request_round_trip(service, wire, operation):
    for minimal in (False, True):                 # every member set, then only the required ones
        params = kit.example_input(service, operation, minimal)
        req = kit.client_request(service, operation, params, wire)
        found = route(req)
        assert found.spec.name == service
        assert found.wire == wire
        twin = current_twin(service, operation)
        if twin:
            assert found.operation.name == twin
            found = Route(found.spec, kit.spec(service).operation(operation), found.labels, found.wire)
        elif (service, operation, minimal) in AMBIGUOUS:
            assert found.operation.name == AMBIGUOUS[service, operation, minimal]
            continue
        else:
            assert found.operation.name == operation, f"minimal={minimal}"
        assert parse(found, req) == expected_params(service, operation, wire, params, req), f"minimal={minimal}"
