"""Helpers of the STS and wire-protocol edge scenarios: hand-made and hand-signed requests,
clients from issued credentials, the XML error envelope."""
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/edge-role"
# botocore checks some constraints itself; switch that off to see the server's answer.
RAW = Config(parameter_validation=False, retries={"max_attempts": 0})
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
AWS_FAULT_NS = "http://webservices.amazon.com/AWSFault/2005-15-09"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
KINESIS_JSON = {"Content-Type": "application/x-amz-json-1.1"}


def client_from(lakebox_server, credentials, service="sts", **overrides):
    keys = {"aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"]}
    keys.update(overrides)
    return lakebox_server.client(service, config=RAW, **keys)


def failure(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def validation_message(value, member, constraint):
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"


# --- raw, hand-signed requests ---------------------------------------------------------

def send_raw(server, path="/", body=b"", headers=None, method="POST"):
    data = body if method != "GET" else None
    request = urllib.request.Request(server.endpoint + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def send_signed(server, service, body, headers, region="us-east-1", method="POST", path="/", credentials=None):
    request = AWSRequest(method=method, url=server.endpoint + path, data=body, headers=headers)
    SigV4Auth(credentials or Credentials("test", "test"), service, region).add_auth(request)
    prepared = request.prepare()
    payload = prepared.body or b""
    payload = payload.encode() if isinstance(payload, str) else payload
    return send_raw(server, path, payload, dict(prepared.headers), method)


def send_query(server, body, headers=None, **kwargs):
    return send_signed(server, "sts", body, {**FORM, **(headers or {})}, **kwargs)


def xml_error(body):
    root = ET.fromstring(body)
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    ns = {"n": namespace} if namespace else {}

    def find(path):
        node = root.find(path.replace("*", "n:" if namespace else ""), ns) if namespace else root.find(
            path.replace("*", ""))
        return None if node is None else node.text

    return {"root": root.tag.split("}")[-1], "namespace": namespace, "Type": find("*Error/*Type"),
            "Code": find("*Error/*Code"), "Message": find("*Error/*Message"), "RequestId": find("*RequestId")}
