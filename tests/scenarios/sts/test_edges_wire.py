"""Wire-protocol edges: the query protocol (STS), the JSON protocol (Kinesis), and services
lakebox does not serve, asserting what real AWS answers (sources next to each test).
"""
import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from botocore.config import Config

from edge_wire_helpers import (AWS_FAULT_NS, FORM, KINESIS_JSON, RAW, ROLE, STS_NS, failure, send_query,
                               send_raw, send_signed, xml_error)


@pytest.fixture
def sts(lakebox_server):
    return lakebox_server.client("sts", config=RAW)


# ======================================================================================
# Query protocol (STS) on the wire
# ======================================================================================

@pytest.mark.local_only
def test_sts_error_envelope_shape(lakebox_server):
    status, headers, body = send_query(lakebox_server, "Action=AssumeRole&Version=2011-06-15"
                                   f"&RoleArn={ROLE}&RoleSessionName=a")
    assert status == 400
    assert headers["content-type"].startswith("text/xml")
    error = xml_error(body)
    assert (error["root"], error["namespace"]) == ("ErrorResponse", STS_NS)
    assert (error["Type"], error["Code"]) == ("Sender", "ValidationError")
    assert error["RequestId"] and error["RequestId"] == headers["x-amzn-requestid"]


@pytest.mark.local_only
def test_unknown_action_is_invalid_action_in_the_aws_fault_namespace(lakebox_server):
    """Real STS: 400 InvalidAction 'Could not find operation X for version V', envelope in the
    AWSFault namespace (public STS wire oracle; Envoy's recorded STS answer)."""
    status, _, body = send_query(lakebox_server, "Action=DoNothing&Version=2011-06-15")
    error = xml_error(body)
    assert status == 400
    assert (error["Code"], error["Message"]) == ("InvalidAction",
                                                 "Could not find operation DoNothing for version 2011-06-15")
    assert error["namespace"] == AWS_FAULT_NS


@pytest.mark.local_only
@pytest.mark.parametrize("body, shown", [
    ("Action=GetCallerIdentity", "NO_VERSION_SPECIFIED"),
    ("Action=GetCallerIdentity&Version=2000-01-01", "2000-01-01"),
    ("Action=GetCallerIdentity&Version=", ""),
])
def test_wrong_or_missing_version_is_invalid_action(lakebox_server, body, shown):
    status, _, answer = send_query(lakebox_server, body)
    assert status == 400, answer
    error = xml_error(answer)
    assert (error["Code"], error["Message"]) == ("InvalidAction",
                                                 f"Could not find operation GetCallerIdentity for version {shown}")


@pytest.mark.local_only
def test_missing_action_is_not_a_server_error(lakebox_server):
    """Real STS redirects (302 to https://aws.amazon.com/iam); lakebox answering a 4xx is acceptable,
    a 5xx is not."""
    status, _, _ = send_query(lakebox_server, "Version=2011-06-15")
    assert status in (302, 400)


@pytest.mark.local_only
def test_get_query_request_signed_in_headers(lakebox_server):
    status, _, body = send_signed(lakebox_server, "sts", None, {}, method="GET",
                              path="/?Action=GetCallerIdentity&Version=2011-06-15")
    assert status == 200
    assert b"<Arn>arn:aws:iam::" in body


@pytest.mark.local_only
def test_presigned_get_caller_identity_url(lakebox_server):
    """EKS / Vault style: a presigned GetCallerIdentity URL fetched with a plain GET."""
    sts = lakebox_server.client("sts", aws_access_key_id="753186420975")
    url = sts.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET")
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
    root = ET.fromstring(body)
    assert root.tag == f"{{{STS_NS}}}GetCallerIdentityResponse"
    assert root.find(f"{{{STS_NS}}}GetCallerIdentityResult/{{{STS_NS}}}Account").text == "753186420975"


@pytest.mark.local_only
def test_unsigned_sts_request_is_missing_authentication_token(lakebox_server):
    status, _, body = send_raw(lakebox_server, "/", b"Action=GetCallerIdentity&Version=2011-06-15", FORM)
    assert status == 403, body
    assert xml_error(body)["Code"] == "MissingAuthenticationToken"


@pytest.mark.local_only
def test_large_query_body_is_answered(lakebox_server):
    big = "Action=GetCallerIdentity&Version=2011-06-15&Pad=" + "x" * (2 * 1024 * 1024)
    status, _, _ = send_query(lakebox_server, big)
    assert status < 500


# ======================================================================================
# JSON protocol (Kinesis) on the wire
# ======================================================================================

def _kinesis(server, target, body, headers=None):
    hdrs = {**KINESIS_JSON, **(headers or {})}
    if target:
        hdrs["X-Amz-Target"] = target
    return send_signed(server, "kinesis", body, hdrs)


@pytest.mark.local_only
def test_json_error_carries_type_in_body_and_header(lakebox_server):
    status, headers, body = _kinesis(lakebox_server, "Kinesis_20131202.DescribeStream", '{"StreamName":"nope-edge"}')
    assert status == 400
    assert json.loads(body)["__type"].split("#")[-1] == "ResourceNotFoundException"
    assert headers["x-amzn-errortype"].split(":")[0] == "ResourceNotFoundException"
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-requestid"]


@pytest.mark.local_only
def test_malformed_json_is_serialization_exception(lakebox_server):
    status, headers, body = _kinesis(lakebox_server, "Kinesis_20131202.ListStreams", "{bad json")
    assert status == 400
    assert json.loads(body)["__type"].split("#")[-1] == "SerializationException"
    assert headers["x-amzn-errortype"].split(":")[0] == "SerializationException"


@pytest.mark.local_only
def test_unknown_target_is_unknown_operation_exception(lakebox_server):
    status, headers, body = _kinesis(lakebox_server, "Kinesis_20131202.FlyToTheMoon", "{}")
    assert status == 400
    assert json.loads(body)["__type"].split("#")[-1] == "UnknownOperationException"


@pytest.mark.local_only
def test_missing_target_on_a_json_request_is_a_json_unknown_operation(lakebox_server):
    """A Kinesis-signed x-amz-json-1.1 POST without X-Amz-Target: Coral answers 400
    {"__type": "...UnknownOperationException"} in JSON, not an S3 XML error."""
    status, headers, body = _kinesis(lakebox_server, None, "{}")
    assert status == 400
    assert headers.get("content-type", "").startswith("application/x-amz-json")
    assert json.loads(body)["__type"].split("#")[-1] == "UnknownOperationException"


@pytest.mark.local_only
def test_missing_required_member_on_json_service(lakebox_server):
    status, _, body = _kinesis(lakebox_server, "Kinesis_20131202.CreateStream", '{"ShardCount": 1}')
    assert status == 400
    assert json.loads(body)["__type"].split("#")[-1] == "ValidationException"


@pytest.mark.local_only
def test_unsigned_json_request_is_missing_authentication_token(lakebox_server):
    status, _, body = send_raw(lakebox_server, "/", b"{}", {**KINESIS_JSON, "X-Amz-Target": "Kinesis_20131202.ListStreams"})
    assert status in (400, 403), body
    assert json.loads(body)["__type"].split("#")[-1] == "MissingAuthenticationTokenException"


def test_put_record_over_one_mebibyte_is_a_validation_exception(lakebox_server):
    kinesis = lakebox_server.client("kinesis", config=RAW)
    kinesis.create_stream(StreamName="edge-big-records", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="edge-big-records", WaiterConfig={"Delay": 0.2})
    status, error = failure(kinesis.put_record, StreamName="edge-big-records", Data=b"x" * (1024 * 1024 + 1),
                           PartitionKey="p")
    assert (status, error["Code"]) == (400, "ValidationException")
    assert error["Message"] == ("1 validation error detected: Value at 'data' failed to satisfy constraint: "
                                "Member must have length less than or equal to 1048576")


def test_regions_are_isolated(lakebox_server):
    west = lakebox_server.client("kinesis", region="us-west-2", config=RAW)
    east = lakebox_server.client("kinesis", region="us-east-1", config=RAW)
    west.create_stream(StreamName="edge-west-only", ShardCount=1)
    assert "edge-west-only" in west.list_streams()["StreamNames"]
    assert "edge-west-only" not in east.list_streams()["StreamNames"]
    status, error = failure(east.describe_stream_summary, StreamName="edge-west-only")
    assert (status, error["Code"]) == (400, "ResourceNotFoundException")


# ======================================================================================
# Services lakebox does not implement
# ======================================================================================

def test_unimplemented_json_service_is_a_clean_501(lakebox_server):
    status, error = failure(lakebox_server.client("redshift-data", config=RAW).list_statements)
    assert status == 501
    assert error["Code"] == "NotImplemented"
    assert "redshift-data" in error["Message"] and "ListStatements" in error["Message"]


@pytest.mark.parametrize("service, call", [
    ("iam", lambda c: c.list_users()),
    ("ec2", lambda c: c.describe_instances()),
    ("sns", lambda c: c.list_topics()),
])
def test_unimplemented_query_service_is_a_clean_501(lakebox_server, service, call):
    """IAM/EC2/SNS ListUsers/DescribeInstances/ListTopics are valid AWS actions: lakebox must not
    call them InvalidAction; like an unserved JSON service it should answer 501 NotImplemented."""
    status, error = failure(call, lakebox_server.client(service, config=RAW))
    assert (status, error["Code"]) == (501, "NotImplemented"), error


@pytest.mark.local_only
def test_query_compatible_service_over_raw_query(lakebox_server):
    """SQS still takes query requests (older SDKs send them): a raw ListQueues is answered in
    the query protocol, not as a code/message mismatch (Code MissingAction with Message
    'Missing Authentication Token')."""
    status, _, body = send_signed(lakebox_server, "sqs", "Action=ListQueues&Version=2012-11-05", FORM)
    assert status == 200, body
    assert b"<ListQueuesResponse" in body and b"<ListQueuesResult" in body


def test_an_error_echoing_characters_xml_cannot_carry_is_still_readable(lakebox_server):
    """A NUL in the input comes back in the validation message; the XML error document
    must stay parseable, so the caller sees the ValidationError rather than a parse failure."""
    sts = lakebox_server.client("sts", config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))
    with pytest.raises(sts.exceptions.ClientError) as raised:
        sts.get_access_key_info(AccessKeyId="AKIA\u0000BAD")
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert "accessKeyId" in raised.value.response["Error"]["Message"]
