"""CBOR, as the AWS SDK for Java v2 speaks to Kinesis by default: the JSON protocol's
X-Amz-Target, a `application/x-amz-cbor-1.1` body, blobs as CBOR byte strings and
timestamps as CBOR tag 1 around integer epoch milliseconds (what that SDK writes and
reads with Long.parseLong)."""
import datetime
import io

import cbor2
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

pytestmark = pytest.mark.local_only      # AWS would want real credentials; the wire format is the same


def _call(endpoint, operation, document):
    body = cbor2.dumps(document)
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={
        "X-Amz-Target": f"Kinesis_20131202.{operation}",
        "Content-Type": "application/x-amz-cbor-1.1",
        "Accept": "application/x-amz-cbor-1.1",
    })
    SigV4Auth(Credentials("test", "test"), "kinesis", "us-east-1").add_auth(request)
    response = requests.post(endpoint + "/", data=body, headers=dict(request.headers.items()), timeout=10)
    decoder = cbor2.CBORDecoder(io.BytesIO(response.content),
                                semantic_decoders={1: lambda value, _immutable: ("epoch-millis", value)})
    return response.status_code, response.headers.get("content-type"), decoder.decode()


def _now_millis():
    return int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)


def test_java_sdk_style_cbor_put_and_get(lakebox_server, make_stream):
    stream = make_stream()
    endpoint = lakebox_server.endpoint
    payload = bytes(range(256))
    status, content_type, put = _call(endpoint, "PutRecord",
                                      {"StreamName": stream, "Data": payload, "PartitionKey": "k"})
    assert status == 200 and content_type == "application/x-amz-cbor-1.1"
    assert put["ShardId"] == "shardId-000000000000"
    _, _, iterator = _call(endpoint, "GetShardIterator", {
        "StreamName": stream, "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": cbor2.CBORTag(1, _now_millis() - 60_000)})
    _, _, records = _call(endpoint, "GetRecords", {"ShardIterator": iterator["ShardIterator"]})
    record = records["Records"][0]
    assert record["Data"] == payload                       # a byte string, not base64 text
    assert record["SequenceNumber"] == put["SequenceNumber"]
    kind, millis = record["ApproximateArrivalTimestamp"]
    assert kind == "epoch-millis" and isinstance(millis, int)
    assert abs(millis - _now_millis()) < 60_000


def test_cbor_put_records_and_errors(lakebox_server, make_stream):
    stream = make_stream(shards=2)
    status, _, answer = _call(lakebox_server.endpoint, "PutRecords", {
        "StreamName": stream, "Records": [{"Data": f"{i}".encode(), "PartitionKey": str(i)} for i in range(20)]})
    assert status == 200 and answer["FailedRecordCount"] == 0 and len(answer["Records"]) == 20
    status, _, error = _call(lakebox_server.endpoint, "DescribeStreamSummary", {"StreamName": stream + "-nope"})
    assert status == 400
    assert error["__type"].endswith("ResourceNotFoundException")
    assert error["message"] == f"Stream {stream}-nope under account 000000000000 not found."
