"""lakebox's HTTP/1.1 protocol (lakebox/httpwire.py, httpexchange.py) against a fake
transport: what it writes for what it reads, and how it runs the app."""
import asyncio

import pytest
from uvicorn.server import ServerState

from lakebox.httpwire import HttpProtocol, Outbox
from lakebox.storage.db import Database, SharedTransaction


class Transport:
    def __init__(self):
        self.out = bytearray()
        self.closed = False
        self.reading = True
        self.protocol = None

    def write(self, data):
        assert not self.closed, "written after close"
        self.out += data

    def writelines(self, pieces):
        for piece in pieces:
            self.write(piece)

    def close(self):
        if not self.closed:
            self.closed = True
            asyncio.get_running_loop().call_soon(self.protocol.connection_lost, None)

    def is_closing(self):
        return self.closed

    def pause_reading(self):
        self.reading = False

    def resume_reading(self):
        self.reading = True

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 4566)}.get(name, default)


class Config:
    loaded = True
    timeout_keep_alive = 75

    def __init__(self, app):
        self.loaded_app = app


def connect(app, default_headers=(), keep_alive=75):
    state = ServerState()
    state.default_headers = list(default_headers)
    config = Config(app)
    config.timeout_keep_alive = keep_alive
    protocol = HttpProtocol(config, state, {}, asyncio.get_running_loop())
    transport = Transport()
    transport.protocol = protocol
    protocol.connection_made(transport)
    return protocol, transport, state


async def feed(protocol, data):
    """Bytes arrive as the event loop hands them over: in a callback, outside any task."""
    asyncio.get_running_loop().call_soon(protocol.data_received, data)
    await settle()


async def served(app, data: bytes):
    """(bytes written, transport) once `app` has answered `data` on a new connection."""
    protocol, transport, _ = connect(app)
    await feed(protocol, data)
    return bytes(transport.out), transport


async def settle():
    for _ in range(20):
        await asyncio.sleep(0)


def answer(status=200, body=b"ok", headers=()):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-length", str(len(body)).encode()), *headers]})
        await send({"type": "http.response.body", "body": body})
    return app


async def echo(scope, receive, send):
    """Answers with the request's method, path and whole body."""
    chunks, message = [], {"more_body": True}
    while message.get("more_body"):
        message = await receive()
        chunks.append(message.get("body", b""))
    payload = b"%s %s %s" % (scope["method"].encode(), scope["raw_path"], b"".join(chunks))
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


def run(coro):
    asyncio.run(coro)


def test_an_app_that_never_waits_is_answered_without_a_scheduled_task():
    """No Task is created through the loop (3.11 drives the coroutine directly, 3.12
    and later start an eager Task that ends before anything is scheduled)."""
    async def main():
        tasks = []
        original = asyncio.get_running_loop().create_task

        def counting(*args, **kwargs):
            task = original(*args, **kwargs)
            tasks.append(task)
            return task
        asyncio.get_running_loop().create_task = counting
        protocol, transport, _ = connect(echo)
        await feed(protocol, b"PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        assert bytes(transport.out) == b"HTTP/1.1 200 OK\r\ncontent-length: 14\r\n\r\nPUT /b/k hello"
        assert tasks == [] and not transport.closed
    run(main())


def test_an_app_may_time_a_wait_before_it_first_waits():
    """`asyncio.wait_for` needs a current task from Python 3.12 (an SQS long poll and an
    Athena state wait use it): the app runs inside one there, and is still answered."""
    async def app(scope, receive, send):
        try:
            await asyncio.wait_for(asyncio.Event().wait(), 0.01)
        except asyncio.TimeoutError:
            pass
        await answer(body=b"waited")(scope, receive, send)

    async def main():
        protocol, transport, _ = connect(app)
        await feed(protocol, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.sleep(0.05)
        assert bytes(transport.out) == b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nwaited"
    run(main())


def test_pipelined_requests_are_answered_in_order():
    async def main():
        protocol, transport, _ = connect(echo)
        await feed(protocol, b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                               b"POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                               b"GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await settle()
        out = bytes(transport.out)
        assert out.split(b"\r\n\r\n")[1:] == [b"GET /one HTTP/1.1 200 OK\r\ncontent-length: 13",
                                             b"POST /two abcHTTP/1.1 200 OK\r\ncontent-length: 11\r\nconnection: close",
                                             b"GET /three "]
        assert transport.closed
    run(main())


def test_a_small_body_in_pieces_is_read_whole_and_a_chunked_body_streams():
    async def main():
        protocol, transport, _ = connect(echo)
        await feed(protocol, b"PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nab")
        assert transport.out == b""            # the app waits for the rest before it starts
        await feed(protocol, b"cdef")
        assert transport.out.endswith(b"PUT /k abcdef")
        transport.out.clear()
        await feed(protocol, b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
        await feed(protocol, b"2\r\nde\r\n0\r\n\r\n")
        await settle()
        assert transport.out.endswith(b"POST /c abcde")
    run(main())


def test_100_continue_is_sent_when_the_app_reads_the_body_and_not_when_it_refuses_first():
    async def main():
        protocol, transport, _ = connect(echo)
        await feed(protocol, b"PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        assert bytes(transport.out) == b"HTTP/1.1 100 Continue\r\n\r\n"
        await feed(protocol, b"xyz")
        assert transport.out.endswith(b"PUT /k xyz") and not transport.closed

        protocol, transport, _ = connect(echo)     # a 100 also when the body is already here
        await feed(protocol, b"PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n")
        assert bytes(transport.out).startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")

        refusing, transport, _ = connect(answer(400, b"no"))
        await feed(refusing, b"PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        assert bytes(transport.out) == b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\nno"
        assert transport.closed             # the body may or may not follow: the connection cannot go on
    run(main())


def test_a_header_value_with_a_line_break_is_refused_and_nothing_of_it_written():
    async def main():
        out, transport = await served(answer(headers=[(b"x-amz-meta-a", b"1\r\nset-cookie: stolen")]),
                                      b"GET /k HTTP/1.1\r\nHost: x\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/xml\r\n")
        assert b"<Code>InternalError</Code>" in out and b"stolen" not in out and transport.closed
    run(main())


def test_a_request_the_parser_refuses_is_answered_as_s3_after_the_ones_before_it():
    async def main():
        out, transport = await served(echo, b"GET /fine HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\x01\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nGET /fine ")
        assert b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml\r\n" in out
        assert b"<Code>BadRequest</Code><Message>An error occurred when parsing the HTTP request.</Message>" in out
        assert transport.closed
    run(main())


def test_head_and_http_1_0():
    async def main():
        out, _ = await served(answer(body=b"hello"), b"HEAD /k HTTP/1.1\r\nHost: x\r\n\r\n")
        assert out == b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"

        async def no_length(scope, receive, send):
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ab", "more_body": True})
            await send({"type": "http.response.body", "body": b"c"})
        out, transport = await served(no_length, b"GET /k HTTP/1.0\r\n\r\n")
        assert out == b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nabc" and transport.closed
        out, _ = await served(no_length, b"GET /k HTTP/1.1\r\nHost: x\r\n\r\n")
        assert out == b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"
    run(main())


def test_a_client_that_leaves_cancels_an_app_waiting_on_something_else():
    async def main():
        ended = []

        async def long_poll(scope, receive, send):
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                ended.append("cancelled")
                raise
        protocol, transport, state = connect(long_poll)
        await feed(protocol, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        assert len(state.tasks) == 1
        protocol.connection_lost(None)
        await settle()
        assert ended == ["cancelled"] and not state.tasks and transport.out == b""
    run(main())


def test_a_slow_reader_makes_send_wait_for_the_drain():
    async def main():
        sent = []

        async def big(scope, receive, send):
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"6")]})
            for piece in (b"ab", b"cd", b"ef"):
                await send({"type": "http.response.body", "body": piece, "more_body": piece != b"ef"})
                sent.append(piece)
        protocol, transport, _ = connect(big)
        protocol.pause_writing()
        await feed(protocol, b"GET /k HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sent == [] and transport.out == b""
        protocol.resume_writing()
        await settle()
        assert sent == [b"ab", b"cd", b"ef"] and transport.out.endswith(b"\r\n\r\nabcdef")
    run(main())


def test_requests_run_outside_a_task_still_cannot_share_a_transaction(tmp_path):
    db = Database(str(tmp_path / "lakebox.db"))
    db.execute("CREATE TABLE t (v TEXT)")
    caught = []

    async def app(scope, receive, send):
        if scope["raw_path"] == b"/first":
            with db.transaction():
                db.execute("INSERT INTO t VALUES ('first')")
                await asyncio.sleep(0.01)          # the mistake: an await inside a transaction
        else:
            try:
                db.execute("INSERT INTO t VALUES ('second')")
            except SharedTransaction:
                caught.append("second")
        await answer()(scope, receive, send)

    async def main():
        first, _, _ = connect(app)
        second, _, _ = connect(app)
        await feed(first, b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
        await feed(second, b"GET /second HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.sleep(0.05)

    run(main())
    assert caught == ["second"]
    db.close()


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses_get_no_chunked_framing(status):
    async def main():
        async def empty(scope, receive, send):
            await send({"type": "http.response.start", "status": status, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        out, _ = await served(empty, b"GET /k HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"transfer-encoding" not in out and out.endswith(b"\r\n\r\n")
    run(main())


def test_a_streamed_body_past_the_high_water_mark_pauses_reading_then_the_next_request_is_read():
    async def main():
        protocol, transport, _ = connect(echo)
        size = 200 * 1024
        await feed(protocol, b"PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size + b"a" * size)
        assert transport.out.endswith(b"PUT /big " + b"a" * size) and transport.reading
        transport.out.clear()
        await feed(protocol, b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        assert transport.out.endswith(b"GET /next ")
    run(main())


def test_the_servers_default_headers_lead_every_answer():
    async def main():
        protocol, transport, _ = connect(answer(), [(b"date", b"Fri, 04 Dec 2026 00:30:00 GMT")])
        await feed(protocol, b"GET /k HTTP/1.1\r\nHost: x\r\n\r\n")
        assert bytes(transport.out) == (b"HTTP/1.1 200 OK\r\ndate: Fri, 04 Dec 2026 00:30:00 GMT\r\n"
                                        b"content-length: 2\r\n\r\nok")
    run(main())


def test_an_idle_connection_closes_after_the_keep_alive_timeout_and_a_busy_one_does_not():
    async def main():
        idle, idle_transport, _ = connect(answer(), keep_alive=0.05)
        await feed(idle, b"GET /k HTTP/1.1\r\nHost: x\r\n\r\n")
        busy, busy_transport, _ = connect(echo, keep_alive=0.05)
        await feed(busy, b"PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab")   # the rest is slow
        await asyncio.sleep(0.2)
        assert idle_transport.closed and not busy_transport.closed
        await feed(busy, b"cde")
        assert busy_transport.out.endswith(b"PUT /k abcde")
    run(main())


def test_a_garbled_chunk_ends_the_request_with_the_parse_error():
    async def main():
        protocol, transport, state = connect(echo)
        await feed(protocol, b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
        await feed(protocol, b"zz\r\n")
        await settle()
        out = bytes(transport.out)
        assert out.startswith(b"HTTP/1.1 400 Bad Request\r\n") and b"<Code>BadRequest</Code>" in out
        assert transport.closed and not state.tasks
    run(main())


def connect_another(app, state):
    """A second connection to the same server (`state`)."""
    protocol = HttpProtocol(Config(app), state, {}, asyncio.get_running_loop())
    transport = Transport()
    transport.protocol = protocol
    protocol.connection_made(transport)
    return protocol, transport


def test_answers_to_requests_that_arrive_together_leave_together_at_the_loops_next_turn():
    async def main():
        first, first_out, state = connect(echo)
        second, second_out = connect_another(echo, state)
        written_during_the_turn = []

        def one_turn():         # both requests in one read of the event loop
            first.data_received(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
            second.data_received(b"GET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            written_during_the_turn.append((bytes(first_out.out), bytes(second_out.out)))
        asyncio.get_running_loop().call_soon(one_turn)
        await settle()
        # the answer that closes its connection leaves before the close; the other one waits
        assert written_during_the_turn == [(b"", b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n"
                                                 b"connection: close\r\n\r\nGET /two ")]
        assert bytes(first_out.out) == b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nGET /one "
        assert second_out.closed and not first_out.closed
    run(main())


def test_a_lone_connection_is_answered_at_once():
    async def main():
        protocol, transport, _ = connect(echo)
        protocol.data_received(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
        assert bytes(transport.out) == b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nGET /one "
    run(main())


def test_a_held_answer_is_dropped_with_its_connection_when_the_client_leaves_first():
    async def main():
        first, first_out, state = connect(echo)
        second, _ = connect_another(echo, state)

        def one_turn():
            first.data_received(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
            first.connection_lost(None)
        asyncio.get_running_loop().call_soon(one_turn)
        await settle()
        assert bytes(first_out.out) == b""
    run(main())


def test_after_a_turn_that_held_one_answer_alone_the_next_answers_leave_at_once():
    async def main():
        first, out, state = connect(echo)
        connect_another(echo, state)            # an idle pooled connection beside it
        request = b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
        answer = b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nGET /one "
        first.data_received(request)
        assert bytes(out.out) == b""            # held for the loop's next turn, which finds it alone
        await settle()
        assert bytes(out.out) == answer
        for sent in range(2, Outbox.LONE_PAUSE + 2):
            first.data_received(request)        # written at once for a while
            assert bytes(out.out) == answer * sent
        first.data_received(request)            # then held again, in case others came
        assert bytes(out.out) == answer * (Outbox.LONE_PAUSE + 1)
        await settle()
        assert bytes(out.out) == answer * (Outbox.LONE_PAUSE + 2)
    run(main())


@pytest.mark.parametrize("method, status, headers, close", [
    ("GET", 200, [("ETag", '"e"'), ("x-amz-meta-name", "caf\u00e9"), ("x-amz-request-id", "R")], False),
    ("HEAD", 200, [("Content-Length", "9"), ("Last-Modified", "Fri, 04 Dec 2026 00:30:00 GMT")], False),
    ("GET", 304, [("ETag", '"e"')], False),
    ("GET", 200, [("x-amz-meta-dash", "a\u2014b")], False),        # not latin-1: RFC 2047's encoded word
    ("PUT", 400, [("Content-Type", "application/xml"), ("x-amz-request-id", 7)], True),
])
def test_a_whole_answer_in_one_message_leaves_as_its_two_asgi_messages_would(method, status, headers, close):
    """aws/asgi.send_response sends a bytes answer as one lakebox.answer message where the
    scope announces it: the same bytes reach the client."""
    from lakebox.aws import asgi
    from lakebox.aws.serialize import Response

    def app(whole):
        async def sender(scope, receive, send):
            assert (asgi.ANSWER in scope["extensions"]) is True
            body = b"" if status == 304 else b"hi"
            await asgi.send_response(send, Response(status, list(headers), body), head_only=method == "HEAD",
                                     close=close, whole=whole)
        return sender

    async def main():
        request = b"%s /k HTTP/1.1\r\nHost: x\r\n\r\n" % method.encode()
        date = [(b"date", b"Fri, 04 Dec 2026 00:30:00 GMT")]
        written = []
        for whole in (False, True):
            protocol, transport, _ = connect(app(whole), date)
            await feed(protocol, request)
            written.append((bytes(transport.out), transport.closed))
        assert written[0] == written[1]
        assert written[1][0].startswith(b"HTTP/1.1 %d " % status) and written[1][1] is close
    run(main())
