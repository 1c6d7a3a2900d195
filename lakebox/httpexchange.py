"""One request and its response on an HTTP/1.1 connection (lakebox/httpwire.py): the
ASGI `receive` and `send` an app gets.

`receive` returns the body buffered so far at once (the whole body, in the usual case:
small bodies are waited for before the app starts), and waits only for a body still
arriving. `send` holds the response's head until the first body bytes, so that both
leave in one write; it refuses a head with a line break inside a header (stored user
metadata can come from a POST form field) with one count over the whole head instead of
a check per header; it frames the body by its Content-Length, or in chunks when the app
gives none (event streams), and waits for the transport to drain when the client reads
slower than lakebox writes (8 MiB and 2 GiB GETs).
"""
import asyncio
import http
import logging

from lakebox.aws.asgi import ANSWER

log = logging.getLogger("lakebox.http")

HIGH_WATER = 64 * 1024          # body bytes buffered and unread before reading pauses
EARLY_START = 64 * 1024         # a body declared larger starts its app at the headers and streams
JOINED_WRITE = 64 * 1024        # smaller pieces are joined into one buffer, larger ones go by writev
NO_BODY, BY_LENGTH, CHUNKED, TO_CLOSE = range(4)
FRAMING = frozenset((b"content-length", b"transfer-encoding", b"connection"))
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
EXPECT_CONTINUE = (b"expect", b"100-continue")
EXTENSIONS = {ANSWER: {}}       # what a request's scope announces: a whole answer in one message


def _status_line(status: int) -> bytes:
    try:
        phrase = http.HTTPStatus(status).phrase.encode()
    except ValueError:
        phrase = b""
    return b"HTTP/1.1 %d %s" % (status, phrase)


STATUS_LINES = {status: _status_line(status) for status in range(100, 600)}


class ClientDisconnected(OSError):
    """`send` on a connection the client closed (ASGI: a subclass of OSError)."""


class Exchange:
    __slots__ = ("conn", "scope", "keep_alive", "chunks", "buffered", "complete", "end_delivered",
                 "waiter", "waiting", "task", "disconnected", "started", "finished", "head",
                 "framing", "remaining", "continue_state")
    HIGH_WATER = HIGH_WATER

    def __init__(self, conn, scope: dict, keep_alive: bool):
        self.conn = conn
        self.scope = scope
        self.keep_alive = keep_alive
        self.chunks = []
        self.buffered = 0
        self.complete = False           # the whole request, body included, was parsed
        self.end_delivered = False      # `receive` returned the body's end
        self.waiter = None
        self.waiting = False            # the app waits in `receive` or on a drain (not cancelled on disconnect)
        self.task = None
        self.disconnected = False
        self.started = False            # the app sent http.response.start
        self.finished = False           # the response's last bytes were written
        self.head = None                # the response head, held until the first body bytes
        self.framing = NO_BODY
        self.remaining = 0
        self.continue_state = None      # None: not decided; False: none due; True: sent

    # --- the request's body ----------------------------------------------------------

    def add_body(self, data: bytes):
        self.chunks.append(data)
        self.buffered += len(data)
        self._wake()

    def message_complete(self):
        self.complete = True
        self._wake()

    def ready(self) -> bool:
        """Whether the app may start: the whole request arrived, or its body streams."""
        if self.complete:
            return True
        for name, value in self.scope["headers"]:
            if name == b"transfer-encoding" or (name, value) == EXPECT_CONTINUE:
                return True
            if name == b"content-length" and (not value.isdigit() or int(value) > EARLY_START):
                return True
        return False

    async def receive(self) -> dict:
        if self.continue_state is None:
            self._maybe_continue()
        while True:
            if self.chunks or (self.complete and not self.end_delivered):
                return self._take()
            if self.disconnected or self.finished:
                return {"type": "http.disconnect"}
            if not self.complete:
                self.conn.resume_reading()
            await self._wait()

    def _take(self) -> dict:
        chunks = self.chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self.chunks, self.buffered = [], 0
        more = not self.complete
        if not more:
            self.end_delivered = True
        if not self.conn.queue:          # reading paused for this body's sake goes on
            self.conn.resume_reading()
        return {"type": "http.request", "body": body, "more_body": more}

    def _maybe_continue(self):
        """`100 Continue` when the app first reads the body of a request that expects it,
        whether or not the body is already here (as uvicorn did): botocore, told a final
        answer instead of a 100, reuses that answer's status line for the next request on
        the connection that also expects a 100, and waits forever."""
        self.continue_state = False
        if not self.started and EXPECT_CONTINUE in self.scope["headers"]:
            self.continue_state = True
            self.conn.write(CONTINUE)

    async def _wait(self):
        self.waiter = self.conn.loop.create_future()
        self.waiting = True
        try:
            await self.waiter
        finally:
            self.waiter, self.waiting = None, False

    def _wake(self):
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def disconnect(self):
        """The client went away. An app waiting on the body or on a drain is woken (and
        told); one waiting on anything else (a long poll) is cancelled."""
        self.disconnected = True
        if self.finished:
            return
        if self.waiting:
            self._wake()
        elif self.task is not None:
            self.task.cancel()

    # --- the response ----------------------------------------------------------------

    async def send(self, message: dict):
        conn = self.conn
        if conn.write_paused and not self.disconnected:
            self.waiting = True
            try:
                await conn.drain()
            finally:
                self.waiting = False
        if self.disconnected:
            raise ClientDisconnected("the client closed the connection")
        kind = message["type"]
        if not self.started and kind == ANSWER:
            self._answer(message["status"], message["head"], message["length"], message["body"], message["close"])
        elif not self.started and kind == "http.response.start":
            self._start_response(message["status"], message.get("headers", ()))
        elif self.started and not self.finished and kind == "http.response.body":
            self._write_body(message.get("body", b""), message.get("more_body", False))
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r} (response started: {self.started}, "
                               f"finished: {self.finished})")

    def _start_response(self, status: int, headers):
        lines = [STATUS_LINES.get(status) or b"HTTP/1.1 %d " % status]
        for name, value in self.conn.server_state.default_headers:      # Date, refreshed by uvicorn each second
            lines.append(name + b": " + value)
        length = None
        close, chunked, said_close = not self.keep_alive, False, False
        for name, value in headers:
            if name in FRAMING:
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection":
                    said_close = close = close or b"close" in value.lower()
                else:
                    chunked = b"chunked" in value.lower()
            lines.append(name + b": " + value)
        if self.scope["method"] == "HEAD" or status in (204, 304) or status < 200:
            self.framing = NO_BODY
        elif length is not None:
            self.framing, self.remaining = BY_LENGTH, length
        elif chunked:
            self.framing = CHUNKED
        elif self.scope["http_version"] == "1.0":
            self.framing, close = TO_CLOSE, True      # no chunks for HTTP/1.0: the close ends the body
        else:
            self.framing = CHUNKED
            lines.append(b"transfer-encoding: chunked")
        if close and not said_close:
            lines.append(b"connection: close")
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        breaks = len(lines) + 1
        if head.count(b"\n") != breaks or head.count(b"\r") != breaks:
            raise ValueError("a response header holds a line break")
        self.keep_alive = not close
        self.head = head
        self.started = True

    def _answer(self, status: int, head: bytes, length: int | None, body: bytes, close: bool):
        """A whole answer (the lakebox.answer message, aws/asgi.py): the app's header lines
        come encoded, checked for line breaks, with their Content-Length (`length`; None
        only for a 304) and, if `close`, `connection: close`; so the head is the status
        line, the Date, those lines and the connection's own close, and it leaves with the
        body. The bytes are those `_start_response` and `_write_body` would write."""
        said_close, close = close, close or not self.keep_alive
        lines = [STATUS_LINES.get(status) or b"HTTP/1.1 %d " % status]
        for name, value in self.conn.server_state.default_headers:      # Date, refreshed by uvicorn each second
            lines.append(name + b": " + value)
        if head:
            lines.append(head)
        if close and not said_close:
            lines.append(b"connection: close")
        if length is None or self.scope["method"] == "HEAD" or status in (204, 304) or status < 200:
            self.framing = NO_BODY
        else:
            self.framing, self.remaining = BY_LENGTH, length
        self.keep_alive = not close
        self.head = b"\r\n".join(lines) + b"\r\n\r\n"
        self.started = True
        self._write_body(body, False)

    def _write_body(self, body: bytes, more: bool):
        pieces = []
        if self.head is not None:
            pieces.append(self.head)
            self.head = None
        framing = self.framing
        if framing == BY_LENGTH:
            if len(body) > self.remaining:
                raise RuntimeError("response body longer than its Content-Length")
            self.remaining -= len(body)
            if body:
                pieces.append(body)
        elif framing == CHUNKED:
            if body:
                pieces += (b"%x\r\n" % len(body), body, b"\r\n")
            if not more:
                pieces.append(b"0\r\n\r\n")
        elif framing == TO_CLOSE and body:
            pieces.append(body)
        if not pieces:
            pass
        elif not more and framing != CHUNKED and sum(map(len, pieces)) < JOINED_WRITE and self.conn.holds_answers():
            self.conn.write_soon(b"".join(pieces) if len(pieces) > 1 else pieces[0])
        else:
            self._write(pieces)
        if not more:
            self.finished = True
            self._wake()            # a `receive` waiting for the end of the exchange
            short = framing == BY_LENGTH and self.remaining > 0
            self.conn.response_done(self, not self.keep_alive or not self.complete or short)

    def _write(self, pieces):
        conn = self.conn
        if conn.deferred:
            conn.flush()
        transport = conn.transport
        if len(pieces) == 1:
            transport.write(pieces[0])
        elif pieces:
            if sum(map(len, pieces)) < JOINED_WRITE:
                transport.write(b"".join(pieces))
            else:
                transport.writelines(pieces)

    # --- the app's end ---------------------------------------------------------------

    def task_done(self, task):
        self.conn.tasks.discard(task)
        self.app_ended(asyncio.CancelledError() if task.cancelled() else task.exception())

    def app_ended(self, error):
        """The app's coroutine returned or raised: answer what it left unanswered."""
        conn = self.conn
        if self.finished or self.disconnected or conn.closed:
            if error is not None and not self.disconnected and not isinstance(error, asyncio.CancelledError):
                log.error("error in the app after its answer to %s %s", self.scope["method"],
                          self.scope["raw_path"], exc_info=error)
            return
        if isinstance(error, asyncio.CancelledError):
            pass                                # cancelled at shutdown: the connection just closes
        elif error is not None:
            log.error("error in the app answering %s %s", self.scope["method"], self.scope["raw_path"],
                      exc_info=error)
        else:
            log.error("the app ended without completing its answer to %s %s", self.scope["method"],
                      self.scope["raw_path"])
        self.finished = True
        if conn.current is self:
            conn.current = None
        if self.head is not None or not self.started:
            if not isinstance(error, asyncio.CancelledError):
                conn.answer_internal_error()    # nothing of the answer was written yet
                return
        conn.close_transport()
