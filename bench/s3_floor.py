"""The floor for bench/s3_cpu_bench.py: lakebox's stack answering S3 PUT and GET with no work.

Same stack and settings as `lakebox serve` (uvicorn's server with lakebox's own HTTP/1.1
protocol, `lakebox/httpwire.py`, on httptools and uvloop; access log and server header
off). It reads each request body, keeps the last PUT body in memory, and answers with
the headers lakebox's S3 answers with (a GET returns the kept body): what a 1 KiB PUT or
GET costs the stack alone, so the rest of lakebox's figure is its work. With `uvicorn`
after the port it runs on uvicorn's own httptools protocol instead (the stack before
lakebox had its own), for a side-by-side.

    python3 bench/s3_floor.py PORT [uvicorn]
"""
import sys

import uvicorn

from lakebox.httpwire import HttpProtocol

ETAG = (b"etag", b'"f427644f7088cbc84a2ed3037a28b993"')
COMMON = [(b"x-amz-request-id", b"cb90321d-db68-451c-791b-74dc65d020a3"),
          (b"x-amz-id-2", b"cb90321d-db68-451c-791b-74dc65d020a3"), ETAG,
          (b"x-amz-checksum-crc32", b"JBJcNw=="), (b"x-amz-checksum-type", b"FULL_OBJECT"),
          (b"x-amz-server-side-encryption", b"AES256")]
READ = [(b"last-modified", b"Thu, 03 Dec 2026 14:40:41 GMT"), (b"accept-ranges", b"bytes"),
        (b"content-type", b"binary/octet-stream")]
kept = {"body": b""}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["method"] == "PUT":
        kept["body"] = body
        answer, headers = b"", COMMON
    else:
        answer, headers = kept["body"], COMMON + READ
    await send({"type": "http.response.start", "status": 200,
                "headers": headers + [(b"content-length", str(len(answer)).encode())]})
    await send({"type": "http.response.body", "body": answer})


if __name__ == "__main__":
    http = "httptools" if sys.argv[2:] == ["uvicorn"] else HttpProtocol
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http=http,
                lifespan="off", access_log=False, log_level="warning", server_header=False)
