#!/usr/bin/env python3
"""What the HTTP layer alone costs per request, in process: lakebox's own protocol
(lakebox/httpwire.py) against uvicorn's httptools protocol, both answering the floor
app (bench/s3_floor.py: lakebox's S3 GET headers, a 1 KiB body) on a fake transport that
only counts bytes. No sockets and no other process, so the figure is the layer's Python
(parsing callbacks, scope, running the app, writing the answer) and the event loop's
scheduling, nothing of the kernel's.

    python3 bench/httpwire_bench.py [--requests 20000] [--repeat 3]

Prints the CPU microseconds per request of each protocol, the lowest of `--repeat`
blocks; it asserts nothing.
"""
import argparse
import asyncio
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import s3_floor  # noqa: E402

REQUEST = (b"GET /lakebox-cpu-bench/object-1k HTTP/1.1\r\nHost: 127.0.0.1:4566\r\n"
           b"User-Agent: Boto3/1.43 md/Botocore#1.43 ua/2.1 os/linux#6 md/arch#x86_64 lang/python#3.11.7\r\n"
           b"X-Amz-Date: 20261203T120000Z\r\n"
           b"X-Amz-Content-SHA256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\r\n"
           b"Authorization: AWS4-HMAC-SHA256 Credential=test/20261203/us-east-1/s3/aws4_request, "
           b"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=3f1b\r\n"
           b"amz-sdk-invocation-id: 0a4b1c2d-1111-2222-3333-444455556666\r\namz-sdk-request: attempt=1\r\n\r\n")


class CountingTransport:
    def __init__(self):
        self.written = 0

    def write(self, data):
        self.written += len(data)

    def writelines(self, pieces):
        self.written += sum(map(len, pieces))

    def close(self):
        pass

    def is_closing(self):
        return False

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 4566)}.get(name, default)


def protocol_class(kind):
    if kind == "uvicorn":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
        return HttpToolsProtocol
    from lakebox.httpwire import HttpProtocol
    return HttpProtocol


async def block(kind, requests) -> float:
    """CPU microseconds per request over `requests` requests on one keep-alive connection,
    each handed over in a loop callback of its own, as a socket's data is."""
    from uvicorn.config import Config
    from uvicorn.server import ServerState
    config = Config(s3_floor.app, lifespan="off", log_level="warning", access_log=False, proxy_headers=False)
    config.load()
    loop = asyncio.get_running_loop()
    protocol = protocol_class(kind)(config, ServerState(), {}, loop)
    transport = CountingTransport()
    protocol.connection_made(transport)
    protocol.data_received(REQUEST)              # one answer first: its size tells when all are out
    for _ in range(10):
        await asyncio.sleep(0)
    answer_size, transport.written = transport.written, 0
    finished = loop.create_future()

    def step(left):
        protocol.data_received(REQUEST)
        if left > 1:
            loop.call_soon(step, left - 1)
        else:
            loop.call_soon(finished.set_result, None)

    started = time.process_time()
    loop.call_soon(step, requests)
    await finished
    while transport.written < requests * answer_size:      # uvicorn's last answers run in their tasks
        await asyncio.sleep(0)
    return (time.process_time() - started) / requests * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    s3_floor.kept["body"] = b"x" * 1024
    try:
        import uvloop
        run = uvloop.run
    except ImportError:
        run = asyncio.run
    for kind in ("uvicorn", "lakebox"):
        best = min(run(block(kind, args.requests)) for _ in range(args.repeat))
        print(f"{kind:8} {best:6.1f} us of CPU per request (lowest of {args.repeat} blocks of {args.requests})")


if __name__ == "__main__":
    main()
