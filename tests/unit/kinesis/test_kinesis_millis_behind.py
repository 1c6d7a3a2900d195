"""MillisBehindLatest is zero only when the reader is at the tip: records still to read
make it at least 1, even when they arrived in the same millisecond as the read ("A value
of zero indicates that record processing is caught up, and there are no new records to
process at this moment", GetRecords API reference)."""
from lakebox.aws.context import HttpRequest, RequestContext
from lakebox.config import Config
from lakebox.services.kinesis import actions
from lakebox.state import AppState

ACCOUNT, REGION = "000000000000", "us-east-1"


def _ctx(state, now):
    return RequestContext(service="kinesis", operation="x", account=ACCOUNT, region=REGION, access_key="test",
                          caller_arn=f"arn:aws:iam::{ACCOUNT}:root", now=now, state=state,
                          request=HttpRequest("POST", "/", [], {}))


def test_records_left_behind_in_the_same_millisecond_are_not_caught_up():
    state = AppState(Config(data_dir=None, limits="off"))
    now = state.clock.now()
    ctx = _ctx(state, now)
    actions.create_stream(ctx, {"StreamName": "s", "ShardCount": 1})
    ctx = _ctx(state, now + 1)
    actions.put_records(ctx, {"StreamName": "s", "Records": [{"Data": b"a", "PartitionKey": "k"},
                                                              {"Data": b"b", "PartitionKey": "k"}]})
    iterator = actions.get_shard_iterator(ctx, {"StreamName": "s", "ShardId": "shardId-000000000000",
                                                "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
    first = actions.get_records(ctx, {"ShardIterator": iterator, "Limit": 1})
    assert [r["Data"] for r in first["Records"]] == [b"a"]
    assert first["MillisBehindLatest"] == 1
    rest = actions.get_records(ctx, {"ShardIterator": first["NextShardIterator"]})
    assert ([r["Data"] for r in rest["Records"]], rest["MillisBehindLatest"]) == ([b"b"], 0)
