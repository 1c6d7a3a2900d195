"""A loader packs its BatchWriteItem requests as full as it can and pads nothing away: the
body it sends may reach DynamoDB's request limit of 16 MiB. DynamoDB reads a request of
exactly 16777216 bytes (here: a write to a table that does not exist, answered
ResourceNotFoundException); one byte more is refused by its front end with HTTP 413 and an
empty body, before the request is looked at. Both answers as recorded against DynamoDB
(radkawar/stackd, testdata/aws/dynamodb/batch_request_size.json)."""
import json
import socket
import uuid
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from trip_helpers import KEY, REGION, SECRET

LIMIT = 16 * 1024 * 1024


def post_padded(endpoint, size, table):
    """Status line and body of a BatchWriteItem whose JSON is padded with spaces to `size` bytes."""
    document = json.dumps({"RequestItems": {table: [{"PutRequest": {"Item": {
        "pk": {"S": "missing-boundary"}, "sk": {"S": "missing-boundary"}}}}]}})
    body = (document + " " * (size - len(document))).encode()
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={
        "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem", "Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials(KEY, SECRET), "dynamodb", REGION).add_auth(request)
    where = urlsplit(endpoint)
    head = "".join(f"{name}: {value}\r\n" for name, value in request.headers.items()
                   if name.lower() not in ("host", "content-length"))
    with socket.create_connection((where.hostname, where.port), timeout=60) as sock:
        try:
            sock.sendall(f"POST / HTTP/1.1\r\nHost: {where.netloc}\r\n{head}Content-Length: {size}\r\n"
                         f"Connection: close\r\n\r\n".encode() + body)
        except OSError:
            pass                       # refused before the body was read: the answer is waiting
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    headers, _, payload = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), payload


def test_a_batch_at_and_past_the_request_limit(lakebox_server):
    endpoint = lakebox_server.endpoint or f"https://dynamodb.{REGION}.amazonaws.com"
    table = f"stkd-gone-{uuid.uuid4().hex[:10]}"
    status, payload = post_padded(endpoint, LIMIT, table)
    assert status == 400
    assert json.loads(payload) == {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                                   "message": "Requested resource not found"}
    assert post_padded(endpoint, LIMIT + 1, table) == (413, b"")
