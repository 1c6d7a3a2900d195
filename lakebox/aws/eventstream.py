"""The `application/vnd.amazon.eventstream` framing, for streamed responses.

A message is: total length, headers length, prelude CRC32, headers, payload, message
CRC32 (all big-endian). Header values here are always strings (type 7), event
headers included.
"""
import json
import struct
import zlib


def encode_message(headers: dict, payload: bytes) -> bytes:
    header_bytes = b"".join(_encode_header(name, value) for name, value in headers.items())
    total = 12 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack(">II", total, len(header_bytes))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + header_bytes + payload
    return message + struct.pack(">I", zlib.crc32(message))


def _encode_header(name: str, value: str) -> bytes:
    name_bytes, value_bytes = name.encode(), value.encode()
    return (struct.pack(">B", len(name_bytes)) + name_bytes + b"\x07"
            + struct.pack(">H", len(value_bytes)) + value_bytes)


def event(event_type: str, payload: bytes, content_type="application/json") -> bytes:
    return encode_message({":message-type": "event", ":event-type": event_type,
                           ":content-type": content_type}, payload)


def exception(code: str, message: str) -> bytes:
    payload = json.dumps({"message": message}).encode()
    return encode_message({":message-type": "exception", ":exception-type": code,
                           ":content-type": "application/json"}, payload)


async def event_stream(stream_shape, events, encode, content_type, initial=None):
    """Frames of an event stream: `initial` (the initial-response payload, for the RPC
    protocols; None for the REST ones), then one message per event.

    `events` yields dicts `{EventName: members}` (sync or async iterator); an event whose
    name is an exception shape of the stream is sent as an exception message.
    `encode(shape, value) -> bytes` writes a payload in the protocol's document format.
    """
    if initial is not None:
        yield event("initial-response", initial, content_type)
    async for item in _aiter(events):
        for name, members in item.items():
            member = stream_shape.members.get(name)
            if member is not None:
                yield _message(name, member, members or {}, encode, content_type)


def _message(name, shape, members, encode, content_type):
    """One event: `eventheader` members become message headers, the `eventpayload`
    member (or else all the other members) the payload."""
    kind, header_names, payload_name = _layout(shape)
    headers = {":message-type": kind, f":{kind}-type": name}
    body, payload = {}, None
    for key, value in members.items():
        if value is None or key not in shape.members:
            continue
        if key in header_names:
            headers[key] = str(value)
        elif key == payload_name:
            payload = (shape.members[key], value)
        else:
            body[key] = value
    if payload is None:
        data = encode(shape, body)
    elif payload[0].type_name == "blob":
        data, content_type = bytes(payload[1]), "application/octet-stream"
    elif payload[0].type_name == "string":
        data, content_type = payload[1].encode(), "text/plain"
    else:
        data = encode(payload[0], payload[1])
    headers[":content-type"] = content_type
    return encode_message(headers, data)


_LAYOUTS = {}


def _layout(shape):
    """(message kind, eventheader member names, eventpayload member name) of an event shape."""
    layout = _LAYOUTS.get(shape)
    if layout is None:
        members = shape.members.items()
        layout = _LAYOUTS[shape] = (
            "exception" if shape.metadata.get("exception") else "event",
            frozenset(n for n, m in members if m.serialization.get("eventheader")),
            next((n for n, m in members if m.serialization.get("eventpayload")), None))
    return layout


async def json_event_stream(stream_shape, initial: dict, events, to_json):
    """The JSON protocol's event stream (see `event_stream`)."""
    def encode(shape, value):
        return json.dumps(to_json(shape, value)).encode()
    async for frame in event_stream(stream_shape, events, encode, "application/json",
                                    initial=json.dumps(initial).encode()):
        yield frame


async def _aiter(events):
    if hasattr(events, "__aiter__"):
        async for item in events:
            yield item
    else:
        for item in events:
            yield item
