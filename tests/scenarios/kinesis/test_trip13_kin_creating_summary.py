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


def _summary(kinesis, name):
    return kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]


def test_an_updating_stream_shows_its_settings_before_the_change(slow_server):
    """control_audit.json: after IncreaseStreamRetentionPeriod, EnableEnhancedMonitoring,
    UpdateMaxRecordSize, UpdateStreamMode and a SplitShard, the stream is UPDATING with
    its old retention, metrics, record size, mode and open shard count, and shows the
    new ones once ACTIVE (topology_raw.json scale-two-to-three the same for
    UpdateShardCount)."""
    kinesis = slow_server.client("kinesis", config=NO_RETRIES)
    kinesis.create_stream(StreamName="settings", ShardCount=1)
    slow_server.advance_clock(31)
    changes = [
        (lambda: kinesis.increase_stream_retention_period(StreamName="settings", RetentionPeriodHours=25),
         "RetentionPeriodHours", 24, 25),
        (lambda: kinesis.enable_enhanced_monitoring(StreamName="settings",
                                                    ShardLevelMetrics=["IncomingBytes", "OutgoingRecords"]),
         "EnhancedMonitoring", [{"ShardLevelMetrics": []}],
         [{"ShardLevelMetrics": ["IncomingBytes", "OutgoingRecords"]}]),
        (lambda: kinesis.update_max_record_size(StreamARN=_summary(kinesis, "settings")["StreamARN"],
                                                MaxRecordSizeInKiB=2048), "MaxRecordSizeInKiB", 1024, 2048),
        (lambda: kinesis.split_shard(StreamName="settings", ShardToSplit="shardId-000000000000",
                                     NewStartingHashKey="170141183460469231731687303715884105728"),
         "OpenShardCount", 1, 2),
        (lambda: kinesis.update_stream_mode(StreamARN=_summary(kinesis, "settings")["StreamARN"],
                                            StreamModeDetails={"StreamMode": "ON_DEMAND"}),
         "StreamModeDetails", {"StreamMode": "PROVISIONED"}, {"StreamMode": "ON_DEMAND"}),
    ]
    for change, member, before, after in changes:
        change()
        updating = _summary(kinesis, "settings")
        assert (updating["StreamStatus"], updating[member]) == ("UPDATING", before), member
        slow_server.advance_clock(31)
        active = _summary(kinesis, "settings")
        assert (active["StreamStatus"], active[member]) == ("ACTIVE", after), member
    described = kinesis.describe_stream(StreamName="settings")["StreamDescription"]
    assert (described["RetentionPeriodHours"], described["StreamModeDetails"]) == (25, {"StreamMode": "ON_DEMAND"})
