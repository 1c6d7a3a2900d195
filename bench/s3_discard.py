"""The client's ceiling for bench/s3_bench.py: an ASGI app that reads request bodies and
drops them, answering every request `200` with an ETag, on lakebox's own stack (uvicorn,
httptools, uvloop). What boto3 achieves against it is what the client itself allows.

    python3 bench/s3_discard.py PORT
"""
import sys

import uvicorn

START = {"type": "http.response.start", "status": 200,
         "headers": [(b"etag", b'"00000000000000000000000000000000"'), (b"content-length", b"0")]}
END = {"type": "http.response.body", "body": b""}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send(START)
    await send(END)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
                log_level="warning", access_log=False)
