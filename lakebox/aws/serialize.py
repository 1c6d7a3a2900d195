"""Write an action's result, or its error, in the protocol the client spoke.

A result is a dict shaped like the boto3 response. Members the model puts in headers or
the status line go there; the rest go in the body: JSON, CBOR, or XML as the protocol
says. `__status__` in a result overrides a 200 (S3's 206 Partial Content).
"""
import functools
import json

import cbor2

from lakebox.aws import errors
from lakebox.aws.body import FileRange
from lakebox.aws.eventstream import event_stream
from lakebox.aws.shapes import b64encode, epoch_millis, epoch_seconds, iso8601, rfc822, scalar_to_text, to_datetime
from lakebox.aws.xmlwrite import error_text, xml_document, xml_error


class JsonFragment:
    """A member's value already in its JSON wire form, written into a JSON body as it is.
    For an answer a service keeps ready to send (Athena's result rows): build it from
    `json_bytes` pieces, so that its bytes are those the serializer would write. The CBOR
    wire reads it back into values."""
    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


try:
    import orjson

    def _raw_fragment(value):
        if value.__class__ is JsonFragment:
            return orjson.Fragment(value.data)
        raise TypeError(f"{type(value).__name__} is not JSON")

    def json_bytes(document) -> bytes:
        """A JSON value as the serializer writes it."""
        return orjson.dumps(document, default=_raw_fragment)
except ImportError:   # pragma: no cover
    def _fragment_value(value):
        if value.__class__ is JsonFragment:
            return json.loads(value.data)
        raise TypeError(f"{type(value).__name__} is not JSON")

    def json_bytes(document) -> bytes:
        """A JSON value as the serializer writes it."""
        return json.dumps(document, separators=(",", ":"), default=_fragment_value).encode()


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
    status = result.pop("__status__", None)
    writer = _WRITERS[route.wire]
    response = writer(route, route.operation.output_shape, result, request_id)
    if status is not None:
        response.status = status
    elif response.status == 200:
        # The model's status for a success (S3's Delete* answer 204 No Content).
        response.status = route.operation.http.get("responseCode", 200)
    if response.status == 304:
        _not_modified(response)
    elif response.status == 204:
        response.body = b""              # 204 carries no body
    return response


def _not_modified(response: Response):
    """A 304 has no body (RFC 9110, 15.4.5), so nothing describes one: no Content-Type,
    and no Content-Length, which could only be the one a 200 would have had. Its other
    headers (request ids, the ETag and Last-Modified a service set) stay."""
    response.body = b""
    response.headers = [(name, value) for name, value in response.headers
                        if name.lower() not in ("content-type", "content-length")]


# --- json and cbor ------------------------------------------------------------------

def _json_document(shape, value):
    """The value as plain JSON types: blobs in base64, timestamps as epoch seconds."""
    encode = _json_encoder(shape)
    return encode(value) if encode and value.__class__ is not JsonFragment else value


_JSON_ENCODERS = {}


def _json_encoder(shape):
    """A function turning values of `shape` into JSON types, built once per shape;
    None where the value is already JSON as it is (strings, numbers, booleans)."""
    key = (id(getattr(shape, "_shape_resolver", None)), shape.name, shape.type_name,
           shape.serialization.get("timestampFormat"))
    if key not in _JSON_ENCODERS:
        late = []                        # a recursive shape refers to itself through this
        _JSON_ENCODERS[key] = lambda value: late[0](value) if late[0] else value
        built = _build_json_encoder(shape)
        late.append(built)
        _JSON_ENCODERS[key] = built
    return _JSON_ENCODERS[key]


def _build_json_encoder(shape):
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("document"):
            return None                  # a document type is free-form JSON
        members = {name: _json_encoder(member) for name, member in shape.members.items()}

        def encode_structure(value):
            out = {}
            for name, item in value.items():
                if item is None or name not in members:
                    continue
                encode = members[name]
                out[name] = encode(item) if encode and item.__class__ is not JsonFragment else item
            return out
        return encode_structure
    if kind == "list":
        item = _json_encoder(shape.member)
        return (lambda value: [item(v) for v in value]) if item else list
    if kind == "map":
        item = _json_encoder(shape.value)
        return (lambda value: {k: item(v) for k, v in value.items()}) if item else dict
    if kind == "blob":
        return b64encode
    if kind == "timestamp":
        return iso8601 if shape.serialization.get("timestampFormat") == "iso8601" else _json_epoch_seconds
    return None


def _json_epoch_seconds(value) -> float:
    """AWS's JSON services write epoch seconds as a number with a fraction, whole seconds
    too (the aws cli prints `"ApproximateCreationDateTime": 1571849028.0`, Athena's
    `"LastAccessTime": 0.0`)."""
    return float(epoch_seconds(value))


def _cbor_document(shape, value, millis=False):
    """The value as CBOR types. Timestamps are tag 1 around epoch seconds
    (smithy-rpc-v2-cbor), or around integer epoch milliseconds with `millis`
    (x-amz-cbor-1.1: the AWS SDK for Java v2 reads them with Long.parseLong)."""
    if value.__class__ is JsonFragment:
        value = json.loads(value.data)
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("document"):
            return value
        return {name: _cbor_document(shape.members[name], v, millis) for name, v in value.items()
                if v is not None and name in shape.members}
    if kind == "list":
        return [_cbor_document(shape.member, v, millis) for v in value]
    if kind == "map":
        return {k: _cbor_document(shape.value, v, millis) for k, v in value.items()}
    if kind == "blob":
        return value.encode() if isinstance(value, str) else bytes(value)
    if kind == "timestamp":
        return cbor2.CBORTag(1, epoch_millis(value) if millis else epoch_seconds(value))
    return value


EVENT_STREAM = "application/vnd.amazon.eventstream"


def _stream_body(shape, result, encode, content_type, rpc):
    """An event stream member's events as frames, or None if the result has none. The
    RPC protocols first send the other members as the initial-response event."""
    name = shape.event_stream_name if shape is not None else None
    if not name or name not in result:
        return None
    events = result.pop(name)
    initial = encode(shape, result) if rpc else None
    return event_stream(shape.members[name], events, encode, content_type, initial)


def _write_json(route, shape, result, request_id) -> Response:
    content_type = f"application/x-amz-json-{route.spec.json_version}"
    stream = _stream_body(shape, result, _encode_json, "application/json", rpc=True)
    if stream is not None:
        return Response(200, [("x-amzn-RequestId", request_id), ("Content-Type", EVENT_STREAM)], stream)
    # An operation without an output shape (Kinesis CreateStream) answers with an empty
    # body, not `{}`, as AWS does.
    body = json_bytes(_json_document(shape, result)) if shape else b""
    return Response(200, [("x-amzn-RequestId", request_id), ("Content-Type", content_type)], body)


def _encode_json(shape, value) -> bytes:
    return json_bytes(_json_document(shape, value))


def _encode_cbor(shape, value) -> bytes:
    return cbor2.dumps(_cbor_document(shape, value))


def _encode_cbor_millis(shape, value) -> bytes:
    return cbor2.dumps(_cbor_document(shape, value, millis=True))


def _write_cbor(route, shape, result, request_id) -> Response:
    if route.wire == "rpcv2cbor":
        content_type, encode = "application/cbor", _encode_cbor
        headers = [("smithy-protocol", "rpc-v2-cbor")]
    else:
        content_type, encode = "application/x-amz-cbor-1.1", _encode_cbor_millis
        headers = []
    headers.append(("x-amzn-RequestId", request_id))
    stream = _stream_body(shape, result, encode, content_type, rpc=True)
    if stream is not None:
        return Response(200, [("Content-Type", EVENT_STREAM)] + headers, stream)
    body = encode(shape, result) if shape else cbor2.dumps({})
    return Response(200, [("Content-Type", content_type)] + headers, body)


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
    members = _rest_members(route.spec.name, shape)
    for name, value in result.items():
        if value is None:
            continue
        found = members.get(name)
        if found is None:
            continue
        member, location, wire, text = found
        if location == "header":
            headers.append((wire, text(value)))
        elif location == "headers":
            headers.extend((wire + k, str(v)) for k, v in value.items())
        elif location == "statusCode":
            status = int(value)
        else:
            body_members[name] = value
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].serialization.get("eventstream"):
        encode = _encode_json if route.spec.protocol == "rest-json" else _encode_xml
        mime = "application/json" if route.spec.protocol == "rest-json" else "text/xml"
        body = _stream_body(shape, body_members, encode, mime, rpc=False) or b""
        content_type = EVENT_STREAM
    elif payload:
        body, content_type = _payload_body(route, shape.members[payload], body_members.get(payload))
    else:
        body, content_type = _members_body(route, shape, body_members, xml_root)
    if content_type and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", content_type))
    return Response(status, headers, body)


_REST_MEMBERS = {}
_PLAIN_HEADER_TYPES = ("string", "integer", "long")


def _rest_members(service: str, shape) -> dict:
    """{member name: (member, location, wire name, text)} of an output shape, worked out
    once per shape; `text` writes a header member's value (`str` for strings and
    integers, Last-Modified's date format for an RFC 822 timestamp). S3's GetObject has
    some forty of them."""
    members = _REST_MEMBERS.get((service, shape.name))
    if members is None:
        members = _REST_MEMBERS[(service, shape.name)] = {
            name: (member, member.serialization.get("location"), member.serialization.get("name", name),
                   _header_writer(member))
            for name, member in shape.members.items()}
    return members


def _header_writer(member):
    """What `_header_text` does for `member`, chosen once."""
    if member.type_name in _PLAIN_HEADER_TYPES and not member.serialization.get("jsonvalue"):
        return str
    if member.type_name == "timestamp" and member.serialization.get("timestampFormat", "rfc822") == "rfc822":
        return rfc822
    return functools.partial(_header_text, member)


def _encode_xml(shape, value) -> bytes:
    """An event payload: S3 sends an event without members (Cont, End) with none."""
    return xml_document(shape.name, shape, value, declaration=False).encode() if value else b""


def _request_id_headers(route, request_id):
    if route.wire == "rest-xml":
        return [("x-amz-request-id", request_id), ("x-amz-id-2", errors.s3_host_id(request_id))]
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
        return json_bytes(_json_document(member, value)), "application/json"
    root = member.serialization.get("name") or member.name
    # S3 names its namespace on every document it answers, payloads too
    # (<ServerSideEncryptionConfiguration xmlns=...>), though the model says so only on inputs.
    namespace = (member.serialization.get("xmlNamespace") or {}).get("uri") or XML_NAMESPACES.get(route.spec.name)
    return xml_document(root, member, value, namespace=namespace).encode(), "application/xml"


def _members_body(route, shape, members, xml_root=None):
    if not members and not _has_body_members(shape):
        return b"", None                 # all in headers (HeadObject, DeleteObject): no body
    if route.spec.protocol == "rest-json":
        document = {shape.members[name].serialization.get("name", name): _json_document(shape.members[name], value)
                    for name, value in members.items()}
        return json_bytes(document), "application/json"
    root = xml_root or shape.serialization.get("name") or _xml_root_name(shape)
    namespace = XML_NAMESPACES.get(route.spec.name)
    scalar = _scalar_root_member(shape, root)
    if scalar is not None:
        # The root element is the member itself (S3 GetBucketLocation:
        # <LocationConstraint>eu-west-1</LocationConstraint>, empty for us-east-1).
        value = members.get(scalar)
        if value is None:
            return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{namespace}"/>'.encode(), "application/xml"
        return xml_document(root, shape.members[scalar], value, namespace=namespace).encode(), "application/xml"
    return xml_document(root, shape, members, namespace=namespace).encode(), "application/xml"


def _scalar_root_member(shape, root):
    """The member named like the root element, when it is a scalar: it is the document."""
    for name, member in shape.members.items():
        if member.serialization.get("name", name) == root and member.type_name not in ("structure", "list", "map"):
            return name
    return None


_BODY_MEMBERS = {}


def _has_body_members(shape) -> bool:
    found = _BODY_MEMBERS.get(shape)
    if found is None:
        found = _BODY_MEMBERS[shape] = any(
            m.serialization.get("location") not in ("header", "headers", "statusCode") for m in shape.members.values())
    return found


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

__all__ = ["Response", "serialize", "FileRange", "JsonFragment", "json_bytes"]


# --- errors --------------------------------------------------------------------------

# lakebox's own errors the query protocol names differently from the JSON protocols.
# By class: a service's modeled `ExpiredTokenException` (STS) keeps its name.
QUERY_ERROR_CODES = ((errors.ValidationError, "ValidationError"), (errors.ExpiredToken, "ExpiredToken"),
                     (errors.MissingAuthenticationToken, "MissingAuthenticationToken"))


def serialize_error(wire: str, spec, error, request_id: str, type_of=None) -> Response:
    """`type_of`: the service's `error_type` hook (code -> the JSON body's `__type`), if any."""
    code = error.code
    # An error shape's wire code, where the model gives one (STS's
    # MalformedPolicyDocumentException is sent as `MalformedPolicyDocument`).
    modeled = _modeled_codes(spec).get(code) if spec is not None else None
    headers = []
    if wire == "query":
        renamed = next((name for kind, name in QUERY_ERROR_CODES if isinstance(error, kind)), None)
        code = renamed or modeled or error.query_code or code
    elif (modeled or error.query_code) and "awsQueryCompatible" in spec.model.metadata:
        # A JSON service that was a query service: the shape's name in the body, the
        # query code in a header (botocore reports that one as the error's Code).
        if "x-amzn-query-error" not in {k.lower() for k in error.headers}:
            query_code = modeled or error.query_code
            headers.append(("x-amzn-query-error", f"{query_code};{'Sender' if error.sender_fault else 'Receiver'}"))
    elif modeled:
        code = modeled
    status = error.status or (spec.error_status.get(code) if spec else None) or (400 if error.sender_fault else 500)
    if wire == "json" and type_of is not None:
        response = _json_error(spec, code, error, request_id, type_of(code))
    else:
        response = _ERROR_WRITERS.get(wire, _json_error)(spec, code, error, request_id)
    response.status = status
    response.headers.extend(headers)
    response.headers.extend(error.headers.items())
    if status == 304 or error.no_body:   # "Not Modified" is sent as an error: no error document
        _not_modified(response)
    return response


_MODELED_CODES = {}


def _modeled_codes(spec) -> dict:
    """Error shape name -> its modeled wire code, where the two differ (cached per service)."""
    codes = _MODELED_CODES.get(spec)
    if codes is None:
        codes = _MODELED_CODES[spec] = {shape.name: shape.error_code for shape in spec.model.error_shapes
                                             if shape.error_code and shape.error_code != shape.name}
    return codes


def _message(error) -> dict:
    """The `message` member, left out when there is none (never `"message": null`)."""
    return {} if error.message is None else {"message": error.message}


def _json_error(spec, code, error, request_id, type_name=None):
    version = spec.json_version if spec else "1.1"
    body = {"__type": type_name or code, **_message(error), **error.fields}
    return Response(400, [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code),
                          ("Content-Type", f"application/x-amz-json-{version}")], json_bytes(body))


def _cbor_error(spec, code, error, request_id):
    body = cbor2.dumps({"__type": code, **_message(error), **error.fields})
    return Response(400, [("x-amzn-RequestId", request_id), ("Content-Type", "application/x-amz-cbor-1.1")], body)


def _rpcv2_error(spec, code, error, request_id):
    body = cbor2.dumps({"__type": code, **_message(error), **error.fields})
    return Response(400, [("x-amzn-RequestId", request_id), ("Content-Type", "application/cbor"),
                          ("smithy-protocol", "rpc-v2-cbor")], body)


def _query_error(spec, code, error, request_id):
    namespace = getattr(error, "xml_namespace", None) or \
        (spec.model.metadata.get("xmlNamespace") if spec else None) or errors.AWS_FAULT_NAMESPACE
    kind = "Sender" if error.sender_fault else "Receiver"
    text = error.query_message or error.message
    message = f"<Message>{error_text(text)}</Message>" if text is not None else ""
    body = (f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type><Code>{error_text(code)}</Code>'
            f"{message}</Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    return Response(400, [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml")], body.encode())


def _rest_json_error(spec, code, error, request_id):
    body = {**_message(error), **error.fields}
    return Response(400, [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code),
                          ("Content-Type", "application/json")], json_bytes(body))


def _rest_xml_error(spec, code, error, request_id):
    headers = [("x-amz-request-id", request_id), ("x-amz-id-2", errors.s3_host_id(request_id)),
               ("Content-Type", "application/xml")]
    return Response(400, headers, xml_error(code, error.message, error.fields, request_id))


_ERROR_WRITERS = {
    "json": _json_error,
    "cbor": _cbor_error,
    "rpcv2cbor": _rpcv2_error,
    "query": _query_error,
    "rest-json": _rest_json_error,
    "rest-xml": _rest_xml_error,
}
