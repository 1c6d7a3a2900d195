"""uvicorn's httptools protocol, with two changes:

- a request the HTTP parser refuses (a negative or garbled Content-Length, a broken
  request line) is answered as S3 answers it, `400 BadRequest` in an XML error body,
  instead of uvicorn's plain-text 400. Such a request never reaches the app, so no route
  says which service it was meant for; the answer is S3's because S3 is the service
  whose clients send hand-made HTTP.
- a response's head leaves in the same system call as the first piece of its body.
  uvicorn writes them separately and uvloop sends each write at once: two sends per
  small response, each a trip through the kernel's TCP stack.
"""
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from lakebox.aws.errors import new_request_id
from lakebox.aws.xmlwrite import xml_error

PARSE_ERROR = "An error occurred when parsing the HTTP request."
JOIN_BELOW = 64 * 1024      # a smaller body piece is copied behind the head; a bigger one goes beside it


class AwsHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport) -> None:
        super().connection_made(OneWriteTransport(transport))

    def on_response_complete(self) -> None:
        self.transport.response_sent()
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        request_id = new_request_id()
        body = xml_error("BadRequest", PARSE_ERROR, {}, request_id)
        head = (b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml\r\n"
                b"x-amz-request-id: " + request_id.encode() + b"\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n")
        self.transport.write(head + body)
        self.transport.close()


class OneWriteTransport:
    """A connection's transport that holds a response's head back until the next write
    (its body), the response's end or the close, whichever comes first. uvicorn writes a
    head in one piece, starting with its status line, before anything else of its
    response; an interim `100 Continue` is sent at once, since the client waits for it
    before sending the body."""
    __slots__ = ("transport", "head", "answering")

    def __init__(self, transport):
        self.transport = transport
        self.head = None
        self.answering = False       # a response's head was written, its end not yet

    def write(self, data) -> None:
        head = self.head
        if head is not None:
            self.head = None
            if len(data) < JOIN_BELOW:
                self.transport.write(head + data)
            else:
                self.transport.writelines((head, data))
        elif not self.answering and data[:9] == b"HTTP/1.1 " and data[9:13] != b"100 ":
            self.head = data
            self.answering = True
        else:
            self.transport.write(data)

    def response_sent(self) -> None:
        self._flush()                # a body-less answer (HEAD, 304) is only its head
        self.answering = False

    def close(self) -> None:
        self._flush()
        self.transport.close()

    def _flush(self):
        if self.head is not None:
            head, self.head = self.head, None
            self.transport.write(head)

    def __getattr__(self, name):
        return getattr(self.transport, name)
