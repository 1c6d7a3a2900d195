"""A payments team already streams card authorisations into a Kinesis data stream with the
KPL (aggregation on). The data team hangs a Firehose stream off it
(KinesisStreamAsSource) that partitions by the authorising network with a JQ query and
writes one line per authorisation. They check what the console shows (the Source block of
DescribeDeliveryStream, the stream listed only under its type), that their old
direct-put producer and the encryption call are refused in Firehose's words, and that
every KPL user record arrives as itself, in order within its network's object; one user
record that is not JSON goes to the error prefix with its own bytes."""
import base64
import json
import uuid

import pytest
from aws_kinesis_agg.aggregator import RecordAggregator

from trip10_firehose_helpers import kinesis_sourced, partitioned_by_query, s3_destination
from trip_helpers import error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-payments"
NOT_PERMITTED = "This operation is not permitted on KinesisStreamAsSource delivery stream type."


@pytest.fixture
def auth_delivery(client, bucket, kinesis_streams):
    firehose = client("firehose")
    source_name, source_arn = kinesis_streams("card-auths", shards=2)
    name = kinesis_sourced(
        firehose, f"auths-{uuid.uuid4().hex[:10]}", source_arn, ROLE, s3_destination(
            ROLE, bucket, **partitioned_by_query("auths/network=!{partitionKeyFromQuery:network}/",
                                                 "auths-errors/!{firehose:error-output-type}/",
                                                 "{network: .card.network | ascii_downcase}")))
    yield name, source_name, source_arn
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_kpl_authorisations_partitioned_by_network(client, clock, bucket, auth_delivery):
    firehose, kinesis, s3 = client("firehose"), client("kinesis"), client("s3")
    name, source_name, source_arn = auth_delivery
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert described["DeliveryStreamType"] == "KinesisStreamAsSource"
    source = described["Source"]["KinesisStreamSourceDescription"]
    assert (source["KinesisStreamARN"], source["RoleARN"]) == (source_arn, ROLE)
    assert "DeliveryStartTimestamp" in source
    assert name in firehose.list_delivery_streams(DeliveryStreamType="KinesisStreamAsSource",
                                                  Limit=10000)["DeliveryStreamNames"]
    assert name not in firehose.list_delivery_streams(DeliveryStreamType="DirectPut",
                                                      Limit=10000)["DeliveryStreamNames"]

    assert error_of(firehose.put_record, DeliveryStreamName=name, Record={"Data": b"{}"}) == (
        "InvalidArgumentException", NOT_PERMITTED)
    assert error_of(firehose.put_record_batch, DeliveryStreamName=name, Records=[{"Data": b"{}"}]) == (
        "InvalidArgumentException", NOT_PERMITTED)
    assert error_of(firehose.start_delivery_stream_encryption, DeliveryStreamName=name)[0] == \
        "InvalidArgumentException"

    networks = ["VISA", "Mastercard", "Amex"]
    auths = [{"auth": n, "card": {"network": networks[n % 3], "last4": f"{1000 + n}"}, "cents": 100 * n + 7}
             for n in range(45)]
    garbled = b"auth=999;network=visa"
    aggregator, aggregated = RecordAggregator(), []
    for auth in auths[:30]:
        full = aggregator.add_user_record(f"merchant-{auth['auth'] % 4}", json.dumps(auth).encode())
        if full:
            aggregated.append(full)
    if aggregator.get_num_user_records():
        aggregated.append(aggregator.clear_and_get())
    aggregator.add_user_record("merchant-x", garbled)
    for auth in auths[30:]:
        aggregator.add_user_record(f"merchant-{auth['auth'] % 4}", json.dumps(auth).encode())
    aggregated.append(aggregator.clear_and_get())
    for record in aggregated:
        partition_key, explicit_hash_key, data = record.get_contents()
        hashed = {"ExplicitHashKey": explicit_hash_key} if explicit_hash_key else {}
        kinesis.put_record(StreamName=source_name, Data=data, PartitionKey=partition_key, **hashed)
    clock(2)
    clock(61)

    keys = wait_for(lambda: keys_under(s3, bucket, "auths/"))
    delivered = {}
    for key in keys:
        delivered.setdefault(key.split("/")[1], b"")
        delivered[key.split("/")[1]] += s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert sorted(delivered) == ["network=amex", "network=mastercard", "network=visa"]
    for network in networks:
        lines = delivered[f"network={network.lower()}"].splitlines(keepends=True)
        assert all(line.endswith(b"}\n") for line in lines)
        assert sorted(json.loads(line)["auth"] for line in lines) == [
            a["auth"] for a in auths if a["card"]["network"] == network]
        assert sorted(lines) == sorted(json.dumps(a).encode() + b"\n" for a in auths
                                       if a["card"]["network"] == network)

    failed = wait_for(lambda: keys_under(s3, bucket, "auths-errors/"))
    assert [k.split("/")[1] for k in failed] == ["processing-failed"]
    document = json.loads(s3.get_object(Bucket=bucket, Key=failed[0])["Body"].read())
    assert document["errorCode"] == "DynamicPartitioning.MetadataExtractionFailed"
    assert base64.b64decode(document["rawData"]) == garbled
