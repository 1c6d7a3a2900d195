"""After a machine crash, chunks whose bytes did not reach the buffer log are dropped and
the log is cut after the last whole chunk; whole chunks are kept and delivered."""
import os

from lakebox.aws.context import HttpRequest, RequestContext
from lakebox.config import Config
from lakebox.services.firehose import actions, buffer, delivery, processing, recovery, segments, store
from lakebox.state import AppState

ACCOUNT, REGION = "000000000000", "us-east-1"


def _ctx(state):
    return RequestContext(service="firehose", operation="x", account=ACCOUNT, region=REGION, access_key="test",
                          caller_arn=f"arn:aws:iam::{ACCOUNT}:root", now=state.clock.now(), state=state,
                          request=HttpRequest("POST", "/", [], {}))


def test_torn_chunks_are_dropped_and_the_log_cut(tmp_path):
    state = AppState(Config(data_dir=str(tmp_path), limits="off"))
    actions.create_delivery_stream(_ctx(state), {"DeliveryStreamName": "s", "ExtendedS3DestinationConfiguration": {
        "RoleARN": "arn:aws:iam::000000000000:role/r", "BucketARN": "arn:aws:s3:::b"}})
    stream = store.stream_by_name(state.db, ACCOUNT, REGION, "s")
    buffer.append(state, stream, 1, [b"one", b"two"])
    buffer.append(state, stream, 2, [b"three"])
    buffer.append(state, stream, 3, [b"four", b"five"])
    (segment, size), = segments.segment_sizes(state, stream).items()
    path = os.path.join(state.service_dir("firehose"), f"{stream['uid']}-{stream['created_ms']}",
                        f"{segment:08d}.log")
    os.truncate(path, size - 3)                     # the power cut took the end of the last chunk
    state.cache("firehose").clear()

    recovery.recover(state, {})
    assert store.buffered_summary(state.db, stream["uid"])[:2] == (3, 11)
    assert segments.segment_sizes(state, stream) == {segment: 11}
    buffer.append(state, stream, 4, [b"six"])
    made = delivery.build(state.db, state.blobs, segments.reader(state, stream), stream, 10,
                          processing.Invocation(None, "arn", REGION))
    with open(made.objects[0][2], "rb") as f:
        assert f.read() == b"onetwothreesix"
    delivery.discard(made)


def test_logs_of_streams_that_are_gone_are_removed_at_start(tmp_path):
    state = AppState(Config(data_dir=str(tmp_path), limits="off"))
    actions.create_delivery_stream(_ctx(state), {"DeliveryStreamName": "s", "ExtendedS3DestinationConfiguration": {
        "RoleARN": "arn:aws:iam::000000000000:role/r", "BucketARN": "arn:aws:s3:::b"}})
    stream = store.stream_by_name(state.db, ACCOUNT, REGION, "s")
    buffer.append(state, stream, 1, [b"kept"])
    orphan = os.path.join(state.service_dir("firehose"), "99-123")
    os.makedirs(orphan)
    recovery.recover(state, {})
    assert os.listdir(state.service_dir("firehose")) == [f"{stream['uid']}-{stream['created_ms']}"]
