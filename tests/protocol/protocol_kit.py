"""Shared machinery of the protocol round-trip tests: models, examples, wires.

Everything here is derived from botocore's models, so a new operation in a model is a
new test with no code. Examples are deterministic (same model, same example) and
cached, so the whole suite stays fast.

The wires under test:
- the service's own protocol (json, rest-json, rest-xml, query), serialized and parsed
  with botocore's own serializers and parsers;
- "cbor": a JSON service called like the AWS SDK for Java v2 calls Kinesis:
  `Content-Type: application/x-amz-cbor-1.1`, `X-Amz-Target`, a CBOR body in which
  blobs are byte strings and timestamps are tag 1 + integer epoch *milliseconds*
  (SdkCborGenerator / AwsCborProtocolFactory's UNIX_TIMESTAMP_MILLIS). botocore has
  no such serializer, so `java_cbor_*` below play the Java SDK's part;
- "rpcv2cbor": smithy-rpc-v2-cbor, with botocore's RpcV2CBOR serializer and parser on
  a copy of the service's model whose protocol is switched to it.
"""
import asyncio
import copy
import datetime
import functools
import io

import botocore.loaders
import botocore.model
import cbor2
from botocore.awsrequest import AWSResponse, create_request_object, prepare_request_dict
from botocore.endpoint import convert_to_response_dict
from botocore.eventstream import EventStream, EventStreamBuffer
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer
from urllib3._collections import HTTPHeaderDict

from lakebox.aws import asgi, specs
from lakebox.services import SERVICE_NAMES

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
WHEN = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)    # whole seconds: see normalizations
ENDPOINT = "http://localhost:4566"
HOST = "localhost:4566"
REGION = "us-east-1"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"

# The wires each service is tested on, beyond its own protocol.
CBOR_SERVICES = ("kinesis",)                  # the Java SDK v2 speaks x-amz-cbor-1.1 to Kinesis only


def rpcv2_services():
    """Every service on the json protocol can be reached over smithy-rpc-v2-cbor."""
    return tuple(name for name in SERVICE_NAMES if spec(name).protocol == "json")


def wires(service):
    found = [spec(service).protocol]
    if service in CBOR_SERVICES:
        found.append("cbor")
    if service in rpcv2_services():
        found.append("rpcv2cbor")
    return found


# --- models -----------------------------------------------------------------------

def spec(service):
    return specs.spec_for(service)


@functools.cache
def _loader():
    return botocore.loaders.create_loader()


@functools.cache
def rpcv2_model(service):
    """The service's model with its protocol switched to smithy-rpc-v2-cbor."""
    data = copy.deepcopy(_loader().load_service_model(service, "service-2"))
    data["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    data["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    return botocore.model.ServiceModel(data, service_name=service)


def client_operation(service, operation, wire):
    """The OperationModel the *client* side uses for this wire."""
    if wire == "rpcv2cbor":
        return rpcv2_model(service).operation_model(operation)
    return spec(service).operation(operation)


def cases():
    """(service, wire, operation) for every operation of every service on every wire."""
    found = []
    for service in SERVICE_NAMES:
        for wire in wires(service):
            for operation in spec(service).model.operation_names:
                found.append((service, wire, operation))
    return found


def case_id(service, wire, operation):
    native = wire == spec(service).protocol
    return f"{service}-{operation}" if native else f"{service}-{wire}-{operation}"


# --- examples -----------------------------------------------------------------------

class ExampleMaker:
    """Fills a shape with a value that respects the model's constraints.

    The full example sets every member; the minimal one (`minimal=True`) only the
    required ones, with lists and maps as short as the model allows (often empty).
    Strings bound to the URI, headers or query string are ASCII letters; strings in a
    body also carry characters the body format must escape (`<&>"'`, non-ASCII).
    Enums take their first values, numbers sit inside min/max, lists have two items and
    maps two entries, unions get one member, recursion stops at the first repeat.
    """

    BODY_TEXT = " <&>\"' \u00fc\u20ac."

    DOCUMENTS = ({"documentKey": "documentValue", "numbers": [1, 2.5], "nested": {"flag": True, "none": None}},
                 "long", ["item", 3, False], 7)

    def __init__(self, service, minimal=False):
        self.service = service
        self.minimal = minimal
        self.documents = -1

    def structure(self, shape):
        if shape is None:
            return {}
        found = {}
        for name, member in self._members(shape):
            safe = member.serialization.get("location") is not None
            item = self.value(member, name, (shape.name,), safe)
            if item is not None:
                found[name] = item
        return found

    def value(self, shape, name, stack, safe=False):
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape, stack)
        if kind == "list":
            return self._list(shape, name, stack, safe)
        if kind == "map":
            return self._map(shape, name, stack, safe)
        return self.scalar(shape, name, 0, safe)

    def _members(self, shape):
        shadowed = _shadowed_members(shape)
        required = set(shape.required_members)
        for name, member in shape.members.items():
            if member.serialization.get("eventstream"):
                continue                             # event streams are generated apart
            if name in shadowed or (self.minimal and name not in required):
                continue
            yield name, member

    def _structure(self, shape, stack):
        if shape.is_document_type:
            # A document is any JSON value: successive documents take successive kinds.
            self.documents += 1
            return self.DOCUMENTS[self.documents % len(self.DOCUMENTS)]
        if shape.name in stack or len(stack) > 12:
            return None                              # recursion: the caller leaves it out
        stack = stack + (shape.name,)
        union = shape.metadata.get("union")
        found = {}
        for member_name, member in (shape.members.items() if union else self._members(shape)):
            item = self.value(member, member_name, stack)
            if item is None:
                continue
            found[member_name] = item
            if union:
                break                                # a union carries exactly one member
        return found

    def _list(self, shape, name, stack, safe):
        items = []
        for index in range(self._count(shape)):
            item = (self.scalar(shape.member, name, index, safe) if _is_scalar(shape.member)
                    else self.value(shape.member, name, stack))
            if item is None:
                return None
            items.append(item)
        return items

    def _map(self, shape, name, stack, safe):
        found = {}
        for index in range(self._count(shape)):
            key = self.scalar(shape.key, "key", index, True).lower()   # header maps come back lower-cased
            item = (self.scalar(shape.value, name, index, safe) if _is_scalar(shape.value)
                    else self.value(shape.value, name, stack))
            if item is None:
                return None
            found[key] = item
        return found

    def _count(self, shape):
        low = int(shape.metadata.get("min") or 0)
        high = shape.metadata.get("max")
        count = low if self.minimal else max(2, low)
        return min(count, int(high)) if high is not None else count

    def scalar(self, shape, name, index, safe=True):
        kind = shape.type_name
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if kind == "string":
            if shape.serialization.get("jsonvalue"):
                return {"jsonKey": "jsonValue", "count": 3}
            enum = shape.enum
            if enum:
                return enum[index % len(enum)]
            text = "".join(c for c in name if c.isascii() and c.isalpha()) or "value"
            text = text[0].lower() + text[1:] + "abcdefghij"[index]
            if not safe and not self.minimal:
                text += self.BODY_TEXT
            low = int(low or 1)
            if len(text) < low:
                text += "x" * (low - len(text))
            if high is not None and len(text) > int(high):
                text = text[:max(int(high), low)]
            return text
        if kind in ("integer", "long"):
            wanted = (42 if kind == "integer" else 4_200_000_000) + index
            return int(_clamp(wanted, low, high))
        if kind in ("float", "double"):
            return float(_clamp(2.5 + index, low, high))
        if kind == "boolean":
            return index % 2 == 0
        if kind == "timestamp":
            return WHEN + datetime.timedelta(days=index)
        if kind == "blob":
            return b"\x00blob\xff" + bytes([index])
        raise AssertionError(f"no example for a {kind}")


def _shadowed_members(shape):
    """Members whose XML element name is also a flattened list's item name.

    S3's deprecated notification shapes have `Event` (one string) and `Events` (a
    flattened list of `<Event>`): on the wire the two are indistinguishable, so a real
    client sends one or the other. The examples use the list.
    """
    items = {m.member.serialization.get("name", m.serialization.get("name", n))
             for n, m in shape.members.items() if m.type_name == "list" and m.serialization.get("flattened")}
    return {n for n, m in shape.members.items()
            if m.type_name != "list" and m.serialization.get("name", n) in items}


def _is_scalar(shape):
    return shape.type_name not in ("structure", "list", "map")


def _clamp(value, low, high):
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value


@functools.cache
def example_input(service, operation, minimal=False):
    op = spec(service).operation(operation)
    return ExampleMaker(service, minimal).structure(op.input_shape)


@functools.cache
def example_output(service, operation, minimal=False):
    op = spec(service).operation(operation)
    return ExampleMaker(service, minimal).structure(op.output_shape)


def event_stream_member(shape):
    if shape is None:
        return None
    for name, member in shape.members.items():
        if member.serialization.get("eventstream"):
            return name
    return None


# --- the request side: a client's request as lakebox receives it -------------------

def authorization(service):
    signing_name = spec(service).signing_name
    return (f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20240506/{REGION}/{signing_name}/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={'0' * 64}")


def client_request(service, operation, params, wire):
    """What a client sends for `params`, as lakebox's `HttpRequest` (method, path, query, headers, body)."""
    op = client_operation(service, operation, wire)
    if wire == "cbor":
        request_dict = java_cbor_request(op, params)
    else:
        protocol = "smithy-rpc-v2-cbor" if wire == "rpcv2cbor" else spec(service).protocol
        request_dict = create_serializer(protocol, include_validation=False).serialize_to_request(params, op)
    request_dict.pop("host_prefix", None)        # endpoint host prefixes are not lakebox's business
    prepare_request_dict(request_dict, ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    headers = {"host": HOST, "authorization": authorization(service), "x-amz-date": "20240506T070809Z"}
    headers.update({k.lower(): v for k, v in prepared.headers.items()})
    return http_request(prepared.method, prepared.url, headers, prepared.body)


def http_request(method, url, headers, body=b""):
    """An `HttpRequest` built exactly the way the ASGI front end builds one."""
    rest = url.split("://", 1)[1]
    path_and_query = rest[rest.find("/"):] if "/" in rest else "/"
    path, _, query = path_and_query.partition("?")
    scope = {
        "type": "http", "method": method, "path": path, "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "headers": [(k.lower().encode("latin-1"), _header_bytes(v)) for k, v in headers.items()],
    }
    req = asgi.request_head(scope)
    if isinstance(body, str):
        body = body.encode("utf-8")
    req.body = body or b""
    return req


def _header_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("latin-1")


def java_cbor_request(op, params):
    """A request as the AWS SDK for Java v2 sends it to an x-amz-cbor-1.1 service."""
    spec_ = specs.spec_for(op.service_model.service_name)
    body = cbor2.dumps(java_cbor_document(op.input_shape, params)) if op.input_shape else b""
    return {
        "url_path": "/", "query_string": "", "method": "POST", "body": body,
        "headers": {"Content-Type": "application/x-amz-cbor-1.1",
                    "X-Amz-Target": f"{spec_.target_prefix}.{op.name}"},
    }


def java_cbor_document(shape, value):
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return value
        return {shape.members[k].serialization.get("name", k): java_cbor_document(shape.members[k], v)
                for k, v in value.items() if v is not None}
    if kind == "list":
        return [java_cbor_document(shape.member, v) for v in value]
    if kind == "map":
        return {k: java_cbor_document(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return cbor2.CBORTag(1, int((value - EPOCH).total_seconds() * 1000))
    return value


def java_cbor_parse(shape, body):
    """A response body read as the Java SDK v2 reads it: timestamps are epoch millis."""
    document = cbor2.loads(body, semantic_decoders={1: lambda value, *_: value})
    return _java_cbor_value(shape, document) if shape is not None else {}


def java_cbor_response(shape, body):
    """An x-amz-cbor-1.1 response read as the Java SDK v2 reads it: a CBOR document, or
    for an event stream, an initial-response event and events with CBOR payloads."""
    stream_member = event_stream_member(shape)
    if not stream_member:
        return java_cbor_parse(shape, body)
    buffer = EventStreamBuffer()
    buffer.add_data(body)
    messages = list(buffer)
    first = messages[0].headers
    assert (first[":message-type"], first[":event-type"]) == ("event", "initial-response")
    parsed = java_cbor_parse(shape, messages[0].payload)
    events = []
    for message in messages[1:]:
        assert message.headers[":message-type"] == "event"
        name = message.headers[":event-type"]
        events.append({name: java_cbor_parse(shape.members[stream_member].members[name], message.payload)})
    parsed[stream_member] = events
    return parsed


def _java_cbor_value(shape, value):
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return value
        found = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if value.get(wire) is not None:
                found[name] = _java_cbor_value(member, value[wire])
        return found
    if kind == "list":
        return [_java_cbor_value(shape.member, v) for v in value]
    if kind == "map":
        return {k: _java_cbor_value(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        # Long.parseLong of the number's text: an integer, or the Java client fails.
        assert isinstance(value, int), f"CBOR timestamp must be integer epoch millis, got {value!r}"
        return EPOCH + datetime.timedelta(milliseconds=value)
    if kind == "blob":
        assert isinstance(value, bytes), f"CBOR blob must be a byte string, got {value!r}"
    return value


# --- the response side: lakebox's response as a client reads it --------------------

class RawBody:
    """The urllib3 response botocore reads a body from: `stream()` and `read()`."""

    def __init__(self, data):
        self._data = io.BytesIO(data)

    def stream(self, amt=1024, decode_content=None):
        while True:
            chunk = self._data.read(amt)
            if not chunk:
                return
            yield chunk

    def read(self, amt=None, decode_content=None):
        return self._data.read() if amt is None else self._data.read(amt)

    def close(self):
        pass


def wire_body(response):
    """The bytes lakebox puts on the wire (an event stream's frames, joined)."""
    body = response.body
    if not isinstance(body, (bytes, bytearray)):
        body = b"".join(asyncio.run(_collect(body)))
    return bytes(body)


async def _collect(frames):
    return [frame async for frame in frames]


def http_response(response):
    """lakebox's response as botocore's `AWSResponse`, with the headers the ASGI layer adds."""
    body = wire_body(response)
    headers = [(name, str(value)) for name, value in response.headers]
    if isinstance(response.body, (bytes, bytearray)) and not any(n.lower() == "content-length" for n, _ in headers):
        headers.append(("content-length", str(len(body))))
    combined = HTTPHeaderDict()
    for name, value in headers:
        combined.add(name, value)
    return AWSResponse(ENDPOINT + "/", response.status, combined, RawBody(body))


def parse_response(service, operation, wire, response):
    """Parse lakebox's `Response` the way the wire's client does (botocore's endpoint +
    parser: streaming payloads as a StreamingBody, event streams as an EventStream)."""
    op = client_operation(service, operation, wire)
    raw = http_response(response)
    if wire == "cbor":
        return java_cbor_response(op.output_shape, raw.content)
    protocol = "smithy-rpc-v2-cbor" if wire == "rpcv2cbor" else spec(service).protocol
    parsed = create_parser(protocol).parse(convert_to_response_dict(raw, op), op.output_shape)
    for name, value in list(parsed.items()):
        if isinstance(value, StreamingBody):
            parsed[name] = value.read()
        elif isinstance(value, EventStream):
            parsed[name] = list(value)
    return parsed


def parse_error(service, wire, response):
    """The `Error` botocore (or the Java SDK, for x-amz-cbor) reads from an error response."""
    raw = http_response(response)
    if wire == "cbor":
        document = cbor2.loads(raw.content)
        code = response_header(response, "x-amzn-ErrorType") or document.get("__type", "")
        return {"Code": code.split(":")[0].rpartition("#")[2],
                "Message": document.get("message", document.get("Message", ""))}
    protocol = "smithy-rpc-v2-cbor" if wire == "rpcv2cbor" else spec(service).protocol
    some_operation = spec(service).model.operation_names[0]
    op = client_operation(service, some_operation, wire)
    parsed = create_parser(protocol).parse(convert_to_response_dict(raw, op), op.output_shape)
    return parsed["Error"]


def response_header(response, name):
    for key, value in response.headers:
        if key.lower() == name.lower():
            return value
    return None


def s3_bucket_location(parsed, response):
    """What botocore's `parse_get_bucket_location` handler does: the root's text."""
    import xml.etree.ElementTree as ET
    root = ET.fromstring(wire_body(response))
    if root.text:
        parsed["LocationConstraint"] = root.text


# --- what a wire cannot carry -------------------------------------------------------

def _is_xml(wire):
    return wire in ("rest-xml", "query")


def carried(shape, value, wire, direction, top=True):
    """`value` without what the wire cannot carry, so a round trip must lose it:

    - XML (rest-xml, query): an empty flattened list or map is no element at all;
    - query requests: an empty structure is no field at all (nor is a structure
      emptied by the rules here);
    - rest requests: an empty list or map in headers is no header (botocore sends none).
    """
    kind = shape.type_name
    if kind == "structure" and not shape.is_document_type:
        found = {}
        for name, item in value.items():
            member = shape.members[name]
            if member.serialization.get("eventstream"):
                found[name] = item                   # events: compared as sent
                continue
            location = member.serialization.get("location") if top else None
            if member.type_name in ("list", "map") and not item:
                if _is_xml(wire) and member.serialization.get("flattened"):
                    continue
                if location in ("header", "headers"):
                    continue
            item = carried(member, item, wire, direction, top=False)
            if (wire == "query" and direction == "request" and member.type_name == "structure"
                    and not member.is_document_type and not item):
                continue
            found[name] = item
        return found
    if kind == "list":
        return [carried(shape.member, v, wire, direction, top=False) for v in value]
    if kind == "map":
        return {k: carried(shape.value, v, wire, direction, top=False) for k, v in value.items()}
    return value
