"""The `aws-chunked` content encoding of S3 uploads (SigV4 streaming): the payload in
chunks, each with its size and signature, then trailer headers (a checksum sent after
the body)."""
from lakebox.services.s3 import errors


class AwsChunkedDecoder:
    """Decodes `aws-chunked`: `<hex-size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n` ... a
    0-size chunk, then trailer lines `name:value\\r\\n` and an empty line.

    `feed` takes the stream cut anywhere (a chunk header may be split across network
    reads) and returns the payload as views of its input, never copying the data.
    Chunk and trailer signatures are accepted unverified: any secret works in lakebox.
    """
    MAX_LINE = 4096

    def __init__(self):
        self.state = "size"          # size | data | data_end | trailer | done
        self.line = bytearray()      # a header or trailer line being gathered
        self.remaining = 0           # data bytes left in the current chunk
        self.trailers = {}

    def feed(self, data: bytes) -> list:
        """The payload pieces in `data` (bytes), as memoryviews."""
        pieces = []
        view = memoryview(data)
        pos, end = 0, len(data)
        while pos < end:
            if self.state == "data":
                take = min(self.remaining, end - pos)
                pieces.append(view[pos:pos + take])
                pos += take
                self.remaining -= take
                if self.remaining == 0:
                    self.state = "data_end"
            elif self.state == "data_end":
                pos = self._gather(data, pos, 2 - len(self.line))
                if len(self.line) == 2:
                    self._end_of_data()
            elif self.state == "done":
                if data[pos:].strip():
                    raise errors.error("IncompleteBody")
                pos = end
            else:
                pos = self._gather_line(data, pos)
        return pieces

    def finish(self) -> dict:
        # A stream cut right after the trailers, without the closing empty line, is
        # whole in every way that matters; anything else ended too early.
        if self.state == "done" or (self.state == "trailer" and not self.line):
            return self.trailers
        raise errors.error("IncompleteBody")

    def _gather(self, data, pos, count) -> int:
        self.line += data[pos:pos + count]
        return pos + count

    def _gather_line(self, data, pos) -> int:
        newline = data.find(b"\n", pos)
        stop = len(data) if newline < 0 else newline + 1
        self.line += data[pos:stop]
        if len(self.line) > self.MAX_LINE:
            raise errors.error("IncompleteBody")
        if newline >= 0:
            line = bytes(self.line)
            self.line.clear()
            if not line.endswith(b"\r\n"):
                raise errors.error("IncompleteBody")
            self._chunk_header(line[:-2]) if self.state == "size" else self._trailer_line(line[:-2])
        return stop

    def _end_of_data(self):
        if self.line != b"\r\n":
            raise errors.error("IncompleteBody")
        self.line.clear()
        self.state = "size"

    def _chunk_header(self, line: bytes):
        size_text = line.split(b";", 1)[0].strip()
        if not size_text or len(size_text) > 16:
            raise errors.error("IncompleteBody")
        try:
            size = int(size_text, 16)
        except ValueError:
            raise errors.error("IncompleteBody") from None
        self.remaining = size
        self.state = "data" if size else "trailer"

    def _trailer_line(self, line: bytes):
        if not line:
            self.state = "done"
            return
        name, colon, value = line.partition(b":")
        if not colon:
            raise errors.error("MalformedTrailerError")
        self.trailers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
