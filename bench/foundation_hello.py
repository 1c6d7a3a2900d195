"""The reference floor for bench/foundation_bench.py: a bare ASGI hello-world.

Same stack and settings as `lakebox serve` (lakebox/server.py): uvicorn's server with
lakebox's own HTTP/1.1 protocol on httptools (lakebox/httpwire.py), uvloop, one worker,
access log off, no server header. It answers every request with a
short text/xml body and never reads the request body, so it measures only what the
stack itself costs per request.

    python3 bench/foundation_hello.py PORT
"""
import sys

import uvicorn

from lakebox.httpwire import HttpProtocol

BODY = b"<HelloResponse>hello</HelloResponse>"
START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"text/xml"), (b"content-length", str(len(BODY)).encode())],
}
END = {"type": "http.response.body", "body": BODY}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send(START)
    await send(END)


def main():
    port = int(sys.argv[1])
    try:
        import uvloop  # noqa: F401
        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    uvicorn.run(app, host="127.0.0.1", port=port, loop=loop, http=HttpProtocol, workers=1,
                lifespan="off", access_log=False, log_level="warning", server_header=False)


if __name__ == "__main__":
    main()
