"""The HTTP endpoint destination: one POST per flush in Firehose's request format
(https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html).

The request is JSON {"requestId", "timestamp" (ms), "records": [{"data": base64}]} with
the headers `X-Amz-Firehose-Request-Id`, `X-Amz-Firehose-Source-Arn`,
`X-Amz-Firehose-Protocol-Version: 1.0`, `X-Amz-Firehose-Access-Key` (the configured
key) and `X-Amz-Firehose-Common-Attributes` ({"commonAttributes": {...}}); with
`ContentEncoding: GZIP` the body is gzipped. The endpoint must answer 200 with JSON
{"requestId": <the same id>, "timestamp": ...}; anything else is a failed attempt, which
is retried on the lakebox clock until the destination's retry duration has passed.

Endpoints must be https:// (the model says so). lakebox is a local tool: it does not
verify the endpoint's certificate, so a test server with a self-signed one works.
"""
import base64
import gzip
import json
import ssl
import urllib.error
import urllib.request
import uuid

TIMEOUT_SECONDS = 30
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
            text = answer.read()
    except urllib.error.HTTPError as error:
        return "HttpEndpoint.ResponseReturnedErrorCode", (
            f"The response received from the endpoint contains an error code: {error.code}.")
    except (urllib.error.URLError, OSError) as error:
        return "HttpEndpoint.ConnectionFailed", f"Could not connect to the endpoint: {error}."
    try:
        answered = json.loads(text).get("requestId")
    except (ValueError, AttributeError):
        answered = None
    if answered != request_id:
        return "HttpEndpoint.InvalidResponseFromDestination", (
            "The response received from the endpoint is invalid: it must be JSON with the request's requestId.")
    return None
