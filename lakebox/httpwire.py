"""uvicorn's httptools protocol, with two changes:

- a request the HTTP parser refuses (a negative or garbled Content-Length, a broken
  request line) is answered as S3 answers it, `400 BadRequest` in an XML error body,
  instead of uvicorn's plain-text 400. Such a request never reaches the app, so no route
  says which service it was meant for; the answer is S3's because S3 is the service
  whose clients send hand-made HTTP.
- a response's status line and headers leave with its first body bytes, in one write:
  uvicorn writes them on `http.response.start`, then the body on `http.response.body`,
  two system calls and two TCP segments for every answer, a cost a small JSON answer
  (a DynamoDB PutItem, a Kinesis PutRecord) pays in full.
"""
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from lakebox.aws.errors import new_request_id
from lakebox.aws.xmlwrite import xml_error

PARSE_ERROR = "An error occurred when parsing the HTTP request."


class _HeadHeldTransport:
    """A transport that holds a final response's head until the next write (or the end
    of the response, `flush`). Interim responses (`100 Continue`) leave at once."""
    __slots__ = ("_transport", "_head")

    def __init__(self, transport):
        self._transport = transport
        self._head = None

    def write(self, data: bytes) -> None:
        head = self._head
        if head is not None:
            self._head = None
            if data:
                self._transport.writelines((head, data))    # one writev
            else:
                self._transport.write(head)
        elif data.startswith(b"HTTP/1.1 ") and not data.startswith(b"1", 9) and data.endswith(b"\r\n\r\n"):
            self._head = data
        else:
            self._transport.write(data)

    def flush(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name):
        return getattr(self._transport, name)


class AwsHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport) -> None:
        super().connection_made(_HeadHeldTransport(transport))

    def on_response_complete(self) -> None:
        self.transport.flush()          # a head with no body after it (HEAD, 204, 304)
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        request_id = new_request_id()
        body = xml_error("BadRequest", PARSE_ERROR, {}, request_id)
        head = (b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml\r\n"
                b"x-amz-request-id: " + request_id.encode() + b"\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n")
        self.transport.write(head + body)
        self.transport.close()
