"""Signatures that cannot be signatures, unsigned requests, and requests that are not S3's,
answered as AWS answers them. Sources: recorded Kinesis replies (IncompleteSignature
wording, statuses), AWS "Common Errors" (query services: 403 MissingAuthenticationToken,
400 IncompleteSignature), the S3 API reference and S3's recorded replies."""
import base64
import hashlib
import http.client
import json
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from raw_http import send

pytestmark = pytest.mark.local_only     # hand-made, unsigned and half-signed requests
# Signed now: a request signed more than 15 minutes from the real time is refused.
DATE = {"X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())}
SCOPE = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
LIST_STREAMS = {"X-Amz-Target": "Kinesis_20131202.ListStreams", "Content-Type": "application/x-amz-json-1.1"}
REQUIRES_ALL = ("Authorization header requires 'Credential' parameter. "
                "Authorization header requires 'Signature' parameter. "
                "Authorization header requires 'SignedHeaders' parameter. "
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")


def kinesis(server, headers, body=b"{}", path="/"):
    status, _, answer = send(server, path, body, {**LIST_STREAMS, **headers})
    return status, json.loads(answer)


def xml_code_and_message(body: bytes):
    root = ET.fromstring(body)
    find = (lambda name: root.find(f".//{{*}}{name}")) if root.tag.startswith("{") else root.find
    code, message = find("Code"), find("Message")
    return code.text, (message.text if message is not None else None)


# --- JSON services (Kinesis) ---------------------------------------------------------

def test_a_header_that_is_no_signature_is_incomplete(lakebox_server):
    assert kinesis(lakebox_server, {"Authorization": "X"}) == (400, {
        "__type": "IncompleteSignatureException", "message": REQUIRES_ALL + "Authorization=X"})


def test_the_missing_parts_are_named_and_the_header_echoed(lakebox_server):
    header = "AWS4- Signature=b, Credential=a"
    assert kinesis(lakebox_server, {"Authorization": header, "Date": "a"}) == (400, {
        "__type": "IncompleteSignatureException",
        "message": f"Authorization header requires 'SignedHeaders' parameter. Authorization={header}"})


def test_a_part_without_an_equal_sign_is_refused_by_its_digest(lakebox_server):
    header = "Bearer some-token"
    digest = base64.b64encode(hashlib.sha256(header.encode()).digest()).decode()
    assert kinesis(lakebox_server, {"Authorization": header, **DATE}) == (400, {
        "__type": "IncompleteSignatureException",
        "message": "Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 "
                   f"and encoded with Base64): '{digest}'."})


def test_header_and_query_string_may_not_both_sign(lakebox_server):
    status, answer = kinesis(lakebox_server, {"Authorization": "X"}, path="/?X-Amz-Algorithm")
    assert (status, answer["__type"]) == (400, "InvalidSignatureException")
    assert answer["message"] == "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."


def test_an_incomplete_query_string_signature_names_what_it_lacks(lakebox_server):
    status, answer = kinesis(lakebox_server, {}, path="/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c"
                                                      "&X-Amz-Date=d")
    assert (status, answer) == (400, {"__type": "IncompleteSignatureException",
                                      "message": "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
                                                 "Re-examine the query-string parameters."})


def test_an_unsigned_json_request_is_400_missing_authentication_token(lakebox_server):
    status, answer = kinesis(lakebox_server, {})
    assert (status, answer["__type"]) == (400, "MissingAuthenticationTokenException")
    assert answer["message"] == "Missing Authentication Token"


def test_unsigned_bad_input_is_refused_as_unsigned_not_validated(lakebox_server):
    status, answer = kinesis(lakebox_server, {"X-Amz-Target": "Kinesis_20131202.CreateStream"},
                             body=b'{"StreamName": "bad name!", "ShardCount": 0}')
    assert (status, answer["__type"]) == (400, "MissingAuthenticationTokenException")


def test_a_json_body_without_target_is_an_unknown_operation_not_s3(lakebox_server):
    status, headers, body = send(lakebox_server, "/", b"{}", {"Content-Type": "application/x-amz-json-1.1",
                                                              "Authorization": SCOPE.format(service="kinesis"), **DATE})
    assert status == 400
    assert headers["content-type"].startswith("application/x-amz-json")
    assert json.loads(body)["__type"] == "UnknownOperationException"


def test_a_json_preflight_is_answered_for_any_origin(lakebox_server):
    status, headers, body = send(lakebox_server, "/", method="OPTIONS", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-amz-target, x-amz-date, authorization"})
    assert (status, body) == (200, b"")
    assert headers["access-control-allow-origin"] == "*"
    assert headers["access-control-allow-methods"] == "POST"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-target, x-amz-date, authorization"
    assert headers["access-control-max-age"] == "172800"
    assert headers["x-amzn-requestid"]


def test_an_options_without_origin_to_a_json_endpoint_is_no_s3_error(lakebox_server):
    status, _, body = send(lakebox_server, "/", method="OPTIONS")
    assert status == 403
    assert b"MissingAuthenticationToken" in body and b"CORS" not in body


def test_a_json_answer_to_a_browser_allows_any_origin(lakebox_server):
    status, headers, _ = send(lakebox_server, "/", b"{}", {**LIST_STREAMS, "Origin": "http://localhost:3000",
                                                           "Authorization": SCOPE.format(service="kinesis"), **DATE})
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"


# --- query services (STS) ------------------------------------------------------------

def test_a_query_service_calls_it_incomplete_signature(lakebox_server):
    status, _, body = send(lakebox_server, "/", b"Action=GetCallerIdentity&Version=2011-06-15", {
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": "X"})
    assert status == 400
    assert xml_code_and_message(body) == ("IncompleteSignature", REQUIRES_ALL + "Authorization=X")


def test_an_unsigned_query_request_is_403(lakebox_server):
    status, _, body = send(lakebox_server, "/", b"Action=GetCallerIdentity&Version=2011-06-15",
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    assert xml_code_and_message(body)[0] == "MissingAuthenticationToken"


# --- S3 --------------------------------------------------------------------------------

def test_s3_refuses_an_authorization_scheme_it_does_not_know(lakebox_server):
    status, _, body = send(lakebox_server, "/any-bucket/key", method="GET", headers={"Authorization": "Bearer abc"})
    assert status == 400
    assert xml_code_and_message(body) == ("InvalidArgument", "Unsupported Authorization Type")
    assert b"<ArgumentName>Authorization</ArgumentName>" in body
    assert b"<ArgumentValue>Bearer abc</ArgumentValue>" in body


@pytest.mark.parametrize("header, message", [
    ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request",
     "The authorization header is malformed; the authorization header requires three components: "
     "Credential, SignedHeaders, and Signature."),
    ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders= , Signature=0",
     "The authorization header is malformed; the authorization header requires three components: "
     "Credential, SignedHeaders, and Signature."),
    ("AWS4-HMAC-SHA256 Credential=test/20260101/s3/aws4_request, SignedHeaders=host, Signature=0",
     'The authorization header is malformed; the Credential is mal-formed; expecting '
     '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'),
    ("AWS4-HMAC-SHA256 Credential=/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
     "The authorization header is malformed; a non-empty Access Key (AKID) must be provided in the credential."),
])
def test_s3_malformed_sigv4_headers(lakebox_server, header, message):
    status, _, body = send(lakebox_server, "/any-bucket/key", method="GET", headers={"Authorization": header})
    assert status == 400
    assert xml_code_and_message(body) == ("AuthorizationHeaderMalformed", message)


def test_unsigned_s3_requests_still_reach_s3(lakebox_server):
    status, _, body = send(lakebox_server, "/no-such-bucket-for-anyone/key", method="GET")
    assert status == 404
    assert xml_code_and_message(body)[0] == "NoSuchBucket"


@pytest.mark.parametrize("path", ["/preflight-once/key", "/preflight-once"])
def test_an_s3_preflight_is_answered_by_s3_alone(lakebox_server, path):
    s3 = lakebox_server.client("s3")
    s3.create_bucket(Bucket="preflight-once")
    s3.put_bucket_cors(Bucket="preflight-once", CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["http://localhost:3000"], "AllowedMethods": ["GET"]}]})
    connection = http.client.HTTPConnection(urllib.parse.urlparse(lakebox_server.endpoint).netloc, timeout=10)
    connection.request("OPTIONS", path, headers={"Origin": "http://localhost:3000",
                                                 "Access-Control-Request-Method": "GET"})
    response = connection.getresponse()
    allowed = [value for name, value in response.getheaders() if name.lower() == "access-control-allow-origin"]
    assert (response.status, allowed) == (200, ["http://localhost:3000"])
    assert response.getheader("x-amz-request-id")
