"""A payments producer on an encrypted one-shard stream, as teams write it without the
KPL: security turns on server-side encryption with the team's KMS key (by alias) before
any data flows; the producer bursts PutRecords batches faster than a shard takes them,
keeps the entries that came back with ProvisionedThroughputExceededException and
retries them with back-off until all are in; a ledger entry is put with PutRecord,
SequenceNumberForOrdering and an ExplicitHashKey; the consumer reads from the
sequence number it checkpointed (AFTER_SEQUENCE_NUMBER) and sees every record once,
each marked KMS; while the key is disabled the stream refuses writes and reads with
Kinesis's KMS error."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from trip_helpers import error_of


@pytest.fixture
def payments(client, kinesis_streams, kms_keys):
    kms = client("kms")
    key = kms_keys(Description="payments stream")
    alias = f"alias/payments-{key['KeyId'][:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    name, _ = kinesis_streams("payments")
    yield name, alias, key
    kms.delete_alias(AliasName=alias)


def put_all(kinesis, name, payments):
    """PutRecords until every entry is in, retrying only the failed ones; returns
    (sequence numbers by payment id, how many entries were throttled)."""
    pending, sequences, throttled, pause = list(payments), {}, 0, 0.05
    while pending:
        answer = kinesis.put_records(StreamName=name, Records=[
            {"Data": json.dumps(p).encode(), "PartitionKey": p["account"]} for p in pending])
        assert answer["EncryptionType"] == "KMS"
        retry = []
        for payment, result in zip(pending, answer["Records"]):
            if "ErrorCode" in result:
                assert result["ErrorCode"] == "ProvisionedThroughputExceededException"
                assert result["ErrorMessage"].startswith("Rate exceeded for shard shardId-000000000000 in stream "
                                                         f"{name} under account 000000000000.")
                retry.append(payment)
            else:
                sequences[payment["id"]] = result["SequenceNumber"]
        assert answer["FailedRecordCount"] == len(retry)
        throttled += len(retry)
        pending = retry
        if pending:
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
    return sequences, throttled


def test_encrypted_burst_with_retries(client, payments):
    kinesis, kms = client("kinesis"), client("kms")
    name, alias, key = payments
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=alias)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", alias)

    opening = kinesis.put_record(StreamName=name, Data=b'{"id": "open"}', PartitionKey="ledger",
                                 ExplicitHashKey="0")
    assert (opening["ShardId"], opening["EncryptionType"]) == ("shardId-000000000000", "KMS")
    checkpoint = opening["SequenceNumber"]

    burst = [{"id": f"p{n:04d}", "account": f"acct-{n % 7}", "cents": n * 10} for n in range(2500)]
    sequences, throttled = {}, 0
    for start in range(0, len(burst), 500):
        done, refused = put_all(kinesis, name, burst[start:start + 500])
        sequences.update(done)
        throttled += refused
    assert len(sequences) == 2500 and throttled > 0
    closing = kinesis.put_record(StreamName=name, Data=b'{"id": "close"}', PartitionKey="ledger",
                                 SequenceNumberForOrdering=max(sequences.values(), key=int))
    assert int(closing["SequenceNumber"]) > max(int(s) for s in sequences.values())

    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                          ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                          StartingSequenceNumber=checkpoint)["ShardIterator"]
    seen = []
    while iterator:
        try:
            page = kinesis.get_records(ShardIterator=iterator, Limit=1000)
        except ClientError as error:            # five reads a second per shard
            assert error.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
            time.sleep(0.3)
            continue
        assert all(r["EncryptionType"] == "KMS" for r in page["Records"])
        seen += [json.loads(r["Data"])["id"] for r in page["Records"]]
        iterator = page["NextShardIterator"] if page["MillisBehindLatest"] > 0 or page["Records"] else None
    assert seen[-1] == "close" and sorted(seen[:-1]) == sorted(sequences) and len(seen) == 2501

    kms.disable_key(KeyId=key["KeyId"])
    try:
        code, _ = error_of(kinesis.put_record, StreamName=name, Data=b"{}", PartitionKey="ledger")
        assert code == "KMSDisabledException"
        iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        code, _ = error_of(kinesis.get_records, ShardIterator=iterator)
        assert code == "KMSDisabledException"
    finally:
        kms.enable_key(KeyId=key["KeyId"])
    kinesis.put_record(StreamName=name, Data=b"{}", PartitionKey="ledger")

    assert error_of(kinesis.put_record, StreamName=name, Data=b"{}", PartitionKey="ledger",
                    ExplicitHashKey="340282366920938463463374607431768211456") == (
        "InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
                                    "Specified value was 340282366920938463463374607431768211456")
    assert error_of(kinesis.start_stream_encryption, StreamName=name, EncryptionType="KMS",
                    KeyId="alias/not-a-key")[0] == "KMSNotFoundException"
