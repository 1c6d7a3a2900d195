"""lakebox's HTTP/1.1 server protocol: httptools parses, this module answers.

uvicorn keeps the server's lifecycle (sockets, signals, lifespan, graceful shutdown: it
builds this protocol for each connection); the per-request machinery is lakebox's own,
because uvicorn's cost as much as the app on a small S3 GET (a Task and an Event per
request, a regular expression per response header). What it does:

- one `Exchange` (lakebox/httpexchange.py) and one ASGI scope per request; an app that
  answers without waiting for anything runs to its end inside `data_received` (its
  coroutine driven directly), and only one that waits continues in a Task;
- a request whose small body has not fully arrived waits for it before its app starts,
  so the app reads the whole body at once; a large, chunked or `Expect: 100-continue`
  body starts the app at its headers and streams, with reading paused past a high-water
  mark;
- a whole small answer, while other connections are open, is written at the loop's next
  turn together with the answers to the requests that arrived beside it (`Outbox`): a
  client woken by the first of them is still awake for the rest;
- keep-alive (closed after `timeout_keep_alive` idle seconds), pipelined requests answered
  in order, `Connection: close` both ways, HTTP/1.0 clients;
- a request the parser refuses is answered as S3 answers it, `400 BadRequest` in an XML
  error body: such a request never reaches the app, so no route says which service it
  was meant for, and S3 is the service whose clients send hand-made HTTP;
- a client that goes away ends its request: `receive` answers `http.disconnect`, `send`
  raises `ClientDisconnected`, and an app waiting on anything else (an SQS long poll, a
  Kinesis subscription between events) is cancelled.
"""
import asyncio
import collections
import contextvars
import logging
import sys
import types
from urllib.parse import unquote

import httptools

from lakebox.aws.errors import new_request_id
from lakebox.aws.xmlwrite import xml_error
from lakebox.httpexchange import EXTENSIONS, Exchange
from lakebox.storage.db import running_request

log = logging.getLogger("lakebox.http")
PARSE_ERROR = "An error occurred when parsing the HTTP request."
INTERNAL_ERROR = "We encountered an internal error. Please try again."
PIPELINE_PAUSE = 8          # requests parsed ahead of their turn before reading pauses


class HttpProtocol(asyncio.Protocol):
    """One connection. Built by uvicorn as `(config, server_state, app_state, _loop)`."""

    def __init__(self, config, server_state, app_state=None, _loop=None):
        if not config.loaded:
            config.load()
        self.app = config.loaded_app
        self.loop = _loop or asyncio.get_event_loop()
        self.keep_alive_seconds = config.timeout_keep_alive
        self.server_state = server_state
        self.tasks = server_state.tasks
        self.parser = httptools.HttpRequestParser(self)
        try:        # answer the first of pipelined requests even if a later one says close
            self.parser.set_dangerous_leniencies(lenient_data_after_close=True)
        except AttributeError:
            pass
        self.transport = None
        self.client = self.server = None
        self.scheme = "http"
        self.current = None                  # the Exchange whose response is being written
        self.queue = collections.deque()     # parsed, not yet started (pipelined, or body on its way)
        self.parsing = None                  # the Exchange the parser fills (True before its headers end)
        self.url = b""
        self.headers = None
        self.closed = False
        self.broken = False                  # the parser refused the stream: read no more
        self.reading_paused = False
        self.write_paused = False
        self.drain_waiter = None
        self.idle_since = 0.0
        self.idle_timer = None
        self.closing = False                 # shutdown: close once the current response is out
        self.deferred = []                   # whole small answers written at the loop's next turn
        self.outbox = Outbox.of(server_state, self.loop)

    # --- connection ----------------------------------------------------------------

    def connection_made(self, transport):
        self.server_state.connections.add(self)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.client = (peer[0], peer[1]) if isinstance(peer, tuple) else None
        local = transport.get_extra_info("sockname")
        self.server = (local[0], local[1]) if isinstance(local, tuple) else None
        if transport.get_extra_info("sslcontext"):
            self.scheme = "https"
        self.idle_since = self.loop.time()
        self.idle_timer = self.loop.call_later(self.keep_alive_seconds, self._idle_check)

    def connection_lost(self, exc):
        self.server_state.connections.discard(self)
        self.closed = True
        self.deferred = []
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None
        self.queue.clear()
        self._wake_drain()
        if self.current is not None:
            self.current.disconnect()
        self.parser = None

    def eof_received(self):
        return None             # the transport closes: a half-closed client is a gone client

    def shutdown(self):
        """uvicorn's graceful shutdown: close when idle, else after the current response."""
        if self.current is None and self.parsing is None:
            self.close_transport()
        else:
            self.closing = True
            self.queue.clear()

    def _idle_check(self):
        """The keep-alive timeout, one timer per connection re-armed from the last answer."""
        self.idle_timer = None
        if self.closed:
            return
        idle = self.loop.time() - self.idle_since
        if self.current is None and self.parsing is None and idle >= self.keep_alive_seconds:
            self.close_transport()
            return
        wait = self.keep_alive_seconds - idle if idle < self.keep_alive_seconds else self.keep_alive_seconds
        self.idle_timer = self.loop.call_later(wait, self._idle_check)

    # --- writing ---------------------------------------------------------------------

    def write(self, data: bytes):
        """Write now, after any answer still held for the loop's next turn."""
        if self.deferred:
            self.flush()
        self.transport.write(data)

    def holds_answers(self) -> bool:
        """Whether a whole small answer waits for the loop's next turn (`Outbox`)."""
        return len(self.server_state.connections) > 1 and self.outbox.takes()

    def write_soon(self, data: bytes):
        if not self.deferred:
            self.outbox.hold(self)
        self.deferred.append(data)

    def flush(self):
        deferred, self.deferred = self.deferred, []
        if deferred and not self.closed:
            self.transport.write(deferred[0] if len(deferred) == 1 else b"".join(deferred))

    def close_transport(self):
        if self.deferred:
            self.flush()
        self.transport.close()

    # --- flow control ----------------------------------------------------------------

    def pause_writing(self):
        self.write_paused = True

    def resume_writing(self):
        self.write_paused = False
        self._wake_drain()

    def _wake_drain(self):
        waiter, self.drain_waiter = self.drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def drain(self):
        """Wait until the transport's write buffer is below its low-water mark again."""
        if self.drain_waiter is None:
            self.drain_waiter = self.loop.create_future()
        await self.drain_waiter

    def pause_reading(self):
        if not self.reading_paused and not self.closed:
            self.reading_paused = True
            self.transport.pause_reading()

    def resume_reading(self):
        if self.reading_paused and not self.closed:
            self.reading_paused = False
            self.transport.resume_reading()

    # --- parsing ---------------------------------------------------------------------

    def data_received(self, data):
        if self.broken or self.closed:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # An upgrade (h2c, websocket) lakebox does not speak: the request was answered
            # as HTTP/1.1; what follows it on the connection is not HTTP/1.1.
            if self.parsing is not None:
                self.parsing.keep_alive = False
        except httptools.HttpParserError:
            self.broken = True
            if self._drop_parsing():
                return
            self.queue.append(None)              # answered in its turn, after those before it
        if self.current is None and self.queue:
            self.start_next()

    def _drop_parsing(self) -> bool:
        """The request being parsed broke (a garbled chunk): it can never be whole. An app
        already reading it is told its client left; True when the connection just closes
        (that app had begun its answer)."""
        exchange, self.parsing = self.parsing, None
        if not isinstance(exchange, Exchange):
            return False
        if exchange is not self.current:
            self.queue.remove(exchange)
            return False
        exchange.disconnect()
        if exchange.started:
            self.close_transport()
            return True
        self.current = None
        return False

    def on_message_begin(self):
        self.url = b""
        self.headers = []
        self.parsing = True         # a request has begun: the keep-alive timer leaves it alone

    def on_url(self, url):
        self.url += url

    def on_header(self, name, value):
        self.headers.append((name.lower(), value))

    def on_headers_complete(self):
        parser = self.parser
        version = parser.get_http_version()
        exchange = Exchange(self, self._scope(parser.get_method().decode("latin-1"), version),
                            keep_alive=parser.should_keep_alive() and version != "1.0" and not self.closing)
        self.parsing = exchange
        self.queue.append(exchange)
        if self.current is not None and len(self.queue) >= PIPELINE_PAUSE:
            self.pause_reading()

    def _scope(self, method, version):
        url = self.url
        if url[:1] == b"/" and b"#" not in url:
            raw_path, _, query = url.partition(b"?")
        else:                       # absolute-form (a proxy's), or a fragment to drop
            parsed = httptools.parse_url(url)
            raw_path, query = parsed.path or b"/", parsed.query or b""
        path = raw_path.decode("latin-1")
        if "%" in path:
            path = unquote(path)
        return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": version,
                "method": method, "scheme": self.scheme, "path": path, "raw_path": raw_path,
                "query_string": query, "root_path": "", "headers": self.headers,
                "client": self.client, "server": self.server, "extensions": EXTENSIONS}

    def on_body(self, body):
        exchange = self.parsing
        exchange.add_body(body)
        if exchange.buffered > exchange.HIGH_WATER:
            self.pause_reading()

    def on_message_complete(self):
        exchange, self.parsing = self.parsing, None
        exchange.message_complete()

    # --- running requests --------------------------------------------------------------

    def start_next(self):
        """Start the request whose turn it is, once it can be started."""
        if self.current is not None or self.closed or not self.queue:
            return
        exchange = self.queue[0]
        if exchange is None:
            self._answer_unparsable()
            return
        if not exchange.ready():
            return                  # its small body is still on its way
        self.queue.popleft()
        self.current = exchange
        if not self.queue:
            self.resume_reading()
        self._run(exchange)

    def _run(self, exchange):
        """Run the app's coroutine here until it first waits; then a Task carries on."""
        coro = self.app(exchange.scope, exchange.receive, exchange.send)
        context = contextvars.copy_context()
        context.run(running_request.set, exchange)
        task = _start(coro, self.loop, context, exchange)
        if task is not None:
            exchange.task = task
            self.tasks.add(task)
            task.add_done_callback(exchange.task_done)

    def response_done(self, exchange, close: bool):
        """The exchange's response is written: close, or go on with the next request."""
        self.server_state.total_requests += 1
        if exchange is self.current:
            self.current = None
        self.idle_since = self.loop.time()
        if close or self.closing:
            self.close_transport()
        elif self.queue:
            self.loop.call_soon(self.start_next)    # never inside the previous app's `send`
        else:
            self.resume_reading()

    def _answer_unparsable(self):
        request_id = new_request_id()
        body = xml_error("BadRequest", PARSE_ERROR, {}, request_id)
        self.write_error(400, b"Bad Request", body, request_id)

    def write_error(self, status: int, reason: bytes, body: bytes, request_id: str):
        """An S3-shaped error answer that closes the connection."""
        self.queue.clear()
        if self.transport.is_closing():
            return
        head = (b"HTTP/1.1 %d %s\r\ncontent-type: application/xml\r\nx-amz-request-id: %s\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n" % (status, reason, request_id.encode(), len(body)))
        self.write(head + body)
        self.close_transport()

    def answer_internal_error(self):
        request_id = new_request_id()
        self.write_error(500, b"Internal Server Error", xml_error("InternalError", INTERNAL_ERROR, {}, request_id),
                         request_id)


class Outbox:
    """Whole small answers held until the event loop's next turn, one outbox per server.

    A write to a client that sleeps wakes it, and on loopback the writer's system call
    pays for the wake-up (a sixth of a small PUT's CPU at 8 connections, in `perf`). The
    answers to requests that arrived in the same turn, on several connections, are
    written in a row at the next turn instead: a client woken by the first is still
    awake for the rest. Holding costs a lone answer an extra turn of the loop, so after a
    turn that held only one, the next answers are written at once (`LONE_PAUSE`): a
    client working alone beside idle pooled connections does not pay for it.
    """
    LONE_PAUSE = 8

    def __init__(self, loop):
        self.loop = loop
        self.held = []              # connections with answers held
        self.pause = 0              # answers still to write at once

    @classmethod
    def of(cls, server_state, loop) -> "Outbox":
        outbox = getattr(server_state, "lakebox_outbox", None)
        if outbox is None:
            outbox = server_state.lakebox_outbox = cls(loop)
        return outbox

    def takes(self) -> bool:
        if self.pause:
            self.pause -= 1
            return False
        return True

    def hold(self, conn):
        if not self.held:
            self.loop.call_soon(self.release)
        self.held.append(conn)

    def release(self):
        held, self.held = self.held, []
        if len(held) == 1:
            self.pause = self.LONE_PAUSE
        for conn in held:
            conn.flush()


def _start_outside_a_task(coro, loop, context, exchange):
    """Python 3.11: drive the coroutine directly (a Task per request cost as much as a
    small S3 GET's routing); a Task takes over what is left of it when it first waits.
    Returns that Task, or None when the app has ended."""
    try:
        pending = context.run(coro.send, None)
    except StopIteration:
        exchange.app_ended(None)
        return None
    except BaseException as error:        # noqa: B036 - the app's failure is answered, not raised
        exchange.app_ended(error)
        return None
    return loop.create_task(_carry_on(coro, pending), context=context)


def _start_eagerly(coro, loop, context, exchange):
    """From Python 3.12 an eager Task does the same, and the app runs inside a task:
    `asyncio.timeout` and `wait_for` (an SQS long poll, an Athena state wait) need one
    there, and raise outside any."""
    task = asyncio.Task(coro, loop=loop, context=context, eager_start=True)
    if task.done():
        exchange.app_ended(asyncio.CancelledError() if task.cancelled() else task.exception())
        return None
    return task


_start = _start_eagerly if sys.version_info >= (3, 12) else _start_outside_a_task


async def _carry_on(coro, pending):
    """The rest of an app coroutine that waited on `pending` outside a Task."""
    return await _forward(coro, pending)


@types.coroutine
def _forward(coro, pending):
    """Hand the Task what the coroutine waits on; pass back what the Task sends or throws
    (a cancellation reaches the app as it would in a Task of its own)."""
    while True:
        try:
            yield pending
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as error:          # noqa: B036 - thrown in by the Task: the app's to handle
            step, value = coro.throw, error
        else:
            step, value = coro.send, None
        try:
            pending = step(value)
        except StopIteration as done:
            return done.value
