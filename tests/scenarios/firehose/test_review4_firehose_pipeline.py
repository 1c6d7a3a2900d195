"""A user's fourth pass over Firehose: a full 500-record batch and the limits around it,
a `!{timestamp:...}` expression holding slashes, dynamic partitioning with de-aggregated
JSON and appended delimiters read back gzipped, Parquet read by pandas, and a Kinesis
source fed KPL-aggregated records by aws_kinesis_agg."""
import base64
import datetime
import gzip
import io
import json
import re
import uuid

import pandas as pd
import pytest
from aws_kinesis_agg.aggregator import RecordAggregator
from botocore.exceptions import ClientError
from firehose_helpers import (ROLE, active_kinesis_stream, kinesis_source_args, objects, partitioned, processor,
                              wait_for_objects)

pytestmark = pytest.mark.local_only

STAMP = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _by_partition(delivered, key_pattern, read):
    """{partition values the key pattern's groups match: what `read` makes of the object}."""
    found = {}
    for key, body in delivered.items():
        match = re.fullmatch(key_pattern, key)
        assert match, key
        found[match.groups()] = read(body)
    return found


def test_a_batch_of_500_is_taken_and_501_or_an_oversized_record_is_refused(firehose, s3, bucket, make_stream,
                                                                             clock):
    name = make_stream(BufferingHints={"SizeInMBs": 5, "IntervalInSeconds": 60})
    answer = firehose.put_record_batch(DeliveryStreamName=name,
                                       Records=[{"Data": f"{i}\n".encode()} for i in range(500)])
    assert answer["FailedPutCount"] == 0 and len(answer["RequestResponses"]) == 500
    assert answer["Encrypted"] is False

    code, message = _error(firehose.put_record_batch, DeliveryStreamName=name, Records=[{"Data": b"x"}] * 501)
    assert code == "ValidationException"
    # AWS prints the Java value of the list: every record's ByteBuffer
    assert message.startswith("1 validation error detected: Value '[Record(data=java.nio.HeapByteBuffer[pos=0 lim=1 "
                              "cap=1]), ")
    assert message.endswith("]' at 'records' failed to satisfy constraint: Member must have length less than or "
                            "equal to 500")

    code, message = _error(firehose.put_record, DeliveryStreamName=name, Record={"Data": b"x" * 1_024_001})
    assert code == "ValidationException"
    assert "at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000" \
        in message
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"y" * 1_024_000})

    clock(61)
    (_, body), = wait_for_objects(s3, bucket).items()
    assert body == b"".join(f"{i}\n".encode() for i in range(500)) + b"y" * 1_024_000


def test_a_timestamp_expression_may_hold_slashes(firehose, s3, bucket, make_stream, clock):
    name = make_stream(Prefix="logs/!{timestamp:yyyy/MM/dd}/",
                       ErrorOutputPrefix="logs-failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                       BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 60})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"line\n"})
    clock(61)
    (key, body), = wait_for_objects(s3, bucket).items()
    assert re.fullmatch(rf"logs/\d{{4}}/\d{{2}}/\d{{2}}/{name}-1-{STAMP}", key), key
    assert body == b"line\n"


def test_deaggregated_json_partitioned_by_two_keys_with_delimiters_and_gzip(firehose, s3, bucket, make_stream,
                                                                             clock):
    name = make_stream(**partitioned(
        "events/type=!{partitionKeyFromQuery:type}/day=!{partitionKeyFromQuery:day}/",
        "events-errors/!{firehose:error-output-type}/",
        processor("RecordDeAggregation", SubRecordType="JSON"),
        processor("MetadataExtraction", MetadataExtractionQuery='{type: .type, day: .ts | split("T")[0]}',
                  JsonParsingEngine="JQ-1.6"),
        processor("AppendDelimiterToRecord"), CompressionFormat="GZIP"))
    events = [{"type": t, "ts": f"2026-12-0{d}T10:00:00Z", "n": n}
              for n, (t, d) in enumerate([("click", 1), ("view", 1), ("click", 2), ("click", 1)])]
    # one Firehose record holding several JSON documents back to back, as producers batch them
    firehose.put_record(DeliveryStreamName=name, Record={"Data": "".join(json.dumps(e) for e in events[:3]).encode()})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": json.dumps(events[3]).encode()})
    clock(61)
    found = _by_partition(wait_for_objects(s3, bucket, "events/", count=3),
                          rf"events/type=(\w+)/day=([\d-]+)/{name}-1-{STAMP}\.gz",
                          lambda body: [json.loads(line) for line in gzip.decompress(body).decode().splitlines()])
    assert found == {("click", "2026-12-01"): [events[0], events[3]], ("view", "2026-12-01"): [events[1]],
                     ("click", "2026-12-02"): [events[2]]}
    assert objects(s3, bucket, "events-errors/") == {}


def test_parquet_written_by_the_stream_is_read_by_pandas(lakebox_server, firehose, s3, bucket, make_stream, clock):
    glue = lakebox_server.client("glue")
    database = f"db_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_table(DatabaseName=database, TableInput={"Name": "orders", "StorageDescriptor": {
        "Columns": [{"Name": "order_id", "Type": "string"}, {"Name": "amount", "Type": "decimal(10,2)"},
                    {"Name": "ordered_at", "Type": "timestamp"}],
        "Location": f"s3://{bucket}/orders/"}})
    name = make_stream(Prefix="orders/dt=!{timestamp:yyyy-MM-dd}/", ErrorOutputPrefix="orders-errors/",
                       BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
                       DataFormatConversionConfiguration={
                           "Enabled": True,
                           "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "orders"},
                           "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                           "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}})
    orders = [{"order_id": f"o-{i}", "amount": f"{i}.25", "ordered_at": f"2026-12-03 10:00:0{i}"} for i in range(5)]
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": json.dumps(o).encode()} for o in orders])
    clock(61)
    (key, body), = wait_for_objects(s3, bucket, "orders/").items()
    assert re.fullmatch(rf"orders/dt=\d{{4}}-\d{{2}}-\d{{2}}/{name}-1-{STAMP}\.parquet", key), key
    frame = pd.read_parquet(io.BytesIO(body))
    assert list(frame.columns) == ["order_id", "amount", "ordered_at"]
    assert list(frame["order_id"]) == [o["order_id"] for o in orders]
    assert [str(a) for a in frame["amount"]] == [o["amount"] for o in orders]
    assert [t.isoformat(sep=" ") for t in frame["ordered_at"]] == [o["ordered_at"] for o in orders]
    assert objects(s3, bucket, "orders-errors/") == {}
    glue.delete_table(DatabaseName=database, Name="orders")
    glue.delete_database(Name=database)


def test_kpl_aggregated_records_from_a_kinesis_source_arrive_as_user_records(lakebox_server, firehose, s3, bucket,
                                                                              make_stream, clock):
    kinesis = lakebox_server.client("kinesis")
    source = f"src-{uuid.uuid4().hex[:10]}"
    arn = active_kinesis_stream(kinesis, source, shards=2)
    delivery = make_stream(kinesis_source_args(arn, bucket, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 60}))
    described = firehose.describe_delivery_stream(DeliveryStreamName=delivery)["DeliveryStreamDescription"]
    assert "DeliveryStartTimestamp" in described["Source"]["KinesisStreamSourceDescription"]

    user_records = [(f"device-{i % 5}", f'{{"reading": {i}}}\n'.encode()) for i in range(120)]
    aggregator = RecordAggregator()
    aggregated = [full for key, data in user_records if (full := aggregator.add_user_record(key, data))]
    aggregated.append(aggregator.clear_and_get())
    for record in aggregated:
        partition_key, explicit_hash_key, data = record.get_contents()
        hashed = {"ExplicitHashKey": explicit_hash_key} if explicit_hash_key else {}
        kinesis.put_record(StreamName=source, Data=data, PartitionKey=partition_key, **hashed)
    kinesis.put_record(StreamName=source, Data=b'{"plain": true}\n', PartitionKey="plain")
    clock(2)
    clock(61)
    delivered = b"".join(wait_for_objects(s3, bucket).values())
    assert sorted(delivered.splitlines(keepends=True)) == sorted([d for _, d in user_records]
                                                                 + [b'{"plain": true}\n'])
    firehose.delete_delivery_stream(DeliveryStreamName=delivery)
    kinesis.delete_stream(StreamName=source, EnforceConsumerDeletion=True)


def _subscription_message(kind, messages):
    """A record as a CloudWatch Logs subscription filter sends it: gzipped JSON."""
    return gzip.compress(json.dumps({
        "messageType": kind, "owner": "000000000000", "logGroup": "/app/api", "logStream": "i-1",
        "subscriptionFilters": ["to-firehose"],
        "logEvents": [{"id": str(n), "timestamp": 1796300000000 + n, "message": m} for n, m in enumerate(messages)],
    }).encode())


def test_cloudwatch_logs_subscription_records_are_decompressed_and_their_messages_extracted(
        lakebox_server, firehose, s3, bucket, make_stream, clock):
    # the subscription writes into a Kinesis stream the delivery stream reads: direct puts into
    # a decompressing stream are CloudWatch Logs' own (InvalidSourceException for a caller)
    kinesis = lakebox_server.client("kinesis")
    source = f"src-{uuid.uuid4().hex[:10]}"
    arn = active_kinesis_stream(kinesis, source, shards=1)
    name = make_stream(kinesis_source_args(arn, bucket, **partitioned(
        "logs/level=!{partitionKeyFromQuery:level}/", "logs-errors/!{firehose:error-output-type}/",
        processor("Decompression", CompressionFormat="GZIP"),
        processor("CloudWatchLogProcessing", DataMessageExtraction="true"),
        processor("RecordDeAggregation", SubRecordType="JSON"),
        processor("MetadataExtraction", MetadataExtractionQuery="{level: .level}", JsonParsingEngine="JQ-1.6"),
        processor("AppendDelimiterToRecord"))))
    events = [{"level": "INFO", "msg": "started"}, {"level": "ERROR", "msg": "boom"}, {"level": "INFO", "msg": "ok"}]
    not_json = _subscription_message("DATA_MESSAGE", ["plain text, no level"])
    for data in (_subscription_message("DATA_MESSAGE", [json.dumps(e) for e in events]),
                 _subscription_message("CONTROL_MESSAGE", ["CWL CONTROL MESSAGE: Checking health of destination"]),
                 b"not gzip at all", not_json):
        kinesis.put_record(StreamName=source, Data=data, PartitionKey="i-1")
    clock(2)
    clock(61)
    delivered = wait_for_objects(s3, bucket, count=4)
    logs = {re.match(r"logs/level=(\w+)/", key)[1]: [json.loads(line) for line in body.decode().splitlines()]
            for key, body in delivered.items() if key.startswith("logs/")}
    assert logs == {"INFO": [events[0], events[2]], "ERROR": [events[1]]}

    # "delivered to an S3 bucket prefix called decompression-failed", the record as it came
    (failed_body,), = [[b for k, b in delivered.items() if k.startswith("logs-errors/decompression-failed/")]]
    assert base64.b64decode(json.loads(failed_body)["rawData"]) == b"not gzip at all"
    # a failure after decompression keeps the record "in compressed format"
    (partition_body,), = [[b for k, b in delivered.items() if k.startswith("logs-errors/processing-failed/")]]
    assert base64.b64decode(json.loads(partition_body)["rawData"]) == not_json
    kinesis.delete_stream(StreamName=source, EnforceConsumerDeletion=True)


def test_partitioned_parquet_lands_one_file_per_partition(lakebox_server, firehose, s3, bucket, make_stream, clock):
    glue = lakebox_server.client("glue")
    database = f"db_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_table(DatabaseName=database, TableInput={"Name": "sales", "StorageDescriptor": {
        "Columns": [{"Name": "region", "Type": "string"}, {"Name": "units", "Type": "int"}],
        "Location": f"s3://{bucket}/sales/"}})
    name = make_stream(**partitioned(
        "sales/region=!{partitionKeyFromQuery:region}/", "sales-errors/!{firehose:error-output-type}/",
        processor("MetadataExtraction", MetadataExtractionQuery="{region: .region}", JsonParsingEngine="JQ-1.6"),
        DataFormatConversionConfiguration={
            "Enabled": True,
            "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "sales"},
            "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
            "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "GZIP"}}}}))
    sales = [{"region": r, "units": n} for n, r in enumerate(["eu", "us", "eu", "ap", "eu"])]
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": json.dumps(s).encode()} for s in sales])
    clock(61)
    frames = _by_partition(wait_for_objects(s3, bucket, "sales/", count=3),
                           rf"sales/region=(\w+)/{name}-1-{STAMP}\.parquet",
                           lambda body: pd.read_parquet(io.BytesIO(body)).to_dict("records"))
    assert frames == {("eu",): [sales[0], sales[2], sales[4]], ("us",): [sales[1]], ("ap",): [sales[3]]}
    glue.delete_table(DatabaseName=database, Name="sales")
    glue.delete_database(Name=database)


def test_custom_time_zone_names_both_the_folders_and_the_object(firehose, s3, bucket, make_stream, clock):
    """"the time zone used for time prefix and suffix is in UTC, but you can change it"."""
    names = {zone: make_stream(CustomTimeZone=zone, Prefix=f"{zone}/",
                               BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 60})
             for zone in ("UTC", "Asia/Kolkata")}
    for name in names.values():
        firehose.put_record(DeliveryStreamName=name, Record={"Data": b"namaste\n"})
    clock(61)
    moments = {}
    for zone, name in names.items():
        (key, _), = wait_for_objects(s3, bucket, f"{zone}/").items()
        match = re.fullmatch(rf"{zone}/(\d{{4}})/(\d{{2}})/(\d{{2}})/(\d{{2}})/{name}-1-"
                             r"(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-\d{2}-[0-9a-f-]{36}", key)
        assert match, key
        parts = list(map(int, match.groups()))
        folder, named = datetime.datetime(*parts[:4]), datetime.datetime(*parts[4:])
        assert folder == named.replace(minute=0)
        moments[zone] = named
    # both records arrived within the same minute or two; India is 5:30 ahead of UTC
    ahead = moments["Asia/Kolkata"] - moments["UTC"]
    assert datetime.timedelta(hours=5, minutes=28) <= ahead <= datetime.timedelta(hours=5, minutes=32)
