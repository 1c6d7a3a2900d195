"""What a data engineer does with boto3 on a first day with Kinesis: waiters,
paginators, iterators at odd positions, mixed batches, enhanced fan-out, tags, and
several regions and accounts side by side. Checked against documented behaviour."""
import datetime
import json
import time
import uuid

import pytest

from kinesis_helpers import active_consumer, error_of, get_records, read_shard
from kinesis_helpers import ACCOUNT, NO_RETRIES

FAST = {"Delay": 1, "MaxAttempts": 30}


def _name():
    return f"journey-{uuid.uuid4().hex[:10]}"


def _arn(kinesis, name):
    return kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]


# ---------------------------------------------------------------------------
# Waiters and paginators


def test_waiters_see_create_and_delete(kinesis):
    name = _name()
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
    assert kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamStatus"] == "ACTIVE"
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig=FAST)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_summary(StreamName=name)


def test_list_streams_paginator_small_pages(lakebox_server):
    # A region of its own, so other tests' streams do not move under the listing.
    kinesis = lakebox_server.client("kinesis", region="ap-southeast-2", config=NO_RETRIES)
    names = sorted(_name() for _ in range(7))
    for name in names:
        kinesis.create_stream(StreamName=name, ShardCount=1)
    try:
        pages = list(kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 2}))
        listed = [n for page in pages for n in page["StreamNames"]]
        mine = [n for n in listed if n in names]
        assert mine == names and len(listed) == len(set(listed))
        summaries = [s["StreamName"] for page in pages for s in page["StreamSummaries"]]
        assert summaries == listed
        assert all(len(page["StreamNames"]) <= 2 for page in pages)
        assert pages[-1]["HasMoreStreams"] is False and "NextToken" not in pages[-1]
    finally:
        for name in names:
            kinesis.delete_stream(StreamName=name)


def test_list_shards_and_describe_stream_paginators(kinesis, make_stream):
    name = make_stream(shards=5)
    # boto3's list_shards paginator resends StreamName with the NextToken, which AWS
    # refuses (boto/botocore#2009); a first page that holds everything is fine.
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        list(kinesis.get_paginator("list_shards").paginate(StreamName=name, PaginationConfig={"PageSize": 2}))
    shards, token = [], None
    while True:
        page = kinesis.list_shards(NextToken=token, MaxResults=2) if token else \
            kinesis.list_shards(StreamName=name, MaxResults=2)
        shards += [s["ShardId"] for s in page["Shards"]]
        token = page.get("NextToken")
        if not token:
            break
    assert shards == [f"shardId-00000000000{i}" for i in range(5)]
    described = [s["ShardId"] for page in kinesis.get_paginator("describe_stream").paginate(
        StreamName=name, PaginationConfig={"PageSize": 2}) for s in page["StreamDescription"]["Shards"]]
    assert described == shards


@pytest.mark.local_only
def test_describe_stream_returns_at_most_100_shards_a_page(lakebox_server):
    # An account of its own, so the 120 shards do not count against other tests' quota.
    kinesis = lakebox_server.client("kinesis", aws_access_key_id="666666666666", config=NO_RETRIES)
    name = _name()
    kinesis.create_stream(StreamName=name, ShardCount=120)
    try:
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
        first = kinesis.describe_stream(StreamName=name, Limit=500)["StreamDescription"]
        assert len(first["Shards"]) == 100 and first["HasMoreShards"] is True
        pages = kinesis.get_paginator("describe_stream").paginate(StreamName=name)
        shards = [s["ShardId"] for page in pages for s in page["StreamDescription"]["Shards"]]
        assert shards == [f"shardId-{i:012d}" for i in range(120)]
        listed = kinesis.list_shards(StreamName=name, MaxResults=5000)
        assert len(listed["Shards"]) == 120 and "NextToken" not in listed
    finally:
        kinesis.delete_stream(StreamName=name)


def test_list_shards_next_token_with_stream_name_is_refused(kinesis, make_stream):
    name = make_stream(shards=3)
    first = kinesis.list_shards(StreamName=name, MaxResults=1)
    assert len(first["Shards"]) == 1 and first["NextToken"]
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.list_shards(StreamName=name, NextToken=first["NextToken"])
    assert error_of(raised) == ("InvalidArgumentException",
                                "NextToken and StreamName cannot be provided together.")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.list_shards(StreamARN=_arn(kinesis, name), NextToken=first["NextToken"])
    assert error_of(raised) == ("InvalidArgumentException",
                                "NextToken and StreamARN cannot be provided together.")
    rest = kinesis.list_shards(NextToken=first["NextToken"], MaxResults=5)
    assert [s["ShardId"] for s in rest["Shards"]] == ["shardId-000000000001", "shardId-000000000002"]
    assert "NextToken" not in rest


def test_list_shards_token_of_another_region_or_account_is_refused(lakebox_server, kinesis, make_stream):
    name = make_stream(shards=2)
    token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
    elsewhere = [lakebox_server.client("kinesis", region="eu-west-1", config=NO_RETRIES),
                 lakebox_server.client("kinesis", aws_access_key_id="333333333333", config=NO_RETRIES)]
    for client in elsewhere:
        with pytest.raises(client.exceptions.InvalidArgumentException):
            client.list_shards(NextToken=token)
    assert [s["ShardId"] for s in kinesis.list_shards(NextToken=token)["Shards"]] == ["shardId-000000000001"]


def test_list_stream_consumers_paginator(kinesis, make_stream):
    arn = _arn(kinesis, make_stream())
    names = [f"c{i}" for i in range(5)]
    for consumer in names:
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=consumer)
    pages = list(kinesis.get_paginator("list_stream_consumers").paginate(
        StreamARN=arn, PaginationConfig={"PageSize": 2}))
    listed = [c["ConsumerName"] for page in pages for c in page["Consumers"]]
    assert sorted(listed) == names and len(pages) == 3
    # A consumer deregistered between two pages does not make the next page skip one.
    first = kinesis.list_stream_consumers(StreamARN=arn, MaxResults=2)
    kinesis.deregister_stream_consumer(ConsumerARN=first["Consumers"][0]["ConsumerARN"])
    rest = kinesis.list_stream_consumers(StreamARN=arn, NextToken=first["NextToken"], MaxResults=10)
    seen = [c["ConsumerName"] for c in first["Consumers"] + rest["Consumers"]]
    assert sorted(seen) == names and "NextToken" not in rest


# ---------------------------------------------------------------------------
# Iterators at odd positions


@pytest.mark.local_only
def test_at_timestamp_before_between_and_after(kinesis, make_stream, clock):
    # boto3 sends JSON timestamps in whole seconds, so the records lie seconds apart.
    name = make_stream()
    first = kinesis.put_record(StreamName=name, Data=b"one", PartitionKey="k")
    clock(10)
    kinesis.put_record(StreamName=name, Data=b"two", PartitionKey="k")
    records = read_shard(kinesis, name, "shardId-000000000000")
    first_at, second_at = (r["ApproximateArrivalTimestamp"] for r in records)
    assert second_at - first_at >= datetime.timedelta(seconds=10)

    def read_at(moment):
        return [r["Data"] for r in read_shard(kinesis, name, "shardId-000000000000", "AT_TIMESTAMP",
                                              Timestamp=moment)]

    assert read_at(first_at - datetime.timedelta(days=1)) == [b"one", b"two"]
    assert read_at(first_at - datetime.timedelta(seconds=1)) == [b"one", b"two"]
    assert read_at(first_at + datetime.timedelta(seconds=5)) == [b"two"]
    future = second_at + datetime.timedelta(hours=1)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):     # a time still to come is refused
        kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                   ShardIteratorType="AT_TIMESTAMP", Timestamp=future)
    assert first["SequenceNumber"] == records[0]["SequenceNumber"]


def test_sequence_number_of_another_shard_or_malformed(kinesis, make_stream):
    name = make_stream(shards=2)
    put = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k",
                             ExplicitHashKey=str(2**128 - 1))
    assert put["ShardId"] == "shardId-000000000001"
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                   ShardIteratorType="AT_SEQUENCE_NUMBER",
                                   StartingSequenceNumber=put["SequenceNumber"])
    assert error_of(raised)[1] == ("Invalid StartingSequenceNumber. It encodes shardId-000000000001, "
                                   "while it was used in a call to a shard with shardId-000000000000")
    for bad in ("12345", "not-a-number"):
        with pytest.raises(kinesis.exceptions.ClientError) as raised:
            kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000001",
                                       ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=bad)
        code, message = error_of(raised)
        assert code in ("InvalidArgumentException", "ValidationException"), message
    after = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000001",
                                       ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                       StartingSequenceNumber=put["SequenceNumber"])["ShardIterator"]
    assert get_records(kinesis, after)["Records"] == []


def test_garbage_iterator_and_iterator_of_recreated_stream(kinesis):
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.get_records(ShardIterator="AAAAAAAAAAH" + "x" * 100)
    assert error_of(raised) == ("InvalidArgumentException", "Invalid ShardIterator.")
    name = _name()
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
    kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="k")
    old = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                     ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig=FAST)
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
    try:
        kinesis.put_record(StreamName=name, Data=b"new", PartitionKey="k")
        with pytest.raises(kinesis.exceptions.ClientError) as raised:
            kinesis.get_records(ShardIterator=old)
        assert error_of(raised)[0] in ("InvalidArgumentException", "ResourceNotFoundException")
        assert [r["Data"] for r in read_shard(kinesis, name, "shardId-000000000000")] == [b"new"]
    finally:
        kinesis.delete_stream(StreamName=name)


# ---------------------------------------------------------------------------
# Writing


def test_put_records_with_an_out_of_range_explicit_hash_key(kinesis, make_stream):
    name = make_stream()
    entries = [{"Data": b"ok", "PartitionKey": "a"},
               {"Data": b"bad", "PartitionKey": "b", "ExplicitHashKey": str(2**128)}]
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.put_records(StreamName=name, Records=entries)
    assert error_of(raised)[1] == ("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
                                   f"[0, 2^128-1]. Specified value was {2**128}")
    # The whole request is refused: nothing of it was written.
    assert read_shard(kinesis, name, "shardId-000000000000") == []


def test_put_record_with_sequence_number_for_ordering(kinesis, make_stream):
    name = make_stream()
    first = kinesis.put_record(StreamName=name, Data=b"1", PartitionKey="k")
    second = kinesis.put_record(StreamName=name, Data=b"2", PartitionKey="k",
                                SequenceNumberForOrdering=first["SequenceNumber"])
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])
    assert [r["Data"] for r in read_shard(kinesis, name, "shardId-000000000000")] == [b"1", b"2"]


def test_one_mib_record_boundary(kinesis, make_stream):
    # Two shards, so the second 1 MiB write does not meet the first's 1 MiB/s shard budget.
    name = make_stream(shards=2)
    mib = 1024 * 1024
    put = kinesis.put_record(StreamName=name, Data=b"x" * (mib - 1), PartitionKey="k", ExplicitHashKey="0")
    assert put["ShardId"] == "shardId-000000000000"
    answer = kinesis.put_records(StreamName=name, Records=[
        {"Data": b"y" * (mib - 1), "PartitionKey": "k", "ExplicitHashKey": str(2**128 - 1)}])
    assert answer["FailedRecordCount"] == 0, answer["Records"]
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_record(StreamName=name, Data=b"x" * (mib + 1), PartitionKey="k")
    assert error_of(raised) == ("ValidationException", "1 validation error detected: Value at 'data' failed to "
                                "satisfy constraint: Member must have length less than or equal to 1048576")
    sizes = [len(r["Data"]) for shard in ("shardId-000000000000", "shardId-000000000001")
             for r in read_shard(kinesis, name, shard)]
    assert sizes == [mib - 1, mib - 1]


# ---------------------------------------------------------------------------
# Enhanced fan-out


def test_fan_out_end_to_end(lakebox_server, kinesis, make_stream):
    name = make_stream()
    stream_arn = _arn(kinesis, name)
    consumer_arn = active_consumer(kinesis, stream_arn, "journey-app")
    subscribed = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId="shardId-000000000000",
                                            StartingPosition={"Type": "LATEST"})
    writer = lakebox_server.client("kinesis", config=NO_RETRIES)
    for i in range(3):
        writer.put_record(StreamName=name, Data=f"event-{i}".encode(), PartitionKey="k")
    seen = []
    deadline = time.time() + 15
    for event in subscribed["EventStream"]:
        shard_event = event["SubscribeToShardEvent"]
        seen += [r["Data"] for r in shard_event["Records"]]
        assert shard_event["ContinuationSequenceNumber"]
        if len(seen) >= 3 or time.time() > deadline:
            break
    subscribed["EventStream"].close()
    assert seen == [b"event-0", b"event-1", b"event-2"]
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId="shardId-000000000000",
                                   StartingPosition={"Type": "LATEST"})
    # One call a second per consumer and shard (a quota), and none within 5 s of a success.
    assert error_of(raised)[0] in ("LimitExceededException", "ResourceInUseException")
    kinesis.deregister_stream_consumer(ConsumerARN=consumer_arn)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)


@pytest.mark.local_only
def test_resubscribing_within_five_seconds_and_taking_over(kinesis, make_stream, clock):
    # AWS: the same consumer and shard again within 5 s of a successful SubscribeToShard
    # is a ResourceInUseException; 5 s or more later the new call takes over.
    name = make_stream()
    consumer_arn = active_consumer(kinesis, _arn(kinesis, name), "takeover")
    shard = "shardId-000000000000"
    first = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard, StartingPosition={"Type": "LATEST"})
    clock(2)
    with pytest.raises(kinesis.exceptions.ResourceInUseException) as raised:
        kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard, StartingPosition={"Type": "LATEST"})
    assert error_of(raised)[1] == (f"Another active subscription exists for this consumer: {ACCOUNT}:{name}:"
                                   f"{shard}:takeover")
    clock(4)
    second = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard,
                                        StartingPosition={"Type": "TRIM_HORIZON"})
    leftover = list(first["EventStream"])      # the taken-over stream ends instead of running on
    assert all(not e["SubscribeToShardEvent"]["Records"] for e in leftover)
    kinesis.put_record(StreamName=name, Data=b"to the new one", PartitionKey="k")
    for event in second["EventStream"]:
        if event["SubscribeToShardEvent"]["Records"]:
            assert event["SubscribeToShardEvent"]["Records"][0]["Data"] == b"to the new one"
            break
    second["EventStream"].close()


@pytest.mark.local_only
def test_a_hung_up_subscription_still_blocks_the_same_shard_for_five_seconds(kinesis, make_stream, clock):
    # AWS counts the 5 s from the successful call, whatever became of its connection.
    name = make_stream()
    consumer_arn = active_consumer(kinesis, _arn(kinesis, name), "hangup")
    shard = "shardId-000000000000"
    first = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard, StartingPosition={"Type": "LATEST"})
    first["EventStream"].close()
    time.sleep(0.5)                           # the server notices the hang-up
    clock(2)
    with pytest.raises(kinesis.exceptions.ResourceInUseException):
        kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard, StartingPosition={"Type": "LATEST"})
    clock(4)
    again = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard, StartingPosition={"Type": "LATEST"})
    again["EventStream"].close()


def test_consumer_of_another_stream_does_not_see_this_streams_shards(kinesis, make_stream):
    one, two = make_stream(shards=1), make_stream(shards=3)
    consumer_arn = active_consumer(kinesis, _arn(kinesis, one), "other")
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId="shardId-000000000002",
                                   StartingPosition={"Type": "LATEST"})
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_consumer(StreamARN=_arn(kinesis, two), ConsumerName="other")


# ---------------------------------------------------------------------------
# Tags and encryption


def test_tag_pagination_and_limit(kinesis, make_stream):
    name = make_stream()
    kinesis.add_tags_to_stream(StreamName=name, Tags={f"k{i:02d}": str(i) for i in range(10)})
    first = kinesis.list_tags_for_stream(StreamName=name, Limit=4)
    assert [t["Key"] for t in first["Tags"]] == ["k00", "k01", "k02", "k03"] and first["HasMoreTags"] is True
    rest = kinesis.list_tags_for_stream(StreamName=name, ExclusiveStartTagKey="k03", Limit=10)
    assert [t["Key"] for t in rest["Tags"]] == [f"k{i:02d}" for i in range(4, 10)] and rest["HasMoreTags"] is False
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.add_tags_to_stream(StreamName=name, Tags={f"more{i:02d}": "v" for i in range(41)})
    kinesis.add_tags_to_stream(StreamName=name, Tags={f"more{i:02d}": "v" for i in range(40)})
    arn = _arn(kinesis, name)
    assert len(kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"]) == 50
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.tag_resource(ResourceARN=arn, Tags={"one-too-many": "v"})
    kinesis.untag_resource(ResourceARN=arn, TagKeys=["k00"])
    kinesis.tag_resource(ResourceARN=arn, Tags={"k00": "back"})
    tags = {t["Key"]: t["Value"] for t in kinesis.list_tags_for_stream(StreamName=name, Limit=50)["Tags"]}
    assert tags["k00"] == "back" and len(tags) == 50


def test_more_than_fifty_tags_at_creation_are_refused(kinesis, make_stream):
    name = _name()
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.create_stream(StreamName=name, ShardCount=1, Tags={f"k{i:02d}": "v" for i in range(51)})
    assert "cannot have more than 50 tags" in error_of(raised)[1]
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_summary(StreamName=name)
    arn = _arn(kinesis, make_stream(Tags={f"k{i:02d}": "v" for i in range(50)}))
    assert len(kinesis.list_tags_for_stream(StreamName=arn.split("/")[-1], Limit=50)["Tags"]) == 50
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="tagged",
                                         Tags={f"k{i:02d}": "v" for i in range(51)})
    assert kinesis.list_stream_consumers(StreamARN=arn)["Consumers"] == []


def test_start_encryption_with_a_kms_alias(kinesis, make_stream):
    name = make_stream()
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/aws/kinesis")
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["EncryptionType"] == "KMS" and summary["KeyId"] == "alias/aws/kinesis"
    put = kinesis.put_record(StreamName=name, Data=b"secret", PartitionKey="k")
    assert put["EncryptionType"] == "KMS"
    assert read_shard(kinesis, name, "shardId-000000000000")[0]["EncryptionType"] == "KMS"


# ---------------------------------------------------------------------------
# Regions and accounts


@pytest.mark.local_only
def test_same_name_in_two_regions_and_two_accounts_stay_apart(lakebox_server):
    name = _name()
    places = [("us-east-1", "111111111111"), ("eu-west-1", "111111111111"), ("us-east-1", "222222222222")]
    clients = [lakebox_server.client("kinesis", region=region, aws_access_key_id=account, config=NO_RETRIES)
               for region, account in places]
    for client in clients:
        client.create_stream(StreamName=name, ShardCount=1)
    try:
        for client in clients:
            client.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
        for (region, account), client in zip(places, clients):
            client.put_record(StreamName=name, Data=f"{region}/{account}".encode(), PartitionKey="k")
        for (region, account), client in zip(places, clients):
            summary = client.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
            assert summary["StreamARN"] == f"arn:aws:kinesis:{region}:{account}:stream/{name}"
            assert name in client.list_streams()["StreamNames"]
            data = [r["Data"] for r in read_shard(client, name, "shardId-000000000000")]
            assert data == [f"{region}/{account}".encode()]
        # Nor is an ARN of another region: each region's endpoint has its own streams.
        other = f"arn:aws:kinesis:us-east-1:111111111111:stream/{name}"
        with pytest.raises(clients[1].exceptions.InvalidArgumentException) as raised:
            clients[1].describe_stream_summary(StreamARN=other)
        assert error_of(raised) == (
            "InvalidArgumentException", f"The region specified in the ARN '{other}' does not match the endpoint region")
        # An iterator of one region is no use at another region's endpoint.
        iterator = clients[0].get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                                 ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        with pytest.raises(clients[1].exceptions.InvalidArgumentException) as raised:
            clients[1].get_records(ShardIterator=iterator)
        assert error_of(raised) == ("InvalidArgumentException", "Invalid ShardIterator.")
        clients[0].delete_stream(StreamName=name)
        for client in clients[1:]:
            assert client.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamName"] == name
        with pytest.raises(clients[0].exceptions.ResourceNotFoundException) as raised:
            clients[0].describe_stream(StreamName=name)
        assert error_of(raised)[1] == f"Stream {name} under account 111111111111 not found."
    finally:
        for client in clients[1:]:
            client.delete_stream(StreamName=name)


@pytest.mark.local_only
def test_another_account_reaches_a_stream_only_through_its_resource_policy(lakebox_server):
    owner = lakebox_server.client("kinesis", aws_access_key_id="444444444444", config=NO_RETRIES)
    guest = lakebox_server.client("kinesis", aws_access_key_id="555555555555", config=NO_RETRIES)
    name = _name()
    owner.create_stream(StreamName=name, ShardCount=1)
    try:
        owner.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
        arn = _arn(owner, name)
        owner.put_record(StreamName=name, Data=b"shared", PartitionKey="k")
        with pytest.raises(guest.exceptions.ClientError) as raised:
            guest.describe_stream_summary(StreamARN=arn)
        assert error_of(raised) == (
            "AccessDeniedException",
            "User: arn:aws:iam::555555555555:root is not authorized to perform: kinesis:DescribeStreamSummary on "
            f"resource: {arn} because no resource-based policy allows the kinesis:DescribeStreamSummary action")
        for call in (lambda: guest.delete_stream(StreamARN=arn),
                     lambda: guest.put_record(StreamARN=arn, Data=b"x", PartitionKey="k")):
            with pytest.raises(guest.exceptions.ClientError) as raised:
                call()
            assert error_of(raised)[0] == "AccessDeniedException"
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::555555555555:root"},
            "Action": ["kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords",
                       "kinesis:ListShards"],
            "Resource": arn}]}
        owner.put_resource_policy(ResourceARN=arn, Policy=json.dumps(policy))
        assert guest.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamName"] == name
        iterator = guest.get_shard_iterator(StreamARN=arn, ShardId="shardId-000000000000",
                                            ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        assert [r["Data"] for r in get_records(guest, iterator)["Records"]] == [b"shared"]
        with pytest.raises(guest.exceptions.ClientError) as raised:
            guest.put_record(StreamARN=arn, Data=b"x", PartitionKey="k")
        assert error_of(raised)[0] == "AccessDeniedException"
        # By name, the guest only ever sees its own account.
        with pytest.raises(guest.exceptions.ResourceNotFoundException):
            guest.describe_stream_summary(StreamName=name)
    finally:
        owner.delete_stream(StreamName=name)
