"""Every Kinesis paginator botocore has (DescribeStream, ListShards, ListStreams,
ListStreamConsumers), driven with PageSize, MaxItems and StartingToken over more items
than a page holds. Shards come in shard id order, streams in name order (ListStreams
resumes after ExclusiveStartStreamName, the order the API is built on)."""
import uuid

import pytest

from paging import account_client, check_paginator, error_of, fresh_account

SHARDS = [f"shardId-{n:012d}" for n in range(6)]


@pytest.fixture
def six_shards(make_stream):
    return make_stream(shards=6)


def test_describe_stream_pages_its_shards(kinesis, six_shards):
    check_paginator(kinesis, "DescribeStream", SHARDS, key_of=lambda shard: shard["ShardId"],
                    keys=["StreamDescription.StreamName", "StreamDescription.StreamARN",
                          "StreamDescription.StreamStatus", "StreamDescription.RetentionPeriodHours"],
                    StreamName=six_shards)


def test_list_shards_pages_by_next_token_alone(kinesis, six_shards):
    listed, args = [], {"StreamName": six_shards}
    while True:
        answer = kinesis.list_shards(MaxResults=2, **args)
        assert len(answer["Shards"]) <= 2
        listed += [shard["ShardId"] for shard in answer["Shards"]]
        if "NextToken" not in answer:
            break
        args = {"NextToken": answer["NextToken"]}
    assert listed == SHARDS


def test_list_shards_paginator_fails_on_its_second_page_as_on_aws(kinesis, six_shards):
    """botocore's list_shards paginator repeats StreamName beside NextToken, which
    Kinesis refuses (boto/botocore#2009): the first page comes, the second is refused."""
    pages = kinesis.get_paginator("list_shards").paginate(StreamName=six_shards, PaginationConfig={"PageSize": 2})
    with pytest.raises(kinesis.exceptions.InvalidArgumentException,
                       match="NextToken and StreamName cannot be provided together."):
        list(pages)


def test_list_shards_refuses_a_token_it_did_not_give(kinesis):
    assert error_of(kinesis.list_shards, NextToken="bogus") == (
        "InvalidArgumentException", "NextToken bogus is invalid.")


def test_consumers_page(kinesis, six_shards):
    arn = kinesis.describe_stream_summary(StreamName=six_shards)["StreamDescriptionSummary"]["StreamARN"]
    names = [f"consumer-{n}" for n in range(5)]
    for name in names:
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=name)
    check_paginator(kinesis, "ListStreamConsumers", names, key_of=lambda c: c["ConsumerName"], ordered=False,
                    StreamARN=arn)
    assert error_of(kinesis.list_stream_consumers, StreamARN=arn, NextToken="bogus") == (
        "InvalidArgumentException", "NextToken bogus is invalid.")


@pytest.mark.local_only
def test_streams_page_by_name(lakebox_server):
    kinesis = account_client(lakebox_server, "kinesis", fresh_account())
    names = sorted(f"paging-{uuid.uuid4().hex[:8]}" for _ in range(5))
    for name in names:
        kinesis.create_stream(StreamName=name, ShardCount=1)
    check_paginator(kinesis, "ListStreams", names)
    summaries = kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 2}).build_full_result()
    assert [s["StreamName"] for s in summaries["StreamSummaries"]] == names
    assert error_of(kinesis.list_streams, NextToken="bogus") == ("InvalidArgumentException", "Invalid NextToken.")
    for name in names:
        kinesis.delete_stream(StreamName=name)
