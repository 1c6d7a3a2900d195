"""The server's log output: lines gathered in memory and written to stderr together.

The request log writes one line per request. Through a `logging.StreamHandler` each line
cost a write syscall, the handler's lock and a `LogRecord` (60-80 us of server CPU per
request on this machine, more than a small DynamoDB action). Here request lines skip
logging's records: `request_line` formats the line itself and appends it to a buffer,
which is written in one write about every 100 ms, or at once when it holds 64 KiB. Any
other record (a warning, an error) goes through logging as usual, into the same buffer,
and flushes it at once: it is never held back and keeps its place after the request
lines before it. Logs are not acknowledged writes: a `kill -9` may lose the last 100 ms
of request lines; a normal exit writes them all (logging flushes its handlers at exit).
"""
import asyncio
import logging
import threading
import time

FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
FLUSH_SECONDS = 0.1
FLUSH_BYTES = 64 * 1024


class SecondCachedFormatter(logging.Formatter):
    """logging's own format, with the date and time formatted once per second rather
    than once per line (`strftime` was a sixth of the request log line's cost)."""
    _cached = (None, "")        # (second, its text): one attribute, so threads never see half of it

    def formatTime(self, record, datefmt=None):
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        return self.stamp(record.created)

    def stamp(self, created: float) -> str:
        """The `asctime` of a record created at `created` (as logging computes its msecs)."""
        second = int(created)
        cached_second, text = self._cached
        if second != cached_second:
            text = time.strftime(self.default_time_format, self.converter(second))
            self._cached = (second, text)
        return self.default_msec_format % (text, int((created - second) * 1000))


class BufferedHandler(logging.Handler):
    """A handler writing to `stream` in batches; `request_line` is its fast path."""

    def __init__(self, stream):
        super().__init__()
        self.formatter = SecondCachedFormatter(FORMAT)
        self.stream = stream
        self._parts, self._size, self._timer = [], 0, None
        self._buffer_lock = threading.Lock()     # records may come from worker threads

    def request_line(self, logger_name: str, message: str):
        """An INFO line of `logger_name`, exactly as FORMAT writes it, written within 100 ms."""
        text = f"{self.formatter.stamp(time.time())} {logger_name} INFO {message}\n"
        with self._buffer_lock:
            self._parts.append(text)
            self._size += len(text)
            full = self._size >= FLUSH_BYTES
        if full:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._timed_flush)

    def emit(self, record):
        try:
            text = self.format(record) + "\n"
        except Exception:
            self.handleError(record)
            return
        with self._buffer_lock:
            self._parts.append(text)
        self.flush()

    def _timed_flush(self):
        self._timer = None
        self.flush()

    def flush(self):
        with self._buffer_lock:
            parts, self._parts, self._size = self._parts, [], 0
            if not parts:
                return
            try:
                self.stream.write("".join(parts))
                self.stream.flush()
            except (OSError, ValueError):       # stderr closed or its pipe gone: nobody reads the log
                pass


_installed = None     # the BufferedHandler `install` put on the root logger, if any


def install(stream, level: str) -> BufferedHandler:
    """Log every record to `stream` through one BufferedHandler (what `lakebox serve` does)."""
    global _installed
    _installed = BufferedHandler(stream)
    logging.basicConfig(level=level.upper(), handlers=[_installed], force=True)
    _lean_log_records()
    return _installed


def info(logger: logging.Logger, fmt: str, *args):
    """`logger.info(fmt, *args)`, straight into the buffer when `install` set one up;
    the caller has checked `logger.isEnabledFor(logging.INFO)`."""
    if _installed is None:
        logger.info(fmt, *args)
    else:
        _installed.request_line(logger.name, fmt % args)


def _lean_log_records():
    """Log records without what the format never prints: the caller's file and line (a
    walk up the stack), the thread, the process and its name. (The logging docs'
    "Optimization" section names these switches.)"""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
