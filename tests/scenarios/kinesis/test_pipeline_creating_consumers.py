"""Enhanced fan-out registrations: "only 5 consumers can be created simultaneously. In
other words, you cannot have more than 5 consumers in a CREATING status at the same
time. Registering a 6th consumer while there are 5 in a CREATING status results in a
LimitExceededException." (RegisterStreamConsumer, API reference). Once they are ACTIVE,
more register. (The refusal's words are lakebox's own: no recorded AWS reply was found.)"""
import pytest
from botocore.exceptions import ClientError

from kinesis_helpers import NO_RETRIES
from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only      # consumers stay CREATING on the server's clock


def test_a_sixth_consumer_waits_for_one_of_five_creating():
    with LakeboxServer(env={"LAKEBOX_TRANSITION_DELAY": "30"}) as server:
        kinesis = server.client("kinesis", config=NO_RETRIES)
        for name in ("orders", "payments"):
            kinesis.create_stream(StreamName=name, ShardCount=1)
        server.advance_clock(31)
        arns = [kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
                for name in ("orders", "payments")]
        for n in range(5):
            consumer = kinesis.register_stream_consumer(StreamARN=arns[n % 2], ConsumerName=f"app-{n}")["Consumer"]
            assert consumer["ConsumerStatus"] == "CREATING"
        with pytest.raises(ClientError) as refused:
            kinesis.register_stream_consumer(StreamARN=arns[0], ConsumerName="app-5")
        assert refused.value.response["Error"]["Code"] == "LimitExceededException"
        assert "app-5" not in [c["ConsumerName"] for c in kinesis.list_stream_consumers(StreamARN=arns[0])["Consumers"]]

        server.advance_clock(31)
        consumer = kinesis.register_stream_consumer(StreamARN=arns[0], ConsumerName="app-5")["Consumer"]
        assert consumer["ConsumerStatus"] == "CREATING"
        statuses = [c["ConsumerStatus"] for arn in arns
                    for c in kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]]
        assert sorted(statuses) == ["ACTIVE"] * 5 + ["CREATING"]
