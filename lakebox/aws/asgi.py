"""ASGI plumbing: read a request's head and body, send a response (streamed if large)."""
import base64
from urllib.parse import unquote, unquote_plus

from lakebox.aws.body import FileRange
from lakebox.aws.context import HttpRequest
from lakebox.aws.errors import RequestTooLarge

MAX_BUFFERED_BODY = 64 * 1024 * 1024      # bodies read into memory; S3 uploads stream to disk
FILE_CHUNK = 1024 * 1024


def request_head(scope) -> HttpRequest:
    raw_headers = scope["headers"]
    # the HTTP layer (httpwire) hands names over lower-cased; a repeated header's values are joined by commas.
    # Names are HTTP tokens (ASCII: its parser refuses any other byte), which the default codec
    # reads as latin-1 does, in half the time of a call that names its codec.
    headers = {name.decode(): value.decode("latin-1") for name, value in raw_headers}
    if len(headers) != len(raw_headers):
        headers = _joined_headers(raw_headers)
    raw_path = scope.get("raw_path")
    raw_path = raw_path.decode("latin-1") if raw_path else scope["path"]
    raw_path = raw_path.partition("?")[0] or "/"
    query_string = scope.get("query_string", b"").decode("latin-1")
    client = scope.get("client") or ("", 0)
    return HttpRequest(scope["method"], raw_path, _parse_query(query_string), headers,
                       b"", headers.get("host", ""), client[0] or "", scope.get("scheme", "http"))


def _joined_headers(raw_headers) -> dict:
    headers = {}
    for raw_name, raw_value in raw_headers:
        name, value = raw_name.decode(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


class BodyReceiver:
    """The ASGI `receive`, remembering whether the request's body was read to its end.

    An answer sent before that (a bad header refused before the upload is read) closes
    the connection: the client may still send the body (or, having asked for
    `100-continue`, not send it at all), and a connection kept open would read whatever
    comes next as the following request's head.
    """
    __slots__ = ("receive", "body_done")

    def __init__(self, receive, headers: dict):
        self.receive = receive
        self.body_done = headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers

    async def __call__(self):
        message = await self.receive()
        if not message.get("more_body"):
            self.body_done = True
        return message


def _parse_query(query_string: str) -> list[tuple[str, str]]:
    if not query_string:
        return []
    pairs = []
    for part in query_string.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        # '+' means space in query strings sent by browsers and SDKs alike.
        pairs.append((unquote(key.replace("+", " ")), unquote_plus(value)))
    return pairs


def check_declared_length(req, limit=MAX_BUFFERED_BODY, error=RequestTooLarge):
    """Refuse a buffered body declared too large before reading a byte of it."""
    declared = req.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise error()


async def read_body(receive, limit=MAX_BUFFERED_BODY, error=RequestTooLarge) -> bytes:
    first = await receive()
    if first["type"] == "http.disconnect":
        return b""
    body = first.get("body", b"")
    if not first.get("more_body"):            # the usual case: the whole body in one message
        if len(body) > limit:
            raise error()
        return body
    return body + await _read_rest(receive, limit - len(body), error)


async def _read_rest(receive, limit, error) -> bytes:
    chunks, size = [], 0
    async for chunk in body_chunks(receive):
        size += len(chunk)
        if size > limit:
            raise error()
        chunks.append(chunk)
    return b"".join(chunks)


class body_chunks:
    """The request body's non-empty chunks as they arrive: `async for chunk in
    body_chunks(receive)`. An iterator class, not an async generator: an async
    generator's first step calls the event loop's hook, which adds it to a WeakSet
    (about a microsecond of every upload's few dozen)."""
    __slots__ = ("receive", "done")

    def __init__(self, receive):
        self.receive = receive
        self.done = False

    def __aiter__(self):
        return self

    async def __anext__(self) -> bytes:
        while not self.done:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                break
            self.done = not message.get("more_body")
            chunk = message.get("body", b"")
            if chunk:
                return chunk
        self.done = True
        raise StopAsyncIteration


def header_value(value: str) -> bytes:
    """A header's bytes: latin-1 as HTTP/1.1 carries them, else RFC 2047's UTF-8 encoded
    word, as S3 returns user metadata that is not ASCII (an em dash in x-amz-meta-*)."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return b"=?UTF-8?B?" + base64.b64encode(value.encode("utf-8", "surrogatepass")) + b"?="


_HEADER_NAMES = {}           # a response header's name -> its bytes, lower-cased as ASGI wants them
MAX_HEADER_NAMES = 1024     # user metadata names are the caller's: keep the cache bounded


def _header_name(name: str) -> bytes:
    raw = _HEADER_NAMES.get(name)
    if raw is None:
        raw = name.lower().encode("latin-1")
        if len(_HEADER_NAMES) < MAX_HEADER_NAMES:
            _HEADER_NAMES[name] = raw
    return raw


# lakebox's own HTTP layer (httpwire) takes a whole answer whose body is bytes in one
# message, announced in the scope's "extensions" as ASGI has servers announce theirs: the
# head's lines as the app made them, encoded once, instead of a byte pair per header that
# the layer then joins into the head (two passes over every header, and an `await` less).
ANSWER = "lakebox.answer"


async def send_response(send, response, head_only=False, close=False, whole=False):
    """Send `response`; `whole`: the server takes the lakebox.answer message."""
    if whole and response.body.__class__ is bytes:
        message = _answer(response, close)
        if message is not None:
            return await send(message)
    headers, has_length, known = [], False, _HEADER_NAMES
    for name, value in response.headers:
        raw_name = known.get(name) or _header_name(name)      # the look-up inline: most names are known
        if raw_name == b"content-length":
            has_length = True
        if value.__class__ is not str:
            value = str(value)
        try:
            raw_value = value.encode("latin-1")
        except UnicodeEncodeError:
            raw_value = header_value(value)
        headers.append((raw_name, raw_value))
    if close:
        headers.append((b"connection", b"close"))
    body = response.body
    if isinstance(body, (bytes, bytearray)):
        if not has_length and response.status != 304:   # a 304's length could only be a 200's
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head_only else bytes(body)})
    elif isinstance(body, FileRange):
        if not has_length:
            headers.append((b"content-length", str(body.length).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        if not head_only:
            await _send_file(send, body)
        else:
            body.file.close()
            await send({"type": "http.response.body", "body": b""})
    else:
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        async for frame in body:
            await send({"type": "http.response.body", "body": frame, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


def _answer(response, close: bool) -> dict | None:
    """The lakebox.answer message of a response whose body is bytes: `head`, its header
    lines (names lower-cased; the Content-Length the app gave, else the body's, and the
    connection's close, as below), `length`, the body's declared length, and `close`. None when a value is not latin-1 (it goes as
    RFC 2047's encoded word, below) or holds a line break (refused below), or the app set
    a framing header other than Content-Length."""
    lines, length, known = [], None, _LINE_STARTS
    for name, value in response.headers:
        start = known.get(name) or _line_start(name)
        if start is _FRAMING_HEADER:
            if name.lower() != "content-length":
                return None
            length = int(value)
            start = "content-length: "
        lines.append(f"{start}{value}")
    if close:
        lines.append("connection: close")
    if length is None and response.status != 304:    # a 304's length could only be a 200's
        length = len(response.body)
        lines.append(f"content-length: {length}")
    try:
        head = "\r\n".join(lines).encode("latin-1")
    except UnicodeEncodeError:
        return None
    breaks = len(lines) - 1
    if head.count(b"\n") != breaks or head.count(b"\r") != breaks:
        return None
    return {"type": ANSWER, "status": response.status, "head": head, "length": length, "body": response.body,
            "close": close}


def _line_start(name: str) -> str:
    """What a header's line starts with: its name lower-cased and ": " (or _FRAMING_HEADER)."""
    lower = name.lower()
    start = _FRAMING_HEADER if lower in ("content-length", "transfer-encoding", "connection") else lower + ": "
    if len(_LINE_STARTS) < MAX_HEADER_NAMES:
        _LINE_STARTS[name] = start
    return start


_LINE_STARTS = {}           # a response header's name -> its line's start (bounded, as _HEADER_NAMES)
_FRAMING_HEADER = "framing"         # the start of a header that frames the body: seen to, not copied


async def _send_file(send, file_range: FileRange):
    remaining = file_range.length
    with file_range.file as f:
        f.seek(file_range.offset)
        while remaining > 0:
            chunk = f.read(min(FILE_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
    if remaining > 0 or file_range.length == 0:   # nothing sent, or the file shrank: end cleanly
        await send({"type": "http.response.body", "body": b""})
