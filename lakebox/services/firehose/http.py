"""The HTTP endpoint destination: one POST per flush in Firehose's request format
(https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html).

The request is JSON {"requestId", "timestamp" (ms), "records": [{"data": base64}]} with
the headers `X-Amz-Firehose-Request-Id`, `X-Amz-Firehose-Source-Arn`,
`X-Amz-Firehose-Protocol-Version: 1.0`, `X-Amz-Firehose-Access-Key` (the configured
key) and `X-Amz-Firehose-Common-Attributes` ({"commonAttributes": {...}}); with
`ContentEncoding: GZIP` the body is gzipped. The endpoint must answer 200 with JSON
{"requestId": <the same id>, "timestamp": ...} and `Content-Type: application/json`;
anything else is a failed attempt, which is retried on the lakebox clock until the
destination's retry duration has passed. Failures carry the error codes and words of
Firehose's HTTP endpoint troubleshooting guide (`HttpEndpoint.DestinationException`,
`InvalidResponseFromDestination`, `RequestTimeout` after 3 minutes, `ResponseTooLarge`
past 1 MiB, `ConnectionFailed`, `ConnectionReset`, `SSLHandshakeFailure`).

Endpoints must be https:// (the model says so). lakebox is a local tool: it does not
verify the endpoint's certificate, so a test server with a self-signed one works.
"""
import base64
import gzip
import http.client
import json
import socket
import ssl
import urllib.error
import urllib.request
import uuid

TIMEOUT_SECONDS = 180                   # "the endpoint took longer than 3 minutes to respond"
MAX_RESPONSE_BYTES = 1024 * 1024        # "The response must be less than 1 MiB including headers"
SHOWN_RESPONSE_CHARS = 1024             # of a refusing endpoint's answer, in the error message
_UNVERIFIED = ssl.create_default_context()
_UNVERIFIED.check_hostname = False
_UNVERIFIED.verify_mode = ssl.CERT_NONE


def post(settings: dict, source_arn: str, datas: list[bytes], now_ms: int) -> tuple[str, str] | None:
    """Deliver `datas`; None when the endpoint took them, else (error code, message)."""
    endpoint = settings["EndpointConfiguration"]
    request_id = str(uuid.uuid4())
    body = json.dumps({"requestId": request_id, "timestamp": now_ms,
                       "records": [{"data": base64.b64encode(d).decode()} for d in datas]}).encode()
    headers = {"Content-Type": "application/json", "X-Amz-Firehose-Protocol-Version": "1.0",
               "X-Amz-Firehose-Request-Id": request_id, "X-Amz-Firehose-Source-Arn": source_arn,
               "User-Agent": "Amazon Kinesis Data Firehose Agent/1.0"}
    if endpoint.get("AccessKey"):
        headers["X-Amz-Firehose-Access-Key"] = endpoint["AccessKey"]
    request_settings = settings.get("RequestConfiguration") or {}
    attributes = {a["AttributeName"]: a["AttributeValue"] for a in request_settings.get("CommonAttributes") or []}
    if attributes:
        headers["X-Amz-Firehose-Common-Attributes"] = json.dumps({"commonAttributes": attributes})
    if request_settings.get("ContentEncoding") == "GZIP":
        body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
    request = urllib.request.Request(endpoint["Url"], data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS, context=_UNVERIFIED) as answer:
            status, kind = answer.status, answer.headers.get_content_type()
            text = answer.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        return _refused(error.code, error.read(SHOWN_RESPONSE_CHARS))
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        return _unreachable(getattr(error, "reason", error))
    if len(text) > MAX_RESPONSE_BYTES:
        return "HttpEndpoint.ResponseTooLarge", "The response received from the endpoint is larger than 1 MiB."
    if status != 200:
        return _refused(status, text)
    try:
        answered = json.loads(text).get("requestId") if kind == "application/json" else None
    except (ValueError, AttributeError):
        answered = None
    if answered != request_id:
        return "HttpEndpoint.InvalidResponseFromDestination", (
            f"The response received from the specified endpoint is invalid. Contact the owner of the endpoint to "
            f"resolve the issue. Response for request {request_id} is not recognized as valid JSON or has "
            f"unexpected fields. Raw response received: {status} {text[:SHOWN_RESPONSE_CHARS].decode(errors='replace')}")
    return None


def _refused(status: int, text: bytes) -> tuple[str, str]:
    """A response other than 200 (2xx included), as Firehose words it."""
    return "HttpEndpoint.DestinationException", (
        f"The following response was received from the endpoint destination. {status}: "
        f"{text[:SHOWN_RESPONSE_CHARS].decode(errors='replace')}")


def _unreachable(reason) -> tuple[str, str]:
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "HttpEndpoint.RequestTimeout", "The endpoint took longer than 3 minutes to respond."
    if isinstance(reason, ssl.SSLError):
        return "HttpEndpoint.SSLHandshakeFailure", f"The SSL handshake with the endpoint failed: {reason}."
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
        return "HttpEndpoint.ConnectionReset", f"The connection was reset or closed by the endpoint: {reason}."
    return "HttpEndpoint.ConnectionFailed", f"Could not connect to the endpoint: {reason}."
