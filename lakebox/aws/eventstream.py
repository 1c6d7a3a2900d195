"""The `application/vnd.amazon.eventstream` framing, for streamed responses.

A message is: total length, headers length, prelude CRC32, headers, payload, message
CRC32 (all big-endian). Header values here are always strings (type 7).
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


async def json_event_stream(stream_shape, initial: dict, events, to_json):
    """Frames for a JSON-protocol event stream: the initial response, then each event.

    `events` yields dicts `{EventName: members}` (sync or async iterator); an event whose
    name is an exception shape of the stream is sent as an exception message.
    """
    yield event("initial-response", json.dumps(initial).encode())
    async for item in _aiter(events):
        for name, members in item.items():
            member = stream_shape.members.get(name)
            if member is None:
                continue
            if member.metadata.get("exception"):
                yield exception(name, (members or {}).get("message", ""))
            else:
                yield event(name, json.dumps(to_json(member, members)).encode())


async def _aiter(events):
    if hasattr(events, "__aiter__"):
        async for item in events:
            yield item
    else:
        for item in events:
            yield item
