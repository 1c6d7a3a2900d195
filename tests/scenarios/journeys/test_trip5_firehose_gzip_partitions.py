"""Order events from a Kinesis stream into the lake by customer and kind: a Firehose
delivery stream reads the stream (KinesisStreamAsSource; producers cannot put to it
directly), pulls two partition keys out of the nested JSON with one JQ query, appends a
newline to each record and writes GZIP files under `orders/cust=.../channel=.../`; a
crawler catalogs the gzipped JSON as a two-level partitioned table and Athena sums it."""
import gzip
import json
import uuid

import pytest

from trip_helpers import active_stream, athena_rows, crawl_once, error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose"
ORDERS = [{"order_id": i, "kind": ["web", "store"][i % 2], "customer": {"id": f"c{i % 3}", "tier": "gold"},
           "total": round(10 + i * 0.5, 2)} for i in range(24)]


@pytest.fixture
def stream(client):
    kinesis = client("kinesis")
    name, arn = active_stream(kinesis, "orders")
    yield name, arn
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


@pytest.fixture
def delivery(client, bucket, stream):
    firehose, name = client("firehose"), f"orders-lake-{uuid.uuid4().hex[:8]}"
    processors = [{"Type": "MetadataExtraction", "Parameters": [
        {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{cust: .customer.id, channel: .kind}"},
        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]},
        {"Type": "AppendDelimiterToRecord", "Parameters": []}]
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream[1], "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "CompressionFormat": "GZIP",
            "Prefix": "orders/cust=!{partitionKeyFromQuery:cust}/channel=!{partitionKeyFromQuery:channel}/",
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
            "DynamicPartitioningConfiguration": {"Enabled": True},
            "ProcessingConfiguration": {"Enabled": True, "Processors": processors}})
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_kinesis_to_gzip_partitions_crawled_and_summed(client, clock, bucket, database, stream, delivery):
    kinesis, firehose, s3, glue, athena = (client("kinesis"), client("firehose"), client("s3"), client("glue"),
                                           client("athena"))
    described = firehose.describe_delivery_stream(DeliveryStreamName=delivery)["DeliveryStreamDescription"]
    assert described["DeliveryStreamType"] == "KinesisStreamAsSource"
    assert described["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"] == stream[1]
    destination = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert (destination["CompressionFormat"], destination["DynamicPartitioningConfiguration"]["Enabled"]) == (
        "GZIP", True)
    assert error_of(firehose.put_record, DeliveryStreamName=delivery, Record={"Data": b"{}"}) == (
        "InvalidArgumentException", "This operation is not permitted on KinesisStreamAsSource delivery stream type.")

    sent = kinesis.put_records(StreamName=stream[0], Records=[
        {"Data": json.dumps(o).encode(), "PartitionKey": o["customer"]["id"]} for o in ORDERS])
    assert sent["FailedRecordCount"] == 0
    clock(2)
    clock(61)

    keys = sorted(wait_for(lambda: len(keys_under(s3, bucket, "orders/")) == 6 and keys_under(s3, bucket, "orders/")))
    assert [k.rsplit("/", 1)[0] for k in keys] == [f"orders/cust=c{c}/channel={k}" for c in range(3)
                                                   for k in ("store", "web")]
    assert all(k.endswith(".gz") for k in keys)
    first = gzip.decompress(s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read()).decode()
    assert [json.loads(line)["order_id"] for line in first.splitlines()] == [
        o["order_id"] for o in ORDERS if o["customer"]["id"] == "c0" and o["kind"] == "store"]
    assert s3.list_objects_v2(Bucket=bucket, Prefix="errors/")["KeyCount"] == 0

    crawler = crawl_once(glue, ROLE, database, f"s3://{bucket}/orders/")
    try:
        table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
        assert [(c["Name"], c["Type"]) for c in table["PartitionKeys"]] == [("cust", "string"),
                                                                            ("channel", "string")]
        assert (table["Parameters"]["classification"], table["Parameters"]["compressionType"]) == ("json", "gzip")
        columns = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
        assert columns == {"order_id": "int", "kind": "string", "customer": "struct<id:string,tier:string>",
                           "total": "double"}
        assert len(glue.get_partitions(DatabaseName=database, TableName="orders")["Partitions"]) == 6
        output = f"s3://{bucket}/athena/"
        rows = athena_rows(athena, "SELECT cust, count(*), sum(total), max(customer.tier) FROM orders "
                                   "WHERE channel = 'web' GROUP BY 1 ORDER BY 1", database, output)
        expected = [[c, str(len(of)), str(sum(o["total"] for o in of)), "gold"] for c in ("c0", "c1", "c2")
                    for of in [[o for o in ORDERS if o["customer"]["id"] == c and o["kind"] == "web"]]]
        assert rows == expected
    finally:
        glue.delete_crawler(Name=crawler)
        for t in glue.get_tables(DatabaseName=database)["TableList"]:
            glue.delete_table(DatabaseName=database, Name=t["Name"])
