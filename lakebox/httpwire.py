"""uvicorn's httptools protocol, with one change: a request the HTTP parser refuses (a
negative or garbled Content-Length, a broken request line) is answered as S3 answers it,
`400 BadRequest` in an XML error body, instead of uvicorn's plain-text 400.

Such a request never reaches the app, so no route says which service it was meant for;
the answer is S3's because S3 is the service whose clients send hand-made HTTP.
"""
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from lakebox.aws.errors import new_request_id
from lakebox.aws.xmlwrite import xml_error

PARSE_ERROR = "An error occurred when parsing the HTTP request."


class AwsHttpToolsProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        request_id = new_request_id()
        body = xml_error("BadRequest", PARSE_ERROR, {}, request_id)
        head = (b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml\r\n"
                b"x-amz-request-id: " + request_id.encode() + b"\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n")
        self.transport.write(head + body)
        self.transport.close()
