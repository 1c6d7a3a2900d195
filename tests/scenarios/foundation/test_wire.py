"""Malformed and unknown requests get clean AWS-shaped 4xx errors, never a 500."""
import json
import time

import pytest
from raw_http import send

pytestmark = pytest.mark.local_only     # raw requests with fake signatures; aimed at lakebox
SCOPE = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"


def signed(service) -> dict:
    """A made-up but complete signature: AWS also wants the signing time in a header, and
    within 15 minutes of now."""
    return {"Authorization": SCOPE.format(service=service),
            "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())}


def json_call(server, target, body, content_type="application/x-amz-json-1.1"):
    return send(server, body=body, headers={"X-Amz-Target": target, "Content-Type": content_type,
                                            **signed("kinesis")})


def test_bad_json_is_a_serialization_error(lakebox_server):
    status, headers, body = json_call(lakebox_server, "Kinesis_20131202.ListStreams", b"{not json")
    assert status == 400
    assert json.loads(body)["__type"] == "SerializationException"
    assert headers["x-amzn-requestid"]


def test_json_that_is_not_an_object_is_a_serialization_error(lakebox_server):
    status, _, body = json_call(lakebox_server, "Kinesis_20131202.ListStreams", b"[1, 2]")
    assert status == 400
    assert json.loads(body)["__type"] == "SerializationException"


def test_unknown_target_is_unknown_operation(lakebox_server):
    status, _, body = json_call(lakebox_server, "Kinesis_20131202.FlyToTheMoon", b"{}")
    assert status == 400
    assert json.loads(body)["__type"] == "UnknownOperationException"


def test_unimplemented_operation_is_501_naming_it(lakebox_server):
    status, _, body = json_call(lakebox_server, "RedshiftData.ListStatements", b"{}")
    assert status == 501
    answer = json.loads(body)
    assert answer["__type"] == "NotImplemented"
    assert "redshift-data ListStatements" in answer["message"]


def test_bad_cbor_is_a_serialization_error(lakebox_server):
    status, _, _ = json_call(lakebox_server, "Kinesis_20131202.ListStreams", b"\xff\xfe\x00",
                             content_type="application/x-amz-cbor-1.1")
    assert status == 400


def test_unknown_query_action_is_invalid_action(lakebox_server):
    status, _, body = send(lakebox_server, body=b"Action=DoNothing&Version=2011-06-15",
                           headers={"Content-Type": "application/x-www-form-urlencoded", **signed("sts")})
    assert status == 400
    assert b"<Code>InvalidAction</Code>" in body


def test_bad_xml_in_an_s3_configuration_is_malformed_xml(lakebox_server):
    status, headers, body = send(lakebox_server, "/some-bucket?versioning", body=b"<Versioning",
                                 method="PUT", headers={"Authorization": SCOPE.format(service="s3")})
    assert status == 400
    assert b"<Code>MalformedXML</Code>" in body
    assert headers["x-amz-request-id"]


def test_health_lists_services(lakebox_server):
    status, _, body = send(lakebox_server, "/_lakebox/health", method="GET")
    answer = json.loads(body)
    assert status == 200 and answer["status"] == "ok"
    assert answer["services"]["sts"] == "running"


def test_clock_moves_and_comes_back(lakebox_server):
    _, _, before = send(lakebox_server, "/_lakebox/clock", method="GET")
    _, _, moved = send(lakebox_server, "/_lakebox/clock", body=b'{"advance": 60}')
    _, _, back = send(lakebox_server, "/_lakebox/clock", body=json.dumps({"offset": json.loads(before)["offset"]}).encode())
    assert json.loads(moved)["offset"] == json.loads(before)["offset"] + 60
    assert json.loads(back)["offset"] == json.loads(before)["offset"]


def test_clock_refuses_a_non_number(lakebox_server):
    status, _, _ = send(lakebox_server, "/_lakebox/clock", body=b'{"advance": "soon"}')
    assert status == 400


def test_oversized_body_is_refused_before_it_is_read(lakebox_server):
    import socket
    host, port = lakebox_server.endpoint.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        signature = "".join(f"{name}: {value}\r\n" for name, value in signed("kinesis").items()).encode()
        sock.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
                     + signature + b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100000000\r\n\r\n{")
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize("body,message", [
    (b'{"StreamName": ["a"]}', "Start of list found where not expected."),
    (b'{"StreamName": {"a": 1}}', "Start of structure or map found where not expected."),
    (b'{"StreamName": "s", "ShardCount": "two"}', "STRING_VALUE can not be converted to an Integer"),
    (b'{"StreamName": 5}', "NUMBER_VALUE can not be converted to a String"),
])
def test_json_values_of_the_wrong_kind_are_serialization_errors(lakebox_server, body, message):
    status, _, answer = json_call(lakebox_server, "Kinesis_20131202.CreateStream", body)
    assert status == 400
    assert json.loads(answer) == {"__type": "SerializationException", "message": message}


def test_empty_form_encoded_s3_requests_are_answered(lakebox_server):
    """urllib marks every body form-encoded; an empty one must not leave the server waiting."""
    headers = {"Authorization": SCOPE.format(service="s3"), "Content-Type": "application/x-www-form-urlencoded"}
    assert send(lakebox_server, "/wire-empty-bodies", method="PUT", headers=headers)[0] == 200
    assert send(lakebox_server, "/wire-empty-bodies/key", body=b"", method="PUT", headers=headers)[0] == 200
    status, _, answer = send(lakebox_server, "/wire-empty-bodies/key?uploads", body=b"", headers=headers)
    assert status == 200 and b"<UploadId>" in answer
