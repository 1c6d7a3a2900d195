"""The server's log formatter writes exactly what logging's own Formatter writes."""
import logging

from lakebox.server import _SecondCachedFormatter

FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def _record(created: float) -> logging.LogRecord:
    record = logging.LogRecord("lakebox.requests", logging.INFO, __file__, 1, "%s %s", ("dynamodb", "PutItem"), None)
    record.created, record.msecs = created, (created - int(created)) * 1000
    return record


def test_lines_match_logging_formatter_across_seconds():
    ours, theirs = _SecondCachedFormatter(FORMAT), logging.Formatter(FORMAT)
    for created in (1796326168.007, 1796326168.999, 1796326169.0, 1796326169.5, 1796326100.25, 1796326169.75):
        record = _record(created)
        assert ours.format(record) == theirs.format(record)


def test_an_explicit_date_format_is_honoured():
    record = _record(1796326168.5)
    assert _SecondCachedFormatter(FORMAT).formatTime(record, "%Y") == logging.Formatter(FORMAT).formatTime(record, "%Y")
