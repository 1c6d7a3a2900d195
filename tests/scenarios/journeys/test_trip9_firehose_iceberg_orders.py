"""An order service keeps an Iceberg table of orders current through Firehose: the data
engineer creates the table with Athena (`table_type = 'ICEBERG'`, partitioned by day),
then an Iceberg destination stream (IcebergDestinationConfiguration with the Glue
catalog, one table in DestinationTableConfigurationList with `order_id` as its UniqueKeys,
and a JQ-1.6 MetadataExtraction query giving each record's database, table and
operation). The service sends inserts, then updates and a delete in later batches; the
analyst reads the table back through Athena after each flush and the answers are exact:
updated orders once, with their new status; the deleted one gone; its snapshots listed in
`$snapshots`. A second stream, AppendOnly with the table alone in its list and no query,
appends an audit trail of every change. A record naming a table that does not exist is
written to the S3 error output with its raw bytes."""
import base64
import json

import pytest

from trip_helpers import athena_rows, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-iceberg"
CATALOG = "arn:aws:glue:us-east-1:000000000000:catalog"
ROUTING = "{destinationDatabaseName: .db, destinationTableName: .table, operation: .op}"


def iceberg_destination(bucket, database, table, **changes):
    config = {
        "RoleARN": ROLE, "CatalogConfiguration": {"CatalogARN": CATALOG},
        "DestinationTableConfigurationList": [{"DestinationDatabaseName": database, "DestinationTableName": table,
                                               "UniqueKeys": ["order_id"]}],
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": ROUTING},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]},
        "S3Configuration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                            "ErrorOutputPrefix": "iceberg-errors/"}}
    return {**config, **changes}


def order(database, n, op="insert", status="placed", table="orders"):
    return {"db": database, "table": table, "op": op, "order_id": f"o-{n:02d}", "customer": f"c-{n % 3}",
            "amount": f"{10 * n + 0.25:.2f}", "status": status, "placed_at": f"2024-07-0{1 + n % 2} 10:00:00"}


def put(firehose, name, records):
    answer = firehose.put_record_batch(DeliveryStreamName=name,
                                       Records=[{"Data": json.dumps(r).encode()} for r in records])
    assert answer["FailedPutCount"] == 0


def test_orders_upserted_into_iceberg_and_read_by_athena(client, clock, bucket, database, delivery_streams):
    firehose, s3, athena = client("firehose"), client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    athena_rows(athena, f"""CREATE TABLE orders (order_id string, customer string, amount decimal(10,2),
        status string, placed_at timestamp) PARTITIONED BY (day(placed_at))
        LOCATION 's3://{bucket}/iceberg/orders/' TBLPROPERTIES ('table_type' = 'ICEBERG')""", database, output)
    athena_rows(athena, f"""CREATE TABLE order_audit (order_id string, status string, amount decimal(10,2))
        LOCATION 's3://{bucket}/iceberg/order_audit/' TBLPROPERTIES ('table_type' = 'ICEBERG')""", database, output)
    current = delivery_streams("orders", IcebergDestinationConfiguration=iceberg_destination(
        bucket, database, "orders"))
    audit_only = [{"DestinationDatabaseName": database, "DestinationTableName": "order_audit"}]
    audit = delivery_streams("audit", IcebergDestinationConfiguration=iceberg_destination(
        bucket, database, "order_audit", AppendOnly=True, ProcessingConfiguration={"Enabled": False},
        DestinationTableConfigurationList=audit_only))
    described = firehose.describe_delivery_stream(DeliveryStreamName=current)["DeliveryStreamDescription"]
    iceberg = described["Destinations"][0]["IcebergDestinationDescription"]
    assert iceberg["DestinationTableConfigurationList"][0]["UniqueKeys"] == ["order_id"]
    assert iceberg["S3BackupMode"] == "FailedDataOnly"
    assert iceberg["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 60}

    first = [order(database, n) for n in range(6)]
    put(firehose, current, first)
    put(firehose, audit, first)
    clock(61)
    query = "SELECT order_id, status, amount, placed_at FROM orders ORDER BY order_id"
    rows = wait_for(lambda: athena_rows(athena, query, database, output))
    assert rows == [[f"o-{n:02d}", "placed", f"{10 * n + 0.25:.2f}", f"2024-07-0{1 + n % 2} 10:00:00.000000"]
                    for n in range(6)]

    changes = [order(database, 1, "update", "shipped"), order(database, 4, "delete"),
               order(database, 2, "update", "packed"), order(database, 2, "update", "shipped"),
               order(database, 7, "update", "placed"), order(database, 8, table="no_such_table")]
    put(firehose, current, changes)
    put(firehose, audit, changes[:4])
    clock(61)
    expected = [["o-00", "placed"], ["o-01", "shipped"], ["o-02", "shipped"], ["o-03", "placed"],
                ["o-05", "placed"], ["o-07", "placed"]]
    wait_for(lambda: athena_rows(athena, "SELECT count(*) FROM orders", database, output) == [["6"]])
    assert athena_rows(athena, "SELECT order_id, status FROM orders ORDER BY order_id", database, output) == expected
    assert athena_rows(athena, "SELECT count(*), sum(amount) FROM orders WHERE placed_at < TIMESTAMP '2024-07-02 00:00:00'",
                       database, output) == [["2", "20.50"]]
    snapshots = athena_rows(athena, 'SELECT operation FROM "orders$snapshots" ORDER BY committed_at', database, output)
    assert [s[0] for s in snapshots] == ["append", "overwrite"]

    audit_rows = athena_rows(athena, "SELECT order_id, status, count(*) FROM order_audit GROUP BY order_id, status "
                                     "ORDER BY order_id, status", database, output)
    assert audit_rows == [["o-00", "placed", "1"], ["o-01", "placed", "1"], ["o-01", "shipped", "1"],
                          ["o-02", "packed", "1"], ["o-02", "placed", "1"], ["o-02", "shipped", "1"],
                          ["o-03", "placed", "1"], ["o-04", "placed", "2"], ["o-05", "placed", "1"]]

    failed = wait_for(lambda: keys_under(s3, bucket, "iceberg-errors/"))
    documents = [json.loads(line) for k in failed for line in s3.get_object(Bucket=bucket, Key=k)["Body"].read().splitlines()]
    assert [json.loads(base64.b64decode(d["rawData"]))["order_id"] for d in documents] == ["o-08"]
