"""The server's log writes exactly what logging's own Formatter writes, in batches."""
import asyncio
import io
import logging
import re
import time

from lakebox.logbuffer import FLUSH_BYTES, FORMAT, BufferedHandler, SecondCachedFormatter


def _record(created: float) -> logging.LogRecord:
    record = logging.LogRecord("lakebox.requests", logging.INFO, __file__, 1, "%s %s", ("dynamodb", "PutItem"), None)
    record.created, record.msecs = created, (created - int(created)) * 1000
    return record


def test_lines_match_logging_formatter_across_seconds():
    ours, theirs = SecondCachedFormatter(FORMAT), logging.Formatter(FORMAT)
    for created in (1796326168.007, 1796326168.999, 1796326169.0, 1796326169.5, 1796326100.25, 1796326169.75):
        record = _record(created)
        assert ours.format(record) == theirs.format(record)


def test_an_explicit_date_format_is_honoured():
    record = _record(1796326168.5)
    assert SecondCachedFormatter(FORMAT).formatTime(record, "%Y") == logging.Formatter(FORMAT).formatTime(record, "%Y")


def _lines_through_buffer(write):
    """What a BufferedHandler on a StringIO holds after `write(handler)` in a running loop."""
    stream = io.StringIO()
    handler = BufferedHandler(stream)

    async def run():
        write(handler)
        return stream.getvalue()
    return asyncio.run(run()), stream, handler


def test_a_request_line_is_the_line_logging_writes_and_waits_for_the_flush():
    message = "dynamodb PutItem 200 0.4ms"
    before, stream, handler = _lines_through_buffer(lambda h: h.request_line("lakebox.requests", message))
    assert before == ""
    handler.flush()
    line = stream.getvalue()
    record = logging.LogRecord("lakebox.requests", logging.INFO, __file__, 1, message, (), None)
    stamp_length = len("2026-12-03 21:03:07,123")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", line[:stamp_length])
    assert line[stamp_length:] == logging.Formatter(FORMAT).format(record)[stamp_length:] + "\n"


def test_a_warning_flushes_the_request_lines_before_it_in_order():
    def write(handler):
        handler.request_line("lakebox.requests", "kinesis ListStreams 200 1.0ms")
        handler.emit(logging.LogRecord("lakebox", logging.WARNING, __file__, 1, "disk %s", ("full",), None))
    written, _, _ = _lines_through_buffer(write)
    assert [line[len('2026-12-03 21:03:07,123 '):] for line in written.splitlines()] == [
        "lakebox.requests INFO kinesis ListStreams 200 1.0ms", "lakebox WARNING disk full"]


def test_a_full_buffer_is_written_at_once():
    def write(handler):
        for n in range(FLUSH_BYTES // 40 + 1):
            handler.request_line("lakebox.requests", f"dynamodb GetItem 200 {n}.0ms")
    written, _, _ = _lines_through_buffer(write)
    assert len(written) >= FLUSH_BYTES and written.endswith("ms\n")
