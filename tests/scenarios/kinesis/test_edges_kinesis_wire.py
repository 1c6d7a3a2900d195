"""The JSON wire as Kinesis writes it, byte for byte, for requests any SDK could send.

Source: kinesalite's connection and per-operation tests, recorded against live Kinesis:
an operation without output answers 200 with an empty body (`res.body.should.equal('')`
for RemoveTagsFromStream); a request with no body, or a body that is not JSON, answers
400 `{"__type": "SerializationException"}` with no message member; an unknown target
answers `{"__type": "UnknownOperationException"}`. Requests are signed with SigV4, so
these run on AWS as well.
"""
import json
import urllib.error
import urllib.request
import uuid

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TARGET = "Kinesis_20131202."
JSON_11 = "application/x-amz-json-1.1"


def _call(server, operation, body: bytes):
    """A signed Kinesis request with `body` as it is: (status, headers, body bytes)."""
    headers = {"Content-Type": JSON_11, "X-Amz-Target": TARGET + operation}
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers=headers)
    SigV4Auth(Credentials("test", "test"), "kinesis", "us-east-1").add_auth(request)
    prepared = request.prepare()
    raw = urllib.request.Request(prepared.url, data=body, method="POST", headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(raw, timeout=15) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _json(operation_body: dict) -> bytes:
    return json.dumps(operation_body).encode()


def test_operations_without_output_answer_an_empty_body(lakebox_server, make_stream, kinesis):
    name = f"wire-{uuid.uuid4().hex[:10]}"
    status, headers, body = _call(lakebox_server, "CreateStream", _json({"StreamName": name, "ShardCount": 2}))
    assert (status, body, headers["content-length"]) == (200, b"", "0")
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    kinesis.add_tags_to_stream(StreamName=name, Tags={"a": "1"})
    status, _, body = _call(lakebox_server, "RemoveTagsFromStream", _json({"StreamName": name, "TagKeys": ["a"]}))
    assert (status, body) == (200, b"")
    status, _, body = _call(lakebox_server, "MergeShards", _json({
        "StreamName": name, "ShardToMerge": "shardId-000000000000",
        "AdjacentShardToMerge": "shardId-000000000001"}))
    assert (status, body) == (200, b"")
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    status, _, body = _call(lakebox_server, "DeleteStream", _json({"StreamName": name}))
    assert (status, body) == (200, b"")


def test_split_shard_answers_an_empty_body(lakebox_server, make_stream):
    name = make_stream(shards=1)
    status, _, body = _call(lakebox_server, "SplitShard", _json({
        "StreamName": name, "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": str(2**127)}))
    assert (status, body) == (200, b"")


def test_operations_with_output_still_answer_a_document(lakebox_server):
    status, _, body = _call(lakebox_server, "ListStreams", b"{}")
    assert status == 200 and "StreamNames" in json.loads(body)


@pytest.mark.parametrize("body", [b"", b"  ", b"hello", b"{not json"], ids=["empty", "blank", "text", "broken"])
def test_a_body_that_is_no_json_document_is_a_bare_serialization_exception(lakebox_server, body):
    status, headers, answer = _call(lakebox_server, "ListStreams", body)
    assert status == 400
    assert json.loads(answer) == {"__type": "SerializationException"}
    assert headers["content-type"] == JSON_11


def test_an_unknown_target_has_no_null_message(lakebox_server):
    status, _, answer = _call(lakebox_server, "FlyToTheMoon", b"{}")
    assert status == 400
    assert json.loads(answer) == {"__type": "UnknownOperationException"}
