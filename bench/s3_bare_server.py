"""The boto3 client's own 1 KiB ceiling, tighter than bench/s3_discard.py: a bare uvloop +
httptools server (no ASGI, no uvicorn) that answers every request at once. GETs get a
1 KiB body, everything else an empty 200 with an ETag; `Expect: 100-continue` is
answered as soon as the header is seen, as boto3's PUT waits for it.

    python3 bench/s3_bare_server.py PORT
"""
import asyncio
import sys

import httptools
import uvloop

ETAG = b'etag: "00000000000000000000000000000000"\r\n'
GET_ANSWER = (b"HTTP/1.1 200 OK\r\n" + ETAG + b"content-type: binary/octet-stream\r\n"
              b"content-length: 1024\r\n\r\n" + b"x" * 1024)
OTHER_ANSWER = b"HTTP/1.1 200 OK\r\n" + ETAG + b"content-length: 0\r\n\r\n"


class Answerer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.parser = httptools.HttpRequestParser(self)

    def data_received(self, data):
        self.parser.feed_data(data)

    def on_header(self, name, value):
        if name.lower() == b"expect":
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_message_complete(self):
        self.transport.write(GET_ANSWER if self.parser.get_method() == b"GET" else OTHER_ANSWER)


async def serve(port: int):
    server = await asyncio.get_running_loop().create_server(Answerer, "127.0.0.1", port)
    await server.serve_forever()


if __name__ == "__main__":
    uvloop.run(serve(int(sys.argv[1])))
