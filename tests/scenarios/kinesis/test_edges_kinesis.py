"""Edge cases a data engineer who knows real Kinesis Data Streams would try with boto3.

Every assertion states what real Kinesis answers (API reference pages, the current
botocore model, or kinesalite's tests, which were recorded against live AWS). Tests
that need lakebox's own clock endpoint are marked local_only."""
import datetime
import re
import time
import uuid

import botocore.session
import pytest

from kinesis_helpers import ACCOUNT
from kinesis_helpers import error_of, get_records

SHARD0, SHARD1 = "shardId-000000000000", "shardId-000000000001"
MAX_HASH = 2**128 - 1


def _name(prefix="edge"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _retry(kinesis, call):
    """Retry a call through per-shard / per-account throttling, as a polite client does."""
    for _ in range(60):
        try:
            return call()
        except (kinesis.exceptions.ProvisionedThroughputExceededException,
                kinesis.exceptions.LimitExceededException):
            time.sleep(0.25)
    raise AssertionError("stayed throttled")


def _iterator(kinesis, stream, shard, kind="TRIM_HORIZON", **position):
    return _retry(kinesis, lambda: kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard, ShardIteratorType=kind, **position))["ShardIterator"]


def _arn(stream):
    return f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{stream}"


# --- CreateStream argument validation ----------------------------------------------------

def test_create_stream_with_zero_shards_is_a_validation_error(kinesis):
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.create_stream(StreamName=_name(), ShardCount=0)
    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")


def test_stream_name_of_128_is_fine_and_129_is_too_long(kinesis):
    ok = "a" * 118 + uuid.uuid4().hex[:10]
    kinesis.create_stream(StreamName=ok, ShardCount=1)
    try:
        long_name = "b" * 129
        with pytest.raises(kinesis.exceptions.ClientError) as raised:
            kinesis.create_stream(StreamName=long_name, ShardCount=1)
        assert error_of(raised) == (
            "ValidationException",
            f"1 validation error detected: Value '{long_name}' at 'streamName' failed to satisfy constraint: "
            "Member must have length less than or equal to 128")
    finally:
        kinesis.get_waiter("stream_exists").wait(StreamName=ok, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        kinesis.delete_stream(StreamName=ok)


def test_on_demand_with_a_shard_count_and_provisioned_without_one_are_refused(kinesis):
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.create_stream(StreamName=_name(), ShardCount=2, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.create_stream(StreamName=_name(), StreamModeDetails={"StreamMode": "PROVISIONED"})
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_stream_without_mode_or_shard_count_is_on_demand(kinesis):
    """A CreateStream recorded against AWS without ShardCount made a stream of 4 shards:
    an on-demand stream (issue 15)."""
    name = _name()
    kinesis.create_stream(StreamName=name)
    try:
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        assert summary["StreamModeDetails"]["StreamMode"] == "ON_DEMAND"
        assert summary["OpenShardCount"] == 4
    finally:
        kinesis.delete_stream(StreamName=name)


def test_unknown_stream_mode_is_an_enum_validation_error(kinesis):
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.create_stream(StreamName=_name(), ShardCount=1, StreamModeDetails={"StreamMode": "SERVERLESS"})
    code, message = error_of(raised)
    assert code == "ValidationException"
    assert "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]" in message


def test_duplicate_create_even_with_other_settings_is_resource_in_use(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ResourceInUseException) as raised:
        kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    assert error_of(raised) == ("ResourceInUseException", f"Stream {name} under account {ACCOUNT} already exists.")


# --- Describe / List ---------------------------------------------------------------------------

def test_describe_stream_summary_fields_of_a_fresh_stream(kinesis, make_stream):
    name = make_stream(shards=3)
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["StreamARN"] == _arn(name)
    assert summary["StreamStatus"] == "ACTIVE"
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert summary["RetentionPeriodHours"] == 24
    assert summary["EncryptionType"] == "NONE" and "KeyId" not in summary
    assert summary["OpenShardCount"] == 3
    assert summary["ConsumerCount"] == 0
    assert summary["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]
    assert isinstance(summary["StreamCreationTimestamp"], datetime.datetime)


def test_consumer_count_follows_registrations(kinesis, make_stream):
    name = make_stream()
    consumer = kinesis.register_stream_consumer(StreamARN=_arn(name), ConsumerName="reader")["Consumer"]
    assert consumer["ConsumerARN"].startswith(f"{_arn(name)}/consumer/reader:")
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["ConsumerCount"] == 1
    kinesis.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    for _ in range(60):
        if kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["ConsumerCount"] == 0:
            break
        time.sleep(1)
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["ConsumerCount"] == 0


def test_stream_arn_and_name_that_disagree_are_refused(kinesis, make_stream):
    name = make_stream()
    other = _arn(_name("other"))
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.describe_stream_summary(StreamName=name, StreamARN=other)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.put_record(StreamName=name, StreamARN=other, Data=b"x", PartitionKey="k")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.describe_stream_summary()
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.describe_stream_summary(StreamARN=f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream")
    assert error_of(raised)[0] == "ValidationException"


def test_list_streams_limit_bounds(kinesis):
    for bad, bound in ((0, "greater than or equal to 1"), (10001, "less than or equal to 10000")):
        with pytest.raises(kinesis.exceptions.ClientError) as raised:
            kinesis.list_streams(Limit=bad)
        assert error_of(raised) == (
            "ValidationException",
            f"1 validation error detected: Value '{bad}' at 'limit' failed to satisfy constraint: "
            f"Member must have value {bound}")


def test_list_streams_pages_with_exclusive_start_and_next_token(kinesis, make_stream):
    names = sorted(make_stream() for _ in range(3))
    first = kinesis.list_streams(Limit=1, ExclusiveStartStreamName=names[0])
    assert first["StreamNames"] == [names[1]] and first["HasMoreStreams"] is True
    assert first["StreamSummaries"][0]["StreamName"] == names[1]
    assert first["StreamSummaries"][0]["StreamARN"] == _arn(names[1])
    assert first["StreamSummaries"][0]["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    second = kinesis.list_streams(Limit=1, NextToken=first["NextToken"])
    assert second["StreamNames"] == [names[2]]


def test_list_streams_returns_at_most_100_names_a_page(kinesis):
    """ListStreams: 'If you specify a value greater than 100, at most 100 results are returned.'"""
    made = []
    try:
        for _ in range(101):
            name = _name("many")
            _retry(kinesis, lambda: kinesis.create_stream(StreamName=name, ShardCount=1))
            made.append(name)
        page = kinesis.list_streams(Limit=10000)
        assert len(page["StreamNames"]) == 100 and page["HasMoreStreams"] is True
    finally:
        for name in made:
            _retry(kinesis, lambda: kinesis.delete_stream(StreamName=name))


# --- ListShards ------------------------------------------------------------------------------------

def test_list_shards_next_token_cannot_go_with_stream_name_or_exclusive_start(kinesis, make_stream):
    name = make_stream(shards=2)
    token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.list_shards(StreamName=name, NextToken=token)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.list_shards(NextToken=token, ExclusiveStartShardId=SHARD0)
    assert [s["ShardId"] for s in kinesis.list_shards(NextToken=token)["Shards"]] == [SHARD1]


def test_list_shards_next_token_cannot_go_with_stream_creation_timestamp(kinesis, make_stream):
    """ListShards: "Don't specify StreamName or StreamCreationTimestamp if you specify NextToken"
    https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListShards.html"""
    name = make_stream(shards=2)
    token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
    created = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamCreationTimestamp"]
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.list_shards(NextToken=token, StreamCreationTimestamp=created)


@pytest.mark.local_only
def test_list_shards_next_token_expires_after_300_seconds(kinesis, make_stream, clock):
    name = make_stream(shards=2)
    token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
    clock(301)
    with pytest.raises(kinesis.exceptions.ExpiredNextTokenException):
        kinesis.list_shards(NextToken=token)


def test_list_shards_bounds_and_filter_requirements(kinesis, make_stream):
    name = make_stream(shards=2)
    for bad in (0, 10001):
        with pytest.raises(kinesis.exceptions.ClientError) as raised:
            kinesis.list_shards(StreamName=name, MaxResults=bad)
        assert error_of(raised)[0] == "ValidationException"
    for incomplete in ({"Type": "AFTER_SHARD_ID"}, {"Type": "AT_TIMESTAMP"}, {"Type": "FROM_TIMESTAMP"}):
        with pytest.raises(kinesis.exceptions.InvalidArgumentException):
            kinesis.list_shards(StreamName=name, ShardFilter=incomplete)
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.list_shards(StreamName=name, ShardFilter={"Type": "SOMETIME"})
    assert error_of(raised)[0] == "ValidationException"
    after = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AFTER_SHARD_ID", "ShardId": SHARD0})
    assert [s["ShardId"] for s in after["Shards"]] == [SHARD1]


def test_list_shards_filters_after_a_split(kinesis, make_stream):
    name = make_stream()
    kinesis.split_shard(StreamName=name, ShardToSplit=SHARD0, NewStartingHashKey=str(2**127))
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    time.sleep(2)
    ids = lambda f: [s["ShardId"] for s in kinesis.list_shards(StreamName=name, ShardFilter=f)["Shards"]]  # noqa: E731
    children = ["shardId-000000000001", "shardId-000000000002"]
    assert ids({"Type": "AT_LATEST"}) == children
    assert ids({"Type": "AT_TRIM_HORIZON"}) == [SHARD0]
    assert ids({"Type": "FROM_TRIM_HORIZON"}) == [SHARD0] + children
    now = datetime.datetime.now(datetime.timezone.utc)
    # AT_TIMESTAMP: shards that started at or before the time and are open or ended after it
    assert ids({"Type": "AT_TIMESTAMP", "Timestamp": now}) == children
    assert ids({"Type": "FROM_TIMESTAMP", "Timestamp": now}) == children


# --- PutRecord / PutRecords --------------------------------------------------------------------------

def test_explicit_hash_key_out_of_range_and_malformed(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k", ExplicitHashKey=str(2**128))
    assert error_of(raised) == (
        "InvalidArgumentException",
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
        f"Specified value was {2**128}")
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k", ExplicitHashKey="-1")
    # The message quotes the model's pattern: `0|([1-9]\\d{0,38})` as recorded from Kinesis and in the
    # pinned botocore; newer models anchor it (`^(0|([1-9]\\d{0,38}))$`), so read the installed one.
    pattern = botocore.session.get_session().get_service_model("kinesis").shape_for("HashKey").metadata["pattern"]
    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value '-1' at 'explicitHashKey' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}")
    assert kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k",
                              ExplicitHashKey=str(MAX_HASH))["ShardId"] == SHARD0


def test_partition_key_of_256_is_fine_and_257_is_too_long(kinesis, make_stream):
    name = make_stream()
    assert kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k" * 256)["ShardId"] == SHARD0
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k" * 257)
    assert error_of(raised) == (
        "ValidationException",
        f"1 validation error detected: Value '{'k' * 257}' at 'partitionKey' failed to satisfy constraint: "
        "Member must have length less than or equal to 256")
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="")
    assert error_of(raised)[0] == "ValidationException"


def test_data_over_one_mib_is_a_validation_error_and_empty_data_is_fine(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_record(StreamName=name, Data=b"x" * (1024 * 1024 + 1), PartitionKey="k")
    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value at 'data' failed to satisfy constraint: "
        "Member must have length less than or equal to 1048576")
    assert kinesis.put_record(StreamName=name, Data=b"", PartitionKey="k")["ShardId"] == SHARD0


def test_put_records_with_no_records_or_501_records(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_records(StreamName=name, Records=[])
    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_records(StreamName=name, Records=[{"Data": b"x", "PartitionKey": "k"}] * 501)
    code, message = error_of(raised)
    assert code == "ValidationException" and message.endswith("Member must have length less than or equal to 500")


def test_put_records_with_one_invalid_entry_fails_the_whole_request(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_records(StreamName=name, Records=[{"Data": b"ok", "PartitionKey": "k"},
                                                      {"Data": b"bad", "PartitionKey": "k" * 257}])
    code, message = error_of(raised)
    assert code == "ValidationException"
    assert "at 'records.2.member.partitionKey' failed to satisfy constraint" in message
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.put_records(StreamName=name, Records=[{"Data": b"ok", "PartitionKey": "k"},
                                                      {"Data": b"bad", "PartitionKey": "k",
                                                       "ExplicitHashKey": str(2**128)}])
    iterator = _iterator(kinesis, name, SHARD0)
    assert get_records(kinesis, iterator)["Records"] == []


def test_sequence_number_for_ordering_must_be_numeric(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k", SequenceNumberForOrdering="abc")
    assert error_of(raised)[0] == "ValidationException"
    first = kinesis.put_record(StreamName=name, Data=b"1", PartitionKey="k")["SequenceNumber"]
    second = kinesis.put_record(StreamName=name, Data=b"2", PartitionKey="other",
                                SequenceNumberForOrdering=first)["SequenceNumber"]
    assert int(second) > int(first)


# --- GetShardIterator ----------------------------------------------------------------------------------

def test_sequence_number_of_another_shard_names_both_shards(kinesis, make_stream):
    """Real message (kinesalite getShardIterator tests, recorded against AWS):
    'Invalid StartingSequenceNumber. It encodes shardId-X, while it was used in a call to a shard with shardId-Y'."""
    name = make_stream(shards=2)
    put = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k", ExplicitHashKey="0")
    assert put["ShardId"] == SHARD0
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        _retry(kinesis, lambda: kinesis.get_shard_iterator(
            StreamName=name, ShardId=SHARD1, ShardIteratorType="AT_SEQUENCE_NUMBER",
            StartingSequenceNumber=put["SequenceNumber"]))
    assert error_of(raised) == ("InvalidArgumentException",
                                f"Invalid StartingSequenceNumber. It encodes {SHARD0}, "
                                f"while it was used in a call to a shard with {SHARD1}")


def test_tampered_sequence_number_is_an_invalid_argument_not_a_server_error(kinesis, make_stream):
    name = make_stream()
    sequence = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k")["SequenceNumber"]
    tampered = str(int(sequence) + 10**22)
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        _retry(kinesis, lambda: kinesis.get_shard_iterator(
            StreamName=name, ShardId=SHARD0, ShardIteratorType="AT_SEQUENCE_NUMBER",
            StartingSequenceNumber=tampered))
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400, error_of(raised)
    assert error_of(raised)[0] == "InvalidArgumentException"


def test_shard_id_is_resolved_by_its_number(kinesis, make_stream):
    """Real GetShardIterator takes 'shardId-0', 'shard-0' or 'anything-0' for shardId-000000000000
    (kinesalite 'should work with random shard ID with hyphen', recorded against AWS)."""
    name = make_stream()
    kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k")
    for shard_id in ("shardId-0", "shard-0", "my-consumer-0"):
        iterator = _iterator(kinesis, name, shard_id)
        assert [r["Data"] for r in get_records(kinesis, iterator)["Records"]] == [b"x"]


def test_shard_id_without_a_number_cannot_be_found(kinesis, make_stream):
    """kinesalite (recorded against AWS): 'Could not find shard ABKLFD8 in stream S under account A.'"""
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as raised:
        _retry(kinesis, lambda: kinesis.get_shard_iterator(StreamName=name, ShardId="ABKLFD8",
                                                           ShardIteratorType="LATEST"))
    assert error_of(raised) == ("ResourceNotFoundException",
                                f"Could not find shard ABKLFD8 in stream {name} under account {ACCOUNT}.")


def test_iterator_type_arguments(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        _retry(kinesis, lambda: kinesis.get_shard_iterator(StreamName=name, ShardId=SHARD0,
                                                           ShardIteratorType="AT_TIMESTAMP"))
    assert error_of(raised)[1] == ("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
                                   "Current request has no timestamp parameter.")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        _retry(kinesis, lambda: kinesis.get_shard_iterator(StreamName=name, ShardId=SHARD0,
                                                           ShardIteratorType="LATEST", StartingSequenceNumber="5"))
    assert error_of(raised)[1].endswith("Request specified LATEST and also a StartingSequenceNumber.")
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        _retry(kinesis, lambda: kinesis.get_shard_iterator(StreamName=name, ShardId=SHARD0,
                                                           ShardIteratorType="SOMEWHERE"))
    assert error_of(raised)[0] == "ValidationException"


def test_at_timestamp_in_the_future_is_refused(kinesis, make_stream):
    name = make_stream()
    kinesis.put_record(StreamName=name, Data=b"before", PartitionKey="k")
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        _iterator(kinesis, name, SHARD0, "AT_TIMESTAMP", Timestamp=future)
    code, message = error_of(raised)
    # AWS's words, as Kinesis clients logged them
    assert code == "InvalidArgumentException"
    assert re.fullmatch(r"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis\. "
                        r"timestampInMillis: (\d+), currentTimestampInMillis: (\d+)", message), message
    sent, now = map(int, re.findall(r"\d+", message))
    # botocore sent whole seconds until late 2026, milliseconds since
    assert sent in (int(future.timestamp()) * 1000, int(future.timestamp() * 1000)) and sent > now


def test_latest_then_put_then_get_sees_only_the_new_record(kinesis, make_stream):
    name = make_stream()
    kinesis.put_record(StreamName=name, Data=b"before", PartitionKey="k")
    latest = _iterator(kinesis, name, SHARD0, "LATEST")
    empty = get_records(kinesis, latest)
    assert empty["Records"] == [] and empty["MillisBehindLatest"] == 0
    kinesis.put_record(StreamName=name, Data=b"after", PartitionKey="k")
    answer = get_records(kinesis, empty["NextShardIterator"])
    assert [r["Data"] for r in answer["Records"]] == [b"after"]
    assert answer["MillisBehindLatest"] == 0


# --- GetRecords ------------------------------------------------------------------------------------------

def test_get_records_limit_bounds(kinesis, make_stream):
    name = make_stream()
    iterator = _iterator(kinesis, name, SHARD0)
    for bad, bound in ((0, "greater than or equal to 1"), (10001, "less than or equal to 10000")):
        with pytest.raises(kinesis.exceptions.ClientError) as raised:
            kinesis.get_records(ShardIterator=iterator, Limit=bad)
        assert error_of(raised) == (
            "ValidationException",
            f"1 validation error detected: Value '{bad}' at 'limit' failed to satisfy constraint: "
            f"Member must have value {bound}")
    assert get_records(kinesis, iterator, Limit=10000)["Records"] == []


def test_millis_behind_latest_is_positive_while_records_remain(kinesis, make_stream):
    name = make_stream()
    kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="k")
    time.sleep(1.2)
    kinesis.put_record(StreamName=name, Data=b"new", PartitionKey="k")
    first = get_records(kinesis, _iterator(kinesis, name, SHARD0), Limit=1)
    assert [r["Data"] for r in first["Records"]] == [b"old"]
    assert first["MillisBehindLatest"] >= 1000
    rest = get_records(kinesis, first["NextShardIterator"])
    assert [r["Data"] for r in rest["Records"]] == [b"new"] and rest["MillisBehindLatest"] == 0


def test_closed_shard_ends_without_next_iterator_and_names_children(kinesis, make_stream):
    name = make_stream()
    kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k")
    latest = _iterator(kinesis, name, SHARD0, "LATEST")
    kinesis.split_shard(StreamName=name, ShardToSplit=SHARD0, NewStartingHashKey=str(2**127))
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    iterator, answer = latest, None
    for _ in range(10):
        answer = get_records(kinesis, iterator)
        if "NextShardIterator" not in answer or answer["NextShardIterator"] is None:
            break
        iterator = answer["NextShardIterator"]
    assert answer.get("NextShardIterator") is None
    assert sorted(c["ShardId"] for c in answer["ChildShards"]) == ["shardId-000000000001", "shardId-000000000002"]
    assert all(c["ParentShards"] == [SHARD0] for c in answer["ChildShards"])


@pytest.mark.local_only
def test_expired_iterator_and_fresh_next_iterator(kinesis, make_stream, clock):
    name = make_stream()
    iterator = _iterator(kinesis, name, SHARD0)
    clock(301)
    with pytest.raises(kinesis.exceptions.ExpiredIteratorException) as raised:
        kinesis.get_records(ShardIterator=iterator)
    assert error_of(raised)[1].startswith("Iterator expired.")


# --- Retention ---------------------------------------------------------------------------------------------

def test_retention_bounds_and_direction_messages(kinesis, make_stream):
    name = make_stream()
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=8760)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=9000)
    assert error_of(raised)[1] == (
        f"Requested retention period (9000 hours) for stream {name} can not be longer than existing retention "
        "period (8760 hours). Use IncreaseRetentionPeriod API.")
    kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=23)
    assert error_of(raised)[1] == ("Minimum allowed retention period is 24 hours. "
                                   "Requested retention period (23 hours) is too short.")
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["RetentionPeriodHours"] == 24


# --- Tags ------------------------------------------------------------------------------------------------------

def test_tags_limit_and_list_paging(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.add_tags_to_stream(StreamName=name, Tags={f"k{i:02d}": "v" for i in range(51)})
    kinesis.add_tags_to_stream(StreamName=name, Tags={f"k{i:02d}": "v" for i in range(5)})
    page = kinesis.list_tags_for_stream(StreamName=name, Limit=2)
    assert [t["Key"] for t in page["Tags"]] == ["k00", "k01"] and page["HasMoreTags"] is True
    rest = kinesis.list_tags_for_stream(StreamName=name, ExclusiveStartTagKey="k01")
    assert [t["Key"] for t in rest["Tags"]] == ["k02", "k03", "k04"] and rest["HasMoreTags"] is False
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.list_tags_for_stream(StreamName=name, Limit=51)
    assert error_of(raised)[0] == "ValidationException"
    arn = _arn(name)
    kinesis.tag_resource(ResourceARN=arn, Tags={"by-arn": "yes"})
    assert {"Key": "by-arn", "Value": "yes"} in kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"]


def test_tag_keys_with_characters_outside_the_allowed_set_are_refused(kinesis, make_stream):
    """Tag: 'Valid characters: Unicode letters, digits, white space, _ . / = + - % @'
    https://docs.aws.amazon.com/kinesis/latest/APIReference/API_Tag.html ; kinesalite (recorded against
    AWS): InvalidArgumentException 'Some tags contain invalid characters. Valid characters: ...'."""
    name = make_stream()
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.add_tags_to_stream(StreamName=name, Tags={"abc;def": "1"})
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == []


# --- Resharding --------------------------------------------------------------------------------------------------

def test_update_shard_count_beyond_double_or_below_half(kinesis, make_stream):
    name = make_stream(shards=4)
    with pytest.raises(kinesis.exceptions.LimitExceededException):
        kinesis.update_shard_count(StreamName=name, TargetShardCount=9, ScalingType="UNIFORM_SCALING")
    with pytest.raises(kinesis.exceptions.LimitExceededException):
        kinesis.update_shard_count(StreamName=name, TargetShardCount=1, ScalingType="UNIFORM_SCALING")
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["OpenShardCount"] == 4


def test_update_shard_count_messages_as_aws_words_them(kinesis, make_stream):
    """kinesalite updateShardCount tests (recorded against AWS)."""
    name = make_stream(shards=2)
    with pytest.raises(kinesis.exceptions.LimitExceededException) as raised:
        kinesis.update_shard_count(StreamName=name, TargetShardCount=6, ScalingType="UNIFORM_SCALING")
    assert error_of(raised)[1] == ("UpdateShardCount cannot scale up over double your current open shard count. "
                                   "Current open shard count: 2, Target shard count: 6")


def test_merge_of_non_adjacent_shards(kinesis, make_stream):
    name = make_stream(shards=3)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
        kinesis.merge_shards(StreamName=name, ShardToMerge=SHARD0, AdjacentShardToMerge="shardId-000000000002")
    assert error_of(raised)[1] == (
        f"Shards {SHARD0} and shardId-000000000002 in stream {name} under account {ACCOUNT} are not an "
        "adjacent pair of shards eligible for merging")


def test_split_with_a_starting_hash_key_outside_the_shard(kinesis, make_stream):
    name = make_stream(shards=2)
    end = 2**127 - 1
    for bad in ("0", str(end + 1)):
        with pytest.raises(kinesis.exceptions.InvalidArgumentException) as raised:
            _retry(kinesis, lambda: kinesis.split_shard(StreamName=name, ShardToSplit=SHARD0, NewStartingHashKey=bad))
        assert error_of(raised)[1] == (
            f"NewStartingHashKey {bad} used in SplitShard() on shard {SHARD0} in stream {name} under account "
            f"{ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the "
            f"shard's EndingHashKey {end}.")
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.split_shard(StreamName=name, ShardToSplit=SHARD0, NewStartingHashKey="12abc")
    assert error_of(raised)[0] == "ValidationException"


# --- Consumers ---------------------------------------------------------------------------------------------------

def test_duplicate_consumer_name_and_describe_by_arn(kinesis, make_stream):
    name = make_stream()
    consumer = kinesis.register_stream_consumer(StreamARN=_arn(name), ConsumerName="app")["Consumer"]
    with pytest.raises(kinesis.exceptions.ResourceInUseException):
        kinesis.register_stream_consumer(StreamARN=_arn(name), ConsumerName="app")
    described = kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"]
    assert described["ConsumerName"] == "app" and described["StreamARN"] == _arn(name)
    assert described["ConsumerStatus"] in ("CREATING", "ACTIVE")
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.describe_stream_consumer(StreamARN=_arn(name))
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_consumer(StreamARN=_arn(name), ConsumerName="nobody")


def test_delete_with_consumers_needs_enforce_consumer_deletion(kinesis):
    name = _name()
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    kinesis.register_stream_consumer(StreamARN=_arn(name), ConsumerName="app")
    with pytest.raises(kinesis.exceptions.ResourceInUseException):
        kinesis.delete_stream(StreamName=name)
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})


# --- Encryption, monitoring, limits --------------------------------------------------------------------------------

def test_start_encryption_with_a_key_arn_and_stop(kinesis, make_stream):
    name = make_stream()
    key_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/kinesis"
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key_arn)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", key_arn)
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.start_stream_encryption(StreamName=name, EncryptionType="AES", KeyId=key_arn)
    assert error_of(raised)[0] == "ValidationException"
    kinesis.stop_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key_arn)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["EncryptionType"] == "NONE"


def test_enhanced_monitoring_rejects_unknown_metrics(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["Latency"])
    assert error_of(raised)[0] == "ValidationException"
    answer = kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes"])
    assert answer["StreamName"] == name and answer["DesiredShardLevelMetrics"] == ["IncomingBytes"]
    assert answer["CurrentShardLevelMetrics"] == []


def test_describe_limits_fields(kinesis):
    limits = kinesis.describe_limits()
    for field in ("ShardLimit", "OpenShardCount", "OnDemandStreamCount", "OnDemandStreamCountLimit"):
        assert isinstance(limits[field], int) and limits[field] >= 0
