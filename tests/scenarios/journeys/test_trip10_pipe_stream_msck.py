"""A shop's order events through an encrypted stream into a Parquet lake, wired by a data
engineer: the Kinesis stream is encrypted with the team's KMS key before any producer
writes; a Firehose delivery stream reads it (KinesisStreamAsSource), converts the JSON to
Parquet with a Glue table's schema and partitions by two keys taken from each event with
JQ (the shop, and the day cut from the order's timestamp) into Hive-style folders. The
analyst's Athena table over the folders knows no partition until MSCK REPAIR TABLE adds
them; SHOW PARTITIONS lists them, and the totals match the orders that were sent."""
import json
import uuid

import pytest

from trip_helpers import athena_execution, athena_rows, keys_under, partitioned_destination, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-orders"
SCHEMA = [{"Name": "order_id", "Type": "int"}, {"Name": "ts", "Type": "string"},
          {"Name": "total", "Type": "decimal(10,2)"}, {"Name": "items", "Type": "array<string>"}]
ORDERS = [{"order_id": i, "shop": ["berlin", "lisbon"][i % 2], "ts": f"2024-05-0{1 + i % 3}T10:{i:02d}:00Z",
           "total": f"{i * 3 + 0.25:.2f}", "items": [f"sku-{i}", f"sku-{i + 1}"][: 1 + i % 2]}
          for i in range(24)]


@pytest.fixture
def stream(client, kinesis_streams, kms_keys):
    kinesis = client("kinesis")
    key = kms_keys(Description="orders stream")
    name, arn = kinesis_streams("orders", shards=2)
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key["Arn"])
    wait_for(lambda: kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "StreamStatus"] == "ACTIVE")
    return name, arn, key


@pytest.fixture
def delivery(client, bucket, database, stream, delivery_streams):
    client("glue").create_table(DatabaseName=database, TableInput={
        "Name": "order_schema", "StorageDescriptor": {"Columns": SCHEMA, "Location": f"s3://{bucket}/schema/"}})
    destination = partitioned_destination(
        bucket, "orders/shop=!{partitionKeyFromQuery:shop}/dt=!{partitionKeyFromQuery:dt}/", None, ROLE,
        delimit=False, query="{shop: .shop, dt: .ts[0:10]}")
    destination["DataFormatConversionConfiguration"] = {
        "Enabled": True,
        "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "order_schema"},
        "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
        "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "GZIP"}}}}
    return delivery_streams(
        "orders-lake", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream[1], "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration=destination)


def test_encrypted_stream_to_parquet_repaired_by_msck(client, clock, bucket, database, stream, delivery):
    kinesis, s3, athena = client("kinesis"), client("s3"), client("athena")
    put = kinesis.put_records(StreamName=stream[0], Records=[
        {"Data": json.dumps(o).encode(), "PartitionKey": str(o["order_id"])} for o in ORDERS])
    assert put["FailedRecordCount"] == 0
    assert put["EncryptionType"] == "KMS"
    clock(61)
    folders = {f"orders/shop={s}/dt=2024-05-0{d}" for s in ("berlin", "lisbon") for d in (1, 2, 3)}

    def delivered():
        found = keys_under(s3, bucket, "orders/")
        return found if {k.rsplit("/", 1)[0] for k in found} == folders else None
    keys = wait_for(delivered)
    assert len(keys) == 6
    assert all(k.endswith(".parquet") for k in keys)
    assert keys_under(s3, bucket, "errors/") == []

    output = f"s3://{bucket}/athena/"
    athena_rows(athena, f"""CREATE EXTERNAL TABLE orders (order_id int, ts string, total decimal(10,2),
        items array<string>) PARTITIONED BY (shop string, dt string) STORED AS PARQUET
        LOCATION 's3://{bucket}/orders/'""", database, output)
    assert athena_rows(athena, "SELECT count(*) FROM orders", database, output) == [["0"]]
    athena_rows(athena, "MSCK REPAIR TABLE orders", database, output)
    shown = athena_execution(athena, "SHOW PARTITIONS orders", database, output)["QueryExecutionId"]
    rows = athena.get_query_results(QueryExecutionId=shown)["ResultSet"]["Rows"]     # a DDL answer: no header
    assert [[c["VarCharValue"] for c in r["Data"]] for r in rows] == [
        [f"shop={s}/dt=2024-05-0{d}"] for s in ("berlin", "lisbon") for d in (1, 2, 3)]
    partitions = client("glue").get_partitions(DatabaseName=database, TableName="orders")["Partitions"]
    assert sorted(p["Values"] for p in partitions) == [[s, f"2024-05-0{d}"] for s in ("berlin", "lisbon")
                                                       for d in (1, 2, 3)]

    expected = {}
    for o in ORDERS:
        count, total, items = expected.get((o["shop"], o["ts"][:10]), (0, 0, 0))
        expected[(o["shop"], o["ts"][:10])] = (count + 1, total + round(float(o["total"]) * 100),
                                               items + len(o["items"]))
    rows = athena_rows(athena, "SELECT shop, dt, count(*), sum(total), sum(cardinality(items)) FROM orders "
                               "GROUP BY shop, dt ORDER BY shop, dt", database, output)
    assert rows == [[s, d, str(c), f"{t // 100}.{t % 100:02d}", str(i)]
                    for (s, d), (c, t, i) in sorted(expected.items())]
    assert athena_rows(athena, "SELECT order_id, items FROM orders WHERE shop = 'lisbon' AND dt = '2024-05-02' "
                               "ORDER BY order_id", database, output) == [
        [str(o["order_id"]), "[" + ", ".join(o["items"]) + "]"] for o in ORDERS
        if o["shop"] == "lisbon" and o["ts"].startswith("2024-05-02")]
