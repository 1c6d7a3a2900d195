"""The SQS query protocol as older SDKs send it: form-encoded, SigV4-signed requests
with `Action=` and indexed members, parsed XML answers in the 2012-11-05 namespace."""
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NS = {"q": "http://queue.amazonaws.com/doc/2012-11-05/"}


def call(server, action, path="/", method="POST", **fields):
    """One query request; returns (status, headers, parsed XML root). GET sends the
    fields in the query string, as the SQS API reference's examples write them."""
    params = {"Action": action, "Version": "2012-11-05", **fields}
    if method == "GET":
        url, body, headers = f"{server.endpoint}{path}?{urlencode(params)}", None, {}
    else:
        url, body = server.endpoint + path, urlencode(params)
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(Credentials("test", "test"), "sqs", "us-east-1").add_auth(request)
    answer = requests.request(method, url, data=body, headers=dict(request.headers), timeout=30)
    return answer.status_code, answer.headers, ET.fromstring(answer.content)


def text(root, path):
    found = root.find(path, NS)
    return None if found is None else found.text


def pairs(root, path, key="q:Name", value="q:Value") -> dict:
    """{Name: Value} of the repeated elements at `path` (attributes, tags)."""
    return {text(e, key): text(e, value) for e in root.findall(path, NS)}


def error(root) -> tuple:
    """(Type, Code, Message) of an ErrorResponse."""
    return text(root, "q:Error/q:Type"), text(root, "q:Error/q:Code"), text(root, "q:Error/q:Message")
