"""Tags of a stream still CREATING: "Tags will take effect from the CREATING status of the
stream, but you can't make any updates to the tags until the stream is in ACTIVE state"
(CreateStream, API reference). The tags given to CreateStream are there at once;
AddTagsToStream, RemoveTagsFromStream, TagResource and UntagResource are refused with
ResourceInUseException in the words Kinesis uses for a stream that is not ACTIVE, and
work once it is (while it reshards too)."""
import pytest
from botocore.exceptions import ClientError

from kinesis_helpers import ACCOUNT, NO_RETRIES
from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only      # the stream stays CREATING on the server's clock


def _refused(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_tags_change_only_once_the_stream_is_active():
    with LakeboxServer(env={"LAKEBOX_TRANSITION_DELAY": "30"}) as server:
        kinesis = server.client("kinesis", config=NO_RETRIES)
        kinesis.create_stream(StreamName="young", ShardCount=2, Tags={"team": "data"})
        arn = kinesis.describe_stream_summary(StreamName="young")["StreamDescriptionSummary"]["StreamARN"]
        assert kinesis.list_tags_for_stream(StreamName="young")["Tags"] == [{"Key": "team", "Value": "data"}]
        creating = ("ResourceInUseException", f"Stream young under account {ACCOUNT} not ACTIVE, instead in state "
                                              "CREATING")
        assert _refused(kinesis.add_tags_to_stream, StreamName="young", Tags={"env": "dev"}) == creating
        assert _refused(kinesis.remove_tags_from_stream, StreamName="young", TagKeys=["team"]) == creating
        assert _refused(kinesis.tag_resource, ResourceARN=arn, Tags={"env": "dev"}) == creating
        assert _refused(kinesis.untag_resource, ResourceARN=arn, TagKeys=["team"]) == creating
        assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "data"}]

        server.advance_clock(31)
        kinesis.update_shard_count(StreamName="young", TargetShardCount=4, ScalingType="UNIFORM_SCALING")
        kinesis.add_tags_to_stream(StreamName="young", Tags={"env": "dev"})      # UPDATING takes them
        kinesis.untag_resource(ResourceARN=arn, TagKeys=["team"])
        assert kinesis.list_tags_for_stream(StreamName="young")["Tags"] == [{"Key": "env", "Value": "dev"}]
