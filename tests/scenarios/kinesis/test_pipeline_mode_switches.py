"""Capacity mode switches: "For each data stream in your AWS account, you can switch
between the on-demand and provisioned modes twice within 24 hours" (Kinesis Developer
Guide). A third switch within the day is refused with LimitExceededException and leaves
the stream's mode as it was; the window rolls, so a day later the stream switches again.
(The refusal's words are lakebox's own: no recorded AWS reply was found.)"""
import pytest
from botocore.exceptions import ClientError

from kinesis_helpers import NO_RETRIES
from lakebox.testing import LakeboxServer


def _switch(kinesis, arn, name, mode):
    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": mode})
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})


def _mode(kinesis, name):
    return kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"]


def _third_switch_is_refused(kinesis, name):
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    _switch(kinesis, arn, name, "ON_DEMAND")
    _switch(kinesis, arn, name, "PROVISIONED")
    with pytest.raises(ClientError) as refused:
        kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    assert refused.value.response["Error"]["Code"] == "LimitExceededException"
    assert _mode(kinesis, name) == "PROVISIONED"
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"
    return arn


def test_a_stream_switches_capacity_mode_twice_a_day(kinesis, make_stream):
    _third_switch_is_refused(kinesis, make_stream(shards=2))


@pytest.mark.local_only
def test_the_switch_window_rolls_over_a_day():
    with LakeboxServer() as server:
        kinesis = server.client("kinesis", config=NO_RETRIES)
        kinesis.create_stream(StreamName="rolling", ShardCount=1)
        kinesis.get_waiter("stream_exists").wait(StreamName="rolling", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        arn = _third_switch_is_refused(kinesis, "rolling")
        server.advance_clock(24 * 3600 + 1)
        _switch(kinesis, arn, "rolling", "ON_DEMAND")
        assert _mode(kinesis, "rolling") == "ON_DEMAND"
