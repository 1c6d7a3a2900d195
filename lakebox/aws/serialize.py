"""Write an action's result, or its error, in the protocol the client spoke.

A result is a dict shaped like the boto3 response. Members the model puts in headers or
the status line go there; the rest go in the body: JSON, CBOR, or XML as the protocol
says. `__status__` in a result overrides a 200 (S3's 206 Partial Content).
"""
import json

import cbor2

from lakebox.aws.body import FileRange
from lakebox.aws.shapes import b64encode, epoch_seconds, iso8601, scalar_to_text, to_datetime
from lakebox.aws.xmlwrite import xml_document

try:
    import orjson

    def _json_dumps(document) -> bytes:
        return orjson.dumps(document)
except ImportError:   # pragma: no cover
    def _json_dumps(document) -> bytes:
        return json.dumps(document, separators=(",", ":")).encode()


# The body namespace of rest-xml services; the model names it only on input shapes.
XML_NAMESPACES = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: list, body):
        self.status = status
        self.headers = headers          # list of (name, value) str pairs
        self.body = body                # bytes, FileRange, or an (async) iterator of events


def serialize(route, result: dict | None, request_id: str) -> Response:
    result = dict(result or {})
    status = result.pop("__status__", 200)
    writer = _WRITERS[route.wire]
    response = writer(route, route.operation.output_shape, result, request_id)
    if status != 200:
        response.status = status
    return response


# --- json and cbor ------------------------------------------------------------------

def _json_document(shape, value):
    """The value as plain JSON types: blobs in base64, timestamps as epoch seconds."""
    kind = shape.type_name
    if kind == "structure":
        return {name: _json_document(shape.members[name], v) for name, v in value.items()
                if v is not None and name in shape.members}
    if kind == "list":
        return [_json_document(shape.member, v) for v in value]
    if kind == "map":
        return {k: _json_document(shape.value, v) for k, v in value.items()}
    if kind == "blob":
        return b64encode(value)
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat")
        return iso8601(value) if fmt == "iso8601" else epoch_seconds(value)
    return value


def _cbor_document(shape, value):
    kind = shape.type_name
    if kind == "structure":
        return {name: _cbor_document(shape.members[name], v) for name, v in value.items()
                if v is not None and name in shape.members}
    if kind == "list":
        return [_cbor_document(shape.member, v) for v in value]
    if kind == "map":
        return {k: _cbor_document(shape.value, v) for k, v in value.items()}
    if kind == "blob":
        return value.encode() if isinstance(value, str) else bytes(value)
    if kind == "timestamp":
        return cbor2.CBORTag(1, epoch_seconds(value))
    return value


def _event_stream_member(shape):
    if shape is None:
        return None
    for name, member in shape.members.items():
        if member.serialization.get("eventstream") or member.metadata.get("eventstream"):
            return name
    return None


def _write_json(route, shape, result, request_id) -> Response:
    content_type = f"application/x-amz-json-{route.spec.json_version}"
    headers = [("x-amzn-RequestId", request_id), ("Content-Type", content_type)]
    stream_member = _event_stream_member(shape)
    if stream_member and stream_member in result:
        from lakebox.aws.eventstream import json_event_stream
        events = result.pop(stream_member)
        initial = _json_document(shape, result) if shape else {}
        return Response(200, [("x-amzn-RequestId", request_id),
                              ("Content-Type", "application/vnd.amazon.eventstream")],
                        json_event_stream(shape.members[stream_member], initial, events, _json_document))
    body = _json_dumps(_json_document(shape, result)) if shape else b"{}"
    return Response(200, headers, body)


def _write_cbor(route, shape, result, request_id) -> Response:
    body = cbor2.dumps(_cbor_document(shape, result) if shape else {})
    if route.wire == "rpcv2cbor":
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    else:
        headers = [("Content-Type", "application/x-amz-cbor-1.1")]
    return Response(200, headers + [("x-amzn-RequestId", request_id)], body)


# --- query: XML wrapped in <OpResponse><OpResult> ------------------------------------

def _write_query(route, shape, result, request_id) -> Response:
    op = route.operation.name
    namespace = route.spec.model.metadata.get("xmlNamespace", "")
    inner = ""
    if shape is not None:
        result_name = shape.serialization.get("resultWrapper", f"{op}Result")
        inner = xml_document(result_name, shape, result, declaration=False)
    body = (f'<{op}Response xmlns="{namespace}">{inner}'
            f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{op}Response>")
    return Response(200, [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml")], body.encode())


# --- rest-json and rest-xml ----------------------------------------------------------

def _write_rest(route, shape, result, request_id) -> Response:
    headers = _request_id_headers(route, request_id)
    status = 200
    xml_root = result.pop("__xml_root__", None)
    if shape is None:
        return Response(status, headers, b"")
    body_members = {}
    for name, value in result.items():
        member = shape.members.get(name)
        if member is None or value is None:
            continue
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "header":
            headers.append((wire, _header_text(member, value)))
        elif location == "headers":
            headers.extend((wire + k, str(v)) for k, v in value.items())
        elif location == "statusCode":
            status = int(value)
        else:
            body_members[name] = value
    payload = shape.serialization.get("payload")
    if payload:
        body, content_type = _payload_body(route, shape.members[payload], body_members.get(payload))
    else:
        body, content_type = _members_body(route, shape, body_members, xml_root)
    if content_type and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", content_type))
    return Response(status, headers, body)


def _request_id_headers(route, request_id):
    if route.spec.name == "s3":
        return [("x-amz-request-id", request_id), ("x-amz-id-2", request_id)]
    return [("x-amzn-RequestId", request_id)]


def _header_text(member, value):
    if member.type_name == "list":
        return ",".join(scalar_to_text(member.member, v, "rfc822") for v in value)
    if member.type_name == "string" and member.serialization.get("jsonvalue"):
        return b64encode(json.dumps(value))
    if member.type_name == "timestamp":
        fmt = member.serialization.get("timestampFormat", "rfc822")
        return scalar_to_text(member, to_datetime(value), fmt)
    return scalar_to_text(member, value, "rfc822")


def _payload_body(route, member, value):
    if value is None:
        return b"", None
    if member.type_name in ("blob", "string"):
        if isinstance(value, str):
            value = value.encode()
        return value, None               # bytes, or a FileRange streamed from disk
    if route.spec.protocol == "rest-json":
        return _json_dumps(_json_document(member, value)), "application/json"
    root = member.serialization.get("name") or member.name
    namespace = (member.serialization.get("xmlNamespace") or {}).get("uri")
    return xml_document(root, member, value, namespace=namespace).encode(), "application/xml"


def _members_body(route, shape, members, xml_root=None):
    if route.spec.protocol == "rest-json":
        document = {shape.members[name].serialization.get("name", name): _json_document(shape.members[name], value)
                    for name, value in members.items()}
        return _json_dumps(document), "application/json"
    if not members and not shape.members:
        return b"", None
    root = xml_root or shape.serialization.get("name") or _xml_root_name(shape)
    namespace = XML_NAMESPACES.get(route.spec.name)
    return xml_document(root, shape, members, namespace=namespace).encode(), "application/xml"


def _xml_root_name(shape):
    name = shape.name
    return name[:-len("Output")] + "Result" if name.endswith("Output") else name


_WRITERS = {
    "json": _write_json,
    "cbor": _write_cbor,
    "rpcv2cbor": _write_cbor,
    "query": _write_query,
    "rest-json": _write_rest,
    "rest-xml": _write_rest,
}

__all__ = ["Response", "serialize", "FileRange"]


# --- errors --------------------------------------------------------------------------

# Errors the query protocol names differently from the JSON protocols.
QUERY_ERROR_CODES = {"ValidationException": "ValidationError", "ExpiredTokenException": "ExpiredToken"}


def serialize_error(wire: str, spec, error, request_id: str) -> Response:
    code = error.code
    if wire == "query":
        code = QUERY_ERROR_CODES.get(code, code)
    status = error.status or (spec.error_status.get(code) if spec else None) or (400 if error.sender_fault else 500)
    writer = _ERROR_WRITERS.get(wire, _json_error)
    response = writer(spec, code, error, request_id)
    response.status = status
    response.headers.extend(error.headers.items())
    return response


def _json_error(spec, code, error, request_id):
    version = spec.json_version if spec else "1.1"
    body = {"__type": code, "message": error.message, **error.fields}
    return Response(400, [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code),
                          ("Content-Type", f"application/x-amz-json-{version}")], _json_dumps(body))


def _cbor_error(spec, code, error, request_id):
    body = cbor2.dumps({"__type": code, "message": error.message, **error.fields})
    return Response(400, [("x-amzn-RequestId", request_id), ("Content-Type", "application/x-amz-cbor-1.1")], body)


def _rpcv2_error(spec, code, error, request_id):
    body = cbor2.dumps({"__type": code, "message": error.message, **error.fields})
    return Response(400, [("x-amzn-RequestId", request_id), ("Content-Type", "application/cbor"),
                          ("smithy-protocol", "rpc-v2-cbor")], body)


def _query_error(spec, code, error, request_id):
    from xml.sax.saxutils import escape
    namespace = spec.model.metadata.get("xmlNamespace", "") if spec else ""
    kind = "Sender" if error.sender_fault else "Receiver"
    message = f"<Message>{escape(error.message)}</Message>" if error.message is not None else ""
    body = (f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type><Code>{escape(code)}</Code>'
            f"{message}</Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    return Response(400, [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml")], body.encode())


def _rest_json_error(spec, code, error, request_id):
    body = {"message": error.message, **error.fields}
    return Response(400, [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code),
                          ("Content-Type", "application/json")], _json_dumps(body))


def _rest_xml_error(spec, code, error, request_id):
    from lakebox.aws.xmlwrite import xml_error
    headers = [("x-amz-request-id", request_id), ("x-amz-id-2", request_id), ("Content-Type", "application/xml")]
    return Response(400, headers, xml_error(code, error.message, error.fields, request_id))


_ERROR_WRITERS = {
    "json": _json_error,
    "cbor": _cbor_error,
    "rpcv2cbor": _rpcv2_error,
    "query": _query_error,
    "rest-json": _rest_json_error,
    "rest-xml": _rest_xml_error,
}
