"""What a new user tries on the first day with curl and urllib, answered as AWS answers it.

- A presigned URL stripped of a part (its signature above all) is refused whole: it never
  acts for the key it names (S3: `AuthorizationQueryParametersError` for SigV4, 403
  `AccessDenied` for SigV2 "Query-string authentication requires ...").
- Every JSON service answers a header that is no signature with 400
  `IncompleteSignatureException`, no signature with 400 `MissingAuthenticationTokenException`,
  an empty body with `SerializationException`; the query protocol (STS, SQS's older form)
  answers no signature with 403. No error body carries `"message": null`.
- OPTIONS preflights: to a bucket without CORS, S3's 403 `AccessForbidden`; to a JSON
  service, the service's own answer, never S3's XML.
"""
import json
import re
import xml.etree.ElementTree as ET

import pytest
from botocore.config import Config
from raw_http import bucket_holding, made_up_signature, send

pytestmark = pytest.mark.local_only     # unsigned and half-signed requests, aimed at lakebox

BUCKET = "audit8-first-day"
SECRET = b"private bytes"
# service: (X-Amz-Target of a cheap call, content type, signing name)
JSON_SERVICES = {
    "kinesis": ("Kinesis_20131202.ListStreams", "application/x-amz-json-1.1", "kinesis"),
    "dynamodb": ("DynamoDB_20120810.ListTables", "application/x-amz-json-1.0", "dynamodb"),
    "dynamodbstreams": ("DynamoDBStreams_20120810.ListStreams", "application/x-amz-json-1.0", "dynamodb"),
    "sqs": ("AmazonSQS.ListQueues", "application/x-amz-json-1.0", "sqs"),
    "kms": ("TrentService.ListKeys", "application/x-amz-json-1.1", "kms"),
    "glue": ("AWSGlue.GetDatabases", "application/x-amz-json-1.1", "glue"),
    "athena": ("AmazonAthena.ListWorkGroups", "application/x-amz-json-1.1", "athena"),
    "firehose": ("Firehose_20150804.ListDeliveryStreams", "application/x-amz-json-1.1", "firehose"),
}


def xml_error(body: bytes) -> tuple:
    root = ET.fromstring(body)
    return root.findtext(".//{*}Code") or root.findtext("Code"), root.findtext(".//{*}Message") or \
        root.findtext("Message")


@pytest.fixture(scope="module")
def stored(lakebox_server):
    return bucket_holding(lakebox_server, BUCKET, "k", SECRET)


def without(url: str, name: str) -> str:
    stripped = re.sub(rf"([?&]){re.escape(name)}=[^&]*&?", r"\1", url).rstrip("&?")
    assert stripped != url
    return stripped


# --- presigned URLs --------------------------------------------------------------------

@pytest.mark.parametrize("part", ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders",
                                  "X-Amz-Expires", "X-Amz-Algorithm"])
def test_a_sigv4_url_missing_a_part_is_refused_not_served(stored, part):
    s3 = stored.client("s3", config=Config(signature_version="s3v4"))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "k"}, ExpiresIn=300)
    assert send(stored, url[len(stored.endpoint):], method="GET")[::2] == (200, SECRET)
    status, _, body = send(stored, without(url, part)[len(stored.endpoint):], method="GET")
    assert (status, xml_error(body)) == (400, (
        "AuthorizationQueryParametersError",
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
        "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."))


def test_a_sigv4_put_url_without_its_signature_stores_nothing(stored):
    s3 = stored.client("s3", config=Config(signature_version="s3v4"))
    url = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "unsigned-put"}, ExpiresIn=300)
    status, _, body = send(stored, without(url, "X-Amz-Signature")[len(stored.endpoint):], b"x", method="PUT")
    assert (status, xml_error(body)[0]) == (400, "AuthorizationQueryParametersError")
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="unsigned-put")["KeyCount"] == 0


@pytest.mark.parametrize("part", ["Signature", "Expires"])
def test_a_sigv2_url_missing_a_part_is_access_denied(stored, part):
    s3 = stored.client("s3", config=Config(signature_version="s3"))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "k"}, ExpiresIn=300)
    status, _, body = send(stored, without(url, part)[len(stored.endpoint):], method="GET")
    assert (status, xml_error(body)) == (403, (
        "AccessDenied", "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"))


# --- JSON and query services -----------------------------------------------------------

def json_call(server, service, headers, body=b"{}"):
    target, content_type, _ = JSON_SERVICES[service]
    status, _, answer = send(server, body=body, method="POST",
                             headers={"X-Amz-Target": target, "Content-Type": content_type, **headers})
    assert b'"message":null' not in answer.replace(b" ", b"").lower()
    return status, json.loads(answer)


@pytest.mark.parametrize("service", JSON_SERVICES)
def test_every_json_service_calls_authorization_x_an_incomplete_signature(lakebox_server, service):
    status, answer = json_call(lakebox_server, service, {"Authorization": "X"})
    assert (status, answer["__type"].rpartition("#")[2]) == (400, "IncompleteSignatureException")
    assert answer["message"].endswith("Authorization=X")


@pytest.mark.parametrize("service", JSON_SERVICES)
def test_every_json_service_answers_no_signature_with_400(lakebox_server, service):
    status, answer = json_call(lakebox_server, service, {})
    assert (status, answer["__type"].rpartition("#")[2]) == (400, "MissingAuthenticationTokenException")
    assert answer["message"] == "Missing Authentication Token"


@pytest.mark.parametrize("service", JSON_SERVICES)
def test_every_json_service_refuses_an_empty_body(lakebox_server, service):
    status, answer = json_call(lakebox_server, service, made_up_signature(JSON_SERVICES[service][2]), body=b"")
    assert (status, answer["__type"].rpartition("#")[2]) == (400, "SerializationException")


@pytest.mark.parametrize("service", JSON_SERVICES)
def test_every_json_service_answers_a_signed_call(lakebox_server, service):
    assert json_call(lakebox_server, service, made_up_signature(JSON_SERVICES[service][2]))[0] == 200


@pytest.mark.parametrize("body", [b"Action=GetCallerIdentity&Version=2011-06-15",
                                  b"Action=ListQueues&Version=2012-11-05"])
def test_query_services_answer_no_signature_with_403(lakebox_server, body):
    status, _, answer = send(lakebox_server, body=body, method="POST",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, xml_error(answer)) == (403, ("MissingAuthenticationToken", "Missing Authentication Token"))


# --- preflights ------------------------------------------------------------------------

def test_a_preflight_to_a_bucket_without_cors_is_s3s_access_forbidden(stored):
    status, headers, body = send(stored, f"/{BUCKET}/k", method="OPTIONS", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"})
    assert (status, xml_error(body)) == (403, ("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket."))
    assert "access-control-allow-origin" not in headers


def test_a_preflight_from_an_origin_the_rules_do_not_name_is_refused(stored):
    s3 = stored.client("s3")
    s3.create_bucket(Bucket=BUCKET + "-cors")
    s3.put_bucket_cors(Bucket=BUCKET + "-cors", CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["http://app.example"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"]}]})
    allowed = send(stored, f"/{BUCKET}-cors/k", method="OPTIONS", headers={
        "Origin": "http://app.example", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type"})
    assert allowed[0] == 200
    assert allowed[1]["access-control-allow-origin"] == "http://app.example"
    status, headers, body = send(stored, f"/{BUCKET}-cors/k", method="OPTIONS", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "GET"})
    assert (status, xml_error(body)[0]) == (403, "AccessForbidden")
    assert "access-control-allow-origin" not in headers


@pytest.mark.parametrize("service", ["dynamodb", "sqs", "kms"])
def test_a_preflight_to_a_json_service_is_no_s3_answer(lakebox_server, service):
    status, headers, body = send(lakebox_server, "/", method="OPTIONS", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-amz-target"})
    assert (status, body) == (200, b"")
    assert headers["access-control-allow-origin"] == "*"
    assert "x-amz-request-id" not in headers          # S3's header; JSON services send x-amzn-requestid


def test_a_json_request_without_a_target_gets_a_json_error(lakebox_server):
    status, headers, body = send(lakebox_server, body=b"{}", method="POST",
                                 headers={"Content-Type": "application/x-amz-json-1.0", **made_up_signature("dynamodb")})
    assert status == 400
    assert headers["content-type"].startswith("application/x-amz-json")
    assert json.loads(body)["__type"].rpartition("#")[2] == "UnknownOperationException"
