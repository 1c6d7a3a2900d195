"""Hand-made requests: answers read off a raw socket, urllib calls, made-up signatures."""
import time
import urllib.error
import urllib.request


def read_response(sock) -> bytes:
    """One whole response (head and Content-Length body); what came before the server
    closed (b"" when nothing did)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def send(server, path="/", body=b"", headers=None, method="POST"):
    """(status, lower-cased headers, body) of one request made with urllib, errors included."""
    request = urllib.request.Request(server.endpoint + path, data=body if method != "GET" else None,
                                     method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def made_up_signature(service: str) -> dict:
    """Headers of a complete SigV4 signature that is not checked (any secret works for the
    `test` key), dated now: AWS refuses a signing time more than 15 minutes off."""
    now = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential=test/{now[:8]}/us-east-1/{service}/aws4_request, "
                             "SignedHeaders=host, Signature=0", "X-Amz-Date": now}


def bucket_holding(server, bucket: str, key: str, body: bytes):
    """Make `bucket` with one object in it; return the server."""
    s3 = server.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    return server
