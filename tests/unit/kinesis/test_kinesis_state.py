"""Kinesis against an in-memory server state: the interface other services use
(Firehose sources, DynamoDB destinations) and the retention job with its shard logs."""
import os

import pytest

from lakebox.aws.context import HttpRequest, RequestContext
from lakebox.config import Config
from lakebox.services.kinesis import actions, jobs, public, segments, store
from lakebox.state import AppState

ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/source"


@pytest.fixture
def state():
    return AppState(Config(data_dir=None, limits="off"))


def _ctx(state):
    return RequestContext(service="kinesis", operation="x", account="000000000000", region="us-east-1",
                          access_key="test", caller_arn="arn:aws:iam::000000000000:root", now=state.clock.now(),
                          state=state, request=HttpRequest("POST", "/", [], {}))


def test_records_written_by_a_service_are_read_back_once_across_a_split(state):
    actions.create_stream(_ctx(state), {"StreamName": "source", "ShardCount": 1})
    assert public.stream_status(state, ARN) == "ACTIVE"
    first = public.put_records(state, ARN, [(f"k{i}", f"a{i}".encode()) for i in range(10)])
    assert [shard for shard, _ in first] == ["shardId-000000000000"] * 10
    records, checkpoints = public.read_new_records(state, ARN, {})
    assert [r["Data"] for r in records] == [f"a{i}".encode() for i in range(10)]
    actions.split_shard(_ctx(state), {"StreamName": "source", "ShardToSplit": "shardId-000000000000",
                                      "NewStartingHashKey": str(2**127)})
    public.put_records(state, ARN, [(f"k{i}", f"b{i}".encode()) for i in range(10)])
    records, checkpoints = public.read_new_records(state, ARN, checkpoints)
    assert sorted(r["Data"] for r in records) == sorted(f"b{i}".encode() for i in range(10))
    assert public.read_new_records(state, ARN, checkpoints)[0] == []


def test_missing_streams(state):
    assert public.stream_status(state, ARN) is None
    with pytest.raises(public.StreamGone):
        public.put_records(state, ARN, [("k", b"x")])


def test_retention_job_deletes_expired_chunks_and_their_log_segments(state, monkeypatch):
    monkeypatch.setattr(segments, "SEGMENT_BYTES", 1)       # every append starts a new segment
    actions.create_stream(_ctx(state), {"StreamName": "source", "ShardCount": 1})
    public.put_records(state, ARN, [("k", b"old")])
    state.clock.advance(25 * 3600)
    public.put_records(state, ARN, [("k", b"new")])
    stream = store.stream_by_name(state.db, "000000000000", "us-east-1", "source")
    log_dir = os.path.join(segments._root(state), segments.stream_dir_name(stream))
    assert sorted(os.listdir(log_dir)) == ["00000000.log", "00000001.log"]
    deadline = jobs.trim_expired(state, state.clock.now())
    assert deadline == pytest.approx(state.clock.now() + 24 * 3600, abs=5)
    assert sorted(os.listdir(log_dir)) == ["00000001.log"]
    records, _ = public.read_new_records(state, ARN, {})
    assert [r["Data"] for r in records] == [b"new"]
    os.makedirs(os.path.join(segments._root(state), "999-1"))
    actions.delete_stream(_ctx(state), {"StreamName": "source"})
    jobs.trim_expired(state, state.clock.now())
    assert os.listdir(segments._root(state)) == []
