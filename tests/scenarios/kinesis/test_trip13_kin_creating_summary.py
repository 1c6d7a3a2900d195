"""A stream still CREATING, as real Kinesis describes it (radkawar/stackd
testdata/aws/kinesis/audit_data.json wait-stream-active-0/1 and audit_depth.json
wait-stream-active: the summary of a CREATING stream has no OpenShardCount, which
appears, 1, once it is ACTIVE); a server whose transitions take 30 s of its clock."""
import pytest
from kinesis_helpers import NO_RETRIES

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


@pytest.fixture(scope="module")
def slow_server():
    with LakeboxServer(env={"LAKEBOX_TRANSITION_DELAY": "30"}) as server:
        yield server


def test_a_creating_stream_counts_no_open_shards(slow_server):
    kinesis = slow_server.client("kinesis", config=NO_RETRIES)
    kinesis.create_stream(StreamName="kaudit", ShardCount=1, StreamModeDetails={"StreamMode": "PROVISIONED"})
    creating = kinesis.describe_stream_summary(StreamName="kaudit")["StreamDescriptionSummary"]
    assert creating["StreamStatus"] == "CREATING"
    assert "OpenShardCount" not in creating
    assert (creating["ConsumerCount"], creating["EncryptionType"], creating["MaxRecordSizeInKiB"],
            creating["EnhancedMonitoring"], creating["RetentionPeriodHours"]) == (0, "NONE", 1024,
                                                                                  [{"ShardLevelMetrics": []}], 24)
    slow_server.advance_clock(31)
    active = kinesis.describe_stream_summary(StreamName="kaudit")["StreamDescriptionSummary"]
    assert (active["StreamStatus"], active["OpenShardCount"]) == ("ACTIVE", 1)
